import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Progress, Row, Space, Statistic, Table, Tabs, Tag, Typography } from 'antd';
import { type ComponentType, Suspense } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  useAccountHealthQuery,
  useAccountMetricsQuery,
  useAccountQuery,
  useAccountStatesQuery,
  useActiveUsersQuery,
  useCustomFieldsQuery,
  useHealthHistoryQuery,
  useMetricSeriesQuery,
  useStagesQuery,
  useUsersQuery,
} from '../../api/hooks.ts';
import type { Account, AccountHealth, AccountMetrics } from '../../api/types.ts';
import { Chart, Sparkline, statusColor } from '../../components/Chart.tsx';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { DialogButton, later } from '../../components/later.tsx';
import { ErrorState, Loading, QueryView } from '../../components/States.tsx';
import {
  addDays,
  daysBetween,
  formatDay,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPercent,
  listSeparator,
} from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { AccountRequests } from '../requests/AccountRequests.tsx';
import { AccountTasks } from '../tasks/AccountTasks.tsx';
import { AccountActions, OverrideTags } from './AccountActions.tsx';
import { RiskCard } from './RiskCard.tsx';
import { MissingInputs } from './SentimentForm.tsx';
import { TimelinePanel } from './TimelinePanel.tsx';
import { QbrButton, VoiceCard } from './VoiceCard.tsx';

type Pane = ComponentType<{ account: Account }>;

/**
 * The account's tabs. Those after the first three load their code when first opened (antd renders
 * a pane then): with them, Account 360's initial JavaScript was past 500 KB (508.6 KB gzip, stop 23).
 */
const TABS: { key: string; label: MessageKey; what: MessageKey; Panel: Pane }[] = [
  { key: 'timeline', label: 'timeline', what: 'timeline', Panel: TimelinePanel },
  { key: 'tasks', label: 'tasks', what: 'tasks', Panel: AccountTasks },
  { key: 'requests', label: 'requests', what: 'requests', Panel: AccountRequests },
  {
    key: 'plans',
    label: 'tabPlans',
    what: 'plansWidget',
    Panel: later(async () => (await import('./SuccessPlanTab.tsx')).SuccessPlanTab),
  },
  {
    key: 'opportunities',
    label: 'tabOpportunities',
    what: 'opportunitiesWidget',
    Panel: later(async () => (await import('./OpportunitiesTab.tsx')).OpportunitiesTab),
  },
  {
    key: 'family',
    label: 'tabFamily',
    what: 'familyWidget',
    Panel: later(async () => (await import('./FamilyTab.tsx')).FamilyTab),
  },
  {
    key: 'tickets',
    label: 'tickets',
    what: 'tickets',
    Panel: later(async () => (await import('./TicketsTab.tsx')).TicketsTab),
  },
  {
    key: 'contacts',
    label: 'contacts',
    what: 'contacts',
    Panel: later(async () => (await import('./ContactsTab.tsx')).ContactsTab),
  },
  {
    key: 'contracts',
    label: 'contracts',
    what: 'contracts',
    Panel: later(async () => (await import('./ContractsTab.tsx')).ContractsTab),
  },
];

export default function Account360() {
  const { id } = useParams();
  const { t } = useI18n();
  const account = useAccountQuery(id);
  if (account.error) return <ErrorState error={account.error} onRetry={() => void account.refetch()} />;
  if (!account.data) return <Loading rows={10} />;
  const a = account.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/accounts">
        <ArrowLeftOutlined /> {t('accounts')}
      </Link>
      <ErrorBoundary what="accountHeader">
        <Header account={a} />
      </ErrorBoundary>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <ErrorBoundary what="profile">
            <ProfileCard account={a} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={15}>
          <ErrorBoundary what="health">
            <HealthCard accountId={a.id} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={15}>
          <ErrorBoundary what="keyMetrics">
            <MetricsCard accountId={a.id} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={9}>
          <ErrorBoundary what="usage">
            <UsersCard accountId={a.id} />
          </ErrorBoundary>
        </Col>
        <RiskCard accountId={a.id} />
        <Col xs={24}>
          <ErrorBoundary what="voiceCard">
            <VoiceCard account={a} />
          </ErrorBoundary>
        </Col>
        <Col xs={24}>
          <Card>
            <Tabs
              items={TABS.map(({ key, label, what, Panel }) => ({
                key,
                label: t(label),
                children: (
                  <ErrorBoundary what={what}>
                    <Suspense fallback={<Loading rows={4} />}>
                      <Panel account={a} />
                    </Suspense>
                  </ErrorBoundary>
                ),
              }))}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

const EditAccountDialog = later(async () => (await import('./EditAccount.tsx')).EditAccountDialog);

/** Edits the profile and custom fields; shown only where the role may change the account. */
function EditAccountButton({ account }: { account: Account }) {
  const { t } = useI18n();
  return (
    <DialogButton icon={<EditOutlined />} label={t('editProfile')} testId="edit-account">
      {(close) => <EditAccountDialog account={account} onClose={close} />}
    </DialogButton>
  );
}

function Header({ account }: { account: Account }) {
  const { today } = useSession();
  const { t, locale } = useI18n();
  const label = useLabel();
  const enumLabel = useEnumLabel();
  const states = useAccountStatesQuery({ accountIds: account.id });
  const health = useAccountHealthQuery(account.id);
  const stages = useStagesQuery();
  const state = states.data?.items[0];
  const stageKey = state?.stage ?? undefined;
  const daysInStage = state?.stageSince ? daysBetween(state.stageSince, today) : undefined;
  const stageName = stages.data?.items.find((s) => s.key === stageKey)?.name ?? stageKey;
  const band = health.data?.band;
  return (
    <Card>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 16 }}>
        <div>
          <Typography.Title
            level={2}
            style={{ margin: 0, overflowWrap: 'anywhere' }}
            data-testid="account-name"
          >
            {account.name}
          </Typography.Title>
          <Space wrap style={{ marginTop: 8 }}>
            <Typography.Text type="secondary">{account.externalId}</Typography.Text>
            {band && (
              <Tag color={statusColor(band.color)} data-testid="account-health-status">
                {label(band.label, band.key)}
              </Tag>
            )}
            {state?.tier ? (
              <Tag color="blue">
                {t('tier')}: {enumLabel('tier', state.tier)}
              </Tag>
            ) : null}
            {stageName ? (
              <Tag color="purple">
                {t('stage')}: {stageName}
                {daysInStage !== undefined ? ` · ${t('timeInStage', { n: daysInStage })}` : ''}
              </Tag>
            ) : null}
            <OverrideTags accountId={account.id} />
            {account.tags.map((x) => (
              <Tag key={x}>{x}</Tag>
            ))}
          </Space>
        </div>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: '12px 24px', maxWidth: '100%' }}>
          <AccountActions account={account} />
          <QbrButton account={account} />
          {/* Short in the card (¥353万), the full figure on hover. */}
          <Statistic
            title={t('arr')}
            value={account.arr ?? 0}
            valueRender={() => (
              <span title={formatMoney(account.arr, account.currency, locale)} data-testid="account-arr">
                {formatMoneyCompact(account.arr, account.currency, locale)}
              </span>
            )}
          />
          <Statistic
            title={t('mrr')}
            value={account.mrr ?? 0}
            valueRender={() => (
              <span title={formatMoney(account.mrr, account.currency, locale)}>
                {formatMoneyCompact(account.mrr, account.currency, locale)}
              </span>
            )}
          />
          <Statistic title={t('renewalDate')} value={formatDay(account.renewalDate, locale)} />
          <Statistic
            title={t('healthScore')}
            value={health.data?.score != null ? formatNumber(health.data.score, locale, 1) : '—'}
            valueStyle={{ color: statusColor(band?.color) }}
          />
        </div>
      </div>
    </Card>
  );
}

function ProfileCard({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { can } = useSession();
  const users = useUsersQuery();
  const fields = useCustomFieldsQuery();
  const name = (id: string | null) => (id ? (users.data?.items.find((u) => u.id === id)?.name ?? '—') : '—');
  return (
    <Card
      title={t('profile')}
      extra={can('accounts:update', account) ? <EditAccountButton account={account} /> : null}
      style={{ height: '100%' }}
    >
      <Descriptions column={1} size="small" labelStyle={{ width: 120 }}>
        <Descriptions.Item label={t('owner')}>{name(account.ownerId)}</Descriptions.Item>
        <Descriptions.Item label={t('region')}>{account.region ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('industry')}>{account.industry ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('productLines')}>
          {account.productLines.join(listSeparator(locale)) || '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('seats')}>{account.licensedSeats ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('goLive')}>{account.goLiveDate ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('team')}>
          <Space orientation="vertical" size={0}>
            {account.team.length
              ? account.team.map((m) => (
                  <span key={`${m.userId}-${m.role}`}>
                    {name(m.userId)}{' '}
                    <Typography.Text type="secondary">({enumLabel('teamRole', m.role)})</Typography.Text>
                  </span>
                ))
              : '—'}
          </Space>
        </Descriptions.Item>
        {(fields.data?.items ?? []).map((f) => {
          const v = account.customFields[f.key];
          return (
            <Descriptions.Item key={f.key} label={f.label}>
              {v === undefined || v === null
                ? '—'
                : Array.isArray(v)
                  ? v.join(listSeparator(locale))
                  : typeof v === 'boolean'
                    ? v
                      ? t('yes')
                      : t('no')
                    : String(v)}
            </Descriptions.Item>
          );
        })}
      </Descriptions>
    </Card>
  );
}

function HealthCard({ accountId }: { accountId: string }) {
  const { today } = useSession();
  const { t } = useI18n();
  const health = useAccountHealthQuery(accountId);
  const history = useHealthHistoryQuery(accountId, addDays(today, -89), today);
  return (
    <Card title={t('health')} style={{ height: '100%' }}>
      <QueryView query={health} isEmpty={(h) => h.score === null} empty={t('noHealth')}>
        {(h) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text strong>{t('healthTrend')}</Typography.Text>
            <QueryView query={history} isEmpty={(d) => d.items.length === 0}>
              {(d) => (
                <div data-testid="health-trend">
                  <Chart
                    label={t('healthTrend')}
                    style={{ height: 200 }}
                    option={{
                      tooltip: { trigger: 'axis' },
                      grid: { left: 36, right: 16, top: 16, bottom: 24 },
                      xAxis: { type: 'category', data: d.items.map((p) => p.day) },
                      yAxis: { type: 'value', min: 0, max: 100 },
                      series: [
                        {
                          type: 'line',
                          name: t('healthScore'),
                          data: d.items.map((p) => p.score),
                          smooth: true,
                          symbolSize: 4,
                        },
                      ],
                    }}
                  />
                </div>
              )}
            </QueryView>
            <Explanation health={h} />
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

function Explanation({ health }: { health: AccountHealth }) {
  const { t, locale } = useI18n();
  const moved = health.change?.movedBy.filter((m) => Math.abs(m.change) >= 0.01) ?? [];
  return (
    <div data-testid="health-explanation">
      <Typography.Text strong>{t('explanation')}</Typography.Text>
      <Table
        size="small"
        scroll={{ x: 'max-content' }}
        rowKey={(c) => `${c.dimension}.${c.key}`}
        pagination={false}
        dataSource={[...health.components].sort((a, b) => b.contribution - a.contribution)}
        columns={[
          { title: t('dimension'), dataIndex: 'dimensionName', width: 110 },
          { title: t('component'), dataIndex: 'name' },
          {
            title: t('raw'),
            dataIndex: 'raw',
            align: 'right',
            render: (v: number | null) => formatNumber(v, locale, 2),
          },
          {
            title: t('normalised'),
            dataIndex: 'normalised',
            align: 'right',
            render: (v: number | null) => formatNumber(v, locale, 1),
          },
          {
            title: t('weight'),
            dataIndex: 'weight',
            align: 'right',
            render: (v: number) => formatPercent(v, locale, 1),
          },
          {
            title: t('contribution'),
            dataIndex: 'contribution',
            align: 'right',
            render: (v: number) => <strong>{formatNumber(v, locale, 2)}</strong>,
          },
        ]}
      />
      <MissingInputs health={health} />
      {health.change && (
        <div style={{ marginTop: 8 }} data-testid="health-what-moved">
          <Typography.Text strong>
            {t('whatMoved', { day: health.change.since })}:{' '}
            {formatNumber(health.change.scoreBefore, locale, 1)} → {formatNumber(health.score, locale, 1)} (
            {health.change.change != null && health.change.change > 0 ? '+' : ''}
            {formatNumber(health.change.change, locale, 1)})
          </Typography.Text>
          <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
            {moved.length === 0 ? (
              <li>—</li>
            ) : (
              [...moved]
                .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
                .slice(0, 5)
                .map((m) => (
                  <li key={`${m.dimension}.${m.key}`}>
                    <span style={{ color: m.change < 0 ? '#cf1322' : '#389e0d' }}>
                      {m.change > 0 ? '+' : ''}
                      {formatNumber(m.change, locale, 2)}
                    </span>{' '}
                    {/* A component scored on only one of the two days has no value on the other. */}
                    {m.name ?? m.key} ({m.before ? formatNumber(m.before.raw, locale, 2) : '—'} →{' '}
                    {m.after ? formatNumber(m.after.raw, locale, 2) : '—'})
                  </li>
                ))
            )}
          </ul>
        </div>
      )}
    </div>
  );
}

function Change({ v }: { v: number | null }) {
  const { locale } = useI18n();
  if (v === null) return <span>—</span>;
  return (
    <span style={{ color: v < 0 ? '#cf1322' : v > 0 ? '#389e0d' : undefined }}>
      {v > 0 ? '+' : ''}
      {formatPercent(v, locale, 0)}
    </span>
  );
}

function MetricSpark({ accountId, metric }: { accountId: string; metric: string }) {
  const { today } = useSession();
  const series = useMetricSeriesQuery(accountId, metric, addDays(today, -29), today);
  if (!series.data) return <span>…</span>;
  return <Sparkline label={metric} values={series.data.points.map((p) => p.value)} />;
}

function MetricsCard({ accountId }: { accountId: string }) {
  const { t, locale } = useI18n();
  const metrics = useAccountMetricsQuery(accountId);
  return (
    <Card title={t('keyMetrics')}>
      <QueryView query={metrics}>
        {(m: AccountMetrics) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Row gutter={[24, 12]}>
              <Col xs={24} sm={12}>
                <Typography.Text>{t('breadth')}</Typography.Text>
                <Progress percent={m.breadth === null ? 0 : Math.round(Math.min(1, m.breadth) * 100)} />
                <Typography.Text type="secondary">
                  {t('breadthHelp', { a: m.activeUsers.last30, b: m.licensedSeats ?? '—' })}
                </Typography.Text>
              </Col>
              <Col xs={24} sm={12}>
                <Typography.Text>{t('depth')}</Typography.Text>
                <Progress
                  percent={m.depth === null ? 0 : Math.round(Math.min(1, m.depth) * 100)}
                  strokeColor="#722ed1"
                />
                <Typography.Text type="secondary">
                  {t('depthHelp', { a: m.featuresUsed, b: m.featuresDefined })}
                </Typography.Text>
              </Col>
            </Row>
            <Table
              size="small"
              scroll={{ x: 'max-content' }}
              rowKey={(r) => r.metric.key}
              pagination={false}
              dataSource={m.metrics}
              columns={[
                { title: t('metric'), render: (_, r) => r.metric.name },
                {
                  title: t('last30'),
                  align: 'right',
                  render: (_, r) => formatNumber(r.totals.last30, locale),
                },
                {
                  title: t('trend'),
                  render: (_, r) => <MetricSpark accountId={accountId} metric={r.metric.key} />,
                },
                { title: t('wow'), align: 'right', render: (_, r) => <Change v={r.changes.wow} /> },
                { title: t('mom'), align: 'right', render: (_, r) => <Change v={r.changes.mom} /> },
                { title: t('yoy'), align: 'right', render: (_, r) => <Change v={r.changes.yoy} /> },
              ]}
            />
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

function UsersCard({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const top = useActiveUsersQuery(accountId, 'top');
  const bottom = useActiveUsersQuery(accountId, 'bottom');
  const table = (q: typeof top) => (
    <QueryView query={q} isEmpty={(d) => d.items.length === 0}>
      {(d) => (
        <Table
          size="small"
          scroll={{ x: 'max-content' }}
          rowKey="userKey"
          pagination={false}
          dataSource={d.items}
          columns={[
            { title: t('name'), render: (_, u) => u.contact?.name ?? u.userKey },
            { title: t('events'), dataIndex: 'events', align: 'right' },
            { title: t('activeDays'), dataIndex: 'activeDays', align: 'right' },
          ]}
        />
      )}
    </QueryView>
  );
  return (
    <Card title={t('usage')} style={{ height: '100%' }}>
      <Tabs
        items={[
          { key: 'top', label: t('topUsers'), children: table(top) },
          { key: 'bottom', label: t('bottomUsers'), children: table(bottom) },
        ]}
      />
    </Card>
  );
}
