import { App, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useUsersQuery } from '../../api/hooks.ts';
import { type Group, useGroupMutations, useGroupsQuery } from '../../api/team.ts';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { byNumber, byText } from './sort.ts';

type FormValues = {
  key: string;
  name: string;
  leadId?: string | null;
  scope?: string;
  position?: number;
  members: { userId: string; capacityFactor: number }[];
};

/** CSM groups (小组): their scope over account facts, lead and members with capacity factors. */
export function GroupsPanel() {
  const { t, locale } = useI18n();
  const groups = useGroupsQuery();
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const rows = groups.data?.items ?? [];
  const users = useUsersQuery({});
  const nameOf = (id: string | null) => (id ? (users.data?.items.find((u) => u.id === id)?.name ?? id) : '—');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Text type="secondary">{t('teamGroupsHint')}</Typography.Text>
        <Space wrap>
          <TableExport
            filename="team-groups"
            columns={[
              { key: 'position', title: t('teamPosition') },
              { key: 'name', title: t('name') },
              { key: 'key', title: t('key') },
              { key: 'lead', title: t('teamLead') },
              { key: 'scope', title: t('teamScope') },
              { key: 'members', title: t('teamMembers') },
            ]}
            rows={rows.map((g) => ({
              position: g.position,
              name: g.name,
              key: g.key,
              lead: nameOf(g.leadId),
              scope: g.scopeText ?? t('teamScopeAll'),
              members: g.members.map((m) => `${m.name} ×${m.capacityFactor}`).join('; '),
            }))}
          />
          <Button type="primary" onClick={() => setEditing('new')}>
            {t('teamNewGroup')}
          </Button>
        </Space>
      </div>
      <QueryView query={groups} isEmpty={(d) => d.items.length === 0} empty={t('teamNoGroups')}>
        {() => (
          <Table<Group>
            data-testid="groups-table"
            size="small"
            rowKey="id"
            dataSource={rows}
            pagination={false}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                title: t('teamPosition'),
                dataIndex: 'position',
                width: 70,
                sorter: byNumber<Group>((g) => g.position),
              },
              { title: t('name'), dataIndex: 'name', sorter: byText<Group>((g) => g.name) },
              { title: t('teamLead'), dataIndex: 'leadId', render: (v: string | null) => nameOf(v) },
              {
                title: t('teamScope'),
                dataIndex: 'scopeText',
                render: (v: string | null) => (v ? <code>{v}</code> : <Tag>{t('teamScopeAll')}</Tag>),
              },
              {
                title: t('teamMembers'),
                key: 'members',
                sorter: byNumber<Group>((g) => g.members.length),
                render: (_, g) => (
                  <Space size={[4, 4]} wrap style={{ maxWidth: 420 }}>
                    <Typography.Text type="secondary">
                      {formatNumber(g.members.length, locale)}
                    </Typography.Text>
                    {g.members.map((m) => (
                      <Tag key={m.userId} color={m.active ? undefined : 'default'}>
                        {m.name}
                        {m.capacityFactor !== 1 ? ` ×${m.capacityFactor}` : ''}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: '',
                key: 'edit',
                render: (_, g) => (
                  <Button size="small" onClick={() => setEditing(g)} aria-label={`${t('edit')} ${g.name}`}>
                    {t('edit')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      {editing && (
        <GroupModal
          group={editing === 'new' ? null : editing}
          // A CSM belongs to one group: members of the other groups are not offered.
          taken={
            new Set(
              rows
                .filter((g) => editing === 'new' || g.id !== editing.id)
                .flatMap((g) => g.members.map((m) => m.userId)),
            )
          }
          onClose={() => setEditing(null)}
        />
      )}
    </Space>
  );
}

function GroupModal({
  group,
  taken,
  onClose,
}: {
  group: Group | null;
  taken: Set<string>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const users = useUsersQuery({ active: 'true' });
  const { create, update } = useGroupMutations();
  const people = (users.data?.items ?? []).filter((u) => u.role === 'csm' || u.role === 'manager');
  const options = people.map((u) => ({ value: u.id, label: u.name }));
  const members = Form.useWatch('members', form) ?? [];
  const saving = create.isPending || update.isPending;
  const submit = async () => {
    await form.validateFields();
    // Every value, also the members' ids that no field of their own holds.
    const v = form.getFieldsValue(true) as FormValues;
    const body = {
      name: v.name,
      leadId: v.leadId || null,
      scope: v.scope?.trim() ? v.scope.trim() : null,
      ...(v.position !== undefined && v.position !== null ? { position: v.position } : {}),
      members: (v.members ?? []).map((m) => ({ userId: m.userId, capacityFactor: m.capacityFactor ?? 1 })),
    };
    try {
      if (group) await update.mutateAsync({ id: group.id, body });
      else await create.mutateAsync({ ...body, key: v.key });
      void message.success(t('saved'));
      onClose();
    } catch (e) {
      void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Modal
      open
      title={group ? `${t('edit')} · ${group.name}` : t('teamNewGroup')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={saving}
      width={640}
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{
          key: group?.key ?? '',
          name: group?.name ?? '',
          leadId: group?.leadId ?? undefined,
          scope: group?.scopeText ?? '',
          position: group?.position,
          members: group?.members.map((m) => ({ userId: m.userId, capacityFactor: m.capacityFactor })) ?? [],
        }}
      >
        {!group && (
          <Form.Item
            name="key"
            label={t('key')}
            rules={[{ required: true, pattern: /^[a-z0-9_]+$/, message: t('teamKeyRule') }]}
          >
            <Input placeholder="south_small" />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
          <Input placeholder={t('teamNamePlaceholder')} />
        </Form.Item>
        <Form.Item name="leadId" label={t('teamLead')}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={options} />
        </Form.Item>
        <Form.Item name="scope" label={t('teamScope')} extra={t('teamScopeHint')}>
          <Input.TextArea rows={2} placeholder={'region = "华南" and tier in ("small", "medium")'} />
        </Form.Item>
        <Form.Item name="position" label={t('teamPosition')} extra={t('teamPositionHint')}>
          <InputNumber min={0} max={100000} />
        </Form.Item>
        <Form.Item label={t('teamMembers')}>
          <Select
            mode="multiple"
            aria-label={t('teamMembers')}
            showSearch={{ optionFilterProp: 'label' }}
            options={options.filter(
              (o) =>
                members.some((m) => m.userId === o.value) ||
                (!taken.has(o.value) && people.find((p) => p.id === o.value)?.role === 'csm'),
            )}
            value={members.map((m) => m.userId)}
            onChange={(ids: string[]) =>
              form.setFieldValue(
                'members',
                ids.map((id) => members.find((m) => m.userId === id) ?? { userId: id, capacityFactor: 1 }),
              )
            }
          />
        </Form.Item>
        <Form.List name="members">
          {(fields) =>
            fields.length ? (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Typography.Text type="secondary">{t('teamCapacityFactorHint')}</Typography.Text>
                {fields.map((f) => (
                  <Space key={f.key} style={{ display: 'flex', justifyContent: 'space-between' }}>
                    <span>
                      {options.find((o) => o.value === members[f.name]?.userId)?.label ??
                        members[f.name]?.userId}
                    </span>
                    <Form.Item name={[f.name, 'capacityFactor']} noStyle>
                      <InputNumber min={0.05} max={2} step={0.1} aria-label={t('teamCapacityFactor')} />
                    </Form.Item>
                  </Space>
                ))}
              </Space>
            ) : null
          }
        </Form.List>
      </Form>
    </Modal>
  );
}
