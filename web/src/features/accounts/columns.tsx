import { Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { useAccountStatesSummaryQuery, useStagesQuery, useUsersQuery } from '../../api/hooks.ts';
import type { AccountListItem } from '../../api/types.ts';
import { statusColor } from '../../components/Chart.tsx';
import { formatMoney, formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';

export type ColumnKey =
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

export const COLUMN_LABELS: Record<ColumnKey, MessageKey> = {
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
export const ALL_COLUMNS = Object.keys(COLUMN_LABELS) as ColumnKey[];

export const DEFAULT_COLUMNS: ColumnKey[] = [
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

/** Columns the server sorts by, with the API's sort key. */
export const SORTABLE: Partial<Record<ColumnKey | 'name', string>> = {
  name: 'name',
  externalId: 'externalId',
  health: 'healthScore',
  arr: 'arr',
  mrr: 'arr',
  renewalDate: 'renewalDate',
  tier: 'tier',
  stage: 'stage',
  licensedSeats: 'licensedSeats',
  goLiveDate: 'goLiveDate',
  region: 'region',
  industry: 'industry',
  updatedAt: 'updatedAt',
};

/** The chosen columns in the table's fixed order. */
export const visibleColumns = (chosen: readonly ColumnKey[]) => ALL_COLUMNS.filter((k) => chosen.includes(k));

/** Owner names, health bands and stage names the cells show, each one cached query. */
function useLookups() {
  const users = useUsersQuery();
  // Band labels and colours (the summary is cached from the workbench).
  const summary = useAccountStatesSummaryQuery();
  const stages = useStagesQuery();
  return useMemo(
    () => ({
      userName: new Map((users.data?.items ?? []).map((u) => [u.id, u.name])),
      bands: summary.data?.bands ?? [],
      stageName: new Map((stages.data?.items ?? []).map((s) => [s.key, s.name])),
    }),
    [users.data, summary.data, stages.data],
  );
}

/** Table columns for the chosen keys; health, tier and stage read each row's stored state. */
export function useColumnDefs(chosen: readonly ColumnKey[], sort: string): ColumnsType<AccountListItem> {
  const { t, locale } = useI18n();
  const label = useLabel();
  const enumLabel = useEnumLabel();
  const { me } = useSession();
  const { userName, bands, stageName } = useLookups();
  const currency = me.workspace.baseCurrency;
  const defs: Record<ColumnKey, ColumnsType<AccountListItem>[number]> = {
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
      render: (_, a) => {
        const b = bands.find((x) => x.key === a.state?.healthStatus);
        if (!b) return t('noStatus');
        const score = a.state?.healthScore;
        return (
          <Tag color={statusColor(b.color)}>
            {label(b.label, b.key)} {score != null ? formatNumber(score, locale) : ''}
          </Tag>
        );
      },
    },
    tier: { title: t('tier'), render: (_, a) => (a.state?.tier ? enumLabel('tier', a.state.tier) : '—') },
    stage: {
      title: t('stage'),
      render: (_, a) => {
        const key = a.state?.stage;
        return key ? (stageName.get(key) ?? key) : '—';
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
  const sortKey = sort.replace(/^-/, '');
  const sortOrder = sort.startsWith('-') ? 'descend' : 'ascend';
  const withSort = (key: ColumnKey | 'name', col: ColumnsType<AccountListItem>[number]) => {
    const s = SORTABLE[key];
    if (!s) return { ...col, key };
    return { ...col, key, sorter: true, sortOrder: sortKey === s ? sortOrder : null } as typeof col;
  };
  return [
    withSort('name', {
      title: t('name'),
      dataIndex: 'name',
      fixed: 'left',
      render: (v: string, a) => <Link to={`/accounts/${a.id}`}>{v}</Link>,
    }),
    ...visibleColumns(chosen).map((k) => withSort(k, defs[k])),
  ];
}

/** A cell as plain text, for the CSV export (same lookups as the table). */
export function useCellText(): (a: AccountListItem, k: ColumnKey) => unknown {
  const label = useLabel();
  const enumLabel = useEnumLabel();
  const { userName, bands, stageName } = useLookups();
  return (a, k) => {
    const st = a.state;
    if (k === 'health') {
      const b = bands.find((x) => x.key === st?.healthStatus);
      return b ? `${label(b.label, b.key)} (${st?.healthScore ?? '—'})` : '';
    }
    if (k === 'tier') return enumLabel('tier', st?.tier);
    if (k === 'stage') return st?.stage ? (stageName.get(st.stage) ?? st.stage) : '';
    if (k === 'owner') return a.ownerId ? (userName.get(a.ownerId) ?? a.ownerId) : '';
    if (k === 'tags') return a.tags.join(';');
    return a[k];
  };
}
