// Strings of the shared table export (CSV / xlsx) component: [en, zh-CN].
export const exportTexts = {
  tableExportCsv: ['CSV', 'CSV'],
  tableExportXlsx: ['Excel', 'Excel'],
  tableExportCsvHint: ['Download this table as CSV', '将此表下载为 CSV'],
  tableExportXlsxHint: [
    'Download this table as an Excel workbook (.xlsx)',
    '将此表下载为 Excel 工作簿（.xlsx）',
  ],
  tableExportFailed: ['The export failed: {reason}', '导出失败：{reason}'],
  tableExportSheet: ['Data', '数据'],
} as const;
