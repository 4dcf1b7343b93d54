import { Card, Col, DatePicker, Row, Space, Statistic, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { type ChurnReasons, useChurnReasonsQuery } from '../../api/cockpit.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatMoneyCompact } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';

type Reason = ChurnReasons['churn'][number];

export function ChurnPanel() {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const currency = me.workspace.baseCurrency;
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const q = useChurnReasonsQuery(
    range ? { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') } : {},
  );
  const money = (v: number) => formatMoney(v, currency, locale);
  const reasonName = (r: string) =>
    r === 'unrecorded' ? t('rev.unrecorded') : t(`churn_${r}` as MessageKey);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <span>{t('rev.range')}</span>
        <DatePicker.RangePicker
          aria-label={t('rev.range')}
          value={range}
          onChange={(v) => setRange(v?.[0] && v[1] ? [v[0], v[1]] : null)}
        />
      </Space>
      <QueryView query={q}>
        {(d) => {
          const total = d.churn.reduce((s, r) => s + r.arr, 0);
          return (
            <>
              <Space size="large" wrap>
                <Statistic title={`${t('rev.churn')} (${d.from} – ${d.to})`} value={money(total)} />
                <Statistic
                  title={t('rev.expandedRenewals')}
                  value={`${d.expansion.contracts} · +${money(d.expansion.arr)}`}
                />
                <Statistic
                  title={t('rev.downgradedRenewals')}
                  value={`${d.downgrade.contracts} · −${money(d.downgrade.arr)}`}
                />
              </Space>
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={11}>
                  <Card size="small" title={t('rev.churnChart')}>
                    {d.churn.length === 0 ? (
                      <div style={{ padding: 24, textAlign: 'center' }}>{t('rev.noData')}</div>
                    ) : (
                      <Chart
                        label={t('rev.churnChart')}
                        style={{ height: Math.max(180, d.churn.length * 30 + 40) }}
                        option={{
                          animation: false,
                          tooltip: {
                            trigger: 'axis',
                            axisPointer: { type: 'shadow' },
                            valueFormatter: (v: unknown) => money(Number(v)),
                          },
                          grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
                          xAxis: {
                            type: 'value',
                            axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, locale) },
                          },
                          yAxis: {
                            type: 'category',
                            inverse: true,
                            data: d.churn.map((r) => reasonName(r.reason)),
                          },
                          series: [
                            {
                              type: 'bar',
                              name: t('rev.churn'),
                              barMaxWidth: 28,
                              itemStyle: { color: '#ff4d4f' },
                              data: d.churn.map((r) => r.arr),
                            },
                          ],
                        }}
                      />
                    )}
                  </Card>
                </Col>
                <Col xs={24} lg={13}>
                  <Card
                    size="small"
                    title={t('rev.tabChurn')}
                    extra={
                      <TableExport
                        filename={`churn-reasons-${d.from}-${d.to}`}
                        columns={[
                          { key: 'reason', title: t('churnReason') },
                          { key: 'contracts', title: t('rev.contracts') },
                          { key: 'arr', title: `${t('arr')} (${currency})` },
                        ]}
                        rows={d.churn.map((r) => ({ ...r, reason: reasonName(r.reason) }))}
                      />
                    }
                  >
                    <Table<Reason>
                      data-testid="churn-table"
                      size="small"
                      rowKey="reason"
                      dataSource={d.churn}
                      pagination={false}
                      columns={[
                        { title: t('churnReason'), dataIndex: 'reason', render: reasonName },
                        { title: t('rev.contracts'), dataIndex: 'contracts', align: 'right' },
                        { title: t('arr'), dataIndex: 'arr', align: 'right', render: money },
                      ]}
                    />
                  </Card>
                </Col>
              </Row>
            </>
          );
        }}
      </QueryView>
    </Space>
  );
}
