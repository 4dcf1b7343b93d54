// The pure half of an import: from the file's records (import-source.ts) to typed rows, with every
// problem named by the record's first line, the column as the file writes it, the value and the form
// expected. No database access, so a worker thread can run it over a parsed row stream.
import { type Converted, convert, type FieldSpec, type Kind } from '../../csv/convert.ts';
import { type DateFormat, dateOrderEvidence } from '../../csv/values.ts';
import { type AppError, invalid } from '../../errors.ts';
import { type Message, msg } from '../../i18n/index.ts';
import { badText } from '../../text.ts';
import type { SourceRecord } from './import-source.ts';

export type { FieldSpec, Kind };

export type RowIssue = { line: number; field?: string; column?: string; value?: string; message: Message };

export type PreparedRow = {
  line: number;
  fields: Record<string, unknown>;
  /** Custom field values, converted by their definition's type. */
  custom: Record<string, unknown>;
  /** field -> the column it came from (absent for defaults) and the cell text. */
  cells: Record<string, { column?: string; value: string }>;
};

export type DateOrderReport = {
  /** The order a/b/yyyy dates were read in. */
  order: DateFormat;
  /** option: set by the caller; file: the file's own dates decided it; default: nothing decided it. */
  source: 'option' | 'file' | 'default';
  /** Dates such as 3/5/2024 that read either way. */
  ambiguous: number;
  /** One such date, for the dry run's sentence. */
  example?: string;
  /** Dates that only read day-first / month-first (both > 0: the file mixes orders). */
  dayFirst: number;
  monthFirst: number;
};

export type Prepared = {
  headers: string[];
  rows: PreparedRow[];
  issues: RowIssue[];
  /** Records with at least one issue. */
  invalid: number;
  skipped: { blank: number; total: number };
  dateOrder: DateOrderReport;
};

export type CustomDef = { key: string; type: string };

export type PrepareOptions = {
  specs: Record<string, FieldSpec>;
  customDefs: CustomDef[];
  /** What a row is, for messages: `imports.what.*`. */
  what: Message;
  /** column -> field; empty: the columns the header dictionary (or the field names) recognise. */
  map: Record<string, string>;
  defaults: Record<string, string>;
  dateFormat?: DateFormat;
  excelSerials: boolean;
  /** The suggestions used when `map` is empty. */
  suggest: (headers: string[]) => Record<string, string>;
  onProgress?: (records: number) => void;
};

const TOTAL = /^(合计|总计|小计|共计|总和|total|totals|grand total|subtotal|sum)\s*[:：]?$/i;

/** A row of sums at the end of an export: its first filled cell says 合计, 总计 or Total. */
export const isTotalRow = (cells: string[]) => {
  const first = cells.find((c) => c !== '');
  return first !== undefined && TOTAL.test(first);
};

export async function prepareRows(
  records: AsyncIterable<SourceRecord>,
  o: PrepareOptions,
): Promise<Prepared> {
  const customTypes = new Map(o.customDefs.map((d) => [d.key, d.type]));
  const isField = (f: string) => f in o.specs || (f.startsWith('cf.') && customTypes.has(f.slice(3)));
  const known = () => [...Object.keys(o.specs), ...[...customTypes.keys()].map((k) => `cf.${k}`)];
  const unknownField = (field: string, where: string) =>
    invalid(msg('imports.error.unknownField', { what: o.what, field, where, known: known().join(', ') }), {
      issues: [{ path: `${where}.${field}`, message: 'unknown field' }],
    });
  for (const field of Object.keys(o.defaults)) if (!isField(field)) throw unknownField(field, 'defaults');

  let headers: string[] | undefined;
  const body: SourceRecord[] = [];
  const skipped = { blank: 0, total: 0 };
  let seen = 0;
  for await (const record of records) {
    if (record.cells.every((c) => c === '')) {
      if (headers) skipped.blank++;
      continue;
    }
    if (!headers) {
      headers = record.cells;
      const bad = headers.findIndex((h) => badText(h));
      if (bad >= 0) {
        throw invalid(msg('imports.error.badHeader', { column: bad + 1, reason: badText(headers[bad]!)! }), {
          issues: [{ path: `line ${record.line}`, message: badText(headers[bad]!)! }],
        });
      }
      continue;
    }
    if (record.cells.length > headers.length && record.cells.slice(headers.length).some((c) => c !== '')) {
      throw invalid(
        msg('imports.error.malformed', {
          line: record.line,
          reason: msg('imports.error.tooManyCells', { cells: record.cells.length, columns: headers.length }),
        }),
        { issues: [{ path: `line ${record.line}`, message: 'too many cells' }], line: record.line },
      );
    }
    if (isTotalRow(record.cells)) {
      skipped.total++;
      continue;
    }
    body.push(record);
    if (++seen % 5000 === 0) o.onProgress?.(seen);
  }
  if (!headers) throw invalid(msg('imports.error.empty'));

  const columnToField = resolveMap(headers, Object.keys(o.map).length ? o.map : o.suggest(headers), {
    explicit: Object.keys(o.map).length > 0,
    isField,
    unknownField: (f) => unknownField(f, 'map'),
  });
  const mapped = new Set([...columnToField.values(), ...Object.keys(o.defaults)]);
  const missing = Object.entries(o.specs)
    .filter(([f, s]) => s.required && !mapped.has(f))
    .map(([f]) => f);
  if (missing.length) {
    throw invalid(msg('imports.error.requiredUnmapped', { fields: missing.join(', ') }), {
      issues: missing.map((f) => ({ path: `map.${f}`, message: 'required field has no column' })),
      headers,
    });
  }

  // The day/month order is decided once per file, from every date cell of every date field.
  const dateColumns = [...columnToField.entries()].filter(([, f]) => kindOf(f) === 'date').map(([i]) => i);
  const dateOrder = decideDateOrder(body, dateColumns, o.dateFormat);

  const rows: PreparedRow[] = [];
  const issues: RowIssue[] = [];
  let invalidRows = 0;
  function kindOf(field: string): Kind | 'custom' | undefined {
    if (field in o.specs) return o.specs[field]!.kind;
    const type = customTypes.get(field.slice(3));
    if (type === 'date') return 'date';
    return type ? 'custom' : undefined;
  }

  for (const record of body) {
    const rowIssues: RowIssue[] = [];
    const fields: Record<string, unknown> = {};
    const custom: Record<string, unknown> = {};
    const cells: PreparedRow['cells'] = {};
    for (const [field, value] of Object.entries(o.defaults)) cells[field] = { value };
    columnToField.forEach((field, i) => {
      const value = record.cells[i] ?? '';
      if (value !== '') cells[field] = { column: headers![i], value };
    });
    for (const [field, { column, value }] of Object.entries(cells)) {
      const issue = (message: Message) =>
        rowIssues.push({ line: record.line, field, column, value, message });
      const bad = badText(value);
      if (bad) {
        // The value itself is not echoed: it holds what can never be stored or sent.
        rowIssues.push({
          line: record.line,
          field,
          column,
          message: msg('imports.row.badText', { reason: bad }),
        });
        continue;
      }
      if (!(field in o.specs)) {
        const key = field.slice(3);
        const converted = convertCustom(customTypes.get(key)!, value, dateOrder.order, o.excelSerials);
        if ('error' in converted) issue(converted.error);
        else custom[key] = converted.value;
        continue;
      }
      const spec = o.specs[field]!;
      const converted = convert(spec, value, dateOrder.order, o.excelSerials);
      if ('error' in converted) issue(converted.error);
      else fields[field] = converted.value;
    }
    // A currency inside the amount cell (USD 5,000) fills an empty currency column and must agree with a filled one.
    const amount = fields.amount as { amount: number; currency?: string } | undefined;
    if (amount && typeof amount === 'object') {
      fields.amount = amount.amount;
      if (amount.currency) {
        const stated = fields.currency as string | undefined;
        const fromColumn = cells.currency?.column !== undefined;
        if (stated && fromColumn && stated !== amount.currency) {
          rowIssues.push({
            line: record.line,
            field: 'amount',
            column: cells.amount?.column,
            value: cells.amount?.value,
            message: msg('imports.row.currencyConflict', {
              inAmount: amount.currency,
              column: cells.currency!.column!,
              currency: stated,
            }),
          });
        } else fields.currency = amount.currency;
      }
    }
    for (const [f, s] of Object.entries(o.specs)) {
      if (s.required && fields[f] === undefined && !rowIssues.some((e) => e.field === f)) {
        const column = [...columnToField.entries()].find(([, field]) => field === f)?.[0];
        rowIssues.push({
          line: record.line,
          field: f,
          column: column === undefined ? undefined : headers[column],
          value: '',
          message: msg('imports.row.required'),
        });
      }
    }
    if (rowIssues.length) {
      invalidRows++;
      issues.push(...rowIssues);
    } else rows.push({ line: record.line, fields, custom, cells });
  }
  return { headers, rows, issues, invalid: invalidRows, skipped, dateOrder };
}

function resolveMap(
  headers: string[],
  map: Record<string, string>,
  o: { explicit: boolean; isField: (f: string) => boolean; unknownField: (f: string) => AppError },
): Map<number, string> {
  const result = new Map<number, string>();
  for (const [column, field] of Object.entries(map)) {
    if (!field) continue;
    const index = headers.indexOf(column);
    if (index < 0) {
      if (!o.explicit) continue;
      throw invalid(msg('imports.error.noColumn', { column, columns: headers.join(', ') }), {
        issues: [{ path: `map.${column}`, message: 'no such column' }],
      });
    }
    if (!o.isField(field)) throw o.unknownField(field);
    result.set(index, field);
  }
  return result;
}

export function decideDateOrder(
  records: SourceRecord[],
  columns: number[],
  option: DateFormat | undefined,
): DateOrderReport {
  let dayFirst = 0;
  let monthFirst = 0;
  let ambiguous = 0;
  let example: string | undefined;
  for (const r of records) {
    for (const i of columns) {
      const v = r.cells[i];
      if (!v) continue;
      const e = dateOrderEvidence(v);
      if (e === 'DMY') dayFirst++;
      else if (e === 'MDY') monthFirst++;
      else if (e === 'ambiguous') {
        ambiguous++;
        example ??= v;
      }
    }
  }
  const counts = { ambiguous, dayFirst, monthFirst, ...(example ? { example } : {}) };
  if (option) return { order: option, source: 'option', ...counts };
  if (dayFirst > 0 || monthFirst > 0) {
    return { order: monthFirst > dayFirst ? 'MDY' : 'DMY', source: 'file', ...counts };
  }
  return { order: 'DMY', source: 'default', ...counts };
}

/** Custom field cells by their definition's type: the same date, number and yes/no parsers as built-in fields. */
function convertCustom(type: string, value: string, order: DateFormat, excelSerials: boolean): Converted {
  if (type === 'multi_select') {
    return {
      value: value
        .split(/[|;；、]/)
        .map((s) => s.trim())
        .filter(Boolean),
    };
  }
  const kind = CUSTOM_KINDS[type] ?? 'text';
  return convert({ kind }, value, order, excelSerials);
}
const CUSTOM_KINDS: Record<string, Kind> = { date: 'date', number: 'number', boolean: 'bool' };
