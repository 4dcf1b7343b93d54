import { useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Row, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { apiGet } from '../../api/client.ts';
import { type EffectivenessRow, useEffectivenessQuery } from '../../api/cockpit.ts';
import { Chart } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type Horizon = 'after30' | 'after90';
type Outcome = EffectivenessRow['after30'];
const signed = (v: number | null, locale: 'en' | 'zh-CN') =>
  v === null ? '—' : `${v > 0 ? '+' : ''}${formatNumber(v, locale, 2)}`;

/** The runs behind a row: a rule's runs, or every run of a playbook's plays. */
function useRunsOf(row: EffectivenessRow | undefined) {
  return useQuery({
    queryKey: ['effect-runs', row?.source, row?.ruleId],
    queryFn: ({ signal }) =>
      row!.source === 'rule'
        ? apiGet('/rules/{id}/runs', { params: { id: row!.ruleId }, query: { limit: 50 }, signal })
        : apiGet('/playbooks/{id}/runs', { params: { id: row!.ruleId }, query: { limit: 50 }, signal }),
    enabled: !!row,
  });
}

/** The control's make-up in words: how many were held out, in cooldown, over the limit. */
function useReasonMix() {
  const { t } = useI18n();
  return (o: Outcome) =>
    (['holdout', 'cooldown', 'limit'] as const)
      .filter((k) => o.reasons[k] > 0)
      .map((k) => t(`pb.why.${k}`, { n: o.reasons[k] }))
      .join(' · ') || '—';
}

/** Why no lift is shown, in words; null when it is shown. */
function useWithheldText() {
  const { t } = useI18n();
  return (o: Outcome) =>
    o.withheld === null
      ? null
      : t(`pb.withheld.${o.withheld}`, { controls: o.controlAccounts, pairs: o.pairs });
}

export function EffectPanel() {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const reasonMix = useReasonMix();
  const withheldText = useWithheldText();
  const [horizon, setHorizon] = useState<Horizon>('after30');
  const [band, setBand] = useState(10);
  const [picked, setPicked] = useState<string | null>(null);
  const q = useEffectivenessQuery({ band });
  const row = q.data?.items.find((r) => r.ruleId === picked);
  const runs = useRunsOf(row);
  const days = horizon === 'after30' ? 30 : 90;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Segmented
          aria-label={t('pb.horizon')}
          data-testid="effect-horizon"
          value={horizon}
          onChange={(v) => setHorizon(v as Horizon)}
          options={[
            { value: 'after30', label: t('pb.after', { n: 30 }) },
            { value: 'after90', label: t('pb.after', { n: 90 }) },
          ]}
        />
        <Select
          aria-label={t('pb.band')}
          title={t('pb.band')}
          value={band}
          onChange={setBand}
          style={{ width: 160 }}
          options={[5, 10, 20].map((n) => ({ value: n, label: t('pb.bandOption', { n }) }))}
        />
      </Space>
      <QueryView query={q} isEmpty={(d) => d.items.length === 0} empty={t('pb.noEffect')}>
        {(d) => {
          const rows = d.items;
          const exportRows = rows.map((r) => ({
            name: r.name,
            source: r.source === 'rule' ? t('pb.sourceRule') : t('pb.sourcePlaybook'),
            holdoutPct: r.holdoutPct,
            accounts: r.accounts,
            actions: r.actions,
            n: r[horizon].n,
            pairs: r[horizon].pairs,
            acted: r[horizon].acted,
            control: r[horizon].control,
            controlN: r[horizon].controlAccounts,
            why: reasonMix(r[horizon]),
            lift: r[horizon].lift,
            low: r[horizon].low,
            high: r[horizon].high,
            withheld: withheldText(r[horizon]) ?? '',
          }));
          const measured = rows.filter((r) => r[horizon].acted !== null).slice(0, 12);
          return (
            <>
              <Typography.Text type="secondary">
                {t('pb.effectDef', { from: d.from, band })}{' '}
                <span data-testid="effect-computed-at">
                  {t('computedAt', { at: formatDateTime(d.computedAt, locale) })}
                </span>
              </Typography.Text>
              <Row gutter={[16, 16]}>
                <Col xs={24} xxl={9}>
                  <Card size="small" title={t('pb.effectChart')}>
                    <Chart
                      label={t('pb.effectChart')}
                      style={{ height: Math.max(220, measured.length * 44 + 60) }}
                      onClick={(p) => setPicked(measured[p.dataIndex]?.ruleId ?? null)}
                      option={{
                        animation: false,
                        tooltip: {
                          trigger: 'axis',
                          axisPointer: { type: 'shadow' },
                          valueFormatter: (v: unknown) => signed(v === null ? null : Number(v), locale),
                        },
                        legend: { top: 0 },
                        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
                        xAxis: { type: 'value' },
                        yAxis: {
                          type: 'category',
                          inverse: true,
                          data: measured.map((r) => r.name),
                          axisLabel: { width: 120, overflow: 'truncate' },
                        },
                        series: [
                          {
                            name: t('pb.acted'),
                            type: 'bar',
                            itemStyle: { color: '#1677ff' },
                            data: measured.map((r) => r[horizon].acted),
                          },
                          {
                            name: t('pb.control'),
                            type: 'bar',
                            itemStyle: { color: '#bfbfbf' },
                            data: measured.map((r) => r[horizon].control),
                          },
                        ],
                      }}
                    />
                  </Card>
                </Col>
                <Col xs={24} xxl={15}>
                  <Card
                    size="small"
                    title={t('pb.after', { n: days })}
                    extra={
                      <TableExport
                        filename={`automation-effect-${days}d-${d.from}`}
                        columns={[
                          { key: 'name', title: t('pb.name') },
                          { key: 'source', title: t('pb.source') },
                          { key: 'holdoutPct', title: t('pb.holdout') },
                          { key: 'accounts', title: t('accountCount') },
                          { key: 'actions', title: t('pb.actions') },
                          { key: 'n', title: t('pb.n') },
                          { key: 'pairs', title: t('pb.pairs') },
                          { key: 'acted', title: t('pb.acted') },
                          { key: 'control', title: t('pb.control') },
                          { key: 'controlN', title: t('pb.controlN') },
                          { key: 'why', title: t('pb.controlWhy') },
                          { key: 'lift', title: t('pb.lift') },
                          { key: 'low', title: `${t('pb.interval')} −` },
                          { key: 'high', title: `${t('pb.interval')} +` },
                          { key: 'withheld', title: t('pb.noInterval') },
                        ]}
                        rows={exportRows}
                      />
                    }
                  >
                    <Table<EffectivenessRow>
                      data-testid="effect-table"
                      size="small"
                      rowKey="ruleId"
                      dataSource={rows}
                      pagination={false}
                      scroll={{ x: 'max-content' }}
                      rowClassName={(r) => (r.ruleId === picked ? 'ant-table-row-selected' : '')}
                      columns={[
                        {
                          title: t('pb.name'),
                          dataIndex: 'name',
                          render: (v: string, r) => (
                            <Button
                              type="link"
                              size="small"
                              style={{ padding: 0, height: 'auto' }}
                              data-testid="effect-row"
                              onClick={() => setPicked(r.ruleId)}
                            >
                              {v}
                            </Button>
                          ),
                        },
                        {
                          title: t('pb.source'),
                          dataIndex: 'source',
                          render: (v: string) => (
                            <Tag>{v === 'rule' ? t('pb.sourceRule') : t('pb.sourcePlaybook')}</Tag>
                          ),
                        },
                        {
                          title: t('pb.holdoutCol'),
                          dataIndex: 'holdoutPct',
                          align: 'right',
                          render: (v: number) => (v > 0 ? <Tag color="purple">{v}%</Tag> : '—'),
                        },
                        { title: t('accountCount'), dataIndex: 'accounts', align: 'right' },
                        { title: t('pb.actions'), dataIndex: 'actions', align: 'right' },
                        {
                          title: t('pb.n'),
                          key: 'n',
                          align: 'right',
                          render: (_: unknown, r) => r[horizon].n,
                        },
                        {
                          title: t('pb.pairs'),
                          key: 'pairs',
                          align: 'right',
                          render: (_: unknown, r) => r[horizon].pairs,
                        },
                        {
                          title: t('pb.acted'),
                          key: 'acted',
                          align: 'right',
                          render: (_: unknown, r) => signed(r[horizon].acted, locale),
                        },
                        {
                          title: t('pb.control'),
                          key: 'control',
                          align: 'right',
                          render: (_: unknown, r) => signed(r[horizon].control, locale),
                        },
                        {
                          title: t('pb.controlN'),
                          key: 'controlN',
                          align: 'right',
                          render: (_: unknown, r) => (
                            <span data-testid="effect-control-n">{r[horizon].controlAccounts}</span>
                          ),
                        },
                        {
                          title: t('pb.controlWhy'),
                          key: 'why',
                          render: (_: unknown, r) => (
                            <span data-testid="effect-control-why">{reasonMix(r[horizon])}</span>
                          ),
                        },
                        {
                          title: t('pb.lift'),
                          key: 'lift',
                          align: 'right',
                          sorter: (a, b) => (a[horizon].lift ?? -1e9) - (b[horizon].lift ?? -1e9),
                          render: (_: unknown, r) => (
                            <strong data-testid="effect-lift">{signed(r[horizon].lift, locale)}</strong>
                          ),
                        },
                        {
                          title: t('pb.interval'),
                          key: 'interval',
                          render: (_: unknown, r) => {
                            const o = r[horizon];
                            const why = withheldText(o);
                            if (why)
                              return (
                                <Typography.Text
                                  type="secondary"
                                  data-testid="effect-withheld"
                                  style={{ display: 'inline-block', maxWidth: 360, whiteSpace: 'normal' }}
                                >
                                  {why}
                                </Typography.Text>
                              );
                            if (o.low === null || o.high === null)
                              return <Typography.Text type="secondary">{t('pb.noInterval')}</Typography.Text>;
                            const clear = o.low > 0 || o.high < 0;
                            return (
                              <Tag
                                data-testid="effect-interval"
                                color={clear ? (o.low > 0 ? 'green' : 'red') : undefined}
                              >
                                [{signed(o.low, locale)}, {signed(o.high, locale)}]
                              </Tag>
                            );
                          },
                        },
                      ]}
                    />
                  </Card>
                </Col>
              </Row>
              <Card
                size="small"
                title={row ? t('pb.runsOf', { name: row.name }) : t('pb.pickRow')}
                data-testid="effect-runs"
              >
                {row && (
                  <QueryView query={runs} isEmpty={(x) => x.items.length === 0}>
                    {(x) => (
                      <Table
                        size="small"
                        rowKey="id"
                        pagination={{ pageSize: 10, showSizeChanger: false }}
                        scroll={{ x: 'max-content' }}
                        dataSource={x.items}
                        columns={[
                          { title: t('pb.day'), dataIndex: 'day' },
                          { title: t('pb.cause'), dataIndex: 'cause' },
                          {
                            title: t('pb.status'),
                            dataIndex: 'status',
                            render: (v: string) => <Tag>{enumLabel('jobStatus', v)}</Tag>,
                          },
                          { title: t('pb.matched'), dataIndex: 'matched', align: 'right' },
                          { title: t('pb.acted2'), dataIndex: 'acted', align: 'right' },
                          {
                            title: t('createdAt'),
                            dataIndex: 'startedAt',
                            render: (v: string) => formatDateTime(v, locale),
                          },
                        ]}
                      />
                    )}
                  </QueryView>
                )}
              </Card>
            </>
          );
        }}
      </QueryView>
    </Space>
  );
}
