import { DownloadOutlined, SaveOutlined, SettingOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Dropdown,
  Input,
  InputNumber,
  Popover,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { get } from '../../api/client.ts';
import {
  useAccountStatesQuery,
  useAccountStatesSummaryQuery,
  useAccountsByIdQuery,
  useAccountsQuery,
  useSegmentPreviewQuery,
  useSegmentsQuery,
  useStagesQuery,
  useTieringSchemesQuery,
  useUsersQuery,
} from '../../api/hooks.ts';
import type { Account, AccountState, Facts, Page } from '../../api/types.ts';
import { statusColor } from '../../components/Chart.tsx';
import { ErrorState } from '../../components/States.tsx';
import { addDays, day, formatMoney, formatNumber } from '../../format.ts';
import { type Translate, useI18n, useLabel } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { and, factCondition, tiersOf } from './conditions.ts';
import { toCsv } from './csv.ts';

const PAGE = 50;
/** A segment preview returns at most this many matching accounts. */
const CONDITION_ROWS = 500;

const FILTER_KEYS = [
  'q',
  'owner',
  'region',
  'industry',
  'tag',
  'arrMin',
  'renewalWithin',
  'health',
  'tier',
  'stage',
  'segment',
  'where',
  'sort',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Partial<Record<FilterKey, string>>;

type ColumnKey =
  | 'externalId'
  | 'owner'
  | 'region'
  | 'industry'
  | 'health'
  | 'tier'
  | 'stage'
  | 'arr'
  | 'mrr'
  | 'renewalDate'
  | 'licensedSeats'
  | 'goLiveDate'
  | 'tags'
  | 'updatedAt';
const COLUMN_LABELS: Record<ColumnKey, MessageKey> = {
  externalId: 'externalId',
  owner: 'owner',
  region: 'region',
  industry: 'industry',
  health: 'healthStatus',
  tier: 'tier',
  stage: 'stage',
  arr: 'arr',
  mrr: 'mrr',
  renewalDate: 'renewalDate',
  licensedSeats: 'seats',
  goLiveDate: 'goLive',
  tags: 'tags',
  updatedAt: 'updatedAt',
};
const DEFAULT_COLUMNS: ColumnKey[] = [
  'owner',
  'region',
  'industry',
  'health',
  'tier',
  'stage',
  'arr',
  'renewalDate',
  'tags',
];
const FACT_COLUMNS: ColumnKey[] = ['health', 'tier', 'stage'];
const SORTABLE: Partial<Record<ColumnKey | 'name', string>> = {
  name: 'name',
  externalId: 'externalId',
  arr: 'arr',
  mrr: 'arr',
  renewalDate: 'renewalDate',
  licensedSeats: 'licensedSeats',
  goLiveDate: 'goLiveDate',
  region: 'region',
  industry: 'industry',
  updatedAt: 'updatedAt',
};

interface SavedView {
  name: string;
  filters: Filters;
  columns: ColumnKey[];
}

function useStored<T>(key: string, initial: T): [T, (v: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw ? (JSON.parse(raw) as T) : initial;
    } catch {
      return initial;
    }
  });
  return [
    value,
    (v: T) => {
      setValue(v);
      localStorage.setItem(key, JSON.stringify(v));
    },
  ];
}

export default function AccountsPage() {
  const { t, locale } = useI18n();
  const label = useLabel();
  const { user, me } = useSession();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const filters: Filters = Object.fromEntries(
    FILTER_KEYS.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])),
  );
  const [columns, setColumns] = useStored<ColumnKey[]>(
    `steward.accounts.columns.${user.id}`,
    DEFAULT_COLUMNS,
  );
  const [views, setViews] = useStored<SavedView[]>(`steward.accounts.views.${user.id}`, []);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [conditionPage, setConditionPage] = useState(0);
  const [whereDraft, setWhereDraft] = useState(filters.where ?? '');
  const [exporting, setExporting] = useState(false);

  const users = useUsersQuery();
  // Band labels and colours (the summary is cached from the workbench).
  const summary = useAccountStatesSummaryQuery();
  const stages = useStagesQuery();
  const schemes = useTieringSchemesQuery();
  const segments = useSegmentsQuery();
  const userName = useMemo(() => new Map((users.data?.items ?? []).map((u) => [u.id, u.name])), [users.data]);
  const currency = me.workspace.baseCurrency;

  const setFilter = (patch: Filters) => {
    const next = { ...filters, ...patch };
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) if (next[k]) q.set(k, next[k]!);
    setParams(q);
    setCursors([undefined]);
    setConditionPage(0);
  };

  // Health status, tier, stage and segment alone (with an owner at most) are answered by the account
  // states list, paged on the server. Mixed with other filters, or with a free condition, they go
  // through the segment preview: the condition language over today's facts, up to 500 matches.
  const stateMode =
    !!(filters.health || filters.tier || filters.stage || filters.segment) &&
    !filters.where &&
    !filters.q &&
    !filters.region &&
    !filters.industry &&
    !filters.tag &&
    !filters.arrMin &&
    !filters.renewalWithin;
  const segment = segments.data?.items.find((s) => s.key === filters.segment);
  const condition = factCondition(
    {
      health: filters.health,
      tier: filters.tier,
      stage: filters.stage,
      where: and(segment?.conditionText, filters.where),
    },
    filters.owner,
  );
  const listCondition =
    condition && !stateMode
      ? and(
          condition,
          filters.region && `region = ${JSON.stringify(filters.region)}`,
          filters.industry && `industry = ${JSON.stringify(filters.industry)}`,
          filters.tag && `tags contains ${JSON.stringify(filters.tag)}`,
          filters.arrMin && `arr >= ${Number(filters.arrMin)}`,
          filters.renewalWithin && `days_to_renewal between 0 and ${Number(filters.renewalWithin)}`,
        )
      : undefined;
  const serverQuery = {
    q: filters.q,
    ownerId: filters.owner,
    region: filters.region,
    industry: filters.industry,
    tag: filters.tag,
    arrMin: filters.arrMin,
    renewalFrom: filters.renewalWithin ? day() : undefined,
    renewalTo: filters.renewalWithin ? addDays(day(), Number(filters.renewalWithin)) : undefined,
    sort: filters.sort ?? 'name',
  };
  const list = useAccountsQuery(
    { ...serverQuery, cursor: cursors[cursors.length - 1], limit: PAGE, includeTotal: 'true' },
    !listCondition && !stateMode,
  );
  const stateQuery = {
    ownerId: filters.owner,
    health: filters.health,
    tier: filters.tier,
    stage: filters.stage,
    segment: filters.segment,
  };
  const states = useAccountStatesQuery(
    { ...stateQuery, cursor: cursors[cursors.length - 1], limit: PAGE, includeTotal: 'true' },
    stateMode,
  );
  const preview = useSegmentPreviewQuery(listCondition, CONDITION_ROWS);
  const sample = (preview.data?.sample ?? []).filter(
    (s) => !filters.q || s.name.toLowerCase().includes(filters.q.toLowerCase()),
  );
  const pageIds = sample.slice(conditionPage * PAGE, (conditionPage + 1) * PAGE).map((s) => s.accountId);
  const stateIds = stateMode ? (states.data?.items ?? []).map((s) => s.accountId) : [];
  const byId = useAccountsByIdQuery(listCondition ? pageIds : stateIds);

  const rows: Account[] =
    listCondition || stateMode ? byId.flatMap((q) => (q.data ? [q.data] : [])) : (list.data?.items ?? []);
  // Health, tier and stage columns: the states list when it is the source, else one states request
  // for the page's ids (an account's full facts cost seconds on a large workspace).
  const wantStates = !stateMode && columns.some((c) => FACT_COLUMNS.includes(c)) && rows.length > 0;
  const pageStates = useAccountStatesQuery(
    { accountIds: rows.map((r) => r.id).join(','), limit: 500 },
    wantStates,
  );
  const factsOf = new Map<string, Facts>();
  for (const st of (stateMode ? states.data?.items : pageStates.data?.items) ?? [])
    factsOf.set(st.accountId, {
      'health.status': st.healthStatus,
      'health.score': st.healthScore,
      tier: st.tier,
      stage: st.stage,
    });
  const bands = summary.data?.bands ?? [];

  const columnDefs: Record<ColumnKey, ColumnsType<Account>[number]> = {
    externalId: { title: t('externalId'), dataIndex: 'externalId' },
    owner: {
      title: t('owner'),
      dataIndex: 'ownerId',
      render: (v: string | null) => (v ? (userName.get(v) ?? '—') : '—'),
    },
    region: { title: t('region'), dataIndex: 'region' },
    industry: { title: t('industry'), dataIndex: 'industry' },
    health: {
      title: t('healthStatus'),
      key: 'health',
      render: (_, a) => {
        const f = factsOf.get(a.id);
        if (!f) return '…';
        const b = bands.find((x) => x.key === f['health.status']);
        const score = f['health.score'] as number | null;
        return b ? (
          <Tag color={statusColor(b.color)}>
            {label(b.label, b.key)} {score != null ? formatNumber(score, locale) : ''}
          </Tag>
        ) : (
          t('noStatus')
        );
      },
    },
    tier: { title: t('tier'), key: 'tier', render: (_, a) => (factsOf.get(a.id)?.tier as string) ?? '…' },
    stage: {
      title: t('stage'),
      key: 'stage',
      render: (_, a) => {
        const key = factsOf.get(a.id)?.stage as string | undefined;
        return key ? (stages.data?.items.find((s) => s.key === key)?.name ?? key) : '…';
      },
    },
    arr: {
      title: t('arr'),
      dataIndex: 'arr',
      align: 'right',
      render: (v: number) => formatMoney(v, currency, locale),
    },
    mrr: {
      title: t('mrr'),
      dataIndex: 'mrr',
      align: 'right',
      render: (v: number) => formatMoney(v, currency, locale),
    },
    renewalDate: { title: t('renewalDate'), dataIndex: 'renewalDate' },
    licensedSeats: { title: t('seats'), dataIndex: 'licensedSeats', align: 'right' },
    goLiveDate: { title: t('goLive'), dataIndex: 'goLiveDate' },
    tags: {
      title: t('tags'),
      dataIndex: 'tags',
      render: (tags: string[]) => tags.map((x) => <Tag key={x}>{x}</Tag>),
    },
    updatedAt: { title: t('updatedAt'), dataIndex: 'updatedAt', render: (v: string) => v.slice(0, 10) },
  };
  const sortKey = (filters.sort ?? 'name').replace(/^-/, '');
  const sortOrder = filters.sort?.startsWith('-') ? 'descend' : 'ascend';
  const withSort = (key: ColumnKey | 'name', col: ColumnsType<Account>[number]) => {
    const s = SORTABLE[key];
    if (!s || listCondition || stateMode) return { ...col, key };
    return { ...col, key, sorter: true, sortOrder: sortKey === s ? sortOrder : null } as typeof col;
  };
  const tableColumns: ColumnsType<Account> = [
    withSort('name', {
      title: t('name'),
      dataIndex: 'name',
      fixed: 'left',
      render: (v: string, a) => <Link to={`/accounts/${a.id}`}>{v}</Link>,
    }),
    ...(Object.keys(COLUMN_LABELS) as ColumnKey[])
      .filter((k) => columns.includes(k))
      .map((k) => withSort(k, columnDefs[k])),
  ];

  const exportCsv = async () => {
    setExporting(true);
    try {
      let accounts: Account[] = [];
      if (listCondition) {
        const all = await Promise.all(sample.map((s) => get<Account>(`/accounts/${s.accountId}`)));
        accounts = all;
      } else if (stateMode) {
        let cursor: string | undefined;
        do {
          const page = await get<Page<{ accountId: string }>>('/account-states', {
            ...stateQuery,
            cursor,
            limit: 500,
          });
          // Account details in small parallel batches, so a large export does not flood the server.
          for (let i = 0; i < page.items.length; i += 20) {
            const batch = page.items.slice(i, i + 20);
            accounts = accounts.concat(
              await Promise.all(batch.map((s) => get<Account>(`/accounts/${s.accountId}`))),
            );
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      } else {
        let cursor: string | undefined;
        do {
          const page = await get<Page<Account>>('/accounts', { ...serverQuery, cursor, limit: 500 });
          accounts = accounts.concat(page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
      const visible = (Object.keys(COLUMN_LABELS) as ColumnKey[]).filter((k) => columns.includes(k));
      // Health, tier and stage come from the stored states, 200 accounts a request.
      const stateOf = new Map<string, AccountState>();
      if (visible.some((k) => FACT_COLUMNS.includes(k))) {
        for (let i = 0; i < accounts.length; i += 200) {
          const ids = accounts.slice(i, i + 200).map((a) => a.id);
          const page = await get<Page<AccountState>>('/account-states', {
            accountIds: ids.join(','),
            limit: 500,
          });
          for (const st of page.items) stateOf.set(st.accountId, st);
        }
      }
      const cell = (a: Account, k: ColumnKey): unknown => {
        const st = stateOf.get(a.id);
        if (k === 'health') {
          const b = bands.find((x) => x.key === st?.healthStatus);
          return b ? `${label(b.label, b.key)} (${st?.healthScore ?? '—'})` : '';
        }
        if (k === 'tier') return st?.tier ?? '';
        if (k === 'stage') return st?.stage ?? '';
        if (k === 'owner') return a.ownerId ? (userName.get(a.ownerId) ?? a.ownerId) : '';
        if (k === 'tags') return a.tags.join(';');
        return (a as unknown as Record<string, unknown>)[k];
      };
      const csv = toCsv(
        [t('name'), ...visible.map((k) => t(COLUMN_LABELS[k]))],
        accounts.map((a) => [a.name, ...visible.map((k) => cell(a, k))]),
      );
      const url = URL.createObjectURL(new Blob([`\uFEFF${csv}`], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `accounts-${day()}.csv`;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      void message.error((error as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const activeScheme = schemes.data?.items.find((s) => s.active);
  const error = listCondition ? preview.error : stateMode ? states.error : list.error;
  const loading = listCondition
    ? preview.isFetching || byId.some((q) => q.isPending)
    : stateMode
      ? states.isFetching || byId.some((q) => q.isPending)
      : list.isFetching;
  const total = listCondition
    ? (preview.data?.count ?? 0)
    : stateMode
      ? (states.data?.total ?? 0)
      : (list.data?.total ?? 0);
  const nextCursor = stateMode ? states.data?.nextCursor : list.data?.nextCursor;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'center',
          flexWrap: 'wrap',
          gap: 8,
        }}
      >
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('accounts')}
        </Typography.Title>
        <Space wrap>
          <Dropdown
            menu={{
              items: views.length
                ? views.map((v, i) => ({
                    key: String(i),
                    label: v.name,
                    onClick: () => {
                      setColumns(v.columns);
                      setParams(new URLSearchParams(v.filters as Record<string, string>));
                      setCursors([undefined]);
                    },
                  }))
                : [{ key: 'none', label: t('empty'), disabled: true }],
            }}
          >
            <Button>{t('savedViews')}</Button>
          </Dropdown>
          <SaveViewButton
            t={t}
            onSave={(name) => setViews([...views.filter((v) => v.name !== name), { name, filters, columns }])}
          />
          <Popover
            trigger="click"
            title={t('columns')}
            content={
              <Checkbox.Group
                style={{ display: 'grid', gap: 4 }}
                value={columns}
                onChange={(v) => setColumns(v as ColumnKey[])}
                options={(Object.keys(COLUMN_LABELS) as ColumnKey[]).map((k) => ({
                  value: k,
                  label: t(COLUMN_LABELS[k]),
                }))}
              />
            }
          >
            <Button icon={<SettingOutlined />}>{t('columns')}</Button>
          </Popover>
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => void exportCsv()}
            disabled={!total}
          >
            {t('exportCsv')}
          </Button>
        </Space>
      </div>
      <Card size="small" title={t('filters')}>
        <Space wrap>
          <Input.Search
            aria-label={t('search')}
            placeholder={t('search')}
            allowClear
            defaultValue={filters.q}
            onSearch={(v) => setFilter({ q: v })}
            style={{ width: 260 }}
          />
          <Select
            aria-label={t('owner')}
            placeholder={t('owner')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 180 }}
            value={filters.owner}
            onChange={(v) => setFilter({ owner: v })}
            options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
          />
          <Select
            aria-label={t('healthStatus')}
            placeholder={t('healthStatus')}
            allowClear
            style={{ width: 140 }}
            value={filters.health}
            onChange={(v) => setFilter({ health: v })}
            options={bands.map((b) => ({ value: b.key, label: label(b.label, b.key) }))}
          />
          <Select
            aria-label={t('tier')}
            placeholder={t('tier')}
            allowClear
            style={{ width: 140 }}
            value={filters.tier}
            onChange={(v) => setFilter({ tier: v })}
            options={(activeScheme ? tiersOf(activeScheme) : []).map((k) => ({ value: k, label: k }))}
          />
          <Select
            aria-label={t('stage')}
            placeholder={t('stage')}
            allowClear
            style={{ width: 140 }}
            value={filters.stage}
            onChange={(v) => setFilter({ stage: v })}
            options={(stages.data?.items ?? []).map((s) => ({ value: s.key, label: s.name }))}
          />
          <Select
            aria-label={t('segment')}
            placeholder={t('segment')}
            allowClear
            style={{ width: 160 }}
            value={filters.segment}
            onChange={(v) => setFilter({ segment: v })}
            options={(segments.data?.items ?? []).map((s) => ({ value: s.key, label: s.name }))}
          />
          <Input
            aria-label={t('region')}
            placeholder={t('region')}
            allowClear
            style={{ width: 110 }}
            defaultValue={filters.region}
            onPressEnter={(e) => setFilter({ region: e.currentTarget.value })}
            onBlur={(e) =>
              e.currentTarget.value !== (filters.region ?? '') && setFilter({ region: e.currentTarget.value })
            }
          />
          <Input
            aria-label={t('industry')}
            placeholder={t('industry')}
            allowClear
            style={{ width: 110 }}
            defaultValue={filters.industry}
            onPressEnter={(e) => setFilter({ industry: e.currentTarget.value })}
            onBlur={(e) =>
              e.currentTarget.value !== (filters.industry ?? '') &&
              setFilter({ industry: e.currentTarget.value })
            }
          />
          <Input
            aria-label={t('tag')}
            placeholder={t('tag')}
            allowClear
            style={{ width: 110 }}
            defaultValue={filters.tag}
            onPressEnter={(e) => setFilter({ tag: e.currentTarget.value })}
            onBlur={(e) =>
              e.currentTarget.value !== (filters.tag ?? '') && setFilter({ tag: e.currentTarget.value })
            }
          />
          <InputNumber
            aria-label={t('arrMin')}
            placeholder={t('arrMin')}
            min={0}
            style={{ width: 140 }}
            defaultValue={filters.arrMin ? Number(filters.arrMin) : undefined}
            onBlur={(e) => setFilter({ arrMin: e.currentTarget.value.replace(/[^\d.]/g, '') })}
          />
          <InputNumber
            aria-label={t('renewalWithin')}
            placeholder={t('renewalWithin')}
            min={1}
            max={3650}
            style={{ width: 150 }}
            defaultValue={filters.renewalWithin ? Number(filters.renewalWithin) : undefined}
            onBlur={(e) => setFilter({ renewalWithin: e.currentTarget.value.replace(/\D/g, '') })}
          />
          <Input.Search
            aria-label={t('factCondition')}
            placeholder={t('factCondition')}
            title={t('factConditionHelp')}
            style={{ width: 360 }}
            value={whereDraft}
            onChange={(e) => setWhereDraft(e.target.value)}
            onSearch={(v) => setFilter({ where: v })}
            enterButton
          />
          <Button
            onClick={() => {
              setWhereDraft('');
              setParams(new URLSearchParams());
              setCursors([undefined]);
            }}
          >
            {t('clearFilters')}
          </Button>
        </Space>
      </Card>
      {listCondition && preview.data && (
        <Alert
          type="info"
          showIcon
          title={t('conditionMode', {
            n: preview.data.count,
            m: Math.min(preview.data.count, CONDITION_ROWS),
          })}
        />
      )}
      {error ? (
        <ErrorState
          error={error}
          onRetry={() =>
            void (listCondition ? preview.refetch() : stateMode ? states.refetch() : list.refetch())
          }
        />
      ) : (
        <Card size="small">
          <Typography.Text data-testid="accounts-total" type="secondary">
            {t('totalAccounts', { n: formatNumber(total, locale) })}
          </Typography.Text>
          <Table<Account>
            data-testid="accounts-table"
            size="small"
            rowKey="id"
            loading={loading}
            columns={tableColumns}
            dataSource={rows}
            scroll={{ x: 'max-content' }}
            pagination={false}
            onChange={(_p, _f, sorter) => {
              const s = sorter as SorterResult<Account>;
              const key = SORTABLE[s.columnKey as ColumnKey];
              if (!key || !s.order) return setFilter({ sort: undefined });
              setFilter({ sort: s.order === 'descend' ? `-${key}` : key });
            }}
          />
          <Space style={{ marginTop: 12, display: 'flex', justifyContent: 'flex-end' }}>
            {listCondition ? (
              <>
                <Button disabled={conditionPage === 0} onClick={() => setConditionPage(conditionPage - 1)}>
                  {t('prevPage')}
                </Button>
                <Typography.Text>
                  {conditionPage + 1} / {Math.max(1, Math.ceil(sample.length / PAGE))}
                </Typography.Text>
                <Button
                  disabled={(conditionPage + 1) * PAGE >= sample.length}
                  onClick={() => setConditionPage(conditionPage + 1)}
                >
                  {t('nextPage')}
                </Button>
              </>
            ) : (
              <>
                <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  {t('prevPage')}
                </Button>
                <Typography.Text>
                  {cursors.length} / {Math.max(1, Math.ceil(total / PAGE))}
                </Typography.Text>
                <Button
                  disabled={!nextCursor}
                  onClick={() => nextCursor && setCursors([...cursors, nextCursor])}
                >
                  {t('nextPage')}
                </Button>
              </>
            )}
          </Space>
        </Card>
      )}
    </Space>
  );
}

function SaveViewButton({ t, onSave }: { t: Translate; onSave: (name: string) => void }) {
  const [name, setName] = useState('');
  const [open, setOpen] = useState(false);
  return (
    <Popover
      trigger="click"
      open={open}
      onOpenChange={setOpen}
      title={t('saveView')}
      content={
        <Space.Compact>
          <Input
            aria-label={t('viewName')}
            placeholder={t('viewName')}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <Button
            type="primary"
            disabled={!name.trim()}
            onClick={() => {
              onSave(name.trim());
              setName('');
              setOpen(false);
            }}
          >
            {t('save')}
          </Button>
        </Space.Compact>
      }
    >
      <Button icon={<SaveOutlined />}>{t('saveView')}</Button>
    </Popover>
  );
}
