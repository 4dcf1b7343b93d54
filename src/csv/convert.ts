// Parsing one cell into its field's type, shared by every CSV/xlsx reader (accounts, contacts,
// contracts, tickets, usage, requests, survey answers). A failure is a message key naming the value
// and the form expected, rendered in the reader's language where it is shown.
import { type Message, msg } from '../i18n/index.ts';
import { normalizeCurrency, parseAmount } from './money.ts';
import { type DateFormat, parseBoolean, parseDate, parseList } from './values.ts';

/**
 * `datetime`: a time of day kept as text for the owning import to read in the workspace's zone
 * (help desks export local times without an offset); an xlsx time cell (no zone: a wall-clock
 * time) becomes "YYYY-MM-DD HH:mm:ss".
 */
export type Kind = 'text' | 'date' | 'datetime' | 'number' | 'int' | 'bool' | 'list' | 'amount' | 'currency';
export type FieldSpec = {
  kind: Kind;
  required?: boolean;
  help: string;
  /** Spellings (lower case) a CRM writes for the field's values: 年付 -> annual. */
  values?: Record<string, string>;
};

export type Converted = { value: unknown } | { error: Message };

export const DATE_EXPECTED = 'YYYY-MM-DD, YYYY/M/D, YYYY年M月D日';

/** `excelSerials`: date cells may be spreadsheet serial numbers (an xlsx read without formats). */
export function convert(
  spec: Pick<FieldSpec, 'kind' | 'values'>,
  raw: string,
  order: DateFormat,
  excelSerials = false,
): Converted {
  const value = spec.values?.[raw.toLowerCase()] ?? raw;
  switch (spec.kind) {
    case 'text':
      return { value };
    case 'list':
      return { value: parseList(value) };
    case 'date':
      return convertDate(value, order, excelSerials);
    case 'datetime':
      return { value: excelSerials ? wallClock(value) : value };
    case 'number': {
      const n = parseAmount(value);
      return n === undefined || n.currency
        ? { error: msg('imports.row.notNumber', { value }) }
        : { value: n.amount };
    }
    case 'int': {
      const n = parseAmount(value);
      return n === undefined || n.currency || !Number.isInteger(n.amount)
        ? { error: msg('imports.row.notWholeNumber', { value }) }
        : { value: n.amount };
    }
    case 'bool': {
      const b = parseBoolean(value);
      return b === undefined ? { error: msg('imports.row.notBool', { value }) } : { value: b };
    }
    case 'amount': {
      const a = parseAmount(value);
      return a === undefined ? { error: msg('imports.row.notAmount', { value }) } : { value: a };
    }
    case 'currency': {
      const c = normalizeCurrency(value);
      return c === undefined ? { error: msg('imports.row.notCurrency', { value }) } : { value: c };
    }
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An xlsx time (ExcelJS reads it as that wall-clock time in UTC, or a bare serial number) as "YYYY-MM-DD HH:mm:ss". */
function wallClock(value: string): string {
  const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(value);
  if (iso) return `${iso[1]} ${iso[2]}`;
  if (/^\d{4,6}(\.\d+)?$/.test(value)) {
    const d = new Date(Math.round((Number(value) - 25569) * 86400) * 1000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  }
  return value;
}

export function convertDate(value: string, order: DateFormat, excelSerials: boolean): Converted {
  const d = parseDate(value, order, { excelSerial: excelSerials });
  return d
    ? { value: d }
    : {
        error: msg('imports.row.notDate', {
          value,
          expected: `${DATE_EXPECTED}, ${order === 'DMY' ? 'D/M/YYYY' : 'M/D/YYYY'}`,
        }),
      };
}
