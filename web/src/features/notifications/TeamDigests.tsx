import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useUsersQuery } from '../../api/hooks.ts';
import {
  type ChannelDigest,
  useChannelDigestMutations,
  useChannelDigestsQuery,
  useDestinationsQuery,
} from '../../api/integrations.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDay, listSeparator } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { DestinationSelect } from '../integrations/DestinationSelect.tsx';

type FormValues = {
  name: string;
  destinationId: string;
  ownerIds: string[];
  renewalDays: number;
  enabled: boolean;
};

/**
 * Managers and admins: daily team digests to a chat group (the day's at-risk accounts, overdue
 * tasks and renewals due), for the whole workspace or a team of owners.
 */
export function TeamDigestsCard() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const digests = useChannelDigestsQuery();
  const destinations = useDestinationsQuery();
  const users = useUsersQuery();
  const m = useChannelDigestMutations();
  const [editing, setEditing] = useState<ChannelDigest | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const destName = (id: string) => destinations.data?.items.find((d) => d.id === id)?.name ?? id;
  const userItems = (users.data?.items ?? []) as { id: string; name: string; active?: boolean }[];
  const userName = (id: string) => userItems.find((u) => u.id === id)?.name ?? id;

  const open = (d: ChannelDigest | 'new') => {
    setEditing(d);
    form.setFieldsValue(
      d === 'new'
        ? { name: '', destinationId: undefined, ownerIds: [], renewalDays: 30, enabled: true }
        : {
            name: d.name,
            destinationId: d.destinationId,
            ownerIds: d.ownerIds,
            renewalDays: d.renewalDays,
            enabled: d.enabled,
          },
    );
  };
  const save = async () => {
    const v = await form.validateFields();
    const onError = (e: Error) => void message.error(e.message);
    const body = { ...v, ownerIds: v.ownerIds ?? [] };
    if (editing === 'new') m.create.mutate(body, { onSuccess: () => setEditing(null), onError });
    else if (editing)
      m.update.mutate({ id: editing.id, ...body }, { onSuccess: () => setEditing(null), onError });
  };

  return (
    <Card
      title={t('teamDigests')}
      extra={
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => open('new')}
          data-testid="new-team-digest"
        >
          {t('newTeamDigest')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('teamDigestsHint')}</Typography.Paragraph>
      <QueryView query={digests} isEmpty={(d) => d.items.length === 0} empty={t('noTeamDigests')}>
        {(d) => (
          <List
            data-testid="team-digests"
            size="small"
            dataSource={d.items}
            renderItem={(g) => (
              <List.Item
                actions={[
                  <Switch
                    key="on"
                    size="small"
                    checked={g.enabled}
                    aria-label={`${t('subscriptionEnabled')} ${g.name}`}
                    onChange={(enabled) =>
                      m.update.mutate(
                        { id: g.id, enabled },
                        { onError: (e) => void message.error(e.message) },
                      )
                    }
                  />,
                  <Button
                    key="send"
                    size="small"
                    loading={m.send.isPending && m.send.variables === g.id}
                    onClick={() =>
                      m.send.mutate(g.id, {
                        onSuccess: (r) =>
                          r.status === 'delivered'
                            ? void message.success(t('teamDigestSent'))
                            : void message.warning(t('teamDigestNotSent', { status: r.status })),
                        onError: (e) => void message.error(e.message),
                      })
                    }
                  >
                    {t('teamDigestSendNow')}
                  </Button>,
                  <Button key="edit" size="small" onClick={() => open(g)}>
                    {t('edit')}
                  </Button>,
                  <Popconfirm
                    key="del"
                    title={t('confirmDeleteTeamDigest')}
                    onConfirm={() => m.remove.mutate(g.id)}
                  >
                    <Button size="small" danger>
                      {t('delete')}
                    </Button>
                  </Popconfirm>,
                ]}
              >
                <List.Item.Meta
                  title={`${g.name} → ${destName(g.destinationId)}`}
                  description={
                    <Space size={4} wrap>
                      <span>
                        {g.ownerIds.length
                          ? g.ownerIds.map(userName).join(listSeparator(locale))
                          : t('teamDigestWhole')}
                      </span>
                      <span>
                        · {t('teamDigestRenewalDays')}: {g.renewalDays}
                      </span>
                      {g.lastSentDay && (
                        <span>
                          · {t('teamDigestLastSent')}: {formatDay(g.lastSentDay, locale)}
                        </span>
                      )}
                    </Space>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </QueryView>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('newTeamDigest') : t('editTeamDigest')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={m.create.isPending || m.update.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" name="team-digest">
          <Form.Item
            name="name"
            label={t('teamDigestName')}
            rules={[{ required: true, message: t('teamDigestName') }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item
            name="destinationId"
            label={t('field.destinationId')}
            rules={[{ required: true, message: t('field.destinationId') }]}
          >
            <DestinationSelect />
          </Form.Item>
          <Form.Item name="ownerIds" label={t('teamDigestOwners')} extra={t('teamDigestOwnersHint')}>
            <Select
              mode="multiple"
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              options={userItems
                .filter((u) => u.active !== false)
                .map((u) => ({ value: u.id, label: u.name }))}
            />
          </Form.Item>
          <Form.Item name="renewalDays" label={t('teamDigestRenewalDays')}>
            <InputNumber min={1} max={365} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="enabled" label={t('subscriptionEnabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
