import {
  Button,
  Card,
  Col,
  DatePicker,
  Row,
  Segmented,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useSurveyResponsesQuery, useSurveyResultsQuery } from '../../api/surveys.ts';
import { Chart } from '../../components/Chart.tsx';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { QueryView } from '../../components/States.tsx';
import { formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { ResponsesTable } from './ResponsesTable.tsx';
import { RecordAnswerModal, SendSurveyModal } from './SurveyForms.tsx';

type Kind = 'nps' | 'csat';
type GroupBy = 'none' | 'account' | 'tier' | 'csm';

/** NPS and CSAT: the workspace's score with its trend, per account / tier / CSM, and the latest answers. */
export default function SurveysPage() {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { me, today } = useSession();
  const [kind, setKind] = useState<Kind>('nps');
  const [groupBy, setGroupBy] = useState<GroupBy>('csm');
  const [interval, setInterval] = useState<'month' | 'quarter'>('month');
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs(today).subtract(364, 'day'), dayjs(today)]);
  const [modal, setModal] = useState<'record' | 'send' | null>(null);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const results = useSurveyResultsQuery({ kind, groupBy, interval, from, to });
  const responses = useSurveyResponsesQuery({ kind, from, to, limit: 20 });
  // A CSM may record answers on their own accounts: the server checks each one.
  const mayWrite = me.permissions['notes:write'] !== 'none';
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? '–' : formatNumber(v, locale, 1);
  const groupName = (key: string, name: string) =>
    groupBy === 'tier'
      ? key
        ? enumLabel('tier', key)
        : t('surveyNoTier')
      : groupBy === 'csm' && !key
        ? t('surveyUnassigned')
        : name;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('surveysTitle')}
        </Typography.Title>
        {mayWrite && (
          <Space wrap>
            <Button onClick={() => setModal('record')} data-testid="survey-record">
              {t('surveyRecord')}
            </Button>
            <Button type="primary" onClick={() => setModal('send')}>
              {t('surveySend')}
            </Button>
          </Space>
        )}
      </div>
      <Card size="small">
        <Space wrap size="middle">
          <Segmented<Kind>
            value={kind}
            onChange={setKind}
            options={(['nps', 'csat'] as const).map((k) => ({ value: k, label: enumLabel('surveyKind', k) }))}
          />
          <Space wrap>
            <Typography.Text type="secondary">{t('surveyGroupBy')}</Typography.Text>
            <Segmented<GroupBy>
              value={groupBy}
              onChange={setGroupBy}
              options={(['none', 'account', 'tier', 'csm'] as const).map((g) => ({
                value: g,
                label: t(`surveyGroup.${g}`),
              }))}
            />
          </Space>
          <Space wrap>
            <Typography.Text type="secondary">{t('surveyInterval')}</Typography.Text>
            <Segmented<'month' | 'quarter'>
              value={interval}
              onChange={setInterval}
              options={(['month', 'quarter'] as const).map((i) => ({
                value: i,
                label: t(`surveyInterval.${i}`),
              }))}
            />
          </Space>
          <DatePicker.RangePicker
            aria-label={t('surveyPeriod')}
            value={range}
            allowClear={false}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          />
        </Space>
      </Card>
      <ErrorBoundary what="surveyResults">
        <QueryView query={results}>
          {(r) => (
            <Row gutter={[16, 16]}>
              <Col xs={24} lg={8}>
                <Card title={enumLabel('surveyKind', kind)} data-testid="survey-overall">
                  <Space wrap size="large">
                    <Statistic
                      title={t(kind === 'nps' ? 'surveyNpsHint' : 'surveyCsatHint')}
                      value={fmt(r.overall.score)}
                    />
                    <Statistic title={t('surveyResponses')} value={r.overall.responses} />
                    <Statistic title={t('surveyPrevious')} value={fmt(r.previous.score)} />
                  </Space>
                  {kind === 'nps' && r.overall.responses > 0 && (
                    <Space wrap style={{ marginTop: 12 }}>
                      <Tag color="green">
                        {t('surveyPromoters')} {r.overall.promoters}
                      </Tag>
                      <Tag color="gold">
                        {t('surveyPassives')} {r.overall.passives}
                      </Tag>
                      <Tag color="red">
                        {t('surveyDetractors')} {r.overall.detractors}
                      </Tag>
                    </Space>
                  )}
                </Card>
              </Col>
              <Col xs={24} lg={16}>
                <Card title={t('surveyTrend')}>
                  <Chart
                    label={t('surveyTrendChart', { kind: enumLabel('surveyKind', kind) })}
                    style={{ height: 240 }}
                    option={{
                      grid: { left: 40, right: 16, top: 16, bottom: 32 },
                      tooltip: { trigger: 'axis' },
                      xAxis: { type: 'category', data: r.trend.map((p) => p.period) },
                      yAxis: { type: 'value', min: kind === 'nps' ? -100 : 0, max: 100 },
                      series: [
                        {
                          type: 'line',
                          connectNulls: true,
                          name: enumLabel('surveyKind', kind),
                          data: r.trend.map((p) => p.score),
                        },
                        {
                          type: 'bar',
                          name: t('surveyResponses'),
                          yAxisIndex: 0,
                          barMaxWidth: 18,
                          itemStyle: { color: '#d6e4ff' },
                          data: r.trend.map((p) => p.responses),
                        },
                      ],
                    }}
                  />
                </Card>
              </Col>
              {groupBy !== 'none' && (
                <Col xs={24}>
                  <Card title={t('surveyResults')}>
                    <Table
                      size="small"
                      rowKey="key"
                      scroll={{ x: 560 }}
                      dataSource={r.groups}
                      pagination={{ pageSize: 20, hideOnSinglePage: true }}
                      columns={[
                        {
                          title: t(`surveyGroup.${groupBy}`),
                          render: (_, g) =>
                            groupBy === 'account' ? (
                              <Link to={`/accounts/${g.key}`}>{g.name}</Link>
                            ) : (
                              groupName(g.key, g.name)
                            ),
                        },
                        { title: t('surveyScore'), align: 'right', render: (_, g) => fmt(g.score) },
                        { title: t('surveyResponses'), align: 'right', dataIndex: 'responses' },
                        {
                          title: t('surveyChange'),
                          align: 'right',
                          render: (_, g) =>
                            g.change === null
                              ? '–'
                              : `${g.change > 0 ? '+' : ''}${formatNumber(g.change, locale, 1)}`,
                        },
                        ...(kind === 'nps'
                          ? [
                              {
                                title: t('surveyPromoters'),
                                align: 'right' as const,
                                dataIndex: 'promoters',
                              },
                              {
                                title: t('surveyDetractors'),
                                align: 'right' as const,
                                dataIndex: 'detractors',
                              },
                            ]
                          : []),
                      ]}
                    />
                  </Card>
                </Col>
              )}
            </Row>
          )}
        </QueryView>
      </ErrorBoundary>
      <ErrorBoundary what="surveyLatest">
        <Card title={t('surveyLatest')}>
          <QueryView query={responses}>
            {(page) => <ResponsesTable items={page.items} showAccount />}
          </QueryView>
        </Card>
      </ErrorBoundary>
      <RecordAnswerModal open={modal === 'record'} onClose={() => setModal(null)} />
      <SendSurveyModal open={modal === 'send'} onClose={() => setModal(null)} />
    </Space>
  );
}
