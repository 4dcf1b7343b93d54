import { Card, Col, Row, Segmented, Select, Space, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { type RetentionQuery, type RetentionRow, useRetentionQuery } from '../../api/cockpit.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';

type Period = NonNullable<RetentionQuery['period']>;
type Cohort = NonNullable<RetentionQuery['cohort']>;
const ratio = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 10000);

export function RetentionPanel() {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const currency = me.workspace.baseCurrency;
  const [period, setPeriod] = useState<Period>('quarter');
  const [periods, setPeriods] = useState(4);
  const [cohort, setCohort] = useState<Cohort>('year');
  const [measure, setMeasure] = useState<'nrr' | 'grr'>('nrr');
  const q = useRetentionQuery({ period, periods, cohort });
  const money = (v: number) => formatMoney(v, currency, locale);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          aria-label={t('rev.period')}
          data-testid="retention-period"
          value={period}
          onChange={setPeriod}
          style={{ width: 120 }}
          options={[
            { value: 'month', label: t('rev.month') },
            { value: 'quarter', label: t('rev.quarter') },
            { value: 'year', label: t('rev.year') },
          ]}
        />
        <Select
          aria-label={t('rev.periods')}
          value={periods}
          onChange={setPeriods}
          style={{ width: 120 }}
          options={[4, 6, 8, 12].map((n) => ({ value: n, label: t('rev.lastN', { n }) }))}
        />
        <Select
          aria-label={t('rev.cohort')}
          data-testid="retention-cohort"
          value={cohort}
          onChange={setCohort}
          style={{ width: 200 }}
          options={[
            { value: 'none', label: t('rev.cohortNone') },
            { value: 'year', label: t('rev.cohortYear') },
            { value: 'quarter', label: t('rev.cohortQuarter') },
          ]}
        />
      </Space>
      <Typography.Text type="secondary">{t('rev.retentionDef')}</Typography.Text>
      <QueryView query={q} isEmpty={(d) => d.items.length === 0} empty={t('rev.noData')}>
        {(d) => {
          const all = d.items.filter((r) => r.cohort === 'all');
          const labels = all.map((r) => r.period);
          const cohorts = [...new Set(d.items.filter((r) => r.cohort !== 'all').map((r) => r.cohort))];
          const cell = new Map(d.items.map((r) => [`${r.cohort}|${r.period}`, r]));
          const cohortRows = cohorts.map((c) => ({
            cohort: c,
            ...Object.fromEntries(labels.map((p) => [p, ratio(cell.get(`${c}|${p}`)?.[measure] ?? null)])),
          }));
          return (
            <>
              <Row gutter={[16, 16]}>
                <Col xs={24} xl={9}>
                  <Card size="small" title={t('rev.retentionChart')}>
                    <Chart
                      label={t('rev.retentionChart')}
                      style={{ height: 260 }}
                      option={{
                        animation: false,
                        tooltip: {
                          trigger: 'axis',
                          valueFormatter: (v: unknown) => formatPercent(Number(v), locale, 1),
                        },
                        legend: { top: 0 },
                        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
                        xAxis: { type: 'category', data: labels },
                        yAxis: {
                          type: 'value',
                          scale: true,
                          axisLabel: { formatter: (v: number) => formatPercent(v, locale) },
                        },
                        series: [
                          { name: t('rev.grr'), type: 'line', data: all.map((r) => r.grr) },
                          { name: t('rev.nrr'), type: 'line', data: all.map((r) => r.nrr) },
                        ],
                      }}
                    />
                  </Card>
                </Col>
                <Col xs={24} xl={15}>
                  <Card
                    size="small"
                    title={t('rev.cohortAll')}
                    extra={
                      <TableExport
                        filename={`retention-${period}`}
                        columns={[
                          { key: 'period', title: t('rev.period') },
                          { key: 'cohort', title: t('rev.cohort') },
                          { key: 'accounts', title: t('accountCount') },
                          { key: 'startArr', title: t('rev.startArr') },
                          { key: 'expansion', title: t('rev.expansion') },
                          { key: 'contraction', title: t('rev.contraction') },
                          { key: 'churn', title: t('rev.churn') },
                          { key: 'endArr', title: t('rev.endArr') },
                          { key: 'grr', title: t('rev.grr') },
                          { key: 'nrr', title: t('rev.nrr') },
                        ]}
                        rows={d.items.map((r) => ({
                          ...r,
                          cohort: r.cohort === 'all' ? t('rev.cohortAll') : r.cohort,
                          grr: ratio(r.grr),
                          nrr: ratio(r.nrr),
                        }))}
                      />
                    }
                  >
                    <Table<RetentionRow>
                      data-testid="retention-table"
                      size="small"
                      rowKey="period"
                      dataSource={all}
                      pagination={false}
                      scroll={{ x: 'max-content' }}
                      columns={[
                        { title: t('rev.period'), dataIndex: 'period' },
                        { title: t('accountCount'), dataIndex: 'accounts', align: 'right' },
                        { title: t('rev.startArr'), dataIndex: 'startArr', align: 'right', render: money },
                        { title: t('rev.expansion'), dataIndex: 'expansion', align: 'right', render: money },
                        {
                          title: t('rev.contraction'),
                          dataIndex: 'contraction',
                          align: 'right',
                          render: money,
                        },
                        { title: t('rev.churn'), dataIndex: 'churn', align: 'right', render: money },
                        {
                          title: t('rev.grr'),
                          dataIndex: 'grr',
                          align: 'right',
                          render: (v: number | null) => formatPercent(v, locale, 1),
                        },
                        {
                          title: t('rev.nrr'),
                          dataIndex: 'nrr',
                          align: 'right',
                          render: (v: number | null) => formatPercent(v, locale, 1),
                        },
                      ]}
                    />
                  </Card>
                </Col>
              </Row>
              <Card
                size="small"
                title={t('rev.cohortTable', { measure: measure === 'nrr' ? t('rev.nrr') : t('rev.grr') })}
                extra={
                  <Space wrap>
                    <Segmented
                      aria-label={t('rev.cohortTable', { measure: '' })}
                      value={measure}
                      onChange={(v) => setMeasure(v as 'nrr' | 'grr')}
                      options={[
                        { value: 'nrr', label: t('rev.nrr') },
                        { value: 'grr', label: t('rev.grr') },
                      ]}
                    />
                    {cohorts.length > 0 && (
                      <TableExport
                        filename={`cohorts-${measure}-${period}`}
                        columns={[
                          { key: 'cohort', title: t('rev.cohort') },
                          ...labels.map((p) => ({ key: p, title: p })),
                        ]}
                        rows={cohortRows}
                      />
                    )}
                  </Space>
                }
              >
                {cohort === 'none' ? (
                  <Typography.Text type="secondary">{t('rev.cohortNeeded')}</Typography.Text>
                ) : (
                  <Table
                    data-testid="cohort-table"
                    size="small"
                    rowKey="cohort"
                    dataSource={cohorts.map((c) => ({ cohort: c }))}
                    pagination={false}
                    scroll={{ x: 'max-content' }}
                    columns={[
                      { title: t('rev.cohort'), dataIndex: 'cohort', fixed: 'left' },
                      ...labels.map((p) => ({
                        title: p,
                        key: p,
                        align: 'right' as const,
                        render: (_: unknown, r: { cohort: string }) => {
                          const x = cell.get(`${r.cohort}|${p}`);
                          if (!x?.accounts) return '—';
                          const v = x[measure];
                          return (
                            <Tooltip
                              title={t('rev.cohortCell', { accounts: x.accounts, start: money(x.startArr) })}
                            >
                              <span
                                style={{
                                  color:
                                    v === null
                                      ? undefined
                                      : v >= 1
                                        ? '#389e0d'
                                        : v < 0.85
                                          ? '#cf1322'
                                          : undefined,
                                }}
                              >
                                {formatPercent(v, locale, 1)}
                              </span>
                            </Tooltip>
                          );
                        },
                      })),
                    ]}
                  />
                )}
              </Card>
            </>
          );
        }}
      </QueryView>
    </Space>
  );
}
