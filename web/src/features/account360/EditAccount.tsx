import { App, DatePicker, Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import dayjs from 'dayjs';
import { useCustomFieldsQuery, useUpdateAccountMutation, useUsersQuery } from '../../api/hooks.ts';
import type { Account, CustomField } from '../../api/types.ts';
import { Loading } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

function fieldInput(f: CustomField) {
  switch (f.type) {
    case 'number':
      return <InputNumber style={{ width: '100%' }} />;
    case 'boolean':
      return <Switch />;
    case 'date':
      return <DatePicker style={{ width: '100%' }} />;
    case 'single_select':
      return <Select allowClear options={f.options.map((o) => ({ value: o, label: o }))} />;
    case 'multi_select':
      return <Select mode="multiple" allowClear options={f.options.map((o) => ({ value: o, label: o }))} />;
    default:
      return <Input />;
  }
}

/**
 * The profile and custom fields in a dialog, open while mounted (Account 360's edit button mounts it
 * on click, so this code loads then).
 */
export function EditAccountDialog({ account, onClose }: { account: Account; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const update = useUpdateAccountMutation(account.id);
  const users = useUsersQuery({ active: 'true' });
  const fields = useCustomFieldsQuery();
  const customInitial = Object.fromEntries(
    (fields.data?.items ?? []).map((f) => {
      const v = account.customFields[f.key];
      return [f.key, f.type === 'date' && typeof v === 'string' ? dayjs(v) : v];
    }),
  );
  return (
    <Modal
      open
      title={t('editProfile')}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={update.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      {/* The form reads its initial values once: it waits for the custom fields. */}
      {fields.data ? (
        <Form
          name="account"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            name: account.name,
            ownerId: account.ownerId,
            region: account.region,
            industry: account.industry,
            licensedSeats: account.licensedSeats,
            tags: account.tags,
            custom: customInitial,
          }}
          onFinish={(v: {
            name: string;
            ownerId: string | null;
            region: string | null;
            industry: string | null;
            licensedSeats: number | null;
            tags: string[];
            custom?: Record<string, unknown>;
          }) => {
            const customFields = Object.fromEntries(
              Object.entries(v.custom ?? {}).map(([k, x]) => [
                k,
                dayjs.isDayjs(x) ? x.format('YYYY-MM-DD') : x === undefined || x === '' ? null : x,
              ]),
            );
            update.mutate(
              {
                name: v.name,
                ownerId: v.ownerId ?? null,
                region: v.region || null,
                industry: v.industry || null,
                licensedSeats: v.licensedSeats ?? null,
                tags: v.tags,
                customFields,
              },
              {
                onSuccess: () => {
                  void message.success(t('saved'));
                  onClose();
                },
                onError: (e) => void message.error(e.message),
              },
            );
          }}
        >
          <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="ownerId" label={t('owner')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
          <Form.Item name="region" label={t('region')}>
            <Input />
          </Form.Item>
          <Form.Item name="industry" label={t('industry')}>
            <Input />
          </Form.Item>
          <Form.Item name="licensedSeats" label={t('seats')}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="tags" label={t('tags')}>
            <Select mode="tags" />
          </Form.Item>
          {(fields.data?.items ?? []).map((f) => (
            <Form.Item
              key={f.key}
              name={['custom', f.key]}
              label={f.label}
              valuePropName={f.type === 'boolean' ? 'checked' : 'value'}
              rules={f.required ? [{ required: true }] : undefined}
            >
              {fieldInput(f)}
            </Form.Item>
          ))}
        </Form>
      ) : (
        <Loading rows={6} />
      )}
    </Modal>
  );
}
