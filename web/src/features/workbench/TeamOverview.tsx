import { Card, Col, Row, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type TeamOverview as Overview, useTeamOverviewQuery } from '../../api/team.ts';
import type { AccountStatesSummary } from '../../api/types.ts';
import { Chart, statusColor } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatMoneyCompact, formatNumber, formatPercent, listSeparator } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import { byNumber, byText } from '../team/sort.ts';

type Csm = Overview['csms'][number];
type Band = AccountStatesSummary['bands'][number];

/**
 * The manager's part of the workbench: a group view (default: the groups they lead or belong to),
 * their CSMs side by side, and health over time by tier. `group` is the URL's choice.
 */
export function TeamOverviewSection({
  group,
  onGroup,
  bands,
  ready,
}: {
  group: string | undefined;
  onGroup: (g: string) => void;
  bands: Band[];
  /** Asked once the workbench's counts are in: heavy reads share one worker, and the counts first. */
  ready: boolean;
}) {
  const { t, locale } = useI18n();
  const overview = useTeamOverviewQuery(group, ready);
  const groups = overview.data?.groups ?? [];
  // Until the server says what it shows, the picker shows nothing rather than a raw `mine`.
  const selected = overview.data?.selected ?? group;
  return (
    <Card
      title={t('wbTeamTitle')}
      data-testid="team-overview"
      extra={
        <Space>
          <label htmlFor="wb-group">{t('teamGroup')}</label>
          <Select
            id="wb-group"
            style={{ width: 200 }}
            value={selected}
            onChange={onGroup}
            options={[
              ...(groups.some((g) => g.mine) ? [{ value: 'mine', label: t('wbMyGroups') }] : []),
              { value: 'all', label: t('wbAllGroups') },
              ...groups.map((g) => ({ value: g.id, label: g.mine ? `${g.name} ★` : g.name })),
            ]}
          />
        </Space>
      }
    >
      <QueryView query={overview} isEmpty={(d) => d.csms.length === 0} empty={t('wbNoCsms')}>
        {(d) => (
          <Space orientation="vertical" size="large" style={{ width: '100%' }}>
            <Typography.Text type="secondary" data-testid="wb-group-shown">
              {d.selected === 'mine'
                ? t('wbShowingMine', {
                    groups: groups
                      .filter((g) => g.mine)
                      .map((g) => g.name)
                      .join(listSeparator(locale)),
                  })
                : d.selected === 'all'
                  ? t('wbShowingAll')
                  : t('wbShowingGroup', { group: groups.find((g) => g.id === d.selected)?.name ?? '' })}
            </Typography.Text>
            <CsmsSideBySide data={d} bands={bands} />
            <HealthTrend data={d} />
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

/** CSMs per page of the side-by-side table; the health-mix chart beside it shows the same page. */
const PAGE = 20;

function CsmsSideBySide({ data, bands }: { data: Overview; bands: Band[] }) {
  const { t, locale } = useI18n();
  // The table's order (its sorter) and page; a new answer (another group) starts on its first page.
  // Every CSM of a large team at once (250 for 20,000 accounts) took seconds to render, table and
  // a 6,000 px chart, and no one reads that many bars side by side.
  const [view, setView] = useState({ of: data.csms, order: data.csms, page: 1 });
  const current = view.of === data.csms ? view : { of: data.csms, order: data.csms, page: 1 };
  const shown = current.order.slice((current.page - 1) * PAGE, current.page * PAGE);
  const label = useLabel();
  const count = (c: Csm, status: string) => c.health.find((h) => h.status === status)?.count ?? 0;
  const bandKeys = bands.map((b) => b.key);
  const money = (v: number) => formatMoney(v, data.currency, locale);
  const columns: ColumnsType<Csm> = [
    {
      title: t('wbCsm'),
      dataIndex: 'name',
      fixed: 'left',
      sorter: byText<Csm>((c) => c.name),
      render: (v: string, c) => <Link to={`/workbench?owner=${c.userId}`}>{v}</Link>,
    },
    {
      title: t('teamGroup'),
      dataIndex: 'groupName',
      render: (v: string | null) => v ?? '—',
      sorter: byText<Csm>((c) => c.groupName),
    },
    {
      title: t('accountCount'),
      dataIndex: 'accounts',
      align: 'right',
      sorter: byNumber<Csm>((c) => c.accounts),
      render: (v: number, c) => <Link to={`/accounts?owner=${c.userId}`}>{formatNumber(v, locale)}</Link>,
    },
    ...bands.map((b) => ({
      title: label(b.label, b.key),
      key: `h-${b.key}`,
      align: 'right' as const,
      sorter: byNumber<Csm>((c) => count(c, b.key)),
      render: (_: unknown, c: Csm) => {
        const n = count(c, b.key);
        return n ? (
          <Link to={`/accounts?owner=${c.userId}&health=${b.key}`} style={{ color: statusColor(b.color) }}>
            {formatNumber(n, locale)}
          </Link>
        ) : (
          '0'
        );
      },
    })),
    {
      title: t('wbRenewalsAtRisk'),
      key: 'risk',
      align: 'right',
      sorter: byNumber<Csm>((c) => c.renewalsAtRiskArr),
      render: (_, c) => (
        <span title={money(c.renewalsAtRiskArr)}>
          {formatNumber(c.renewalsAtRisk, locale)} / {formatNumber(c.renewalsOpen, locale)}
          {c.renewalsAtRisk > 0 && (
            <Typography.Text type="danger">
              {' '}
              · {formatMoneyCompact(c.renewalsAtRiskArr, data.currency, locale)}
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      title: t('teamOverdueTasks'),
      dataIndex: 'overdueTasks',
      align: 'right',
      sorter: byNumber<Csm>((c) => c.overdueTasks),
      render: (v: number, c) =>
        v ? (
          <Typography.Text type="danger">{formatNumber(v, locale)}</Typography.Text>
        ) : (
          `0 / ${formatNumber(c.openTasks, locale)}`
        ),
    },
    {
      title: t('wbTouches', { days: data.touchDays }),
      key: 'touches',
      align: 'right',
      sorter: byNumber<Csm>((c) => c.cadenceAttainment),
      render: (_, c) => (
        <span title={t('wbTouchesHint')}>
          {formatNumber(c.touches, locale)} / {formatNumber(c.expectedTouches, locale)} ·{' '}
          <Typography.Text type={(c.cadenceAttainment ?? 1) < 0.6 ? 'warning' : undefined}>
            {formatPercent(c.cadenceAttainment, locale)}
          </Typography.Text>
        </span>
      ),
    },
  ];
  const exportColumns = [
    { key: 'name', title: t('wbCsm') },
    { key: 'groupName', title: t('teamGroup') },
    { key: 'accounts', title: t('accountCount') },
    { key: 'arr', title: t('arr') },
    ...bands.map((b) => ({ key: `h:${b.key}`, title: label(b.label, b.key) })),
    { key: 'renewalsOpen', title: t('wbRenewalsOpen') },
    { key: 'renewalsAtRisk', title: t('wbRenewalsAtRisk') },
    { key: 'renewalsAtRiskArr', title: t('wbRenewalsAtRiskArr') },
    { key: 'openTasks', title: t('teamOpenTasks') },
    { key: 'overdueTasks', title: t('teamOverdueTasks') },
    { key: 'touches', title: t('scTouches') },
    { key: 'expectedTouches', title: t('scExpectedTouches') },
    { key: 'cadenceAttainment', title: t('scCadence') },
  ];
  const exportRows = data.csms.map((c) => ({
    ...c,
    ...Object.fromEntries(bandKeys.map((k) => [`h:${k}`, count(c, k)])),
  }));
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={9}>
        <Typography.Title level={5}>{t('wbHealthMix')}</Typography.Title>
        <Chart
          label={t('wbHealthMix')}
          style={{ height: Math.max(180, shown.length * 24 + 40) }}
          option={{
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
            legend: { top: 0 },
            grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
            xAxis: { type: 'value', minInterval: 1 },
            yAxis: { type: 'category', inverse: true, data: shown.map((c) => c.name) },
            series: bands.map((b) => ({
              name: label(b.label, b.key),
              type: 'bar',
              stack: 'health',
              data: shown.map((c) => count(c, b.key)),
              itemStyle: { color: statusColor(b.color) },
            })),
          }}
        />
        <Typography.Text type="secondary">{t('wbHealthMixHint')}</Typography.Text>
      </Col>
      <Col xs={24} xl={15}>
        <div
          style={{
            display: 'flex',
            justifyContent: 'space-between',
            flexWrap: 'wrap',
            gap: 8,
            marginBottom: 8,
          }}
        >
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('wbSideBySide')}
          </Typography.Title>
          <TableExport filename="team-side-by-side" columns={exportColumns} rows={exportRows} />
        </div>
        <Table<Csm>
          data-testid="wb-csms"
          size="small"
          rowKey="userId"
          dataSource={data.csms}
          columns={columns}
          pagination={
            data.csms.length > PAGE
              ? { pageSize: PAGE, current: current.page, showSizeChanger: false, size: 'small' }
              : false
          }
          onChange={(p, _filters, _sorter, extra) =>
            setView({ of: data.csms, order: extra.currentDataSource, page: p.current ?? 1 })
          }
          scroll={{ x: 'max-content', y: 420 }}
        />
      </Col>
    </Row>
  );
}

function HealthTrend({ data }: { data: Overview }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { days, tiers } = data.healthTrend;
  const short = (d: string) => d.slice(5);
  const rows = tiers.map((x) => ({
    tier: enumLabel('tier', x.tier),
    ...Object.fromEntries(days.map((d, i) => [d, x.scores[i]])),
  }));
  const palette = ['#1677ff', '#52c41a', '#faad14', '#eb2f96', '#722ed1', '#13c2c2', '#8c8c8c'];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Typography.Title level={5}>{t('wbHealthTrend')}</Typography.Title>
        <Chart
          label={t('wbHealthTrend')}
          style={{ height: 260 }}
          option={{
            tooltip: { trigger: 'axis' },
            legend: { top: 0 },
            grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: days.map(short) },
            yAxis: { type: 'value', min: 0, max: 100 },
            series: tiers.map((x, i) => ({
              name: enumLabel('tier', x.tier),
              type: 'line',
              connectNulls: true,
              data: x.scores,
              itemStyle: { color: palette[i % palette.length] },
            })),
          }}
        />
      </Col>
      <Col xs={24} xl={12}>
        <div
          style={{
            display: 'flex',
            justifyContent: 'space-between',
            flexWrap: 'wrap',
            gap: 8,
            marginBottom: 8,
          }}
        >
          <Typography.Text type="secondary">{t('wbHealthTrendHint')}</Typography.Text>
          <TableExport
            filename="health-by-tier"
            columns={[{ key: 'tier', title: t('tier') }, ...days.map((d) => ({ key: d, title: d }))]}
            rows={rows}
          />
        </div>
        <Table
          data-testid="wb-health-trend"
          size="small"
          rowKey="tier"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={rows}
          columns={[
            { title: t('tier'), dataIndex: 'tier', fixed: 'left' },
            ...days.map((d) => ({
              title: short(d),
              dataIndex: d,
              align: 'right' as const,
              render: (v: number | null) => formatNumber(v, locale),
            })),
          ]}
        />
      </Col>
    </Row>
  );
}
