// Table export files (CSV, xlsx) with cells neutralised against formula injection; no React here.

export interface ExportColumn {
  key: string;
  title: string;
}

// A spreadsheet reads a cell starting with one of these as a formula (or as the start of one):
// such text gets a leading apostrophe so it stays text (CSV/formula injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell's value as plain text, neutralised against formula injection. Numbers stay numbers. */
export function exportCell(value: unknown): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** CSV text (RFC 4180 quoting, CRLF lines) with a byte-order mark so Excel reads it as UTF-8. */
export function toCsv(columns: ExportColumn[], rows: Record<string, unknown>[]): string {
  const quote = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [columns.map((c) => quote(exportCell(c.title))).join(',')];
  for (const row of rows) lines.push(columns.map((c) => quote(exportCell(row[c.key]))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The xlsx workbook's bytes; the spreadsheet library is loaded only when someone exports. */
export async function toXlsx(
  columns: ExportColumn[],
  rows: Record<string, unknown>[],
  sheetName: string,
): Promise<ArrayBuffer> {
  const mod = await import('exceljs');
  const ExcelJS = (mod as unknown as { default?: typeof mod }).default ?? mod;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((c) => ({
    header: String(exportCell(c.title)),
    key: c.key,
    width: Math.min(48, Math.max(10, c.title.length + 2)),
  }));
  for (const row of rows) {
    const out: Record<string, string | number> = {};
    for (const c of columns) out[c.key] = exportCell(row[c.key]);
    sheet.addRow(out);
  }
  sheet.getRow(1).font = { bold: true };
  return (await workbook.xlsx.writeBuffer()) as ArrayBuffer;
}
