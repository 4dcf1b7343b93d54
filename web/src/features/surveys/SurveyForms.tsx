import { Alert, App, Form, Input, InputNumber, Modal, Radio, Select, Space } from 'antd';
import { useState } from 'react';
import { useAccountsQuery, useContactsQuery } from '../../api/hooks.ts';
import { type SendResult, useRecordResponseMutation, useSendSurveyMutation } from '../../api/surveys.ts';
import { formatDateTime } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { showFieldErrors } from '../account360/form-errors.ts';

type Kind = 'nps' | 'csat';

/** An account chosen by name (the first 20 matches as one types), or the given one. */
function AccountField({ fixed }: { fixed?: { id: string; name: string } }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const accounts = useAccountsQuery({ q: q || undefined, limit: 20 } as never, !fixed);
  const options = fixed
    ? [{ value: fixed.id, label: fixed.name }]
    : (accounts.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }));
  return (
    <Form.Item name="accountId" label={t('surveyAccount')} rules={[{ required: true }]}>
      <Select
        showSearch={{ filterOption: false, onSearch: setQ }}
        disabled={!!fixed}
        placeholder={t('surveyAccountSearch')}
        options={options}
        loading={accounts.isFetching}
        data-testid="survey-account"
      />
    </Form.Item>
  );
}

type RecordForm = { accountId: string; kind: Kind; score: number; contactEmail?: string; comment?: string };

export function RecordAnswerModal({
  open,
  onClose,
  account,
}: {
  open: boolean;
  onClose: () => void;
  account?: { id: string; name: string };
}) {
  const { t, enumLabel } = useI18nEnum();
  const { message } = App.useApp();
  const [form] = Form.useForm<RecordForm>();
  const kind = Form.useWatch('kind', form) ?? 'nps';
  const record = useRecordResponseMutation();
  return (
    <Modal
      open={open}
      title={t('surveyRecord')}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={record.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<RecordForm>
        form={form}
        layout="vertical"
        name="survey-record"
        initialValues={{ kind: 'nps', accountId: account?.id }}
        onFinish={(v) =>
          record.mutate(
            { ...v, contactEmail: v.contactEmail || undefined, comment: v.comment || undefined },
            {
              onSuccess: (r) => {
                void message.success(t(r.taskId ? 'surveyRecordedTask' : 'surveyRecorded'));
                form.resetFields();
                onClose();
              },
              onError: (e) => {
                if (!showFieldErrors(form, e)) void message.error(e.message);
              },
            },
          )
        }
      >
        <AccountField fixed={account} />
        <Form.Item name="kind" label={t('surveyKindLabel')}>
          <Radio.Group
            optionType="button"
            options={(['nps', 'csat'] as const).map((k) => ({ value: k, label: enumLabel('surveyKind', k) }))}
          />
        </Form.Item>
        <Form.Item
          name="score"
          label={`${t('surveyScore')} (${kind === 'nps' ? '0–10' : '1–5'})`}
          rules={[{ required: true }]}
        >
          <InputNumber min={kind === 'nps' ? 0 : 1} max={kind === 'nps' ? 10 : 5} precision={0} />
        </Form.Item>
        <Form.Item name="contactEmail" label={t('surveyContactEmail')} rules={[{ type: 'email' }]}>
          <Input />
        </Form.Item>
        <Form.Item name="comment" label={t('surveyComment')}>
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type SendForm = { accountId: string; kind: Kind; contactIds?: string[]; locale: 'zh-CN' | 'en' };

export function SendSurveyModal({
  open,
  onClose,
  account,
}: {
  open: boolean;
  onClose: () => void;
  account?: { id: string; name: string };
}) {
  const { t, enumLabel, locale } = useI18nEnum();
  const { message } = App.useApp();
  const [form] = Form.useForm<SendForm>();
  const accountId = Form.useWatch('accountId', form) ?? account?.id;
  const contacts = useContactsQuery(accountId);
  const send = useSendSurveyMutation();
  const [result, setResult] = useState<SendResult | null>(null);
  const close = () => {
    setResult(null);
    onClose();
  };
  return (
    <Modal
      open={open}
      title={t('surveySend')}
      okText={result ? t('close') : t('surveySend')}
      cancelText={t('cancel')}
      confirmLoading={send.isPending}
      onCancel={close}
      onOk={() => (result ? close() : form.submit())}
      destroyOnHidden
    >
      {result ? (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="survey-send-result">
          <Alert type="success" message={t('surveySent', { n: result.sent.length })} />
          {result.sent.length > 0 && result.sent.every((s) => !s.delivered) && (
            <Alert type="warning" message={t('surveyNotDelivered')} />
          )}
          {result.skipped.map((s) => (
            <Alert
              key={s.contactId}
              type="info"
              message={
                s.reason === 'throttled'
                  ? t('surveySkippedThrottled', {
                      email: s.email ?? '',
                      at: formatDateTime(s.nextAskAt, locale),
                    })
                  : t('surveySkippedNoEmail')
              }
            />
          ))}
        </Space>
      ) : (
        <Form<SendForm>
          form={form}
          layout="vertical"
          name="survey-send"
          initialValues={{ kind: 'nps', accountId: account?.id, locale }}
          onFinish={(v) =>
            send.mutate(
              { ...v, contactIds: v.contactIds?.length ? v.contactIds : undefined },
              {
                onSuccess: setResult,
                onError: (e) => {
                  if (!showFieldErrors(form, e)) void message.error(e.message);
                },
              },
            )
          }
        >
          <AccountField fixed={account} />
          <Form.Item name="kind" label={t('surveyKindLabel')}>
            <Radio.Group
              optionType="button"
              options={(['nps', 'csat'] as const).map((k) => ({
                value: k,
                label: enumLabel('surveyKind', k),
              }))}
            />
          </Form.Item>
          <Form.Item name="contactIds" label={t('surveyContacts')}>
            <Select
              mode="multiple"
              placeholder={t('surveyAllContacts')}
              options={(contacts.data?.items ?? [])
                .filter((c) => c.email)
                .map((c) => ({ value: c.id, label: `${c.name} <${c.email}>` }))}
            />
          </Form.Item>
          <Form.Item name="locale" label={t('surveyLanguage')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'zh-CN', label: '简体中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

function useI18nEnum() {
  const i = useI18n();
  return { ...i, enumLabel: useEnumLabel() };
}
