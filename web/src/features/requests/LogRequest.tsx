import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useAccountsQuery, useContactsQuery } from '../../api/hooks.ts';
import {
  type CreateRequestInput,
  REQUEST_TYPES,
  type RequestType,
  useRequestMutations,
  useSimilarRequestsQuery,
} from '../../api/requests.ts';
import { formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { reqStatusLabel, reqTypeLabel } from './labels.ts';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/**
 * Log a request for an account (picked through the accounts search, or fixed on an account 360).
 * While the title is typed, requests like it are shown ("looks like #N"), so a duplicate is seen first.
 */
export function LogRequestButton({ account }: { account?: { id: string; name: string } }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { create } = useRequestMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const [accountQuery, setAccountQuery] = useState('');
  const q = useDebounced(accountQuery, 250);
  const accounts = useAccountsQuery({ q: q || undefined, limit: 20, sort: 'name' }, open && !account);
  const accountId: string | undefined = Form.useWatch('accountId', form) ?? account?.id;
  const contacts = useContactsQuery(open ? accountId : undefined);
  const title: string = Form.useWatch('title', form) ?? '';
  const draft = useDebounced(title, 300);
  const similar = useSimilarRequestsQuery(open ? draft : '');
  const suggestions = draft.trim().length >= 3 ? (similar.data?.items ?? []) : [];
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        {t('logRequest')}
      </Button>
      <Modal
        open={open}
        title={t('logRequest')}
        okText={t('create')}
        cancelText={t('cancel')}
        confirmLoading={create.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
        width={640}
      >
        <Form
          name="request"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ type: 'feature_request', showcase: false }}
          onFinish={(v: {
            accountId?: string;
            contactId?: string;
            type: RequestType;
            productArea?: string;
            title: string;
            description?: string;
            showcase: boolean;
          }) => {
            const input: CreateRequestInput = {
              accountId: account?.id ?? v.accountId!,
              contactId: v.contactId ?? null,
              type: v.type,
              productArea: v.productArea?.trim() || null,
              title: v.title,
              description: v.description?.trim() || null,
              showcase: v.showcase,
            };
            create.mutate(input, {
              onSuccess: (r) => {
                void message.success(`${t('saved')} · #${r.number}`);
                setOpen(false);
              },
              onError: (e) => void message.error(e.message),
            });
          }}
        >
          {account ? (
            <Form.Item label={t('account')}>
              <Typography.Text strong>{account.name}</Typography.Text>
            </Form.Item>
          ) : (
            <Form.Item name="accountId" label={t('account')} rules={[{ required: true }]}>
              <Select
                placeholder={t('searchAccount')}
                showSearch={{ filterOption: false, onSearch: setAccountQuery }}
                loading={accounts.isFetching}
                onChange={() => form.setFieldValue('contactId', undefined)}
                options={(accounts.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))}
              />
            </Form.Item>
          )}
          <Form.Item name="title" label={t('requestTitle')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={300} autoComplete="off" />
          </Form.Item>
          {suggestions.length > 0 && (
            <Alert
              data-testid="similar-requests"
              type="info"
              style={{ marginBottom: 16 }}
              title={
                <Space orientation="vertical" size={2}>
                  {suggestions.map((s) => (
                    <span key={s.requestId}>
                      {t('looksLike')} <strong>#{s.number}</strong> {s.title}{' '}
                      <Typography.Text type="secondary">
                        · {s.accountName} · {reqStatusLabel(t, s.status)} ·{' '}
                        {t('similarity', { n: formatPercent(s.similarity, locale) })}
                      </Typography.Text>
                      {s.wouldGroup && (
                        <Tag color="blue" style={{ marginLeft: 6 }}>
                          {t('wouldJoinGroup')}
                        </Tag>
                      )}
                    </span>
                  ))}
                </Space>
              }
            />
          )}
          <Space wrap>
            <Form.Item name="type" label={t('requestType')}>
              <Select
                style={{ width: 180 }}
                options={REQUEST_TYPES.map((x) => ({ value: x, label: reqTypeLabel(t, x) }))}
              />
            </Form.Item>
            <Form.Item name="productArea" label={t('productArea')}>
              <Input maxLength={100} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="contactId" label={t('contactOptional')}>
              <Select
                allowClear
                style={{ width: 200 }}
                disabled={!accountId}
                showSearch={{ optionFilterProp: 'label' }}
                options={(contacts.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
          </Space>
          <Form.Item name="description" label={t('description')}>
            <Input.TextArea rows={3} maxLength={20_000} />
          </Form.Item>
          <Form.Item name="showcase" valuePropName="checked">
            <Checkbox>{t('showcase')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
