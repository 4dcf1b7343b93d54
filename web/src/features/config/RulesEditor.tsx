import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type Rule,
  type RuleActionType,
  type RuleRun,
  type RuleTriggerType,
  useRuleMutations,
  useRuleRunQuery,
  useRuleRunsQuery,
  useRulesQuery,
} from '../../api/automation.ts';
import { assigneeRoleValues } from '../../api/schema.gen.ts';
import { PRIORITIES, TASK_TYPES } from '../../api/tasks.ts';
import { ErrorState, QueryView } from '../../components/States.tsx';
import { formatDateTime } from '../../format.ts';
import { type EnumGroup, useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { DestinationSelect } from '../integrations/DestinationSelect.tsx';
import { ConditionInput } from './ConditionInput.tsx';

type Field = [
  name: string,
  kind: 'text' | 'number' | 'select' | 'textarea' | 'destination',
  options?: readonly string[],
];
const ROLES = assigneeRoleValues;

// Each trigger and action type with the fields it takes (the API's schemas; it checks them again).
const TRIGGERS: Record<RuleTriggerType, Field[]> = {
  daily: [],
  schedule: [['cron', 'text']],
  state_change: [
    ['kind', 'select', ['health_status', 'tier', 'stage', 'segment_enter', 'segment_exit']],
    ['from', 'text'],
    ['to', 'text'],
  ],
  health_drop: [
    ['points', 'number'],
    ['days', 'number'],
  ],
  renewal_within: [['days', 'number']],
  metric_change: [
    ['metric', 'text'],
    ['period', 'select', ['wow', 'mom', 'yoy', 'last30_vs_prior30']],
    ['cmp', 'select', ['<', '<=', '>', '>=']],
    ['value', 'number'],
  ],
  metric_rank: [
    ['metric', 'text'],
    ['side', 'select', ['bottom', 'top']],
    ['percent', 'number'],
    ['within', 'select', ['all', 'tier']],
  ],
  no_value: [['days', 'number']],
  sentiment: [['atMost', 'number']],
  webhook: [],
  milestone_late: [['milestone', 'text']],
  expansion_signal: [['signal', 'select', ['seats', 'usage_growth', 'feature_shipped']]],
};
const ACTIONS: Record<RuleActionType, Field[]> = {
  create_task: [
    ['title', 'text'],
    ['description', 'textarea'],
    ['taskType', 'select', TASK_TYPES],
    ['priority', 'select', PRIORITIES],
    ['assigneeRole', 'select', ROLES],
    ['dueInDays', 'number'],
  ],
  add_tag: [['tag', 'text']],
  remove_tag: [['tag', 'text']],
  set_tier: [
    ['tier', 'text'],
    ['days', 'number'],
  ],
  set_stage: [
    ['stage', 'text'],
    ['days', 'number'],
  ],
  webhook: [['url', 'text']],
  email: [
    ['toRole', 'select', ROLES],
    ['subject', 'text'],
    ['body', 'textarea'],
  ],
  timeline: [
    ['title', 'text'],
    ['body', 'textarea'],
  ],
  // A chat group (or webhook) set up under Integrations: one message per run listing the accounts.
  alert: [
    ['destinationId', 'destination'],
    ['text', 'textarea'],
  ],
};

type Flat = Record<string, unknown> & { type: string };
const clean = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));

function actionToForm(a: Flat): Flat {
  const { assignee, to, ...rest } = a as Flat & { assignee?: { role?: string }; to?: { role?: string } };
  return { ...rest, assigneeRole: assignee?.role, toRole: to?.role };
}
function formToAction(a: Flat): Flat {
  const { assigneeRole, toRole, ...rest } = a;
  if (a.type === 'create_task')
    return clean({ ...rest, assignee: { role: assigneeRole ?? 'owner' } }) as Flat;
  if (a.type === 'email') return clean({ ...rest, to: { role: toRole ?? 'owner' } }) as Flat;
  return clean(rest) as Flat;
}

/** Form.Item passes value and onChange to its child: they go on to the input. */
/** The words for a select field's options: roles and task types have their own, the rest are options. */
const OPTION_GROUP: Record<string, EnumGroup> = { assigneeRole: 'teamRole', toRole: 'teamRole' };

function FieldInput({
  name,
  kind,
  options,
  ...control
}: {
  name: string;
  kind: Field[1];
  options?: readonly string[];
  value?: unknown;
  onChange?: (v: unknown) => void;
  id?: string;
}) {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const optionLabel = (o: string) =>
    name === 'taskType'
      ? t(`type_${o}` as 'type_call')
      : name === 'priority'
        ? o
        : enumLabel(OPTION_GROUP[name] ?? 'option', o);
  const props = control as Record<string, never>;
  if (kind === 'number') return <InputNumber style={{ width: '100%' }} {...props} />;
  if (kind === 'select')
    return (
      <Select
        allowClear
        options={(options ?? []).map((o) => ({ value: o, label: optionLabel(o) }))}
        {...props}
      />
    );
  if (kind === 'destination') return <DestinationSelect {...props} />;
  if (kind === 'textarea') return <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} {...props} />;
  return <Input {...props} />;
}

export function RulesPanel() {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const rules = useRulesQuery();
  const { toggle } = useRuleMutations();
  const [editing, setEditing] = useState<Rule | 'new' | null>(null);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={t('automationRules')}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('create')}
          </Button>
        }
      >
        <QueryView query={rules} isEmpty={(d) => d.items.length === 0}>
          {(d) => (
            <Table<Rule>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={d.items}
              columns={[
                { title: t('name'), dataIndex: 'name' },
                { title: t('trigger'), render: (_, r) => <Tag>{enumLabel('trigger', r.trigger.type)}</Tag> },
                {
                  title: t('condition'),
                  dataIndex: 'conditionText',
                  render: (v: string | null) => (v ? <code>{v}</code> : '—'),
                },
                {
                  title: t('ruleActions'),
                  render: (_, r) =>
                    [...new Set(r.actions.map((a) => a.type))].map((type) => (
                      <Tag key={type}>{enumLabel('action', type)}</Tag>
                    )),
                },
                {
                  title: t('active'),
                  dataIndex: 'enabled',
                  render: (v: boolean, r) => (
                    <Switch
                      size="small"
                      aria-label={`${t('active')} ${r.name}`}
                      checked={v}
                      onChange={(enabled) => toggle.mutate({ id: r.id, enabled })}
                    />
                  ),
                },
                {
                  title: '',
                  width: 80,
                  render: (_, r) => (
                    <Button size="small" onClick={() => setEditing(r)}>
                      {t('edit')}
                    </Button>
                  ),
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
      {editing && (
        <RuleEditor
          key={editing === 'new' ? 'new' : editing.id}
          rule={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {editing && editing !== 'new' && <RuleRuns rule={editing} />}
    </Space>
  );
}

function RuleEditor({ rule, onClose }: { rule?: Rule; onClose: () => void }) {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { save, remove, dryRun } = useRuleMutations();
  const [secret, setSecret] = useState<string | null>(null);
  const initial = rule
    ? { ...rule, condition: rule.conditionText ?? '', actions: rule.actions.map((a) => actionToForm(a)) }
    : {
        trigger: { type: 'daily' },
        actions: [{ type: 'create_task', taskType: 'risk', priority: 'P2', assigneeRole: 'owner' }],
        cooldownDays: 7,
        maxActionsPerRun: 200,
        dedupe: true,
        holdoutPct: 0,
        enabled: true,
      };
  // Fields that depend on a type are rendered from the first paint (with the initial type), so they
  // mount with their initial values.
  const triggerType =
    (Form.useWatch(['trigger', 'type'], form) as RuleTriggerType | undefined) ??
    (initial.trigger.type as RuleTriggerType);
  return (
    <Card title={rule ? rule.name : t('create')} extra={<Button onClick={onClose}>{t('close')}</Button>}>
      <Form
        name="rule"
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(
          v: Record<string, unknown> & { trigger: Flat; actions: Flat[]; condition?: string; key?: string },
        ) => {
          const body = clean({
            key: rule ? undefined : v.key,
            name: v.name,
            description: v.description || null,
            trigger: clean(v.trigger),
            condition: v.condition?.trim() ? v.condition : null,
            actions: (v.actions ?? []).map(formToAction),
            cooldownDays: v.cooldownDays,
            maxActionsPerRun: v.maxActionsPerRun,
            dedupe: v.dedupe,
            holdoutPct: v.holdoutPct ?? 0,
            enabled: v.enabled,
          });
          if (body.condition === undefined) body.condition = null;
          save.mutate(
            { id: rule?.id, body },
            {
              onSuccess: (r) => {
                void message.success(t('saved'));
                if ('secret' in r && typeof r.secret === 'string') setSecret(r.secret);
                else onClose();
              },
              onError: (e) => void message.error(e.message),
            },
          );
        }}
      >
        <Row gutter={8}>
          <Col span={8}>
            <Form.Item
              name="key"
              label={t('key')}
              rules={[{ required: !rule, pattern: /^[a-z][a-z0-9_]{0,62}$/ }]}
            >
              <Input disabled={!!rule} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('description')}>
          <Input />
        </Form.Item>
        <Typography.Text strong>{t('trigger')}</Typography.Text>
        <Row gutter={8}>
          <Col span={6}>
            <Form.Item name={['trigger', 'type']} label={t('type')}>
              <Select
                options={Object.keys(TRIGGERS).map((k) => ({ value: k, label: enumLabel('trigger', k) }))}
              />
            </Form.Item>
          </Col>
          {(TRIGGERS[triggerType ?? 'daily'] ?? []).map(([name, kind, options]) => (
            <Col
              span={Math.max(4, Math.floor(18 / (TRIGGERS[triggerType ?? 'daily']?.length || 1)))}
              key={name}
            >
              <Form.Item name={['trigger', name]} label={enumLabel('field', name)}>
                <FieldInput name={name} kind={kind} options={options} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Form.Item name="condition" label={t('condition')}>
          <ConditionInput />
        </Form.Item>
        <Typography.Text strong>{t('ruleActions')}</Typography.Text>
        <Form.List name="actions">
          {(fields, { add, remove: removeAction }) => (
            <>
              {fields.map((f) => (
                <Card size="small" key={f.key} style={{ marginBottom: 8 }}>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const type =
                        (form.getFieldValue(['actions', f.name, 'type']) as RuleActionType | undefined) ??
                        (initial.actions[f.name]?.type as RuleActionType | undefined);
                      return (
                        <Row gutter={8}>
                          <Col span={5}>
                            <Form.Item name={[f.name, 'type']} label={t('type')} rules={[{ required: true }]}>
                              <Select
                                options={Object.keys(ACTIONS).map((k) => ({
                                  value: k,
                                  label: enumLabel('action', k),
                                }))}
                              />
                            </Form.Item>
                          </Col>
                          {(type ? ACTIONS[type] : []).map(([name, kind, options]) => (
                            <Col
                              span={
                                kind === 'textarea' ||
                                kind === 'destination' ||
                                name === 'title' ||
                                name === 'subject'
                                  ? 9
                                  : 4
                              }
                              key={name}
                            >
                              <Form.Item name={[f.name, name]} label={enumLabel('field', name)}>
                                <FieldInput name={name} kind={kind} options={options} />
                              </Form.Item>
                            </Col>
                          ))}
                          <Col span={1} style={{ paddingTop: 30 }}>
                            <Button
                              aria-label={t('delete')}
                              size="small"
                              icon={<DeleteOutlined />}
                              onClick={() => removeAction(f.name)}
                            />
                          </Col>
                        </Row>
                      );
                    }}
                  </Form.Item>
                </Card>
              ))}
              <Button size="small" icon={<PlusOutlined />} onClick={() => add({ type: 'timeline' })}>
                {t('ruleActions')}
              </Button>
            </>
          )}
        </Form.List>
        <Row gutter={8} style={{ marginTop: 12 }}>
          <Col span={6}>
            <Form.Item name="cooldownDays" label={t('cooldownDays')}>
              <InputNumber min={0} max={3650} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="maxActionsPerRun" label={t('maxActionsPerRun')}>
              <InputNumber min={1} max={100000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="dedupe" label={t('dedupe')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="enabled" label={t('active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={8}>
          <Col xs={24} md={12}>
            <Form.Item
              name="holdoutPct"
              label={t('holdoutPct')}
              extra={t('holdoutHelp')}
              rules={[{ type: 'integer', min: 0, max: 50 }]}
            >
              <InputNumber
                data-testid="rule-holdout"
                aria-label={t('holdoutPct')}
                min={0}
                max={50}
                precision={0}
                style={{ width: 160 }}
              />
            </Form.Item>
          </Col>
        </Row>
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('save')}
          </Button>
          {rule && (
            <Button onClick={() => dryRun.mutate({ id: rule.id })} loading={dryRun.isPending}>
              {t('dryRun')}
            </Button>
          )}
          {rule && (
            <Popconfirm
              title={t('confirmDelete')}
              onConfirm={() => remove.mutate(rule.id, { onSuccess: onClose })}
            >
              <Button danger>{t('delete')}</Button>
            </Popconfirm>
          )}
        </Space>
      </Form>
      {secret && (
        <Alert
          style={{ marginTop: 12 }}
          type="warning"
          showIcon
          title={t('secretOnce')}
          description={
            <Typography.Text copyable code>
              {secret}
            </Typography.Text>
          }
        />
      )}
      {dryRun.error && <ErrorState error={dryRun.error} />}
      {dryRun.data && (
        <div style={{ marginTop: 16 }} data-testid="dry-run">
          <Alert
            type="info"
            showIcon
            title={t('dryRunResult', {
              day: dryRun.data.day,
              matched: dryRun.data.matched,
              act: dryRun.data.wouldAct,
              holdout: dryRun.data.skipped.holdout,
              dedupe: dryRun.data.skipped.dedupe,
              cooldown: dryRun.data.skipped.cooldown,
              limit: dryRun.data.skipped.limit,
            })}
          />
          <Table
            size="small"
            rowKey="accountId"
            pagination={{ pageSize: 10 }}
            dataSource={dryRun.data.items}
            columns={[
              { title: t('name'), dataIndex: 'name' },
              { title: t('reason'), dataIndex: 'reason' },
              {
                title: t('outcome'),
                dataIndex: 'outcome',
                render: (v: 'act' | 'holdout' | 'dedupe' | 'cooldown' | 'limit') => (
                  <Tag color={v === 'act' ? 'green' : v === 'holdout' ? 'purple' : 'default'}>
                    {t(`ruleOutcome.${v}`)}
                  </Tag>
                ),
              },
              { title: t('ruleActions'), render: (_, r) => r.actions.map((a) => a.summary).join('; ') },
            ]}
          />
        </div>
      )}
    </Card>
  );
}

function RuleRuns({ rule }: { rule: Rule }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const runs = useRuleRunsQuery(rule.id);
  const [runId, setRunId] = useState<string>();
  const detail = useRuleRunQuery(rule.id, runId);
  return (
    <Card title={t('runLog')}>
      <QueryView query={runs} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<RuleRun>
            size="small"
            rowKey="id"
            pagination={{ pageSize: 10 }}
            dataSource={d.items}
            onRow={(r) => ({ onClick: () => setRunId(r.id), style: { cursor: 'pointer' } })}
            columns={[
              { title: t('day'), dataIndex: 'day' },
              { title: t('source'), dataIndex: 'source' },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (v: string) => <Tag>{enumLabel('jobStatus', v)}</Tag>,
              },
              { title: t('matched'), dataIndex: 'matched', align: 'right' },
              { title: t('acted'), dataIndex: 'acted', align: 'right' },
              {
                title: t('skippedCol'),
                render: (_, r) =>
                  Object.entries(r.skipped)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(', ') || '—',
              },
              { title: t('errorsCol'), dataIndex: 'errors', align: 'right' },
              {
                title: t('createdAt'),
                dataIndex: 'startedAt',
                render: (v: string) => formatDateTime(v, locale),
              },
              {
                title: '',
                render: (_, r) => (
                  <Button size="small" type="link" onClick={() => setRunId(r.id)}>
                    {t('details')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      {runId && (
        <QueryView query={detail}>
          {(r) => (
            <Table
              size="small"
              rowKey="id"
              pagination={{ pageSize: 10 }}
              dataSource={r.actions}
              columns={[
                {
                  title: t('accounts'),
                  dataIndex: 'accountId',
                  render: (v: string) => <Link to={`/accounts/${v}`}>{v.slice(-8)}</Link>,
                },
                { title: t('ruleActions'), dataIndex: 'action' },
                {
                  title: t('status'),
                  dataIndex: 'status',
                  render: (v: string) => <Tag>{enumLabel('jobStatus', v)}</Tag>,
                },
                {
                  title: t('createdAt'),
                  dataIndex: 'createdAt',
                  render: (v: string) => formatDateTime(v, locale),
                },
              ]}
            />
          )}
        </QueryView>
      )}
    </Card>
  );
}
