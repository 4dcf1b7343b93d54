// Parsing CSV cell text into typed values. CRM exports mix formats (the RavenStack sample has
// d/m/yyyy in one file and ISO in another, TRUE/True for booleans), so every parser accepts the
// common spellings and names what it expected when it fails.

export const DATE_FORMATS = ['DMY', 'MDY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const pad = (n: number) => String(n).padStart(2, '0');

function day(y: number, m: number, d: number): string | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * Accepts YYYY-MM-DD (optionally followed by a time), YYYY/MM/DD, YYYYMMDD, 2024年3月5日 and
 * slashed or dotted day-month-year (DMY, the default) or month-day-year (MDY) with 2- or 4-digit years.
 */
export function parseDate(
  value: string,
  format: DateFormat = 'DMY',
  options: { excelSerial?: boolean } = {},
): string | undefined {
  const v = toHalfWidth(value.trim());
  // A spreadsheet's date cell without a date format arrives as its serial number (days since 1899-12-30).
  if (options.excelSerial && /^\d{4,5}(\.\d+)?$/.test(v)) {
    const serial = Math.floor(Number(v));
    if (serial >= 1 && serial < 2958466) {
      return new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
    }
  }
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/.exec(v);
  if (m) return day(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (m) return day(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/.exec(v);
  if (m) return day(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(v);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    let y = Number(m[3]);
    if (m[3]!.length === 2) y += y >= 70 ? 1900 : 2000;
    return format === 'DMY' ? day(y, b, a) : day(y, a, b);
  }
  return undefined;
}

/**
 * What a slashed a/b/yyyy date says about the day/month order: `DMY` when a > 12, `MDY` when b > 12,
 * `ambiguous` when either reading is a date (3/5/2024), undefined for any other form.
 */
export function dateOrderEvidence(value: string): DateFormat | 'ambiguous' | undefined {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$/.exec(toHalfWidth(value.trim()));
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (a > 12 && b <= 12) return 'DMY';
  if (b > 12 && a <= 12) return 'MDY';
  if (a <= 12 && b <= 12 && a !== b) return 'ambiguous';
  return undefined;
}

/** Full-width digits, letters and punctuation (１２３，．（）) as their ASCII forms. */
export function toHalfWidth(value: string): string {
  return value
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

const TRUE = new Set(['true', '1', 'yes', 'y', 't', '是']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', '否']);

export function parseBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return undefined;
}

/** Multi-valued cells: "a|b|c" or "a;b;c". */
export function parseList(value: string): string[] {
  return value
    .split(/[|;]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
