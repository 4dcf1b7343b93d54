import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Popconfirm,
  Radio,
  Row,
  Space,
  Statistic,
  Switch,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client.ts';
import { type AssignmentPlan, useAssignmentMutations, useGroupsQuery } from '../../api/team.ts';
import { ErrorState } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatNumber, formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { MovesTable, useReasonLabel } from './MovesTable.tsx';
import { byNumber, byText } from './sort.ts';

type LoadRow = AssignmentPlan['loads'][number];

/** Assignment: preview the moves (unowned accounts, or a rebalance), then apply exactly that plan. */
export function AssignmentPanel() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { preview, apply } = useAssignmentMutations();
  const groups = useGroupsQuery();
  const [mode, setMode] = useState<'unowned' | 'rebalance'>('unowned');
  const [keepFamilies, setKeepFamilies] = useState(true);
  const [applied, setApplied] = useState<AssignmentPlan | null>(null);
  const plan = preview.data;
  const reason = useReasonLabel();
  const groupName = (id: string | null) =>
    id ? (groups.data?.items.find((g) => g.id === id)?.name ?? id) : '—';
  const run = () => {
    setApplied(null);
    preview.mutate({ mode, keepFamilies, limit: 2000 });
  };
  const doApply = async () => {
    if (!plan) return;
    try {
      const done = await apply.mutateAsync({
        mode,
        keepFamilies,
        limit: 2000,
        fingerprint: plan.fingerprint,
      });
      setApplied(done);
      preview.reset();
      void message.success(t('assignApplied', { n: done.summary.moves }));
    } catch (e) {
      if (
        e instanceof ApiError &&
        e.status === 409 &&
        (e.details as { expected?: string } | undefined)?.expected
      ) {
        void message.warning(t('assignChanged'));
        run();
      } else void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  const shown = applied ?? plan;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('assignIntro')}
      </Typography.Paragraph>
      <Space wrap>
        <Radio.Group
          value={mode}
          onChange={(e) => {
            setMode(e.target.value);
            preview.reset();
          }}
          optionType="button"
          options={[
            { value: 'unowned', label: t('assignModeUnowned') },
            { value: 'rebalance', label: t('assignModeRebalance') },
          ]}
        />
        <Space>
          <Switch id="keep-families" checked={keepFamilies} onChange={setKeepFamilies} />
          <label htmlFor="keep-families">{t('assignKeepFamilies')}</label>
        </Space>
        <Button onClick={run} loading={preview.isPending} data-testid="assign-preview">
          {t('preview')}
        </Button>
        {plan && !applied && (
          <Popconfirm
            title={t('assignConfirm', { n: plan.summary.moves })}
            okText={t('assignApply')}
            cancelText={t('cancel')}
            onConfirm={() => void doApply()}
            disabled={plan.summary.moves === 0}
          >
            <Button
              type="primary"
              danger
              disabled={plan.summary.moves === 0}
              loading={apply.isPending}
              data-testid="assign-apply"
            >
              {t('assignApply')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      {preview.error && <ErrorState error={preview.error} />}
      {shown && (
        <>
          {applied && (
            <Alert
              type="success"
              showIcon
              title={t('assignApplied', { n: applied.summary.moves })}
              data-testid="assign-done"
            />
          )}
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic title={t('assignAccounts')} value={formatNumber(shown.summary.accounts, locale)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('assignMoves')}
                value={formatNumber(shown.summary.moves, locale)}
                valueRender={(n) => <span data-testid="assign-moves">{n}</span>}
              />
            </Col>
            <Col xs={24} md={12}>
              <Typography.Text type="secondary">
                {Object.entries(shown.summary.byReason)
                  .map(([k, v]) => `${reason(k)}: ${formatNumber(v, locale)}`)
                  .join(' · ') || '—'}
                {Object.keys(shown.summary.unplaced).length > 0 && (
                  <>
                    <br />
                    {t('assignUnplaced')}:{' '}
                    {Object.entries(shown.summary.unplaced)
                      .map(([k, v]) => `${reason(k)}: ${formatNumber(v, locale)}`)
                      .join(' · ')}
                  </>
                )}
              </Typography.Text>
            </Col>
          </Row>
          <Card
            size="small"
            title={t('assignMovesList', { n: shown.moves.length, total: shown.summary.moves })}
          >
            <MovesTable
              moves={shown.moves}
              groupName={groupName}
              filename="assignment-moves"
              testId="assign-moves-table"
            />
          </Card>
          <Card size="small" title={t('assignLoads')}>
            <LoadsTable loads={shown.loads} groupName={groupName} />
          </Card>
          {shown.unplaced.length > 0 && (
            <Card size="small" title={t('assignUnplaced')}>
              <Table
                size="small"
                rowKey="accountId"
                dataSource={shown.unplaced}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                scroll={{ x: 'max-content' }}
                columns={[
                  {
                    title: t('account'),
                    dataIndex: 'accountName',
                    render: (v: string, r: { accountId: string }) => (
                      <Link to={`/accounts/${r.accountId}`}>{v}</Link>
                    ),
                  },
                  { title: t('teamGroup'), dataIndex: 'groupId', render: (v: string | null) => groupName(v) },
                  { title: t('moveReason'), dataIndex: 'reason', render: (v: string) => reason(v) },
                ]}
              />
            </Card>
          )}
        </>
      )}
    </Space>
  );
}

function LoadsTable({ loads, groupName }: { loads: LoadRow[]; groupName: (id: string) => string }) {
  const { t, locale } = useI18n();
  const pct = (load: number, cap: number) => formatPercent(cap > 0 ? load / cap : null, locale);
  const rows = loads.map((l) => ({
    ...l,
    group: groupName(l.groupId),
    usedBefore: l.capacity > 0 ? l.loadBefore / l.capacity : null,
    usedAfter: l.capacity > 0 ? l.loadAfter / l.capacity : null,
  }));
  return (
    <>
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 8 }}>
        <TableExport
          filename="assignment-loads"
          columns={[
            { key: 'name', title: t('name') },
            { key: 'group', title: t('teamGroup') },
            { key: 'accountsBefore', title: t('assignAccountsBefore') },
            { key: 'accountsAfter', title: t('assignAccountsAfter') },
            { key: 'usedBefore', title: t('assignUsedBefore') },
            { key: 'usedAfter', title: t('assignUsedAfter') },
          ]}
          rows={rows}
        />
      </div>
      <Table<LoadRow>
        size="small"
        rowKey="userId"
        dataSource={loads}
        pagination={false}
        scroll={{ x: 'max-content', y: 360 }}
        columns={[
          { title: t('name'), dataIndex: 'name', sorter: byText<LoadRow>((l) => l.name) },
          { title: t('teamGroup'), dataIndex: 'groupId', render: (v: string) => groupName(v) },
          {
            title: t('assignAccountsBefore'),
            dataIndex: 'accountsBefore',
            align: 'right',
            sorter: byNumber<LoadRow>((l) => l.accountsBefore),
          },
          {
            title: t('assignAccountsAfter'),
            dataIndex: 'accountsAfter',
            align: 'right',
            sorter: byNumber<LoadRow>((l) => l.accountsAfter),
          },
          {
            title: t('assignUsedBefore'),
            key: 'before',
            align: 'right',
            render: (_, l) => pct(l.loadBefore, l.capacity),
          },
          {
            title: t('assignUsedAfter'),
            key: 'after',
            align: 'right',
            sorter: byNumber<LoadRow>((l) => (l.capacity > 0 ? l.loadAfter / l.capacity : null)),
            render: (_, l) => pct(l.loadAfter, l.capacity),
          },
        ]}
      />
    </>
  );
}
