import { Card, Col, Row, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { type MovementMonth, useMovementQuery } from '../../api/cockpit.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatMoneyCompact } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';

const COLORS = {
  new: '#1677ff',
  expansion: '#52c41a',
  contraction: '#faad14',
  churn: '#ff4d4f',
  total: '#8c8c8c',
};

/** The month a year before (or `n` months from) `m`, as YYYY-MM. */
function addMonths(m: string, n: number): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, mo - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * One period's waterfall: start, the four movements, end. Bars float on an invisible base so each
 * step starts where the previous one ended.
 */
function waterfall(items: MovementMonth[]) {
  const first = items[0]!;
  const last = items.at(-1)!;
  const sum = (k: 'new' | 'expansion' | 'contraction' | 'churn') => items.reduce((s, m) => s + m[k], 0);
  const steps = [
    { key: 'new', value: sum('new') },
    { key: 'expansion', value: sum('expansion') },
    { key: 'contraction', value: -sum('contraction') },
    { key: 'churn', value: -sum('churn') },
  ] as const;
  let level = first.startArr;
  const base: number[] = [0];
  const size: number[] = [first.startArr];
  for (const s of steps) {
    const next = level + s.value;
    base.push(Math.min(level, next));
    size.push(Math.abs(s.value));
    level = next;
  }
  base.push(0);
  size.push(last.endArr);
  return { base, size, steps, start: first.startArr, end: last.endArr };
}

export function MovementPanel() {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const currency = me.workspace.baseCurrency;
  const [span, setSpan] = useState(12);
  const [month, setMonth] = useState<string | null>(null);
  const to = new Date().toISOString().slice(0, 7);
  const q = useMovementQuery({ from: addMonths(to, -(span - 1)), to });
  const money = (v: number) => formatMoney(v, currency, locale);
  const names = {
    new: t('rev.new'),
    expansion: t('rev.expansion'),
    contraction: t('rev.contraction'),
    churn: t('rev.churn'),
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          aria-label={t('months')}
          value={span}
          onChange={(v) => {
            setSpan(v);
            setMonth(null);
          }}
          style={{ width: 140 }}
          options={[6, 12, 24].map((n) => ({ value: n, label: t('rev.lastN', { n }) }))}
        />
      </Space>
      <QueryView query={q} isEmpty={(d) => d.items.length === 0} empty={t('rev.noData')}>
        {(d) => {
          const picked = month ? d.items.filter((m) => m.month === month) : d.items;
          const w = waterfall(picked.length ? picked : d.items);
          const title =
            month && picked.length
              ? t('rev.waterfall', { month })
              : t('rev.waterfallRange', { from: d.items[0]!.month, to: d.items.at(-1)!.month });
          const cats = [t('rev.startArr'), ...w.steps.map((s) => names[s.key]), t('rev.endArr')];
          return (
            <>
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={14}>
                  <Card size="small" title={t('rev.movementChart')}>
                    <Chart
                      label={t('rev.movementChart')}
                      style={{ height: 280 }}
                      onClick={(p) => setMonth(d.items[p.dataIndex]?.month ?? null)}
                      option={{
                        animation: false,
                        tooltip: {
                          trigger: 'axis',
                          axisPointer: { type: 'shadow' },
                          valueFormatter: (v: unknown) => money(Number(v)),
                        },
                        legend: { top: 0 },
                        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
                        xAxis: { type: 'category', data: d.items.map((m) => m.month) },
                        yAxis: {
                          type: 'value',
                          axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, locale) },
                        },
                        series: (['new', 'expansion', 'contraction', 'churn'] as const).map((k) => ({
                          name: names[k],
                          type: 'bar',
                          stack: k === 'new' || k === 'expansion' ? 'up' : 'down',
                          cursor: 'pointer',
                          itemStyle: { color: COLORS[k] },
                          data: d.items.map((m) => (k === 'contraction' || k === 'churn' ? -m[k] : m[k])),
                        })),
                      }}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={10}>
                  <Card
                    size="small"
                    title={title}
                    extra={
                      <Select
                        aria-label={t('rev.pickMonth')}
                        title={t('rev.pickMonth')}
                        data-testid="movement-month"
                        value={month ?? ''}
                        onChange={(v) => setMonth(v || null)}
                        style={{ width: 130 }}
                        options={[
                          { value: '', label: t('rev.allMonths') },
                          ...d.items.map((m) => ({ value: m.month, label: m.month })),
                        ]}
                      />
                    }
                  >
                    <div data-testid="movement-waterfall" data-start={w.start} data-end={w.end}>
                      <Chart
                        label={title}
                        style={{ height: 240 }}
                        option={{
                          animation: false,
                          tooltip: {
                            trigger: 'axis',
                            axisPointer: { type: 'shadow' },
                            formatter: (ps: { dataIndex: number }[]) => {
                              const i = ps[0]?.dataIndex ?? 0;
                              const v =
                                i === 0 ? w.start : i === cats.length - 1 ? w.end : w.steps[i - 1]!.value;
                              return `${cats[i]}: ${money(v)}`;
                            },
                          },
                          grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: true },
                          xAxis: { type: 'category', data: cats, axisLabel: { interval: 0, fontSize: 11 } },
                          yAxis: {
                            type: 'value',
                            axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, locale) },
                          },
                          series: [
                            {
                              type: 'bar',
                              stack: 'w',
                              silent: true,
                              itemStyle: { color: 'transparent' },
                              data: w.base,
                            },
                            {
                              type: 'bar',
                              stack: 'w',
                              data: w.size.map((v, i) => ({
                                value: v,
                                itemStyle: {
                                  color:
                                    i === 0 || i === cats.length - 1
                                      ? COLORS.total
                                      : COLORS[w.steps[i - 1]!.key],
                                },
                              })),
                            },
                          ],
                        }}
                      />
                    </div>
                  </Card>
                </Col>
              </Row>
              <Card
                size="small"
                extra={
                  <TableExport
                    filename={`arr-movement-${d.items[0]!.month}-${d.items.at(-1)!.month}`}
                    columns={[
                      { key: 'month', title: t('rev.month') },
                      { key: 'startArr', title: t('rev.startArr') },
                      { key: 'new', title: t('rev.new') },
                      { key: 'expansion', title: t('rev.expansion') },
                      { key: 'contraction', title: t('rev.contraction') },
                      { key: 'churn', title: t('rev.churn') },
                      { key: 'endArr', title: t('rev.endArr') },
                    ]}
                    rows={d.items}
                  />
                }
              >
                <Table<MovementMonth>
                  data-testid="movement-table"
                  size="small"
                  rowKey="month"
                  dataSource={d.items}
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  rowClassName={(r) => (r.month === month ? 'ant-table-row-selected' : '')}
                  onRow={(r) => ({ onClick: () => setMonth(r.month === month ? null : r.month) })}
                  columns={[
                    { title: t('rev.month'), dataIndex: 'month' },
                    { title: t('rev.startArr'), dataIndex: 'startArr', align: 'right', render: money },
                    { title: t('rev.new'), dataIndex: 'new', align: 'right', render: money },
                    { title: t('rev.expansion'), dataIndex: 'expansion', align: 'right', render: money },
                    {
                      title: t('rev.contraction'),
                      dataIndex: 'contraction',
                      align: 'right',
                      render: (v: number) => (v ? `−${money(v)}` : money(0)),
                    },
                    {
                      title: t('rev.churn'),
                      dataIndex: 'churn',
                      align: 'right',
                      render: (v: number) => (v ? `−${money(v)}` : money(0)),
                    },
                    { title: t('rev.endArr'), dataIndex: 'endArr', align: 'right', render: money },
                    {
                      title: t('rev.net'),
                      key: 'net',
                      align: 'right',
                      render: (_: unknown, r) => money(r.endArr - r.startArr),
                    },
                  ]}
                />
              </Card>
            </>
          );
        }}
      </QueryView>
    </Space>
  );
}
