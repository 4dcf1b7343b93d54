import { Button, Card, Col, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useAccountStatesSummaryQuery } from '../../api/hooks.ts';
import { type Renewal, useRenewalForecastQuery, useRenewalsQuery } from '../../api/renewals.ts';
import { Chart, statusColor } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatMoneyCompact } from '../../format.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';

const CATEGORY_COLORS: Record<string, string> = {
  commit: '#52c41a',
  probable: '#1677ff',
  at_risk: '#ff4d4f',
  closed_won: '#237804',
  closed_lost: '#8c8c8c',
};

export function ForecastPanel() {
  const { t, locale } = useI18n();
  const label = useLabel();
  const { me, user, isManager } = useSession();
  const currency = me.workspace.baseCurrency;
  const [months, setMonths] = useState(6);
  const [split, setSplit] = useState<'category' | 'risk'>('category');
  // A CSM starts on their own renewals; everyone may widen to all they may read.
  const [mine, setMine] = useState(!isManager);
  const [month, setMonth] = useState<string | null>(null);
  const ownerId = mine ? user.id : undefined;
  const q = useRenewalForecastQuery({ months, ownerId });
  const bands = useAccountStatesSummaryQuery().data?.bands ?? [];
  const money = (v: number) => formatMoney(v, currency, locale);
  const riskName = (r: string) => {
    const b = bands.find((x) => x.key === r);
    return b ? label(b.label, b.key) : t('noStatus');
  };
  const riskColor = (r: string) => statusColor(bands.find((x) => x.key === r)?.color ?? 'grey');
  const categoryName = (c: string) => t(`forecast_${c}` as MessageKey);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          aria-label={t('months')}
          value={months}
          onChange={(v) => {
            setMonths(v);
            setMonth(null);
          }}
          style={{ width: 150 }}
          options={[3, 6, 12].map((m) => ({ value: m, label: t('nextMonths', { n: m }) }))}
        />
        <Segmented
          aria-label={t('rev.splitBy')}
          value={split}
          onChange={(v) => setSplit(v as 'category' | 'risk')}
          options={[
            { value: 'category', label: t('forecastCategory') },
            { value: 'risk', label: t('healthStatus') },
          ]}
        />
        <Segmented
          aria-label={t('owner')}
          data-testid="forecast-mine"
          value={mine ? 'mine' : 'all'}
          onChange={(v) => setMine(v === 'mine')}
          options={[
            { value: 'mine', label: t('rev.mine') },
            { value: 'all', label: t('rev.everyone') },
          ]}
        />
      </Space>
      <QueryView
        query={q}
        isEmpty={(d) => d.items.length === 0}
        empty={t('noRenewalsInMonths', { n: months })}
      >
        {(d) => {
          const atRiskOf = (m: (typeof d.items)[number]) =>
            m.byCategory.find((c) => c.category === 'at_risk')?.arr ?? 0;
          const totals = {
            arr: d.items.reduce((s, m) => s + m.arr, 0),
            weighted: d.items.reduce((s, m) => s + m.weightedArr, 0),
            atRisk: d.items.reduce((s, m) => s + atRiskOf(m), 0),
          };
          const keys =
            split === 'category'
              ? [...new Set(d.items.flatMap((m) => m.byCategory.map((c) => c.category)))]
              : [...new Set(d.items.flatMap((m) => m.byRisk.map((r) => r.risk)))];
          const amountOf = (m: (typeof d.items)[number], k: string) =>
            split === 'category'
              ? (m.byCategory.find((c) => c.category === k)?.arr ?? 0)
              : (m.byRisk.find((r) => r.risk === k)?.arr ?? 0);
          const rows = d.items.map((m) => ({
            month: m.month,
            contracts: m.contracts,
            arr: m.arr,
            expectedArr: m.expectedArr,
            weightedArr: m.weightedArr,
            atRisk: atRiskOf(m),
          }));
          const chartTitle = t('rev.forecastChart', {
            what: split === 'category' ? t('rev.byCategory') : t('rev.byRisk'),
          });
          return (
            <>
              <Space size="large" wrap>
                <Statistic title={t('rev.arrUp')} value={money(totals.arr)} />
                <Statistic title={t('weightedArr')} value={money(totals.weighted)} />
                <div title={t('rev.atRiskDef')}>
                  <Statistic
                    title={t('rev.atRisk')}
                    value={money(totals.atRisk)}
                    valueStyle={{ color: totals.atRisk ? '#cf1322' : undefined }}
                    data-testid="forecast-at-risk"
                  />
                </div>
              </Space>
              <Typography.Text type="secondary">{t('rev.atRiskDef')}</Typography.Text>
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={12}>
                  <Card size="small" title={chartTitle}>
                    <Chart
                      label={chartTitle}
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
                        series: keys.map((k) => ({
                          name: split === 'category' ? categoryName(k) : riskName(k),
                          type: 'bar',
                          stack: 'arr',
                          cursor: 'pointer',
                          itemStyle: {
                            color: split === 'category' ? (CATEGORY_COLORS[k] ?? '#bfbfbf') : riskColor(k),
                          },
                          data: d.items.map((m) => amountOf(m, k)),
                        })),
                      }}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={12}>
                  <Card
                    size="small"
                    title={t('rev.tabForecast')}
                    extra={
                      <TableExport
                        filename={`renewal-forecast-${d.items[0]!.month}`}
                        columns={[
                          { key: 'month', title: t('rev.month') },
                          { key: 'contracts', title: t('rev.contracts') },
                          { key: 'arr', title: t('rev.arrUp') },
                          { key: 'expectedArr', title: t('rev.expectedArr') },
                          { key: 'weightedArr', title: t('weightedArr') },
                          { key: 'atRisk', title: t('rev.atRisk') },
                        ]}
                        rows={rows}
                      />
                    }
                  >
                    <Table
                      data-testid="forecast-table"
                      size="small"
                      rowKey="month"
                      dataSource={rows}
                      pagination={false}
                      scroll={{ x: 'max-content' }}
                      rowClassName={(r) => (r.month === month ? 'ant-table-row-selected' : '')}
                      columns={[
                        {
                          title: t('rev.month'),
                          dataIndex: 'month',
                          render: (v: string) => (
                            <Button
                              type="link"
                              size="small"
                              style={{ padding: 0, height: 'auto' }}
                              data-testid={`forecast-month-${v}`}
                              onClick={() => setMonth(v)}
                            >
                              {v}
                            </Button>
                          ),
                        },
                        { title: t('rev.contracts'), dataIndex: 'contracts', align: 'right' },
                        { title: t('rev.arrUp'), dataIndex: 'arr', align: 'right', render: money },
                        { title: t('weightedArr'), dataIndex: 'weightedArr', align: 'right', render: money },
                        {
                          title: t('rev.atRisk'),
                          dataIndex: 'atRisk',
                          align: 'right',
                          render: (v: number) =>
                            v ? <Typography.Text type="danger">{money(v)}</Typography.Text> : money(0),
                        },
                      ]}
                    />
                  </Card>
                </Col>
              </Row>
              {month ? (
                <MonthRenewals
                  month={month}
                  months={d.items.findIndex((m) => m.month === month) + 1}
                  ownerId={ownerId}
                  riskName={riskName}
                  riskColor={riskColor}
                />
              ) : (
                <Typography.Text type="secondary">{t('rev.pickForecastMonth')}</Typography.Text>
              )}
            </>
          );
        }}
      </QueryView>
    </Space>
  );
}

/** The renewals behind one month's figures (the drill-down). */
function MonthRenewals({
  month,
  months,
  ownerId,
  riskName,
  riskColor,
}: {
  month: string;
  months: number;
  ownerId?: string;
  riskName: (r: string) => string;
  riskColor: (r: string) => string;
}) {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const currency = me.workspace.baseCurrency;
  const q = useRenewalsQuery({ months: Math.max(1, months), ownerId });
  const money = (v: number) => formatMoney(v, currency, locale);
  const items = (q.data?.items ?? []).filter((r) => r.endDate.startsWith(month));
  return (
    <Card
      size="small"
      title={t('rev.monthRenewals', { month })}
      data-testid="forecast-drill"
      extra={
        <TableExport
          filename={`renewals-${month}`}
          columns={[
            { key: 'accountName', title: t('name') },
            { key: 'endDate', title: t('renewalDate') },
            { key: 'arr', title: t('arr') },
            { key: 'forecastCategory', title: t('forecastCategory') },
            { key: 'weightedArr', title: t('weightedArr') },
            { key: 'ownerName', title: t('owner') },
          ]}
          rows={items.map((r) => ({
            ...r,
            forecastCategory: t(`forecast_${r.forecastCategory}` as MessageKey),
          }))}
        />
      }
    >
      <QueryView query={q}>
        {() => (
          <Table<Renewal>
            size="small"
            rowKey="contractId"
            dataSource={items}
            pagination={items.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                title: t('name'),
                dataIndex: 'accountName',
                render: (v: string, r) => <Link to={`/accounts/${r.accountId}`}>{v}</Link>,
              },
              { title: t('renewalDate'), dataIndex: 'endDate' },
              { title: t('arr'), dataIndex: 'arr', align: 'right', render: money },
              {
                title: t('healthStatus'),
                dataIndex: 'healthStatus',
                render: (v: string | null) => (
                  <Tag color={riskColor(v ?? 'none')}>{riskName(v ?? 'none')}</Tag>
                ),
              },
              {
                title: t('forecastCategory'),
                dataIndex: 'forecastCategory',
                render: (v: string) => t(`forecast_${v}` as MessageKey),
              },
              { title: t('weightedArr'), dataIndex: 'weightedArr', align: 'right', render: money },
              { title: t('owner'), dataIndex: 'ownerName' },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
