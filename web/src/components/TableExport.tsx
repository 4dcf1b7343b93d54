import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { type ExportColumn, toCsv, toXlsx } from './exportFile.ts';

export { exportCell, toCsv, toXlsx } from './exportFile.ts';
export type { ExportColumn };

export interface TableExportProps {
  /** The file name without extension; `.csv` / `.xlsx` is added. */
  filename: string;
  columns: ExportColumn[];
  rows: Record<string, unknown>[];
}

function download(name: string, data: BlobPart, type: string) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Two buttons that download the given rows as CSV and as xlsx. */
export function TableExport({ filename, columns, rows }: TableExportProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const safeName = filename.replace(/[\\/:*?"<>|]+/g, '_') || 'export';
  const empty = rows.length === 0;
  return (
    <Space size="small" wrap>
      <Button
        size="small"
        icon={<DownloadOutlined />}
        disabled={empty}
        title={t('tableExportCsvHint')}
        aria-label={`${t('tableExportCsvHint')} (${safeName}.csv)`}
        onClick={() => download(`${safeName}.csv`, toCsv(columns, rows), 'text/csv;charset=utf-8')}
      >
        {t('tableExportCsv')}
      </Button>
      <Button
        size="small"
        icon={<DownloadOutlined />}
        disabled={empty}
        loading={busy}
        title={t('tableExportXlsxHint')}
        aria-label={`${t('tableExportXlsxHint')} (${safeName}.xlsx)`}
        onClick={async () => {
          setBusy(true);
          try {
            const bytes = await toXlsx(columns, rows, t('tableExportSheet'));
            download(
              `${safeName}.xlsx`,
              bytes,
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            );
          } catch (e) {
            void message.error(
              t('tableExportFailed', { reason: e instanceof Error ? e.message : String(e) }),
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('tableExportXlsx')}
      </Button>
    </Space>
  );
}
