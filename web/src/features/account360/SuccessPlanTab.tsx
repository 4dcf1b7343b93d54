// Account 360's Success plan tab: the journey milestones, the account's plans (create from a
// template, change objectives' status, add objectives and KPIs, record a KPI value with its day,
// make steps into tasks).
import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useUsersQuery } from '../../api/hooks.ts';
import type { Account } from '../../api/types.ts';
import {
  type PlanKpi,
  type PlanObjective,
  type SuccessPlan,
  useAccountMilestonesQuery,
  useAccountPlansQuery,
  usePlanMutations,
  usePlanTemplatesQuery,
} from '../../api/value.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDay, formatNumber, formatPercent } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { showFieldErrors } from './form-errors.ts';

const dayOf = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);
const STATUSES = ['not_started', 'in_progress', 'at_risk', 'done', 'cancelled'] as const;
const MILESTONE_COLOR: Record<string, string> = {
  achieved: 'green',
  late: 'red',
  due: 'orange',
  upcoming: 'default',
};

export function SuccessPlanTab({ account }: { account: Account }) {
  const { t } = useI18n();
  const { can } = useSession();
  const plans = useAccountPlansQuery(account.id);
  const mayWrite = can('accounts:update', account);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="success-plan-tab">
      <Milestones accountId={account.id} />
      {mayWrite && <NewPlan accountId={account.id} />}
      <QueryView query={plans} isEmpty={(d) => d.items.length === 0} empty={t('planNone')}>
        {(d) => (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {d.items.map((p) => (
              <PlanCard key={p.id} plan={p} accountId={account.id} mayWrite={mayWrite} />
            ))}
          </Space>
        )}
      </QueryView>
    </Space>
  );
}

function Milestones({ accountId }: { accountId: string }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const q = useAccountMilestonesQuery(accountId);
  return (
    <QueryView query={q} isEmpty={(d) => d.items.length === 0}>
      {(d) => (
        <div>
          <Typography.Text strong>{t('milestonesTitle')}</Typography.Text>
          {d.items.every((m) => m.status === null) && (
            <Typography.Paragraph type="secondary">{t('milestoneNoGoLive')}</Typography.Paragraph>
          )}
          <Space wrap style={{ marginTop: 8 }} data-testid="milestones">
            {d.items.map((m) => (
              <Tag
                key={m.milestoneId}
                color={MILESTONE_COLOR[m.status ?? ''] ?? 'default'}
                style={{ whiteSpace: 'normal' }}
              >
                {t('milestoneDueDay', { day: m.dueDay })} · {m.name}
                {m.status ? ` · ${enumLabel('milestoneStatus', m.status)}` : ''}
                {m.achievedOn
                  ? ` · ${t('milestoneAchievedOn', { day: formatDay(m.achievedOn, locale) })}`
                  : ''}
              </Tag>
            ))}
          </Space>
        </div>
      )}
    </QueryView>
  );
}

function NewPlan({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const templates = usePlanTemplatesQuery();
  const { create } = usePlanMutations(accountId);
  const [form] = Form.useForm<{
    templateId?: string;
    name?: string;
    startDate?: Dayjs;
    createTasks?: boolean;
  }>();
  return (
    <Form
      form={form}
      layout="inline"
      name="new-plan"
      onFinish={(v) =>
        create.mutate(
          {
            ...(v.templateId ? { templateId: v.templateId } : {}),
            ...(v.name?.trim() ? { name: v.name.trim() } : {}),
            ...(v.startDate ? { startDate: dayOf(v.startDate) } : {}),
            createTasks: !!v.createTasks,
          },
          {
            onSuccess: () => form.resetFields(),
            onError: (e) => {
              if (!showFieldErrors(form, e)) void message.error((e as Error).message);
            },
          },
        )
      }
      style={{ rowGap: 8 }}
    >
      <Form.Item name="templateId" label={t('planFromTemplate')}>
        <Select
          allowClear
          style={{ minWidth: 200 }}
          data-testid="plan-template"
          loading={templates.isLoading}
          options={(templates.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
        />
      </Form.Item>
      <Form.Item name="name" label={t('planBlankName')}>
        <Input maxLength={300} style={{ width: 180 }} />
      </Form.Item>
      <Form.Item name="startDate" label={t('planStart')}>
        <DatePicker />
      </Form.Item>
      <Form.Item name="createTasks" valuePropName="checked">
        <Checkbox>{t('planCreateTasks')}</Checkbox>
      </Form.Item>
      <Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          icon={<PlusOutlined />}
          loading={create.isPending}
          data-testid="plan-create"
        >
          {t('planNew')}
        </Button>
      </Form.Item>
    </Form>
  );
}

function PlanCard({
  plan,
  accountId,
  mayWrite,
}: {
  plan: SuccessPlan;
  accountId: string;
  mayWrite: boolean;
}) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const mut = usePlanMutations(accountId);
  const [addingObjective, setAddingObjective] = useState(false);
  return (
    <Card
      size="small"
      data-testid="plan-card"
      title={
        <Space wrap>
          <span>{plan.name}</span>
          <Tag>{enumLabel('planKind', plan.kind)}</Tag>
          {plan.status !== 'active' && <Tag color="default">{enumLabel('planStatus', plan.status)}</Tag>}
        </Space>
      }
      extra={
        mayWrite && (
          <Space wrap>
            {plan.status === 'active' && (
              <Button
                size="small"
                onClick={() => mut.update.mutate({ id: plan.id, body: { status: 'completed' } })}
              >
                {t('planComplete')}
              </Button>
            )}
            <Popconfirm title={t('planDeleteConfirm')} onConfirm={() => mut.remove.mutate(plan.id)}>
              <Button size="small" danger>
                {t('delete')}
              </Button>
            </Popconfirm>
          </Space>
        )
      }
    >
      <Space wrap size="large" style={{ marginBottom: 12 }}>
        <span>
          {t('planProgress')}{' '}
          <Progress
            percent={Math.round((plan.progress ?? 0) * 100)}
            size="small"
            style={{ width: 160, display: 'inline-flex' }}
          />
        </span>
        <span data-testid="plan-kpis-on-track">
          {t('planKpisOnTrack')}: {plan.kpisOnTrack} / {plan.kpisTotal}
        </span>
        <span>
          {t('planStart')}: {formatDay(plan.startDate, locale)}
        </span>
      </Space>
      {plan.objectives.map((o) => (
        <ObjectiveBlock key={o.id} objective={o} accountId={accountId} mayWrite={mayWrite} />
      ))}
      {mayWrite && (
        <Button size="small" icon={<PlusOutlined />} onClick={() => setAddingObjective(true)}>
          {t('objectiveAdd')}
        </Button>
      )}
      {addingObjective && (
        <ObjectiveForm planId={plan.id} accountId={accountId} onClose={() => setAddingObjective(false)} />
      )}
    </Card>
  );
}

function ObjectiveBlock({
  objective: o,
  accountId,
  mayWrite,
}: {
  objective: PlanObjective;
  accountId: string;
  mayWrite: boolean;
}) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const mut = usePlanMutations(accountId);
  const [recording, setRecording] = useState<PlanKpi | null>(null);
  const [addingKpi, setAddingKpi] = useState(false);
  return (
    <div style={{ marginBottom: 16 }} data-testid="plan-objective">
      <Space wrap style={{ marginBottom: 4 }}>
        <Typography.Text strong>{o.title}</Typography.Text>
        {mayWrite ? (
          <Select
            size="small"
            value={o.status}
            style={{ minWidth: 110 }}
            onChange={(status) => mut.updateObjective.mutate({ id: o.id, body: { status } })}
            options={STATUSES.map((s) => ({ value: s, label: enumLabel('objectiveStatus', s) }))}
          />
        ) : (
          <Tag>{enumLabel('objectiveStatus', o.status)}</Tag>
        )}
        <Typography.Text type="secondary">
          {t('objectiveOwner')}: {o.ownerName ?? '—'} · {t('objectiveDue')}: {formatDay(o.dueDate, locale)}
        </Typography.Text>
        <Progress percent={Math.round((o.progress ?? 0) * 100)} size="small" style={{ width: 120 }} />
      </Space>
      {o.kpis.length > 0 && (
        <Table<PlanKpi>
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={o.kpis}
          columns={[
            { title: t('kpiName'), dataIndex: 'name' },
            {
              title: t('kpiBaseline'),
              render: (_, k) => `${formatNumber(k.baseline, locale, 2)} ${k.unit}`,
            },
            { title: t('kpiTarget'), render: (_, k) => `${formatNumber(k.target, locale, 2)} ${k.unit}` },
            {
              title: t('kpiCurrent'),
              render: (_, k) => (
                <span data-testid="kpi-current">
                  {formatNumber(k.current, locale, 2)} {k.current !== null ? k.unit : ''}
                  {k.currentDay ? (
                    <Typography.Text type="secondary"> ({formatDay(k.currentDay, locale)})</Typography.Text>
                  ) : null}
                </span>
              ),
            },
            {
              title: t('planProgress'),
              render: (_, k) => (
                <Space>
                  {formatPercent(k.progress, locale)}
                  <Tag color={k.onTrack ? 'green' : 'red'}>
                    {k.onTrack ? t('kpiOnTrack') : t('kpiOffTrack')}
                  </Tag>
                </Space>
              ),
            },
            {
              title: t('kpiSource'),
              render: (_, k) =>
                k.source === 'metric' ? t('kpiFromFact', { fact: k.metricFact ?? '' }) : t('kpiEntered'),
            },
            {
              title: '',
              render: (_, k) =>
                mayWrite && k.source === 'manual' ? (
                  <Button size="small" onClick={() => setRecording(k)} data-testid="kpi-record">
                    {t('kpiRecord')}
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      {o.steps.length > 0 && (
        <Space wrap style={{ marginTop: 6 }}>
          <Typography.Text type="secondary">{t('steps')}:</Typography.Text>
          {o.steps.map((s) => (
            <Tag key={s.id} color={s.taskId ? 'blue' : 'default'}>
              {s.title} · {formatDay(s.dueDate, locale)}
              {s.taskId ? ` · ${t('stepHasTask')}` : ''}
              {!s.taskId && mayWrite && (
                <Button type="link" size="small" onClick={() => mut.stepTask.mutate(s.id)}>
                  {t('stepMakeTask')}
                </Button>
              )}
            </Tag>
          ))}
        </Space>
      )}
      {mayWrite && (
        <div style={{ marginTop: 6 }}>
          <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => setAddingKpi(true)}>
            {t('kpiAdd')}
          </Button>
        </div>
      )}
      {recording && <RecordValue kpi={recording} accountId={accountId} onClose={() => setRecording(null)} />}
      {addingKpi && <KpiForm objectiveId={o.id} accountId={accountId} onClose={() => setAddingKpi(false)} />}
    </div>
  );
}

function RecordValue({ kpi, accountId, onClose }: { kpi: PlanKpi; accountId: string; onClose: () => void }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { recordValue } = usePlanMutations(accountId);
  const [form] = Form.useForm<{ value: number; day: Dayjs; note?: string }>();
  return (
    <Modal
      open
      title={`${t('kpiRecord')}: ${kpi.name}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        name="kpi-value"
        initialValues={{ day: dayjs() }}
        onFinish={(v) =>
          recordValue.mutate(
            { kpiId: kpi.id, body: { value: v.value, day: dayOf(v.day), note: v.note?.trim() || null } },
            {
              onSuccess: onClose,
              onError: (e) => {
                if (!showFieldErrors(form, e)) void message.error((e as Error).message);
              },
            },
          )
        }
      >
        <Form.Item name="value" label={`${t('kpiValue')} (${kpi.unit})`} rules={[{ required: true }]}>
          <InputNumber style={{ width: 180 }} data-testid="kpi-value-input" />
        </Form.Item>
        <Form.Item name="day" label={t('kpiDay')} rules={[{ required: true }]}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="note" label={t('kpiNote')}>
          <Input.TextArea maxLength={2000} rows={2} />
        </Form.Item>
      </Form>
      {kpi.history.length > 0 && (
        <>
          <Typography.Text strong>{t('kpiHistory')}</Typography.Text>
          <ul>
            {kpi.history.map((h) => (
              <li key={h.id}>
                {formatDay(h.day, locale)}: {formatNumber(h.value, locale, 2)} {kpi.unit}
                {h.note ? ` — ${h.note}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </Modal>
  );
}

function KpiForm({
  objectiveId,
  accountId,
  onClose,
}: {
  objectiveId: string;
  accountId: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { addKpi } = usePlanMutations(accountId);
  const [form] = Form.useForm<{
    name: string;
    unit?: string;
    direction: 'increase' | 'decrease';
    baseline?: number | null;
    target: number;
    metricFact?: string;
  }>();
  return (
    <Modal open title={t('kpiAdd')} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="kpi"
        initialValues={{ direction: 'increase' }}
        onFinish={(v) =>
          addKpi.mutate(
            {
              objectiveId,
              body: {
                name: v.name,
                unit: v.unit ?? '',
                direction: v.direction,
                baseline: v.baseline ?? null,
                target: v.target,
                ...(v.metricFact?.trim()
                  ? { source: 'metric' as const, metricFact: v.metricFact.trim() }
                  : {}),
              },
            },
            {
              onSuccess: onClose,
              onError: (e) => {
                if (!showFieldErrors(form, e)) void message.error((e as Error).message);
              },
            },
          )
        }
      >
        <Form.Item name="name" label={t('kpiName')} rules={[{ required: true }]}>
          <Input maxLength={300} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="unit" label={t('kpiUnit')}>
            <Input maxLength={30} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="direction" label={t('kpiDirection')}>
            <Select
              style={{ width: 130 }}
              options={(['increase', 'decrease'] as const).map((d) => ({
                value: d,
                label: t(`kpiDirection.${d}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="baseline" label={t('kpiBaseline')}>
            <InputNumber style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="target" label={t('kpiTarget')} rules={[{ required: true }]}>
            <InputNumber style={{ width: 120 }} />
          </Form.Item>
        </Space>
        <Form.Item name="metricFact" label={t('kpiMetricFact')}>
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ObjectiveForm({
  planId,
  accountId,
  onClose,
}: {
  planId: string;
  accountId: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const users = useUsersQuery({ active: 'true' });
  const { addObjective } = usePlanMutations(accountId);
  const [form] = Form.useForm<{ title: string; ownerId?: string; dueDate?: Dayjs }>();
  return (
    <Modal open title={t('objectiveAdd')} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="objective"
        onFinish={(v) =>
          addObjective.mutate(
            {
              planId,
              body: { title: v.title, ownerId: v.ownerId ?? null, dueDate: dayOf(v.dueDate) ?? null },
            },
            {
              onSuccess: onClose,
              onError: (e) => {
                if (!showFieldErrors(form, e)) void message.error((e as Error).message);
              },
            },
          )
        }
      >
        <Form.Item name="title" label={t('objective')} rules={[{ required: true }]}>
          <Input maxLength={300} />
        </Form.Item>
        <Form.Item name="ownerId" label={t('objectiveOwner')}>
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
        </Form.Item>
        <Form.Item name="dueDate" label={t('objectiveDue')}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}
