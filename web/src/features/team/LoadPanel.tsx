import { Card, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type CsmLoad, useGroupsQuery, useLoadQuery } from '../../api/team.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatNumber, formatPercent } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { busiest, byNumber, byText } from './sort.ts';

/** Per CSM: accounts and ARR by tier, open and overdue tasks, share of capacity; a table and a chart. */
export function LoadPanel() {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { me } = useSession();
  const currency = me.workspace.baseCurrency;
  const groups = useGroupsQuery();
  const [groupId, setGroupId] = useState<string>('');
  const load = useLoadQuery(groupId || undefined);
  const tiers = [...new Set((load.data?.items ?? []).flatMap((r) => r.byTier.map((x) => x.tier)))];
  const tierOf = (r: CsmLoad, tier: string) => r.byTier.find((x) => x.tier === tier);
  const columns = [
    {
      title: t('name'),
      dataIndex: 'name',
      fixed: 'left' as const,
      sorter: byText<CsmLoad>((r) => r.name),
      render: (v: string, r: CsmLoad) => (
        <Space size={4}>
          <Link to={`/accounts?owner=${r.userId}`}>{v}</Link>
          {!r.active && <Tag>{t('inactive')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('teamGroup'),
      dataIndex: 'groupName',
      render: (v: string | null) => v ?? '—',
      sorter: byText<CsmLoad>((r) => r.groupName ?? ''),
    },
    {
      title: t('accounts'),
      dataIndex: 'accounts',
      align: 'right' as const,
      sorter: byNumber<CsmLoad>((r) => r.accounts),
    },
    {
      title: t('arr'),
      dataIndex: 'arr',
      align: 'right' as const,
      sorter: byNumber<CsmLoad>((r) => r.arr),
      render: (v: number) => formatMoney(v, currency, locale),
    },
    ...tiers.map((tier) => ({
      title: enumLabel('tier', tier),
      key: `tier-${tier}`,
      align: 'right' as const,
      sorter: byNumber<CsmLoad>((r) => tierOf(r, tier)?.accounts ?? 0),
      render: (_: unknown, r: CsmLoad) => {
        const x = tierOf(r, tier);
        return x ? (
          <span title={formatMoney(x.arr, currency, locale)}>{formatNumber(x.accounts, locale)}</span>
        ) : (
          '—'
        );
      },
    })),
    {
      title: t('teamOpenTasks'),
      dataIndex: 'openTasks',
      align: 'right' as const,
      sorter: byNumber<CsmLoad>((r) => r.openTasks ?? 0),
      render: (v: number | null) => formatNumber(v, locale),
    },
    {
      title: t('teamOverdueTasks'),
      dataIndex: 'overdueTasks',
      align: 'right' as const,
      sorter: byNumber<CsmLoad>((r) => r.overdueTasks ?? 0),
      render: (v: number | null) =>
        v ? (
          <Typography.Text type="danger">{formatNumber(v, locale)}</Typography.Text>
        ) : (
          formatNumber(v, locale)
        ),
    },
    {
      title: t('teamCapacityUsed'),
      dataIndex: 'capacityUsed',
      align: 'right' as const,
      defaultSortOrder: undefined,
      sorter: byNumber<CsmLoad>((r) => r.capacityUsed ?? -1),
      render: (v: number | null) =>
        v === null ? (
          '—'
        ) : (
          <Tag color={v > 1 ? 'red' : v > 0.9 ? 'orange' : 'green'}>{formatPercent(v, locale)}</Tag>
        ),
    },
  ];
  const exportColumns = [
    { key: 'name', title: t('name') },
    { key: 'groupName', title: t('teamGroup') },
    { key: 'accounts', title: t('accounts') },
    { key: 'arr', title: `${t('arr')} (${currency})` },
    ...tiers.flatMap((tier) => [
      { key: `tier:${tier}`, title: `${enumLabel('tier', tier)} · ${t('accounts')}` },
      { key: `tierArr:${tier}`, title: `${enumLabel('tier', tier)} · ${t('arr')}` },
    ]),
    { key: 'openTasks', title: t('teamOpenTasks') },
    { key: 'overdueTasks', title: t('teamOverdueTasks') },
    { key: 'capacityUsed', title: t('teamCapacityUsed') },
  ];
  const exportRows = (load.data?.items ?? []).map((r) => {
    const row: Record<string, unknown> = { ...r };
    for (const tier of tiers) {
      row[`tier:${tier}`] = tierOf(r, tier)?.accounts ?? 0;
      row[`tierArr:${tier}`] = tierOf(r, tier)?.arr ?? 0;
    }
    return row;
  });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <label htmlFor="load-group">{t('teamGroup')}</label>
        <Select
          id="load-group"
          style={{ width: 220 }}
          value={groupId}
          onChange={setGroupId}
          options={[
            { value: '', label: t('all') },
            ...(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name })),
          ]}
        />
      </Space>
      <QueryView query={load} isEmpty={(d) => d.items.length === 0}>
        {(data) => (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Typography.Text type="secondary" data-testid="load-unowned">
              {t('teamUnowned', {
                n: formatNumber(data.unowned.accounts, locale),
                arr: formatMoney(data.unowned.arr, currency, locale),
              })}
            </Typography.Text>
            <LoadChart items={data.items} />
            <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
              <TableExport filename="team-load" columns={exportColumns} rows={exportRows} />
            </div>
            <Table<CsmLoad>
              data-testid="load-table"
              size="small"
              rowKey="userId"
              dataSource={data.items}
              columns={columns}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              scroll={{ x: 'max-content' }}
            />
          </Space>
        )}
      </QueryView>
    </Space>
  );
}

/** Bars in the load chart at most. */
const CHART_BARS = 30;

/**
 * Each CSM's share of capacity as a bar. A bar a CSM is readable up to a few dozen; a team of a
 * thousand (the 20,000-account demo) drew a 27,000 px chart before the table: the busiest only,
 * the table has everyone.
 */
function LoadChart({ items }: { items: CsmLoad[] }) {
  const { t, locale } = useI18n();
  const shown = items.length > CHART_BARS ? busiest(items, CHART_BARS) : items;
  return (
    <Card size="small" title={t('teamLoadChart')}>
      <Chart
        label={t('teamLoadChart')}
        style={{ height: Math.max(200, shown.length * 26) }}
        option={{
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
          legend: { top: 0 },
          xAxis: {
            type: 'value',
            axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
          },
          yAxis: { type: 'category', inverse: true, data: shown.map((r) => r.name) },
          series: [
            {
              name: t('teamCapacityUsed'),
              type: 'bar',
              data: shown.map((r) => ({
                value: r.capacityUsed ?? r.load,
                itemStyle: {
                  color:
                    (r.capacityUsed ?? 0) > 1
                      ? '#ff4d4f'
                      : (r.capacityUsed ?? 0) > 0.9
                        ? '#faad14'
                        : '#1677ff',
                },
              })),
              markLine: {
                silent: true,
                symbol: 'none',
                data: [{ xAxis: 1 }],
                // The line is full capacity: say 100%, not the fraction 1.
                label: { formatter: '100%' },
                lineStyle: { color: '#ff4d4f' },
              },
            },
          ],
        }}
      />
      <Typography.Text type="secondary" data-testid="load-chart-hint">
        {shown.length < items.length
          ? t('teamLoadChartBusiest', {
              n: formatNumber(shown.length, locale),
              total: formatNumber(items.length, locale),
            })
          : t('teamLoadChartHint')}
      </Typography.Text>
    </Card>
  );
}
