import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Progress,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type ChurnHorizonCard,
  type ChurnModelCard,
  type GlobalDriver,
  type RankedRisk,
  useChurnAccountsQuery,
  useChurnModelQuery,
  useTrainChurnMutation,
} from '../../api/churn.ts';
import { Chart } from '../../components/Chart.tsx';
import { EmptyState, QueryView } from '../../components/States.tsx';
import {
  formatDateTime,
  formatDay,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPercent,
} from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { DriverTag } from './DriverTag.tsx';

const DIRECTION: Record<GlobalDriver['direction'], { key: MessageKey; color: string }> = {
  raises: { key: 'riskRaises', color: 'red' },
  lowers: { key: 'riskLowers', color: 'green' },
  mixed: { key: 'riskMixed', color: 'default' },
};

/** The churn model: its card per horizon, how well calibrated it is, what drives it, and who is at risk. */
export default function RiskPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const { message } = App.useApp();
  const model = useChurnModelQuery();
  const train = useTrainChurnMutation();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('riskTitle')}
        </Typography.Title>
        {can('settings:write') && (
          <Button
            data-testid="risk-retrain"
            icon={<ReloadOutlined />}
            loading={train.isPending}
            onClick={() =>
              train.mutate(undefined, {
                onSuccess: () => void message.success(t('riskRetrained')),
                onError: (e) => void message.error(e.message),
              })
            }
          >
            {t('riskRetrain')}
          </Button>
        )}
      </div>
      <QueryView query={model} rows={8}>
        {(card) =>
          card.trained ? (
            <ModelCard card={card} />
          ) : (
            <Card data-testid="risk-not-trained">
              <EmptyState
                description={
                  <Space orientation="vertical" size={4}>
                    <Typography.Text strong>{t('riskNotTrained')}</Typography.Text>
                    <Typography.Text type="secondary">{t('riskNotTrainedHint')}</Typography.Text>
                  </Space>
                }
              />
            </Card>
          )
        }
      </QueryView>
      {model.data?.trained && <Ranking reason={model.data.published ? null : model.data.reason} />}
    </Space>
  );
}

function ModelCard({ card }: { card: ChurnModelCard }) {
  const { t, locale } = useI18n();
  const [picked, setPicked] = useState<number | null>(null);
  const horizon =
    card.horizons.find((h) => h.horizonDays === picked) ??
    card.horizons.find((h) => h.horizonDays === card.horizonDays) ??
    card.horizons[0];
  const num = (v: number | null) => (v === null ? '—' : formatNumber(v, locale, 3));
  const interval = (v: number | null, lo: number | null, hi: number | null) =>
    v === null ? '—' : lo === null || hi === null ? num(v) : `${num(v)} (${num(lo)}–${num(hi)})`;
  return (
    <>
      <Card
        title={t('riskModelCard')}
        data-testid="risk-model-card"
        extra={
          <Tag color={card.published ? 'green' : 'orange'} data-testid="risk-published">
            {card.published ? t('riskPublished') : t('riskNotPublished')}
          </Tag>
        }
      >
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {!card.published && card.reason && (
            <Alert
              type="warning"
              showIcon
              data-testid="risk-reason"
              title={t('riskNotPublishedTitle')}
              description={card.reason}
            />
          )}
          {card.syntheticNote && <Alert type="info" showIcon title={card.syntheticNote} />}
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
            <Descriptions.Item label={t('riskTrainedAt')}>
              {formatDateTime(card.trainedAt, locale)}
            </Descriptions.Item>
            <Descriptions.Item label={t('riskAsOf')}>{formatDay(card.asOf, locale)}</Descriptions.Item>
            <Descriptions.Item label={t('riskHistoryFrom')}>
              {formatDay(card.historyFrom, locale)}
            </Descriptions.Item>
            <Descriptions.Item label={t('riskSamples')}>
              {formatNumber(card.outcomes.samples, locale)}
            </Descriptions.Item>
            <Descriptions.Item label={t('accountCount')}>
              {formatNumber(card.outcomes.accounts, locale)}
            </Descriptions.Item>
            <Descriptions.Item label={t('riskChurned')}>
              {formatNumber(card.outcomes.churned, locale)}
            </Descriptions.Item>
          </Descriptions>
          <Table<ChurnHorizonCard>
            data-testid="risk-horizons"
            size="small"
            rowKey="horizonDays"
            pagination={false}
            dataSource={card.horizons}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                title: t('riskHorizon'),
                dataIndex: 'horizonDays',
                render: (v: number) => t('riskHorizonDays', { n: v }),
              },
              {
                title: t('riskStatus'),
                dataIndex: 'published',
                render: (v: boolean, h) =>
                  v ? (
                    <Tag color="green">{t('riskPublished')}</Tag>
                  ) : (
                    <Space orientation="vertical" size={0}>
                      <Tag color="orange">{t('riskNotPublished')}</Tag>
                      {h.reason && (
                        <Typography.Text
                          type="secondary"
                          style={{ fontSize: 12, maxWidth: 280, display: 'block' }}
                        >
                          {h.reason}
                        </Typography.Text>
                      )}
                    </Space>
                  ),
              },
              {
                title: t('riskModel'),
                key: 'model',
                render: (_v, h) => {
                  if (!h.metrics) return '—';
                  const name = (k: string | null) =>
                    k === 'forest' ? t('riskModelForest') : t('riskModelLogistic');
                  const others = h.candidates.filter((c) => c.kind !== h.model);
                  return (
                    <Space orientation="vertical" size={0} data-testid={`risk-model-${h.horizonDays}`}>
                      <span>{name(h.model)}</span>
                      {others.map((c) => (
                        <Typography.Text key={c.kind} type="secondary" style={{ fontSize: 12 }}>
                          {t('riskModelBeat', {
                            other: name(c.kind),
                            auc: c.auc === null ? '—' : num(c.auc),
                          })}
                        </Typography.Text>
                      ))}
                    </Space>
                  );
                },
              },
              {
                title: t('riskSamples'),
                key: 'n',
                align: 'right',
                render: (_v, h) => formatNumber(h.metrics?.n ?? h.outcomes.samples, locale),
              },
              {
                title: t('riskChurned'),
                key: 'positives',
                align: 'right',
                render: (_v, h) => formatNumber(h.metrics?.positives ?? h.outcomes.churned, locale),
              },
              {
                title: t('riskAuc'),
                key: 'auc',
                render: (_v, h) =>
                  h.metrics ? interval(h.metrics.auc, h.metrics.aucLow, h.metrics.aucHigh) : '—',
              },
              {
                title: t('riskPrAuc'),
                key: 'prAuc',
                render: (_v, h) =>
                  h.metrics ? interval(h.metrics.prAuc, h.metrics.prAucLow, h.metrics.prAucHigh) : '—',
              },
              {
                title: t('riskBrier'),
                key: 'brier',
                render: (_v, h) =>
                  h.metrics ? interval(h.metrics.brier, h.metrics.brierLow, h.metrics.brierHigh) : '—',
              },
              {
                title: t('riskHealthAuc'),
                key: 'health',
                render: (_v, h) => {
                  const b = h.baselines?.health;
                  return b ? interval(b.auc, b.aucLow, b.aucHigh) : '—';
                },
              },
              {
                title: t('riskUsageAuc'),
                key: 'usage',
                render: (_v, h) => {
                  const b = h.baselines?.usageDecline;
                  return b ? interval(b.auc, b.aucLow, b.aucHigh) : '—';
                },
              },
            ]}
          />
          <Typography.Text type="secondary">{t('riskIntervalHint')}</Typography.Text>
        </Space>
      </Card>
      {horizon && (
        <Row gutter={[16, 16]}>
          <Col xs={24}>
            <Segmented
              aria-label={t('riskHorizon')}
              value={horizon.horizonDays}
              onChange={(v) => setPicked(Number(v))}
              options={card.horizons.map((h) => ({
                value: h.horizonDays,
                label: t('riskHorizonDays', { n: h.horizonDays }),
              }))}
            />
          </Col>
          <Col xs={24} xl={12}>
            <Card title={t('riskReliability')} style={{ height: '100%' }}>
              <Reliability horizon={horizon} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title={t('riskDrivers')} style={{ height: '100%' }} data-testid="risk-drivers">
              <Drivers drivers={horizon.drivers} />
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}

function Reliability({ horizon }: { horizon: ChurnHorizonCard }) {
  const { t, locale } = useI18n();
  const bins = (horizon.metrics?.reliability ?? []).filter((b) => b.n > 0);
  if (bins.length === 0) return <EmptyState description={t('riskNoReliability')} />;
  const pct = (v: number) => formatPercent(v, locale);
  const maxN = Math.max(...bins.map((b) => b.n));
  return (
    <Chart
      label={t('riskReliability')}
      style={{ height: 300 }}
      option={{
        tooltip: {
          trigger: 'item',
          formatter: (p: unknown) => {
            const { data, seriesIndex } = p as { data: number[]; seriesIndex: number };
            if (seriesIndex !== 1) return t('riskPerfect');
            const [x = 0, y = 0, n = 0] = data;
            return `${t('riskPredicted')}: ${pct(x)}<br/>${t('riskObserved')}: ${pct(y)}<br/>${t('riskBinSize', { n: formatNumber(n, locale) })}`;
          },
        },
        legend: { top: 0 },
        grid: { left: 56, right: 16, top: 36, bottom: 48 },
        xAxis: {
          type: 'value',
          min: 0,
          max: 1,
          name: t('riskPredicted'),
          nameLocation: 'middle',
          nameGap: 28,
          axisLabel: { formatter: pct },
        },
        yAxis: {
          type: 'value',
          min: 0,
          max: 1,
          name: t('riskObserved'),
          nameLocation: 'middle',
          nameGap: 40,
          axisLabel: { formatter: pct },
        },
        series: [
          {
            name: t('riskPerfect'),
            type: 'line',
            data: [
              [0, 0],
              [1, 1],
            ],
            symbol: 'none',
            lineStyle: { type: 'dashed', color: '#bfbfbf' },
          },
          {
            name: t('riskObserved'),
            type: 'line',
            data: bins.map((b) => [b.predicted, b.observed, b.n]),
            symbolSize: (d: number[]) => 6 + 12 * Math.sqrt((d[2] ?? 0) / maxN),
            itemStyle: { color: '#1677ff' },
          },
        ],
      }}
    />
  );
}

function Drivers({ drivers }: { drivers: GlobalDriver[] }) {
  const { t, locale } = useI18n();
  if (drivers.length === 0) return <EmptyState description={t('riskNoDrivers')} />;
  const max = Math.max(...drivers.map((d) => d.importance), 1e-9);
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
      {drivers.map((d) => (
        <div key={d.fact}>
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
            <Typography.Text>{d.label}</Typography.Text>
            <Tag color={DIRECTION[d.direction].color}>{t(DIRECTION[d.direction].key)}</Tag>
          </div>
          <Tooltip title={`${t('riskImportance')}: ${formatNumber(d.importance, locale, 3)}`}>
            <Progress percent={(100 * d.importance) / max} showInfo={false} size="small" />
          </Tooltip>
        </div>
      ))}
    </Space>
  );
}

function Ranking({ reason }: { reason: string | null }) {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const currency = me.workspace.baseCurrency;
  const ranking = useChurnAccountsQuery(50);
  return (
    <Card
      title={t('riskRanking')}
      extra={
        ranking.data && ranking.data.scored > 0 ? (
          <Space size="large">
            <Statistic
              title={t('riskTotalAtRisk')}
              value={formatMoneyCompact(ranking.data.totalArrAtRisk, currency, locale)}
              valueStyle={{ fontSize: 16 }}
            />
            <Statistic
              title={t('riskScored')}
              value={formatNumber(ranking.data.scored, locale)}
              valueStyle={{ fontSize: 16 }}
            />
          </Space>
        ) : null
      }
    >
      <QueryView
        query={ranking}
        isEmpty={(d) => d.items.length === 0}
        empty={<span data-testid="risk-ranking-empty">{reason ?? t('riskNoRanking')}</span>}
      >
        {(d) => (
          <Table<RankedRisk>
            data-testid="risk-table"
            size="small"
            rowKey="accountId"
            pagination={false}
            dataSource={d.items}
            title={() => (
              <Typography.Text type="secondary" data-testid="risk-computed-at">
                {t('computedAt', { at: formatDateTime(d.computedAt, locale) })}
              </Typography.Text>
            )}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                title: t('name'),
                dataIndex: 'name',
                render: (v: string, r) => <Link to={`/accounts/${r.accountId}`}>{v}</Link>,
              },
              {
                title: t('riskProbability'),
                dataIndex: 'probability',
                align: 'right',
                render: (v: number, r) => (
                  <Tooltip title={t('riskWithin', { n: r.horizonDays })}>
                    <span>{formatPercent(v, locale)}</span>
                  </Tooltip>
                ),
              },
              {
                title: t('arr'),
                dataIndex: 'arr',
                align: 'right',
                render: (v: number) => formatMoney(v, currency, locale),
              },
              {
                title: t('riskArrAtRisk'),
                dataIndex: 'arrAtRisk',
                align: 'right',
                render: (v: number) => formatMoney(v, currency, locale),
              },
              {
                title: t('riskTopDrivers'),
                key: 'drivers',
                render: (_v, r) => (
                  <Space size={[0, 4]} wrap>
                    {r.drivers.map((x) => (
                      <DriverTag key={x.fact} driver={x} />
                    ))}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
