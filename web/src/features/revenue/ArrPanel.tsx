import { Card, Col, Row, Segmented, Space, Statistic, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { type ArrBy, useArrBreakdownQuery } from '../../api/cockpit.ts';
import { useSegmentsQuery } from '../../api/hooks.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatMoneyCompact, formatPercent } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';

const BY: ArrBy[] = ['tier', 'segment', 'owner', 'region', 'industry'];
/** The accounts list's URL filter for each grouping: a row opens the accounts behind its figure. */
const FILTER: Record<ArrBy, string> = {
  tier: 'tier',
  segment: 'segment',
  owner: 'owner',
  region: 'region',
  industry: 'industry',
};

type ArrRow = { key: string | null; label: string; accounts: number; arr: number; share: number };

export function ArrPanel() {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const navigate = useNavigate();
  const { me } = useSession();
  const [by, setBy] = useState<ArrBy>('tier');
  const arr = useArrBreakdownQuery(by);
  const segments = useSegmentsQuery().data?.items ?? [];
  const currency = me.workspace.baseCurrency;
  const byLabel: Record<ArrBy, string> = {
    tier: t('rev.byTier'),
    segment: t('rev.bySegment'),
    owner: t('rev.byOwner'),
    region: t('rev.byRegion'),
    industry: t('rev.byIndustry'),
  };
  // The server's label is a key or a name; the reader's words for keys we know, "(none)" for null.
  const nameOf = (key: string | null, label: string) => {
    if (key === null) return t('rev.noValue');
    if (by === 'tier') return enumLabel('tier', key);
    if (by === 'segment') return segments.find((s) => s.key === key)?.name ?? key;
    return label;
  };
  const drill = (key: string | null) =>
    key === null ? undefined : `/accounts?${FILTER[by]}=${encodeURIComponent(key)}&sort=-arr`;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Segmented
        aria-label={t('rev.by')}
        data-testid="arr-by"
        value={by}
        onChange={(v) => setBy(v as ArrBy)}
        options={BY.map((b) => ({ value: b, label: byLabel[b] }))}
        style={{ maxWidth: '100%', overflowX: 'auto' }}
      />
      <QueryView query={arr} isEmpty={(d) => d.items.length === 0} empty={t('rev.noData')}>
        {(d) => {
          const rows: ArrRow[] = d.items.map((i) => ({
            key: i.key,
            label: nameOf(i.key, i.label),
            accounts: i.accounts,
            arr: i.arr,
            share: d.total.arr ? i.arr / d.total.arr : 0,
          }));
          const top = rows.slice(0, 15);
          return (
            <>
              <Space size="large" wrap>
                <Statistic
                  title={t('rev.totalArr')}
                  value={formatMoney(d.total.arr, currency, locale)}
                  data-testid="arr-total"
                />
                <Statistic title={t('accountCount')} value={d.total.accounts} />
              </Space>
              {by === 'segment' && <Typography.Text type="secondary">{t('rev.segmentNote')}</Typography.Text>}
              <Row gutter={[16, 16]}>
                <Col xs={24} lg={11}>
                  <Card size="small" title={t('rev.arrChart')}>
                    <Chart
                      label={t('rev.arrChart')}
                      style={{ height: Math.max(200, top.length * 28 + 40) }}
                      onClick={(p) => {
                        const to = drill(top[p.dataIndex]?.key ?? null);
                        if (to) void navigate(to);
                      }}
                      option={{
                        animation: false,
                        tooltip: {
                          trigger: 'axis',
                          axisPointer: { type: 'shadow' },
                          valueFormatter: (v: unknown) => formatMoney(Number(v), currency, locale),
                        },
                        grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
                        xAxis: {
                          type: 'value',
                          axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, locale) },
                        },
                        yAxis: {
                          type: 'category',
                          inverse: true,
                          data: top.map((r) => r.label),
                          axisLabel: { width: 110, overflow: 'truncate' },
                        },
                        series: [
                          {
                            type: 'bar',
                            name: t('arr'),
                            barMaxWidth: 28,
                            data: top.map((r) => r.arr),
                            itemStyle: { color: '#1677ff' },
                            cursor: 'pointer',
                          },
                        ],
                      }}
                    />
                  </Card>
                </Col>
                <Col xs={24} lg={13}>
                  <Card
                    size="small"
                    title={byLabel[by]}
                    extra={
                      <TableExport
                        filename={`arr-by-${by}-${d.day}`}
                        columns={[
                          { key: 'label', title: byLabel[by] },
                          { key: 'accounts', title: t('accountCount') },
                          { key: 'arr', title: `${t('arr')} (${currency})` },
                          { key: 'share', title: t('rev.share') },
                        ]}
                        rows={rows.map((r) => ({ ...r, share: Math.round(r.share * 10000) / 10000 }))}
                      />
                    }
                  >
                    <Table<ArrRow>
                      data-testid="arr-table"
                      size="small"
                      rowKey={(r) => r.key ?? '∅'}
                      dataSource={rows}
                      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
                      scroll={{ x: 'max-content' }}
                      columns={[
                        {
                          title: byLabel[by],
                          dataIndex: 'label',
                          render: (v: string, r) => {
                            const to = drill(r.key);
                            return to ? <Link to={to}>{v}</Link> : v;
                          },
                        },
                        {
                          title: t('accountCount'),
                          dataIndex: 'accounts',
                          align: 'right',
                          sorter: (a, b) => a.accounts - b.accounts,
                        },
                        {
                          title: t('arr'),
                          dataIndex: 'arr',
                          align: 'right',
                          defaultSortOrder: 'descend',
                          sorter: (a, b) => a.arr - b.arr,
                          render: (v: number) => formatMoney(v, currency, locale),
                        },
                        {
                          title: t('rev.share'),
                          dataIndex: 'share',
                          align: 'right',
                          render: (v: number) => formatPercent(v, locale, 1),
                        },
                      ]}
                    />
                    <Typography.Text type="secondary">{t('rev.drillHint')}</Typography.Text>
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
