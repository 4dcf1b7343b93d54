import { Drawer, Grid, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type Scorecard, type ScorecardDetail, useScorecardDetailQuery } from '../../api/team.ts';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatMoney, formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { type MessageKey, messages } from '../../i18n/messages.ts';
import { byNumber, byText } from '../team/sort.ts';

export type Focus =
  | 'accounts'
  | 'renewalRate'
  | 'renewalCount'
  | 'nrr'
  | 'nps'
  | 'expansion'
  | 'touches'
  | 'tasksOnTime'
  | 'dangerWithPlan'
  | 'healthImproved';

type AccountRow = ScorecardDetail['accounts'][number];
type TaskRow = ScorecardDetail['tasks'][number];

/** Which accounts stand behind a figure (all of them for the account count). */
const FILTERS: Partial<Record<Focus, (a: AccountRow) => boolean>> = {
  renewalRate: (a) => a.renewalsClosed > 0,
  renewalCount: (a) => a.renewalsClosed > 0,
  nrr: (a) => a.startArr > 0,
  nps: (a) => a.nps !== null,
  expansion: (a) => a.expansionArr > 0,
  dangerWithPlan: (a) => a.danger,
  healthImproved: (a) => a.healthFrom !== null && a.healthTo !== null,
};
const FOCUS_LABEL: Record<Focus, MessageKey> = {
  accounts: 'accountCount',
  renewalRate: 'scRenewalRateArr',
  renewalCount: 'scRenewalRateCount',
  nrr: 'scNrr',
  nps: 'scNps',
  expansion: 'scExpansion',
  touches: 'scCadence',
  tasksOnTime: 'scTasksOnTime',
  dangerWithPlan: 'scDangerWithPlan',
  healthImproved: 'scHealthImproved',
};

/** The accounts and tasks behind one card's figure. */
export function ScorecardDrawer({
  card,
  focus,
  from,
  to,
  onClose,
}: {
  card: Scorecard;
  focus: Focus;
  from: string;
  to: string;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const narrow = !Grid.useBreakpoint().md;
  const detail = useScorecardDetailQuery({ kind: card.kind, id: card.id, from, to });
  const [tab, setTab] = useState(focus === 'tasksOnTime' ? 'tasks' : 'accounts');
  return (
    <Drawer
      open
      onClose={onClose}
      size={narrow ? '100%' : 1100}
      title={`${card.name} · ${t(FOCUS_LABEL[focus])}`}
      data-testid="sc-drawer"
    >
      <QueryView query={detail}>
        {(d) => (
          <Tabs
            activeKey={tab}
            onChange={setTab}
            items={[
              {
                key: 'accounts',
                label: t('scDrillAccounts'),
                children: <AccountsTable detail={d} focus={focus} />,
              },
              {
                key: 'tasks',
                label: t('scDrillTasks', { n: d.tasksTotal }),
                children: <TasksTable detail={d} />,
              },
            ]}
          />
        )}
      </QueryView>
    </Drawer>
  );
}

function AccountsTable({ detail, focus }: { detail: ScorecardDetail; focus: Focus }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const filter = FILTERS[focus];
  const [all, setAll] = useState(false);
  const rows = filter && !all ? detail.accounts.filter(filter) : detail.accounts;
  const money = (v: number) => formatMoney(v, detail.currency, locale);
  const columns: ColumnsType<AccountRow> = [
    {
      title: t('account'),
      dataIndex: 'name',
      fixed: 'left',
      sorter: byText<AccountRow>((a) => a.name),
      render: (v: string, a) => <Link to={`/accounts/${a.accountId}`}>{v}</Link>,
    },
    ...(detail.kind === 'group'
      ? [{ title: t('owner'), dataIndex: 'ownerName', sorter: byText<AccountRow>((a) => a.ownerName) }]
      : []),
    { title: t('tier'), dataIndex: 'tier', render: (v: string | null) => enumLabel('tier', v) || '—' },
    {
      title: t('scRenewals'),
      key: 'renewals',
      align: 'right',
      sorter: byNumber<AccountRow>((a) => a.renewalsClosed),
      render: (_, a) => (a.renewalsDue ? `${a.renewalsWon} / ${a.renewalsClosed} / ${a.renewalsDue}` : '—'),
    },
    {
      title: t('scRenewedArr'),
      key: 'renewedArr',
      align: 'right',
      sorter: byNumber<AccountRow>((a) => a.renewalArrClosed),
      render: (_, a) =>
        a.renewalArrClosed ? `${money(a.renewalArrWon)} / ${money(a.renewalArrClosed)}` : '—',
    },
    {
      title: t('scStartArr'),
      dataIndex: 'startArr',
      align: 'right',
      sorter: byNumber<AccountRow>((a) => a.startArr),
      render: money,
    },
    {
      title: t('scEndArr'),
      dataIndex: 'endArr',
      align: 'right',
      sorter: byNumber<AccountRow>((a) => a.endArr),
      render: money,
    },
    {
      title: t('scExpansion'),
      dataIndex: 'expansionArr',
      align: 'right',
      sorter: byNumber<AccountRow>((a) => a.expansionArr),
      render: money,
    },
    {
      title: t('scTouchesVsCadence'),
      key: 'touches',
      align: 'right',
      defaultSortOrder: focus === 'touches' ? 'ascend' : undefined,
      sorter: byNumber<AccountRow>((a) => a.touches / a.expectedTouches),
      render: (_, a) => (
        <Typography.Text type={a.touches < a.expectedTouches ? 'warning' : undefined}>
          {formatNumber(a.touches, locale)} / {formatNumber(a.expectedTouches, locale, 1)}
        </Typography.Text>
      ),
    },
    {
      title: t('scHealthChange'),
      key: 'health',
      align: 'right',
      sorter: byNumber<AccountRow>((a) =>
        a.healthFrom !== null && a.healthTo !== null ? a.healthTo - a.healthFrom : null,
      ),
      render: (_, a) =>
        a.healthFrom !== null && a.healthTo !== null ? (
          <Typography.Text type={a.healthTo < a.healthFrom ? 'danger' : undefined}>
            {formatNumber(a.healthFrom, locale)} → {formatNumber(a.healthTo, locale)}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    ...(detail.accounts.some((a) => a.nps !== null)
      ? [
          {
            title: t('scNps'),
            dataIndex: 'nps',
            align: 'right' as const,
            render: (v: number | null) => formatNumber(v, locale),
          },
        ]
      : []),
    {
      title: t('scDanger'),
      key: 'danger',
      sorter: byNumber<AccountRow>((a) => (a.danger ? (a.openPlan ? 1 : 2) : 0)),
      render: (_, a) =>
        a.danger ? (
          <Tag color={a.openPlan ? 'orange' : 'red'}>{a.openPlan ? t('scWithPlan') : t('scNoPlan')}</Tag>
        ) : null,
    },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Text type="secondary" data-testid="sc-drill-count">
          {filter && !all
            ? t('scDrillFiltered', { n: rows.length, total: detail.accounts.length })
            : t('accountsCount', { n: rows.length })}
          {filter && (
            <Typography.Link style={{ marginInlineStart: 8 }} onClick={() => setAll(!all)}>
              {all ? t('scDrillOnlyBehind') : t('scDrillShowAll')}
            </Typography.Link>
          )}
        </Typography.Text>
        <TableExport
          filename={`scorecard-accounts-${detail.name}-${detail.from}-${detail.to}`}
          columns={[
            { key: 'name', title: t('account') },
            { key: 'ownerName', title: t('owner') },
            { key: 'tier', title: t('tier') },
            { key: 'health', title: t('health') },
            { key: 'renewalsDue', title: t('scRenewalsDue') },
            { key: 'renewalsClosed', title: t('scRenewalsClosed') },
            { key: 'renewalsWon', title: t('scRenewalsWon') },
            { key: 'renewalArrClosed', title: t('scRenewalArrClosed') },
            { key: 'renewalArrWon', title: t('scRenewalArrWon') },
            { key: 'startArr', title: t('scStartArr') },
            { key: 'endArr', title: t('scEndArr') },
            { key: 'expansionArr', title: t('scExpansion') },
            { key: 'touches', title: t('scTouches') },
            { key: 'expectedTouches', title: t('scExpectedTouches') },
            { key: 'healthFrom', title: t('scHealthFrom') },
            { key: 'healthTo', title: t('scHealthTo') },
            { key: 'nps', title: t('scNps') },
            { key: 'danger', title: t('scDanger') },
            { key: 'openPlan', title: t('scWithPlan') },
          ]}
          rows={rows.map((a) => ({
            ...a,
            tier: enumLabel('tier', a.tier),
            danger: a.danger ? t('yes') : t('no'),
            openPlan: a.openPlan ? t('yes') : t('no'),
          }))}
        />
      </div>
      <Table<AccountRow>
        data-testid="sc-drill-accounts"
        size="small"
        rowKey="accountId"
        dataSource={rows}
        columns={columns}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 'max-content' }}
      />
      <Typography.Text type="secondary">{t('scDrillLegend')}</Typography.Text>
    </Space>
  );
}

function TasksTable({ detail }: { detail: ScorecardDetail }) {
  const { t, locale } = useI18n();
  const status = (s: string) => {
    const key = `status_${s}`;
    return key in messages ? t(key as MessageKey) : s;
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Text type="secondary">
          {t('scTasksHint', {
            onTime: formatNumber(detail.tasks.filter((x) => x.onTime).length, locale),
            n: formatNumber(detail.tasks.length, locale),
            total: formatNumber(detail.tasksTotal, locale),
          })}
        </Typography.Text>
        <TableExport
          filename={`scorecard-tasks-${detail.name}-${detail.from}-${detail.to}`}
          columns={[
            { key: 'title', title: t('title') },
            { key: 'accountName', title: t('account') },
            { key: 'assigneeName', title: t('assignee') },
            { key: 'dueDate', title: t('dueDate') },
            { key: 'status', title: t('status') },
            { key: 'completedAt', title: t('scCompletedAt') },
            { key: 'onTime', title: t('scOnTime') },
          ]}
          rows={detail.tasks.map((x) => ({
            ...x,
            status: status(x.status),
            onTime: x.onTime ? t('yes') : t('no'),
          }))}
        />
      </div>
      <Table<TaskRow>
        data-testid="sc-drill-tasks"
        size="small"
        rowKey="taskId"
        dataSource={detail.tasks}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('title'), dataIndex: 'title', sorter: byText<TaskRow>((x) => x.title) },
          {
            title: t('account'),
            dataIndex: 'accountName',
            render: (v: string | null, x) =>
              v && x.accountId ? <Link to={`/accounts/${x.accountId}`}>{v}</Link> : '—',
          },
          ...(detail.kind === 'group' ? [{ title: t('assignee'), dataIndex: 'assigneeName' }] : []),
          { title: t('dueDate'), dataIndex: 'dueDate', sorter: byText<TaskRow>((x) => x.dueDate) },
          { title: t('status'), dataIndex: 'status', render: (v: string) => status(v) },
          {
            title: t('scOnTime'),
            dataIndex: 'onTime',
            sorter: byNumber<TaskRow>((x) => (x.onTime ? 1 : 0)),
            render: (v: boolean) => <Tag color={v ? 'green' : 'red'}>{v ? t('scOnTime') : t('scLate')}</Tag>,
          },
        ]}
      />
    </Space>
  );
}
