import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Switch,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  useTokenMutations,
  useTokensQuery,
  useUserMutations,
  useUsersQuery,
  useWriteKeyMutations,
  useWriteKeysQuery,
} from '../../api/hooks.ts';
import { roleValues } from '../../api/schema.gen.ts';
import type { ApiToken, Locale, Role, User, WriteKey } from '../../api/types.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDateTime } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { ResetPasswordButton } from './ResetPassword.tsx';

const ROLES = roleValues;
const roleLabel = (t: Translate, r: Role) => t(`role${r[0]!.toUpperCase()}${r.slice(1)}` as 'roleAdmin');

export function UsersPanel() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const users = useUsersQuery();
  const { create, update } = useUserMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const fail = (e: Error) => void message.error(e.message);
  return (
    <Card
      title={t('usersRoles')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          {t('newUser')}
        </Button>
      }
    >
      <QueryView query={users} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<User>
            size="small"
            rowKey="id"
            pagination={{ pageSize: 20 }}
            dataSource={d.items}
            columns={[
              { title: t('name'), dataIndex: 'name' },
              { title: t('email'), dataIndex: 'email' },
              {
                title: t('role'),
                dataIndex: 'role',
                render: (r: Role, u) => (
                  <Select<Role>
                    aria-label={`${t('role')} ${u.name}`}
                    size="small"
                    value={r}
                    style={{ width: 150 }}
                    onChange={(role) => update.mutate({ id: u.id, role }, { onError: fail })}
                    options={ROLES.map((x) => ({ value: x, label: roleLabel(t, x) }))}
                  />
                ),
              },
              {
                title: t('active'),
                dataIndex: 'active',
                render: (v: boolean, u) => (
                  <Switch
                    aria-label={`${t('active')} ${u.name}`}
                    size="small"
                    checked={v}
                    onChange={(active) => update.mutate({ id: u.id, active }, { onError: fail })}
                  />
                ),
              },
              {
                title: t('lastLogin'),
                dataIndex: 'lastLoginAt',
                render: (v: string | null) => formatDateTime(v, locale),
              },
              { title: t('actActions'), key: 'reset', render: (_, u) => <ResetPasswordButton user={u} /> },
            ]}
          />
        )}
      </QueryView>
      <Modal
        open={open}
        title={t('newUser')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        destroyOnHidden
      >
        <Form
          name="user"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ role: 'csm', locale: 'zh-CN' }}
          onFinish={(v: { email: string; name: string; role: Role; locale: Locale; password: string }) =>
            create.mutate(v, { onSuccess: () => setOpen(false), onError: fail })
          }
        >
          <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="email" label={t('email')} rules={[{ required: true, type: 'email' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('role')}>
            <Select options={ROLES.map((x) => ({ value: x, label: roleLabel(t, x) }))} />
          </Form.Item>
          <Form.Item name="locale" label={t('language')}>
            <Select
              options={[
                { value: 'zh-CN', label: '简体中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
          <Form.Item name="password" label={t('password')} rules={[{ required: true, min: 10 }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function SecretOnce({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal open={!!secret} onCancel={onClose} onOk={onClose} footer={null} title={t('secretOnce')}>
      <Alert type="warning" showIcon title={t('secretOnce')} />
      <Typography.Paragraph copyable code style={{ marginTop: 12, wordBreak: 'break-all' }}>
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}

export function TokensPanel() {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { message } = App.useApp();
  const tokens = useTokensQuery();
  const { create, revoke } = useTokenMutations();
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();
  return (
    <Card title={t('apiTokens')}>
      <Form
        name="token"
        form={form}
        layout="inline"
        initialValues={{ scopes: ['read', 'write'] }}
        style={{ marginBottom: 16 }}
        onFinish={(v: { name: string; scopes: string[]; expiresInDays?: number }) =>
          create.mutate(v, {
            onSuccess: (r) => {
              setSecret(r.token);
              form.resetFields();
            },
            onError: (e) => void message.error(e.message),
          })
        }
      >
        <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="scopes" label={t('scopes')}>
          <Checkbox.Group
            options={['read', 'write'].map((v) => ({ value: v, label: enumLabel('scope', v) }))}
          />
        </Form.Item>
        <Form.Item name="expiresInDays" label={t('expiresInDays')}>
          <InputNumber min={1} max={3650} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={create.isPending}>
          {t('newToken')}
        </Button>
      </Form>
      <QueryView query={tokens} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<ApiToken>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            columns={[
              { title: t('name'), dataIndex: 'name' },
              {
                title: t('scopes'),
                dataIndex: 'scopes',
                render: (v: string[]) => v.map((x) => enumLabel('scope', x)).join(', '),
              },
              {
                title: t('createdAt'),
                dataIndex: 'createdAt',
                render: (v: string) => formatDateTime(v, locale),
              },
              {
                title: '',
                width: 90,
                render: (_, k) => (
                  <Popconfirm title={t('confirmDelete')} onConfirm={() => revoke.mutate(k.id)}>
                    <Button size="small" danger>
                      {t('revoke')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <SecretOnce secret={secret} onClose={() => setSecret(null)} />
    </Card>
  );
}

export function WriteKeysPanel() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const keys = useWriteKeysQuery();
  const { create, revoke } = useWriteKeyMutations();
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();
  return (
    <Card title={t('writeKeys')}>
      <Form
        name="write-key"
        form={form}
        layout="inline"
        style={{ marginBottom: 16 }}
        onFinish={(v: { name: string }) =>
          create.mutate(v, {
            onSuccess: (r) => {
              setSecret(r.key);
              form.resetFields();
            },
            onError: (e) => void message.error(e.message),
          })
        }
      >
        <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={create.isPending}>
          {t('newWriteKey')}
        </Button>
      </Form>
      <QueryView query={keys} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<WriteKey>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            columns={[
              { title: t('name'), dataIndex: 'name' },
              {
                title: t('createdAt'),
                dataIndex: 'createdAt',
                render: (v: string) => formatDateTime(v, locale),
              },
              {
                title: '',
                width: 90,
                render: (_, k) => (
                  <Popconfirm title={t('confirmDelete')} onConfirm={() => revoke.mutate(k.id)}>
                    <Button size="small" danger>
                      {t('revoke')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <SecretOnce secret={secret} onClose={() => setSecret(null)} />
    </Card>
  );
}
