import { Button, Card, Col, DatePicker, Row, Segmented, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type Scorecard, useGroupsQuery, useScorecardsQuery } from '../../api/team.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatDateTime, formatMoney, formatNumber, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { byNumber, byText } from '../team/sort.ts';
import { type Focus, ScorecardDrawer } from './ScorecardDrawer.tsx';

type M = Scorecard['metrics'];
type Measure = {
  key: Focus;
  label: MessageKey;
  side: 'outcome' | 'process';
  value: (m: M) => number | null;
  format: 'pct' | 'money' | 'num';
};

/** The measures of a card, outcome then process (seed 003), each a column and a drill-down. */
export const MEASURES: Measure[] = [
  {
    key: 'renewalRate',
    label: 'scRenewalRateArr',
    side: 'outcome',
    value: (m) => m.renewalRateArr,
    format: 'pct',
  },
  {
    key: 'renewalCount',
    label: 'scRenewalRateCount',
    side: 'outcome',
    value: (m) => m.renewalRateCount,
    format: 'pct',
  },
  { key: 'nrr', label: 'scNrr', side: 'outcome', value: (m) => m.nrr, format: 'pct' },
  { key: 'nps', label: 'scNps', side: 'outcome', value: (m) => m.nps, format: 'num' },
  { key: 'expansion', label: 'scExpansion', side: 'outcome', value: (m) => m.expansionArr, format: 'money' },
  { key: 'touches', label: 'scCadence', side: 'process', value: (m) => m.cadenceAttainment, format: 'pct' },
  { key: 'tasksOnTime', label: 'scTasksOnTime', side: 'process', value: (m) => m.tasksOnTime, format: 'pct' },
  {
    key: 'dangerWithPlan',
    label: 'scDangerWithPlan',
    side: 'process',
    value: (m) => m.dangerWithPlan,
    format: 'pct',
  },
  {
    key: 'healthImproved',
    label: 'scHealthImproved',
    side: 'process',
    value: (m) => m.healthImproved,
    format: 'pct',
  },
];

/** CSM and group scorecards for a period: outcome and process side by side with their weights. */
export default function ScorecardsPage() {
  const { t, locale } = useI18n();
  const { me, isManager, today } = useSession();
  const currency = me.workspace.baseCurrency;
  const [params, setParams] = useSearchParams();
  const to = params.get('to') ?? today;
  const from = params.get('from') ?? dayjs(to).subtract(89, 'day').format('YYYY-MM-DD');
  const view = isManager && params.get('view') === 'groups' ? 'groups' : 'csms';
  const groupId = params.get('group') ?? undefined;
  const cards = useScorecardsQuery({ from, to, groupId });
  const groups = useGroupsQuery();
  const [drill, setDrill] = useState<{ card: Scorecard; focus: Focus } | null>(null);
  const set = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };
  const groupName = (id: string | null) =>
    id
      ? (groups.data?.items.find((g) => g.id === id)?.name ??
        cards.data?.groups.find((g) => g.id === id)?.name ??
        '—')
      : '—';
  const fmt = (m: Measure, v: number | null) =>
    m.format === 'pct'
      ? formatPercent(v, locale, 1)
      : m.format === 'money'
        ? formatMoney(v, currency, locale)
        : formatNumber(v, locale, 1);
  const weights = cards.data?.weights ?? { outcome: 0.6, process: 0.4 };
  const unavailable = new Set(cards.data?.unavailable.map((u) => u.metric) ?? []);
  const measures = MEASURES.filter((m) => !unavailable.has(m.key));
  const figure = (card: Scorecard, m: Measure) => {
    const v = m.value(card.metrics);
    return (
      <Button
        type="link"
        size="small"
        style={{ padding: 0, height: 'auto' }}
        data-testid={`sc-${m.key}-${card.id}`}
        aria-label={`${card.name} · ${t(m.label)}: ${fmt(m, v)}`}
        onClick={() => setDrill({ card, focus: m.key })}
      >
        {fmt(m, v)}
      </Button>
    );
  };
  const score = (v: number | null) => (v === null ? '—' : formatNumber(v, locale, 1));
  const columns: ColumnsType<Scorecard> = [
    {
      title: t('name'),
      dataIndex: 'name',
      fixed: 'left',
      sorter: byText<Scorecard>((c) => c.name),
      render: (v: string, c) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => setDrill({ card: c, focus: 'accounts' })}
        >
          {v}
        </Button>
      ),
    },
    ...(view === 'csms'
      ? [
          {
            title: t('teamGroup'),
            dataIndex: 'groupId',
            render: (v: string | null) => groupName(v),
            sorter: byText<Scorecard>((c) => groupName(c.groupId)),
          },
        ]
      : []),
    {
      title: t('scScore'),
      dataIndex: 'score',
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: byNumber<Scorecard>((c) => c.score),
      render: (v: number | null) => <strong data-testid="sc-score">{score(v)}</strong>,
    },
    {
      title: t('accountCount'),
      key: 'accounts',
      align: 'right',
      sorter: byNumber<Scorecard>((c) => c.metrics.accounts),
      render: (_, c) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => setDrill({ card: c, focus: 'accounts' })}
        >
          {formatNumber(c.metrics.accounts, locale)}
        </Button>
      ),
    },
    {
      title: `${t('scOutcome')} ${formatPercent(weights.outcome, locale)}`,
      children: [
        {
          title: t('scSideScore'),
          dataIndex: 'outcomeScore',
          align: 'right',
          sorter: byNumber<Scorecard>((c) => c.outcomeScore),
          render: score,
        },
        ...measures
          .filter((m) => m.side === 'outcome')
          .map((m) => ({
            title: t(m.label),
            key: m.key,
            align: 'right' as const,
            sorter: byNumber<Scorecard>((c) => m.value(c.metrics)),
            render: (_: unknown, c: Scorecard) => figure(c, m),
          })),
      ],
    },
    {
      title: `${t('scProcess')} ${formatPercent(weights.process, locale)}`,
      children: [
        {
          title: t('scSideScore'),
          dataIndex: 'processScore',
          align: 'right',
          sorter: byNumber<Scorecard>((c) => c.processScore),
          render: score,
        },
        ...measures
          .filter((m) => m.side === 'process')
          .map((m) => ({
            title: t(m.label),
            key: m.key,
            align: 'right' as const,
            sorter: byNumber<Scorecard>((c) => m.value(c.metrics)),
            render: (_: unknown, c: Scorecard) => figure(c, m),
          })),
      ],
    },
  ];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('scorecards')}
      </Typography.Title>
      <Space wrap>
        <DatePicker.RangePicker
          aria-label={t('scPeriod')}
          allowClear={false}
          value={[dayjs(from), dayjs(to)]}
          onChange={(v) =>
            v?.[0] && v[1] && set({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') })
          }
        />
        {isManager && (
          <Segmented
            value={view}
            onChange={(v) => set({ view: v === 'groups' ? 'groups' : null })}
            options={[
              { value: 'csms', label: t('scByCsm') },
              { value: 'groups', label: t('scByGroup') },
            ]}
          />
        )}
        <Tag color="blue" data-testid="sc-weights">
          {t('scWeights', {
            outcome: formatPercent(weights.outcome, locale),
            process: formatPercent(weights.process, locale),
          })}
        </Tag>
      </Space>
      <Typography.Text type="secondary">{isManager ? t('scHint') : t('scHintOwn')}</Typography.Text>
      <QueryView
        query={cards}
        isEmpty={(d) => (view === 'groups' ? d.groups : d.items).length === 0}
        empty={t('scNone')}
      >
        {(data) => {
          const rows = view === 'groups' ? data.groups : data.items;
          const exportColumns = [
            { key: 'name', title: t('name') },
            ...(view === 'csms' ? [{ key: 'group', title: t('teamGroup') }] : []),
            { key: 'score', title: t('scScore') },
            { key: 'accounts', title: t('accountCount') },
            { key: 'outcomeScore', title: `${t('scOutcome')} · ${t('scSideScore')}` },
            ...measures.filter((m) => m.side === 'outcome').map((m) => ({ key: m.key, title: t(m.label) })),
            { key: 'processScore', title: `${t('scProcess')} · ${t('scSideScore')}` },
            ...measures.filter((m) => m.side === 'process').map((m) => ({ key: m.key, title: t(m.label) })),
          ];
          const exportRows = rows.map((c) => ({
            name: c.name,
            group: groupName(c.groupId),
            score: c.score,
            accounts: c.metrics.accounts,
            outcomeScore: c.outcomeScore,
            processScore: c.processScore,
            ...Object.fromEntries(measures.map((m) => [m.key, m.value(c.metrics)])),
          }));
          return (
            <Row gutter={[16, 16]}>
              <Col xs={24}>
                <div
                  style={{
                    display: 'flex',
                    justifyContent: 'space-between',
                    flexWrap: 'wrap',
                    gap: 8,
                    marginBottom: 8,
                  }}
                >
                  <Typography.Text type="secondary">
                    {t('scPeriodShown', { from: data.from, to: data.to })}
                    {' · '}
                    <span data-testid="scorecards-computed">
                      {t('computedAt', { at: formatDateTime(data.computedAt, locale) })}
                    </span>
                  </Typography.Text>
                  <TableExport
                    filename={`scorecards-${view}-${data.from}-${data.to}`}
                    columns={exportColumns}
                    rows={exportRows}
                  />
                </div>
                <Table<Scorecard>
                  data-testid="scorecards-table"
                  size="small"
                  rowKey="id"
                  dataSource={rows}
                  columns={columns}
                  pagination={{ pageSize: 50, hideOnSinglePage: true }}
                  scroll={{ x: 'max-content' }}
                />
              </Col>
              {rows.length > 1 && (
                <Col xs={24}>
                  <Card size="small" title={t('scChart')}>
                    <Chart
                      label={t('scChart')}
                      style={{ height: Math.max(200, rows.length * 26) }}
                      option={{
                        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                        legend: { top: 0 },
                        grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
                        xAxis: { type: 'value', max: 100 },
                        yAxis: { type: 'category', inverse: true, data: rows.map((c) => c.name) },
                        series: [
                          {
                            name: `${t('scOutcome')} × ${formatPercent(weights.outcome, locale)}`,
                            type: 'bar',
                            stack: 'score',
                            data: rows.map((c) =>
                              c.outcomeScore === null
                                ? 0
                                : Math.round(c.outcomeScore * weights.outcome * 10) / 10,
                            ),
                            itemStyle: { color: '#1677ff' },
                          },
                          {
                            name: `${t('scProcess')} × ${formatPercent(weights.process, locale)}`,
                            type: 'bar',
                            stack: 'score',
                            data: rows.map((c) =>
                              c.processScore === null
                                ? 0
                                : Math.round(c.processScore * weights.process * 10) / 10,
                            ),
                            itemStyle: { color: '#52c41a' },
                          },
                        ],
                      }}
                    />
                    <Typography.Text type="secondary">{t('scChartHint')}</Typography.Text>
                  </Card>
                </Col>
              )}
            </Row>
          );
        }}
      </QueryView>
      {drill && (
        <ScorecardDrawer
          card={drill.card}
          focus={drill.focus}
          from={from}
          to={to}
          onClose={() => setDrill(null)}
        />
      )}
    </Space>
  );
}
