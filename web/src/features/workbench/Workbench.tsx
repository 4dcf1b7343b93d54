import { Card, Col, List, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import {
  useAccountStatesQuery,
  useAccountStatesSummaryQuery,
  useAccountsHealthQuery,
  useStagesQuery,
  useTieringSchemesQuery,
  useUsersQuery,
} from '../../api/hooks.ts';
import { type Renewal, useRenewalWindowQuery } from '../../api/renewals.ts';
import { useStageJourneyQuery } from '../../api/reports.ts';
import type { AccountStatesSummary } from '../../api/types.ts';
import { Chart, statusColor } from '../../components/Chart.tsx';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { EmptyState, ErrorState, Loading, QueryView } from '../../components/States.tsx';
import { formatMoney, formatMoneyCompact, formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { tiersOf } from '../accounts/conditions.ts';
import { NotificationsCard } from '../notifications/Notifications.tsx';
import { MyTasksCard } from '../tasks/MyTasksCard.tsx';
import { TeamOverviewSection } from './TeamOverview.tsx';

/** A health drop this large over 7 days puts the account on the workbench. */
const DROP_POINTS = 5;

export default function Workbench() {
  const { t } = useI18n();
  const { user, isManager } = useSession();
  const [params, setParams] = useSearchParams();
  // CSMs see their own accounts; managers and admins may look at one CSM's book or everyone's.
  const ownerId = isManager ? (params.get('owner') ?? '') : user.id;
  const users = useUsersQuery({ active: 'true' });
  // One request counts every status, tier and stage (from the stored state of the last recompute).
  const summary = useAccountStatesSummaryQuery(ownerId || undefined);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          flexWrap: 'wrap',
          gap: 12,
        }}
      >
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('workbench')}
        </Typography.Title>
        {isManager && (
          <Space>
            <label htmlFor="wb-owner">{t('viewAs')}</label>
            <Select
              id="wb-owner"
              style={{ width: 240 }}
              value={ownerId}
              showSearch={{ optionFilterProp: 'label' }}
              onChange={(v) => setParams(v ? { owner: v } : {})}
              options={[
                { value: '', label: t('allAccounts') },
                { value: user.id, label: `${t('myAccounts')} (${user.name})` },
                ...(users.data?.items ?? [])
                  .filter((u) => u.id !== user.id && (u.role === 'csm' || u.role === 'manager'))
                  .map((u) => ({ value: u.id, label: u.name })),
              ]}
            />
          </Space>
        )}
      </div>
      {isManager && !ownerId && (
        <ErrorBoundary what="wbTeamTitle">
          <TeamOverviewSection
            group={params.get('group') ?? undefined}
            onGroup={(g) => setParams({ group: g })}
            bands={summary.data?.bands ?? []}
            ready={!!summary.data}
          />
        </ErrorBoundary>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ErrorBoundary what="healthDistribution">
            <HealthCard summary={summary} ownerId={ownerId} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={12}>
          <ErrorBoundary what="renewals90">
            <RenewalsCard ownerId={ownerId} ready={!!summary.data} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={12}>
          <ErrorBoundary what="stageDistribution">
            <StagesCard ownerId={ownerId} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={12}>
          <ErrorBoundary what="tierMix">
            <TiersCard summary={summary.data} ownerId={ownerId} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={14}>
          <ErrorBoundary what="myTasks">
            <MyTasksCard assigneeId={ownerId || 'me'} ready={!!summary.data} />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={10}>
          <ErrorBoundary what="notifications">
            <NotificationsCard />
          </ErrorBoundary>
        </Col>
        <Col xs={24}>
          <ErrorBoundary what="healthDropped">
            <DroppedCard ownerId={ownerId} ready={!!summary.data} />
          </ErrorBoundary>
        </Col>
      </Row>
    </Space>
  );
}

function accountsLink(ownerId: string, filter: Record<string, string>) {
  const q = new URLSearchParams(filter);
  if (ownerId) q.set('owner', ownerId);
  return `/accounts?${q.toString()}`;
}

function HealthCard({
  summary,
  ownerId,
}: {
  summary: { data?: AccountStatesSummary; error: unknown; isPending: boolean; refetch: () => unknown };
  ownerId: string;
}) {
  const { t, locale } = useI18n();
  const label = useLabel();
  const navigate = useNavigate();
  const bands = summary.data?.bands ?? [];
  const pending = summary.isPending;
  const error = summary.error;
  const rows = bands.map((b) => ({
    band: b,
    count: summary.data?.health.find((h) => h.status === b.key)?.count ?? 0,
  }));
  const unscored = summary.data ? summary.data.accounts - rows.reduce((n, r) => n + r.count, 0) : 0;
  const open = (key: string) => navigate(accountsLink(ownerId, { health: key }));
  return (
    <Card
      title={t('healthDistribution')}
      extra={<Typography.Text type="secondary">{t('clickToList')}</Typography.Text>}
    >
      {error ? (
        <ErrorState error={error} onRetry={() => void summary.refetch()} />
      ) : pending ? (
        <Loading />
      ) : (
        <Row gutter={16} align="middle">
          <Col xs={24} sm={12}>
            <Chart
              label={t('healthDistribution')}
              style={{ height: 200 }}
              onClick={(p) => open(bands[p.dataIndex]!.key)}
              option={{
                tooltip: { trigger: 'item' },
                series: [
                  {
                    type: 'pie',
                    radius: ['45%', '75%'],
                    // No accounts (a viewer's empty book): no ring, not three equal thirds.
                    stillShowZeroSum: false,
                    label: { show: false },
                    data: rows.map((r) => ({
                      name: label(r.band.label, r.band.key),
                      value: r.count,
                      itemStyle: { color: statusColor(r.band.color) },
                    })),
                  },
                ],
              }}
            />
          </Col>
          <Col xs={24} sm={12}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {rows.map((r) => (
                <Link
                  key={r.band.key}
                  to={accountsLink(ownerId, { health: r.band.key })}
                  data-testid={`health-${r.band.key}`}
                  style={{
                    display: 'flex',
                    justifyContent: 'space-between',
                    padding: '6px 10px',
                    borderRadius: 6,
                    background: '#fafafa',
                  }}
                >
                  <Space>
                    <span
                      style={{
                        width: 10,
                        height: 10,
                        borderRadius: 5,
                        display: 'inline-block',
                        background: statusColor(r.band.color),
                      }}
                    />
                    <span>{label(r.band.label, r.band.key)}</span>
                  </Space>
                  <strong data-testid={`health-count-${r.band.key}`}>{formatNumber(r.count, locale)}</strong>
                </Link>
              ))}
              {unscored > 0 && (
                <Typography.Text type="secondary" style={{ padding: '0 10px' }}>
                  {t('noStatus')}: {formatNumber(unscored, locale)}
                </Typography.Text>
              )}
            </Space>
          </Col>
        </Row>
      )}
    </Card>
  );
}

function CountsBar({
  title,
  items,
  ownerId,
  param,
  testId,
}: {
  title: string;
  items: { key: string; name: string; count: number }[] | undefined;
  ownerId: string;
  param: string;
  testId: string;
}) {
  const { t } = useI18n();
  const navigate = useNavigate();
  if (!items) return <Loading />;
  if (!items.length) return <EmptyState />;
  const data = items;
  return (
    <div data-testid={testId}>
      <Chart
        label={title}
        style={{ height: Math.max(160, data.length * 34) }}
        onClick={(p) => navigate(accountsLink(ownerId, { [param]: data[p.dataIndex]!.key }))}
        option={{
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: 'value', minInterval: 1 },
          yAxis: { type: 'category', inverse: true, data: data.map((d) => d.name) },
          series: [
            {
              type: 'bar',
              data: data.map((d) => d.count),
              label: { show: true, position: 'right' },
              itemStyle: { color: '#1677ff' },
            },
          ],
        }}
      />
      <Typography.Text type="secondary">
        {data.map((d) => `${d.name} ${d.count}`).join(' · ')} — {t('clickToList')}
      </Typography.Text>
    </div>
  );
}

/** Accounts per stage in journey order (onboarding ... expansion, churned last), not rule order. */
function StagesCard({ ownerId }: { ownerId: string }) {
  const { t } = useI18n();
  const stages = useStagesQuery();
  const journey = useStageJourneyQuery(ownerId || undefined);
  const items =
    stages.data && journey.data
      ? journey.data.items.map((j) => ({
          key: j.key,
          name: stages.data.items.find((s) => s.key === j.key)?.name ?? j.name,
          count: j.count,
        }))
      : undefined;
  const error = stages.error ?? journey.error;
  return (
    <Card title={t('stageDistribution')}>
      {error ? (
        <ErrorState
          error={error}
          onRetry={() => {
            void stages.refetch();
            void journey.refetch();
          }}
        />
      ) : (
        <CountsBar
          title={t('stageDistribution')}
          items={items}
          ownerId={ownerId}
          param="stage"
          testId="stage-distribution"
        />
      )}
    </Card>
  );
}

function TiersCard({ summary, ownerId }: { summary?: AccountStatesSummary; ownerId: string }) {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const schemes = useTieringSchemesQuery();
  const active = schemes.data?.items.find((s) => s.active);
  // The active scheme's tiers in its order, then any other tier accounts still hold (overrides).
  const keys = active ? tiersOf(active) : [];
  for (const x of summary?.tiers ?? []) if (x.tier && !keys.includes(x.tier)) keys.push(x.tier);
  const items =
    schemes.data && summary
      ? keys.map((k) => ({
          key: k,
          name: enumLabel('tier', k),
          count: summary.tiers.find((x) => x.tier === k)?.count ?? 0,
        }))
      : undefined;
  return (
    <Card
      title={t('tierMix')}
      extra={active ? <Typography.Text type="secondary">{active.name}</Typography.Text> : null}
    >
      {schemes.error ? (
        <ErrorState error={schemes.error} onRetry={() => void schemes.refetch()} />
      ) : (
        <CountsBar title={t('tierMix')} items={items} ownerId={ownerId} param="tier" testId="tier-mix" />
      )}
    </Card>
  );
}

/**
 * Open renewals in the next 90 days (and open ones overdue): contracts already renewed or churned
 * are closed and not counted. `ready`: the status counts are in, so this no longer competes with them.
 */
function RenewalsCard({ ownerId, ready }: { ownerId: string; ready: boolean }) {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const pipeline = useRenewalWindowQuery(
    { ownerId: ownerId || undefined, days: 90, status: 'open', limit: 50 },
    ready,
  );
  const currency = me.workspace.baseCurrency;
  return (
    <Card title={t('renewals90')} extra={<Link to="/renewals">{t('renewals')}</Link>}>
      <QueryView query={pipeline} isEmpty={(d) => d.totals.contracts === 0} empty={t('noRenewals')}>
        {(data) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Row gutter={16}>
              <Col span={12}>
                <Statistic
                  title={t('accountCount')}
                  value={data.totals.accounts}
                  valueRender={() => (
                    <span data-testid="renewals-count">{formatNumber(data.totals.accounts, locale)}</span>
                  )}
                />
              </Col>
              <Col span={12}>
                <Statistic
                  title={t('arrAtStake')}
                  value={data.totals.arr}
                  valueRender={() => (
                    <span data-testid="renewals-arr" title={formatMoney(data.totals.arr, currency, locale)}>
                      {formatMoneyCompact(data.totals.arr, currency, locale)}
                    </span>
                  )}
                />
              </Col>
            </Row>
            <Table<Renewal>
              size="small"
              rowKey="contractId"
              pagination={false}
              scroll={{ x: 'max-content', y: 180 }}
              dataSource={data.items}
              columns={[
                {
                  title: t('name'),
                  dataIndex: 'accountName',
                  render: (v: string, r) => <Link to={`/accounts/${r.accountId}`}>{v}</Link>,
                },
                { title: t('renewalDate'), dataIndex: 'endDate', width: 120 },
                {
                  title: t('arr'),
                  dataIndex: 'arr',
                  align: 'right',
                  width: 130,
                  render: (v: number) => formatMoney(v, currency, locale),
                },
              ]}
            />
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

function DroppedCard({ ownerId, ready }: { ownerId: string; ready: boolean }) {
  const { t, locale } = useI18n();
  const dropped = useAccountStatesQuery(
    {
      ownerId: ownerId || undefined,
      trendBelow: -DROP_POINTS,
      sort: 'healthTrend7d',
      limit: 10,
      includeTotal: 'true',
    },
    ready,
  );
  const sample = dropped.data?.items ?? [];
  const health = useAccountsHealthQuery(
    sample.map((s) => s.accountId),
    ready,
  );
  return (
    <Card
      title={t('healthDropped')}
      extra={
        dropped.data?.total !== undefined ? (
          <Typography.Text type="secondary">{t('accountsCount', { n: dropped.data.total })}</Typography.Text>
        ) : null
      }
    >
      <QueryView query={dropped} isEmpty={(d) => d.items.length === 0} empty={t('noDrops')}>
        {() => (
          <List
            data-testid="dropped-list"
            dataSource={sample}
            renderItem={(s, i) => {
              const h = health[i]?.data;
              const worst = h?.change?.movedBy
                .filter((m) => m.change < 0)
                .sort((a, b) => a.change - b.change)[0];
              return (
                <List.Item extra={<Tag color="red">{formatNumber(s.healthTrend7d, locale, 1)}</Tag>}>
                  <List.Item.Meta
                    title={<Link to={`/accounts/${s.accountId}`}>{s.name}</Link>}
                    description={
                      worst
                        ? `${t('topReason')}: ${worst.name} (${formatNumber(worst.change, locale, 1)})`
                        : health[i]?.isPending
                          ? t('loading')
                          : '—'
                    }
                  />
                </List.Item>
              );
            }}
          />
        )}
      </QueryView>
    </Card>
  );
}
