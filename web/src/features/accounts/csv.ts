/**
 * RFC 4180 CSV: fields with commas, quotes or line breaks are quoted, quotes doubled. A text cell a
 * spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, tab or CR, e.g. an account
 * named `=HYPERLINK(…)`) gets a leading `'` as OWASP recommends, so it opens as text. Numbers, and
 * text that is just a number such as `-12.5`, are left alone: they are data, not formulas.
 */
export function toCsv(header: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => {
    const s = neutralise(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** The cell's text, with a `'` in front when a spreadsheet would otherwise evaluate it. */
export function neutralise(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  const s = String(v);
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}
