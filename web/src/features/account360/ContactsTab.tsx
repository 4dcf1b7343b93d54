import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { type ContactInput, useContactMutations } from '../../api/actions.ts';
import { useContactsQuery } from '../../api/hooks.ts';
import type { Account, Contact } from '../../api/types.ts';
import { QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { showFieldErrors } from './form-errors.ts';
import { enumLabel } from './labels.ts';
import { RowActions } from './RowActions.tsx';

type Role = NonNullable<Contact['role']>;
const CONTACT_ROLES = [
  'decision_maker',
  'economic_buyer',
  'champion',
  'influencer',
  'admin',
  'user',
  'other',
] as const satisfies readonly Role[];

type ContactForm = {
  name: string;
  title?: string | null;
  role?: Role | null;
  email?: string | null;
  phone?: string | null;
  wechatId?: string | null;
  externalUserId?: string | null;
};

/** Empty inputs are "not recorded" (null), never an empty string the server would refuse. */
const orNull = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

/** The account's contacts, with create, edit and delete for roles that may write contacts. */
export function ContactsTab({ account }: { account: Account }) {
  const { t } = useI18n();
  const { can } = useSession();
  const contacts = useContactsQuery(account.id);
  const { remove } = useContactMutations(account.id);
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const mayWrite = can('contacts:write', account);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {mayWrite && (
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="new-contact">
          {t('actNewContact')}
        </Button>
      )}
      <QueryView query={contacts} isEmpty={(d) => d.items.length === 0} empty={t('actNoContacts')}>
        {(d) => (
          <Table<Contact>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={d.items}
            data-testid="contacts-table"
            columns={[
              { title: t('name'), dataIndex: 'name' },
              { title: t('jobTitle'), dataIndex: 'title', render: (v: string | null) => v ?? '—' },
              {
                title: t('actContactRole'),
                dataIndex: 'role',
                render: (v: string | null) => enumLabel(t, 'contactRole', v),
              },
              { title: t('email'), dataIndex: 'email', render: (v: string | null) => v ?? '—' },
              { title: t('phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
              { title: t('wechat'), dataIndex: 'wechatId', render: (v: string | null) => v ?? '—' },
              ...(mayWrite
                ? [
                    {
                      title: t('actActions'),
                      key: 'actions',
                      render: (_: unknown, c: Contact) => (
                        <RowActions onEdit={() => setEditing(c)} onDelete={() => remove.mutateAsync(c.id)} />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </QueryView>
      {editing && (
        <ContactModal
          accountId={account.id}
          contact={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Space>
  );
}

function ContactModal({
  accountId,
  contact,
  onClose,
}: {
  accountId: string;
  contact: Contact | undefined;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ContactForm>();
  const { save } = useContactMutations(accountId);
  const submit = (v: ContactForm) => {
    const input: Partial<ContactInput> = {
      accountId,
      name: v.name.trim(),
      title: orNull(v.title),
      role: v.role ?? null,
      email: orNull(v.email),
      phone: orNull(v.phone),
      wechatId: orNull(v.wechatId),
      externalUserId: orNull(v.externalUserId),
    };
    save.mutate(
      { id: contact?.id, input },
      {
        onSuccess: () => {
          void message.success(t('saved'));
          onClose();
        },
        onError: (e) => {
          if (showFieldErrors(form, e)) void message.error(t('actFixFields'));
          else void message.error(e.message);
        },
      },
    );
  };
  return (
    <Modal
      open
      title={t(contact ? 'actEditContact' : 'actNewContact')}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={save.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<ContactForm>
        name="contact"
        form={form}
        layout="vertical"
        initialValues={contact ?? {}}
        onFinish={submit}
      >
        <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="title" label={t('jobTitle')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="role" label={t('actContactRole')}>
          <Select
            allowClear
            options={CONTACT_ROLES.map((r) => ({ value: r, label: enumLabel(t, 'contactRole', r) }))}
          />
        </Form.Item>
        <Form.Item name="email" label={t('email')}>
          <Input />
        </Form.Item>
        <Form.Item name="phone" label={t('phone')}>
          <Input />
        </Form.Item>
        <Form.Item name="wechatId" label={t('wechat')}>
          <Input />
        </Form.Item>
        <Form.Item name="externalUserId" label={t('actExternalUserId')}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
