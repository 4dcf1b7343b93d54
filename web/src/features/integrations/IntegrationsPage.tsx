import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  OUT_EVENT_TYPES,
  SUBSCRIPTION_KINDS,
  type Subscription,
  type SubscriptionDelivery,
  type SubscriptionKind,
  useDeliveriesQuery,
  useSubscriptionMutations,
  useSubscriptionsQuery,
} from '../../api/integrations.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDateTime } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type FormValues = {
  name: string;
  kind: SubscriptionKind;
  url: string;
  events: string[];
  secret?: string;
  locale: 'en' | 'zh-CN';
  enabled: boolean;
};

/** Admins: where Steward's events go (signed webhooks, WeCom / Feishu / DingTalk bots) and what was sent. */
export default function IntegrationsPage() {
  const { t, locale } = useI18n();
  const label = useEnumLabel();
  const { message } = App.useApp();
  const subs = useSubscriptionsQuery();
  const m = useSubscriptionMutations();
  const [editing, setEditing] = useState<Subscription | 'new' | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form);

  const open = (s: Subscription | 'new') => {
    setEditing(s);
    form.setFieldsValue(
      s === 'new'
        ? { name: '', kind: 'webhook', url: '', events: [], secret: '', locale, enabled: true }
        : {
            name: s.name,
            kind: s.kind,
            url: s.url,
            events: s.events,
            secret: '',
            locale: s.locale,
            enabled: s.enabled,
          },
    );
  };
  const save = async () => {
    const v = await form.validateFields();
    const secret = v.secret?.trim() ? v.secret.trim() : undefined;
    const onError = (e: Error) => void message.error(e.message);
    if (editing === 'new') {
      m.create.mutate(
        {
          name: v.name,
          kind: v.kind,
          url: v.url,
          events: v.events as Subscription['events'],
          secret,
          locale: v.locale,
          enabled: v.enabled,
        },
        {
          onSuccess: (s) => {
            setEditing(null);
            setSelected(s.id);
          },
          onError,
        },
      );
    } else if (editing) {
      m.update.mutate(
        {
          id: editing.id,
          name: v.name,
          url: v.url,
          events: v.events as Subscription['events'],
          locale: v.locale,
          enabled: v.enabled,
          ...(secret ? { secret } : {}),
        },
        { onSuccess: () => setEditing(null), onError },
      );
    }
  };
  const test = (s: Subscription) =>
    m.test.mutate(s.id, {
      onSuccess: (d) => {
        setSelected(s.id);
        const outcome = d.log.at(-1)?.outcome;
        if (d.status === 'delivered') void message.success(t('testSent'));
        else void message.error(t('testFailed', { outcome: outcome ? label('outcome', outcome) : d.status }));
      },
      onError: (e) => void message.error(e.message),
    });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('integrations')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('integrationsHint')}</Typography.Text>
      <Card
        title={t('subscriptionEvents')}
        extra={
          <Button type="primary" onClick={() => open('new')} data-testid="new-subscription">
            {t('newSubscription')}
          </Button>
        }
      >
        <QueryView query={subs} isEmpty={(d) => d.items.length === 0} empty={t('noSubscriptions')}>
          {(d) => (
            <Table<Subscription>
              data-testid="subscriptions"
              size="small"
              rowKey="id"
              pagination={false}
              scroll={{ x: 800 }}
              dataSource={d.items}
              rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')}
              onRow={(r) => ({ onClick: () => setSelected(r.id) })}
              columns={[
                { title: t('subscriptionName'), dataIndex: 'name' },
                {
                  title: t('subscriptionKind'),
                  dataIndex: 'kind',
                  render: (v: string) => label('subscriptionKind', v),
                },
                {
                  title: t('subscriptionEvents'),
                  dataIndex: 'events',
                  render: (v: string[]) => (
                    <Space size={[4, 4]} wrap>
                      {v.map((e) => (
                        <Tag key={e}>{label('outEvent', e)}</Tag>
                      ))}
                    </Space>
                  ),
                },
                {
                  title: t('subscriptionEnabled'),
                  dataIndex: 'enabled',
                  render: (v: boolean, r) => (
                    <Switch
                      size="small"
                      checked={v}
                      aria-label={`${t('subscriptionEnabled')} ${r.name}`}
                      onChange={(enabled, e) => {
                        e.stopPropagation();
                        m.update.mutate(
                          { id: r.id, enabled },
                          { onError: (err) => void message.error(err.message) },
                        );
                      }}
                    />
                  ),
                },
                {
                  key: 'actions',
                  render: (_v, r) => (
                    <Space size={4} wrap onClick={(e) => e.stopPropagation()}>
                      <Button
                        size="small"
                        onClick={() => test(r)}
                        loading={m.test.isPending && m.test.variables === r.id}
                      >
                        {t('sendTest')}
                      </Button>
                      <Button size="small" onClick={() => open(r)}>
                        {t('edit')}
                      </Button>
                      <Popconfirm
                        title={t('confirmDeleteSubscription')}
                        onConfirm={() => m.remove.mutate(r.id, { onSuccess: () => setSelected(null) })}
                      >
                        <Button size="small" danger>
                          {t('delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
      {selected && <DeliveryLog subscription={subs.data?.items.find((s) => s.id === selected) ?? null} />}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('newSubscription') : t('editSubscription')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={m.create.isPending || m.update.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="name"
            label={t('subscriptionName')}
            rules={[{ required: true, message: t('subscriptionName') }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="kind" label={t('subscriptionKind')}>
            <Select
              disabled={editing !== 'new'}
              options={SUBSCRIPTION_KINDS.map((k) => ({ value: k, label: label('subscriptionKind', k) }))}
            />
          </Form.Item>
          <Form.Item
            name="url"
            label={t('subscriptionUrl')}
            extra={kind !== 'webhook' ? t('subscriptionUrlHint') : undefined}
            rules={[{ required: true, type: 'url', message: t('subscriptionUrl') }]}
          >
            <Input placeholder="https://" />
          </Form.Item>
          <Form.Item
            name="events"
            label={t('subscriptionEvents')}
            extra={kind !== 'webhook' ? t('subscriptionEventsHint') : undefined}
          >
            <Checkbox.Group
              style={{
                display: 'grid',
                gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
                gap: 4,
              }}
              options={OUT_EVENT_TYPES.map((e) => ({ value: e, label: label('outEvent', e) }))}
            />
          </Form.Item>
          {(kind === 'feishu' || kind === 'dingtalk') && (
            <Form.Item name="secret" label={t('subscriptionSecret')} extra={t('subscriptionSecretHint')}>
              <Input.Password autoComplete="off" />
            </Form.Item>
          )}
          <Form.Item name="locale" label={t('subscriptionLanguage')}>
            <Select
              options={[
                { value: 'zh-CN', label: '简体中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
          <Form.Item name="enabled" label={t('subscriptionEnabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

function DeliveryLog({ subscription }: { subscription: Subscription | null }) {
  const { t, locale } = useI18n();
  const label = useEnumLabel();
  const deliveries = useDeliveriesQuery(subscription?.id ?? null);
  if (!subscription) return null;
  return (
    <Card title={`${t('deliveryLog')}: ${subscription.name}`}>
      {subscription.kind === 'webhook' && subscription.secret && (
        <Alert
          style={{ marginBottom: 12 }}
          type="info"
          title={
            <Space wrap>
              {t('webhookSecret')}
              <Typography.Text code copyable>
                {subscription.secret}
              </Typography.Text>
            </Space>
          }
          description={t('webhookSecretHint')}
        />
      )}
      <QueryView query={deliveries} isEmpty={(d) => d.items.length === 0} empty={t('noDeliveries')}>
        {(d) => (
          <Table<SubscriptionDelivery>
            data-testid="deliveries"
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 900 }}
            dataSource={d.items}
            columns={[
              {
                title: t('deliveryAt'),
                dataIndex: 'createdAt',
                render: (v: string) => formatDateTime(v, locale),
              },
              {
                title: t('deliveryEvent'),
                dataIndex: 'eventType',
                render: (v: string) => label('outEvent', v),
              },
              {
                title: t('deliveryStatus'),
                dataIndex: 'status',
                render: (v: string, r) => (
                  <Space size={4} wrap>
                    <Tag
                      color={
                        v === 'delivered'
                          ? 'green'
                          : v === 'failed'
                            ? 'red'
                            : v === 'pending'
                              ? 'gold'
                              : 'default'
                      }
                    >
                      {label('deliveryStatus', v)}
                    </Tag>
                    {r.log.at(-1) && r.log.at(-1)!.outcome !== 'ok' && (
                      <Tag>{label('outcome', r.log.at(-1)!.outcome)}</Tag>
                    )}
                  </Space>
                ),
              },
              { title: t('deliveryAttempts'), dataIndex: 'attempts', align: 'right' },
              { title: t('deliveryCode'), dataIndex: 'lastStatusCode', align: 'right' },
              {
                title: t('deliveryResponse'),
                dataIndex: 'lastResponse',
                render: (v: string | null) => (
                  <Typography.Text code ellipsis style={{ maxWidth: 280 }}>
                    {v ?? ''}
                  </Typography.Text>
                ),
              },
              {
                title: t('deliveryNext'),
                dataIndex: 'nextAttemptAt',
                render: (v: string | null, r) =>
                  v && r.status === 'pending' ? formatDateTime(v, locale) : '',
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
