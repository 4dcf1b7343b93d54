import { DownloadOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { apiGet } from '../../api/client.ts';
import type { AccountListItem, AccountListQuery } from '../../api/types.ts';
import { day } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { COLUMN_LABELS, type ColumnKey, useCellText, visibleColumns } from './columns.tsx';
import { toCsv } from './csv.ts';

/** Every account the list's query matches (500 a request, state included), as a CSV file. */
export function ExportButton({
  query,
  columns,
  disabled,
}: {
  query: AccountListQuery;
  columns: readonly ColumnKey[];
  disabled: boolean;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const cellText = useCellText();
  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    try {
      let accounts: AccountListItem[] = [];
      let cursor: string | undefined;
      do {
        const page = await apiGet('/accounts', { query: { ...query, cursor, limit: 500 } });
        accounts = accounts.concat(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const visible = visibleColumns(columns);
      const csv = toCsv(
        [t('name'), ...visible.map((k) => t(COLUMN_LABELS[k]))],
        accounts.map((a) => [a.name, ...visible.map((k) => cellText(a, k))]),
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
  return (
    <Button
      icon={<DownloadOutlined />}
      loading={exporting}
      onClick={() => void exportCsv()}
      disabled={disabled}
    >
      {t('exportCsv')}
    </Button>
  );
}
