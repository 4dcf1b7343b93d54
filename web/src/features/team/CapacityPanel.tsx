import { Alert, Card, Col, Form, InputNumber, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import {
  type Capacity,
  type TierPlan,
  useCapacityQuery,
  useTeamSettingsQuery,
  useWhatIfMutation,
  type WhatIfOut,
} from '../../api/team.ts';
import { Chart } from '../../components/Chart.tsx';
import { ErrorState, Loading } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type Inputs = { growth: number; groupSize: number; capacities: Record<string, number> };

/**
 * The headcount planner (seed 002): accounts per tier, grown, divided by what one CSM carries,
 * rounded up to CSMs, then into groups of `groupSize` (5–10), each step shown; what-if inputs
 * change growth, capacities and group size without saving anything.
 */
export function CapacityPanel() {
  const { t, locale } = useI18n();
  const settings = useTeamSettingsQuery();
  const capacity = useCapacityQuery();
  const whatIf = useWhatIfMutation();
  const [inputs, setInputs] = useState<Inputs | null>(null);
  const tiers = capacity.data?.plan.tiers.map((x) => x.tier) ?? [];
  useEffect(() => {
    if (!settings.data || !capacity.data || inputs) return;
    const caps: Record<string, number> = {};
    for (const tier of capacity.data.plan.tiers) caps[tier.tier] = tier.accountsPerCsm;
    setInputs({ growth: settings.data.growth, groupSize: settings.data.groupSize, capacities: caps });
  }, [settings.data, capacity.data, inputs]);
  // Recalculate a moment after the inputs stop changing.
  const { mutate } = whatIf;
  useEffect(() => {
    if (!inputs || !settings.data) return;
    const handle = setTimeout(() => {
      const capacities = { ...settings.data.capacities };
      for (const [tier, n] of Object.entries(inputs.capacities))
        capacities[tier] = { ...(capacities[tier] ?? {}), accountsPerCsm: n };
      mutate({ growth: inputs.growth, groupSize: inputs.groupSize, capacities });
    }, 350);
    return () => clearTimeout(handle);
  }, [inputs, settings.data, mutate]);
  if (settings.error || capacity.error)
    return <ErrorState error={settings.error ?? capacity.error} onRetry={() => void capacity.refetch()} />;
  if (!inputs || !capacity.data || !settings.data) return <Loading rows={6} />;
  const result: WhatIfOut | undefined = whatIf.data;
  const plan: Capacity = result?.whatIf ?? capacity.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('plannerIntro')}
      </Typography.Paragraph>
      <Card size="small" title={t('plannerWhatIf')}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label={t('plannerGrowth')} htmlFor="planner-growth">
            <InputNumber
              id="planner-growth"
              min={-90}
              max={1000}
              step={5}
              value={Math.round(inputs.growth * 1000) / 10}
              suffix="%"
              onChange={(v) => v !== null && setInputs({ ...inputs, growth: Number(v) / 100 })}
            />
          </Form.Item>
          <Form.Item
            label={t('plannerGroupSize')}
            htmlFor="planner-group-size"
            extra={t('plannerGroupSizeHint')}
          >
            <InputNumber
              id="planner-group-size"
              min={1}
              max={50}
              value={inputs.groupSize}
              onChange={(v) => v !== null && setInputs({ ...inputs, groupSize: Number(v) })}
            />
          </Form.Item>
          {tiers.map((tier) => (
            <Form.Item key={tier} label={<TierCapLabel tier={tier} />} htmlFor={`planner-cap-${tier}`}>
              <InputNumber
                id={`planner-cap-${tier}`}
                min={1}
                max={100000}
                value={inputs.capacities[tier]}
                onChange={(v) =>
                  v !== null &&
                  setInputs({ ...inputs, capacities: { ...inputs.capacities, [tier]: Number(v) } })
                }
              />
            </Form.Item>
          ))}
        </Form>
        {settings.data.weighting !== 'count' && (
          <Alert
            style={{ marginTop: 8 }}
            type="info"
            showIcon
            title={t('plannerWeightingNote', { weighting: settings.data.weighting })}
          />
        )}
      </Card>
      {whatIf.error && <ErrorState error={whatIf.error} />}
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic
            title={t('plannerAccounts')}
            value={formatNumber(plan.plan.totals.projectedAccounts, locale)}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('plannerCsmsNeeded')}
            value={formatNumber(plan.plan.totals.csmsNeeded, locale)}
            valueRender={(n) => <span data-testid="planner-csms">{n}</span>}
          />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('plannerGroups')} value={formatNumber(plan.plan.totals.groups, locale)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic
            title={t('plannerToday')}
            value={`${formatNumber(plan.team.fte, locale, 2)} FTE · ${formatNumber(plan.team.activeCsms, locale)}`}
          />
        </Col>
      </Row>
      <Steps plan={plan} growth={inputs.growth} groupSize={inputs.groupSize} />
      <PlanTable plan={plan} baseline={result?.baseline ?? capacity.data} />
    </Space>
  );
}

function TierCapLabel({ tier }: { tier: string }) {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  return <span>{t('plannerPerCsm', { tier: enumLabel('tier', tier) })}</span>;
}

/** The arithmetic, tier by tier, as a manager would write it on a whiteboard. */
function Steps({ plan, growth, groupSize }: { plan: Capacity; growth: number; groupSize: number }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const n = (x: number, d = 0) => formatNumber(x, locale, d);
  return (
    <Card size="small" title={t('plannerSteps')}>
      <ol data-testid="planner-steps" style={{ margin: 0, paddingInlineStart: 20 }}>
        {plan.plan.tiers.map((x) => (
          <li key={x.tier} style={{ marginBottom: 6 }}>
            <strong>{enumLabel('tier', x.tier)}</strong>
            {': '}
            {t('plannerStepGrow', {
              accounts: n(x.accounts),
              growth: formatNumber(growth * 100, locale, 1),
              projected: n(x.projectedAccounts),
            })}
            {' → '}
            {t('plannerStepDivide', {
              projected: n(x.projectedAccounts),
              cap: n(x.accountsPerCsm),
              exact: n(x.accountsPerCsm ? x.projectedAccounts / x.accountsPerCsm : 0, 2),
              csms: n(x.csmsNeeded),
            })}
            {' → '}
            {t('plannerStepGroups', {
              csms: n(x.csmsNeeded),
              size: n(groupSize),
              groups: n(x.groups),
              sizes: x.groupSizes.join(' + ') || '0',
            })}
          </li>
        ))}
        <li>
          <strong>{t('plannerTotal')}</strong>
          {': '}
          {t('plannerStepTotal', {
            csms: n(plan.plan.totals.csmsNeeded),
            groups: n(plan.plan.totals.groups),
            current: n(plan.plan.totals.currentCsms, 2),
            gap: n(plan.plan.totals.gap, 2),
          })}
        </li>
      </ol>
    </Card>
  );
}

function PlanTable({ plan, baseline }: { plan: Capacity; baseline: Capacity }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const base = useMemo(() => new Map(baseline.plan.tiers.map((x) => [x.tier, x])), [baseline]);
  const rows = plan.plan.tiers.map((x) => ({
    ...x,
    tierName: enumLabel('tier', x.tier),
    groupSizesText: x.groupSizes.join(' + '),
    baselineCsms: base.get(x.tier)?.csmsNeeded ?? 0,
  }));
  type Row = (typeof rows)[number];
  const n = (v: number, d = 0) => formatNumber(v, locale, d);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card size="small" title={t('plannerByTier')}>
          <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 8 }}>
            <TableExport
              filename="headcount-plan"
              columns={[
                { key: 'tierName', title: t('tier') },
                { key: 'accounts', title: t('plannerAccountsToday') },
                { key: 'projectedAccounts', title: t('plannerProjected') },
                { key: 'accountsPerCsm', title: t('plannerCapacity') },
                { key: 'csmsNeeded', title: t('plannerCsmsNeeded') },
                { key: 'baselineCsms', title: t('plannerBaseline') },
                { key: 'groups', title: t('plannerGroups') },
                { key: 'groupSizesText', title: t('plannerGroupSizes') },
                { key: 'currentCsms', title: t('plannerCurrent') },
                { key: 'gap', title: t('plannerGap') },
              ]}
              rows={rows}
            />
          </div>
          <Table<Row>
            data-testid="planner-table"
            size="small"
            rowKey="tier"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={rows}
            columns={[
              { title: t('tier'), dataIndex: 'tierName' },
              {
                title: t('plannerAccountsToday'),
                dataIndex: 'accounts',
                align: 'right',
                render: (v: number) => n(v),
              },
              {
                title: t('plannerProjected'),
                dataIndex: 'projectedAccounts',
                align: 'right',
                render: (v: number) => n(v),
              },
              {
                title: t('plannerCapacity'),
                dataIndex: 'accountsPerCsm',
                align: 'right',
                render: (v: number) => n(v),
              },
              {
                title: t('plannerCsmsNeeded'),
                dataIndex: 'csmsNeeded',
                align: 'right',
                render: (v: number, r: Row) => (
                  <Space size={4}>
                    {n(v)}
                    {v !== r.baselineCsms && (
                      <Tag color="blue">{`${v > r.baselineCsms ? '+' : ''}${n(v - r.baselineCsms)}`}</Tag>
                    )}
                  </Space>
                ),
              },
              { title: t('plannerGroups'), dataIndex: 'groups', align: 'right', render: (v: number) => n(v) },
              { title: t('plannerGroupSizes'), dataIndex: 'groupSizesText' },
              {
                title: t('plannerCurrent'),
                dataIndex: 'currentCsms',
                align: 'right',
                render: (v: number) => n(v, 2),
              },
              {
                title: t('plannerGap'),
                dataIndex: 'gap',
                align: 'right',
                render: (v: number) => (
                  <Typography.Text type={v > 0 ? 'danger' : undefined}>{n(v, 2)}</Typography.Text>
                ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card size="small" title={t('plannerChart')}>
          <Chart
            label={t('plannerChart')}
            style={{ height: 260 }}
            option={{
              tooltip: { trigger: 'axis' },
              legend: { top: 0 },
              grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: rows.map((r: TierPlan & { tierName: string }) => r.tierName) },
              yAxis: { type: 'value', minInterval: 1 },
              series: [
                {
                  name: t('plannerCsmsNeeded'),
                  type: 'bar',
                  data: rows.map((r) => r.csmsNeeded),
                  itemStyle: { color: '#1677ff' },
                },
                {
                  name: t('plannerCurrent'),
                  type: 'bar',
                  data: rows.map((r) => r.currentCsms),
                  itemStyle: { color: '#bfbfbf' },
                },
              ],
            }}
          />
          <Typography.Text type="secondary">{t('plannerChartHint')}</Typography.Text>
        </Card>
      </Col>
    </Row>
  );
}
