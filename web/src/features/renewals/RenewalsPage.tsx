import { Card, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useAccountStatesSummaryQuery, useUsersQuery } from '../../api/hooks.ts';
import {
  EDITABLE_FORECASTS,
  type Renewal,
  useRenewalForecastQuery,
  useRenewalsQuery,
} from '../../api/renewals.ts';
import { Chart, statusColor } from '../../components/Chart.tsx';
import { QueryView } from '../../components/States.tsx';
import { formatMoney, formatMoneyCompact, formatPercent } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { EditRenewalButton, RecordOutcomeButton } from './RenewalActions.tsx';

/** Renewal pipeline: ARR up for renewal per month, split by the account's health risk, and the list. */
export default function RenewalsPage() {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const label = useLabel();
  const { me, user, isManager, can } = useSession();
  const [months, setMonths] = useState(6);
  const [risk, setRisk] = useState<string[]>([]);
  const [category, setCategory] = useState<string[]>([]);
  const [owner, setOwner] = useState<string | undefined>(isManager ? undefined : user.id);
  const users = useUsersQuery({ active: 'true' });
  const bands = useAccountStatesSummaryQuery().data?.bands ?? [];
  // The chart and the table take the same filters, so the chart adds up the rows below it.
  const filters = { ownerId: owner, risk, forecastCategory: category, status: 'open' as const };
  const forecast = useRenewalForecastQuery({ months, ...filters });
  const renewals = useRenewalsQuery({ months, ...filters });
  const currency = me.workspace.baseCurrency;
  const riskName = (r: string) => {
    const b = bands.find((x) => x.key === r);
    return b ? label(b.label, b.key) : r === 'none' ? t('noStatus') : r;
  };
  const riskColor = (r: string) => statusColor(bands.find((x) => x.key === r)?.color ?? 'grey');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('renewals')}
        </Typography.Title>
        <Space wrap>
          <Select
            aria-label={t('months')}
            value={months}
            onChange={setMonths}
            style={{ width: 140 }}
            options={[3, 6, 12].map((m) => ({ value: m, label: t('nextMonths', { n: m }) }))}
          />
          <Select
            aria-label={t('healthStatus')}
            placeholder={t('healthStatus')}
            allowClear
            mode="multiple"
            maxTagCount="responsive"
            data-testid="renewals-risk"
            value={risk}
            onChange={setRisk}
            style={{ minWidth: 160 }}
            options={[
              ...bands.map((b) => ({ value: b.key, label: label(b.label, b.key) })),
              { value: 'none', label: t('noStatus') },
            ]}
          />
          <Select
            aria-label={t('forecastCategory')}
            placeholder={t('forecastCategory')}
            allowClear
            mode="multiple"
            maxTagCount="responsive"
            data-testid="renewals-category"
            value={category}
            onChange={setCategory}
            style={{ minWidth: 160 }}
            options={EDITABLE_FORECASTS.map((c) => ({ value: c, label: t(`forecast_${c}` as MessageKey) }))}
          />
          {isManager && (
            <Select
              aria-label={t('owner')}
              placeholder={t('owner')}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              value={owner}
              onChange={setOwner}
              style={{ width: 180 }}
              options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
            />
          )}
        </Space>
      </div>
      <Card title={t('pipelineByMonth')}>
        <QueryView
          query={forecast}
          isEmpty={(d) => d.items.length === 0}
          empty={t('noRenewalsInMonths', { n: months })}
        >
          {(d) => {
            const risks = [...new Set(d.items.flatMap((m) => m.byRisk.map((r) => r.risk)))];
            return (
              <Chart
                label={t('pipelineByMonth')}
                style={{ height: 280 }}
                option={{
                  // The axis short (¥353万, ¥1.2亿), the tooltip the full figure.
                  tooltip: {
                    trigger: 'axis',
                    axisPointer: { type: 'shadow' },
                    valueFormatter: (v: unknown) => formatMoney(Number(v), currency, locale),
                  },
                  legend: { top: 0 },
                  grid: { left: 80, right: 16, top: 36, bottom: 24 },
                  xAxis: { type: 'category', data: d.items.map((m) => m.month) },
                  yAxis: {
                    type: 'value',
                    axisLabel: { formatter: (v: number) => formatMoneyCompact(v, currency, locale) },
                  },
                  series: risks.map((r) => ({
                    name: riskName(r),
                    type: 'bar',
                    stack: 'arr',
                    itemStyle: { color: riskColor(r) },
                    data: d.items.map((m) => m.byRisk.find((x) => x.risk === r)?.arr ?? 0),
                  })),
                }}
              />
            );
          }}
        </QueryView>
      </Card>
      <Card size="small">
        <QueryView
          query={renewals}
          isEmpty={(d) => d.items.length === 0}
          empty={t('noRenewalsInMonths', { n: months })}
        >
          {(d) => (
            <Table<Renewal>
              data-testid="renewals-table"
              size="small"
              rowKey="contractId"
              pagination={false}
              dataSource={d.items}
              scroll={{ x: 'max-content' }}
              columns={[
                {
                  title: t('name'),
                  dataIndex: 'accountName',
                  render: (v: string, r) => <Link to={`/accounts/${r.accountId}`}>{v}</Link>,
                },
                { title: t('renewalDate'), dataIndex: 'endDate' },
                {
                  title: t('arr'),
                  dataIndex: 'arr',
                  align: 'right',
                  render: (v: number) => formatMoney(v, currency, locale),
                },
                {
                  title: t('healthStatus'),
                  dataIndex: 'healthStatus',
                  render: (v: string | null) => (
                    <Tag color={riskColor(v ?? 'none')}>{riskName(v ?? 'none')}</Tag>
                  ),
                },
                {
                  title: t('tier'),
                  dataIndex: 'tier',
                  render: (v: string | null) => enumLabel('tier', v) || '—',
                },
                {
                  title: t('stage'),
                  dataIndex: 'stage',
                  render: (v: string) => <Tag>{t(`stage_${v}` as MessageKey)}</Tag>,
                },
                {
                  title: t('forecastCategory'),
                  dataIndex: 'forecastCategory',
                  render: (v: string, r) => (
                    <Tooltip title={r.forecastReason ?? undefined}>
                      <span>{t(`forecast_${v}` as MessageKey)}</span>
                    </Tooltip>
                  ),
                },
                {
                  title: t('probability'),
                  dataIndex: 'probability',
                  align: 'right',
                  render: (v: number, r) => (
                    <Tooltip title={r.probabilityReason ?? undefined}>
                      <span>{formatPercent(v, locale)}</span>
                    </Tooltip>
                  ),
                },
                {
                  title: t('weightedArr'),
                  dataIndex: 'weightedArr',
                  align: 'right',
                  render: (v: number) => formatMoney(v, currency, locale),
                },
                { title: t('owner'), dataIndex: 'ownerName' },
                {
                  title: t('ruleActions'),
                  key: 'actions',
                  render: (_v, r) =>
                    !r.closed && can('renewals:write', { ownerId: r.ownerId, team: [] }) ? (
                      <Space size={4}>
                        <EditRenewalButton renewal={r} />
                        <RecordOutcomeButton renewal={r} />
                      </Space>
                    ) : null,
                },
              ]}
            />
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
