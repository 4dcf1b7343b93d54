import { Space, Typography } from 'antd';
import { useState } from 'react';
import { useAccountsQuery } from '../../api/hooks.ts';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { AccountsTable } from './AccountsTable.tsx';
import { BulkActions, useBulkSelection } from './BulkActions.tsx';
import { ColumnChooser } from './ColumnChooser.tsx';
import { type ColumnKey, DEFAULT_COLUMNS } from './columns.tsx';
import { ExportButton } from './ExportButton.tsx';
import { FiltersBar } from './FiltersBar.tsx';
import { listQuery } from './filters.ts';
import { SavedViews } from './SavedViews.tsx';
import { useAccountFilters } from './useAccountFilters.ts';
import { useStored } from './useStored.ts';

/**
 * The accounts list: filters in the URL, one GET /accounts per page answering all of them (own
 * fields, current health/tier/stage/segment, renewal window, a free condition), chosen columns kept
 * per user in this browser, saved views on the server (own or shared), and a CSV export of every match.
 */
export default function AccountsPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const { filters, setFilter, replace, clear } = useAccountFilters();
  const [columns, setColumns] = useStored<ColumnKey[]>(
    `steward.accounts.columns.${user.id}`,
    DEFAULT_COLUMNS,
  );
  // Bumped when a saved view or "clear" replaces every filter: the bar's fields start again from
  // the URL (remounting on each single change would drop the focus of the next field clicked).
  const [generation, setGeneration] = useState(0);
  const query = listQuery(filters);
  // The export is offered once the list shows matches (the table's first page, shared cache).
  const first = useAccountsQuery({ ...query, limit: 50, includeTotal: 'true' });
  const bulk = useBulkSelection(query, first.data?.total ?? 0);

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
          <SavedViews
            filters={filters}
            columns={columns}
            onApply={(viewFilters, viewColumns) => {
              setColumns(viewColumns);
              replace(viewFilters);
              setGeneration(generation + 1);
            }}
          />
          <ColumnChooser columns={columns} onChange={setColumns} />
          <ExportButton query={query} columns={columns} disabled={!first.data?.total} />
        </Space>
      </div>
      <ErrorBoundary what="filters">
        <FiltersBar
          key={generation}
          filters={filters}
          setFilter={setFilter}
          clear={() => {
            clear();
            setGeneration(generation + 1);
          }}
        />
      </ErrorBoundary>
      {bulk && <BulkActions {...bulk.bar} />}
      <ErrorBoundary what="accounts">
        <AccountsTable
          selection={bulk?.table}
          key={JSON.stringify(query)}
          query={query}
          columns={columns}
          onSort={(sort) => setFilter({ sort })}
        />
      </ErrorBoundary>
    </Space>
  );
}
