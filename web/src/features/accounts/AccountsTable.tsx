import { Button, Card, Space, Table, Typography } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useState } from 'react';
import { useAccountsQuery } from '../../api/hooks.ts';
import type { AccountListItem, AccountListQuery } from '../../api/types.ts';
import { ErrorState } from '../../components/States.tsx';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { type ColumnKey, SORTABLE, useColumnDefs } from './columns.tsx';

const PAGE = 50;

/**
 * One page of GET /accounts at a time, walked with the server's cursors. Mount it with a key of
 * the query, so a new filter starts again at the first page.
 */
export function AccountsTable({
  query,
  columns,
  onSort,
  selection,
}: {
  query: AccountListQuery;
  columns: readonly ColumnKey[];
  onSort: (sort: string | undefined) => void;
  /** Checkboxes for bulk actions (BulkActions.tsx), kept across pages. */
  selection?: { selectedRowKeys: string[]; onChange: (ids: string[]) => void };
}) {
  const { t, locale } = useI18n();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const list = useAccountsQuery({
    ...query,
    cursor: cursors[cursors.length - 1],
    limit: PAGE,
    includeTotal: 'true',
  });
  const tableColumns = useColumnDefs(columns, query.sort ?? 'name');
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const total = list.data?.total ?? 0;
  const nextCursor = list.data?.nextCursor;
  return (
    <Card size="small">
      <Typography.Text data-testid="accounts-total" type="secondary">
        {t('totalAccounts', { n: formatNumber(total, locale) })}
      </Typography.Text>
      <Table<AccountListItem>
        data-testid="accounts-table"
        size="small"
        rowKey="id"
        loading={list.isFetching}
        columns={tableColumns}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={false}
        rowSelection={
          selection && {
            selectedRowKeys: selection.selectedRowKeys,
            preserveSelectedRowKeys: true,
            onChange: (keys) => selection.onChange(keys as string[]),
          }
        }
        onChange={(_p, _f, sorter) => {
          const s = sorter as SorterResult<AccountListItem>;
          const key = SORTABLE[s.columnKey as ColumnKey | 'name'];
          onSort(key && s.order ? (s.order === 'descend' ? `-${key}` : key) : undefined);
        }}
      />
      <Space style={{ marginTop: 12, display: 'flex', justifyContent: 'flex-end' }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('prevPage')}
        </Button>
        <Typography.Text>
          {cursors.length} / {Math.max(1, Math.ceil(total / PAGE))}
        </Typography.Text>
        <Button disabled={!nextCursor} onClick={() => nextCursor && setCursors([...cursors, nextCursor])}>
          {t('nextPage')}
        </Button>
      </Space>
    </Card>
  );
}
