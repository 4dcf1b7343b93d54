// Reading a CSV file into typed rows for the importers (accounts, contacts, contracts, usage):
// streaming, column-to-field mapping, per-cell conversion, and errors that name line and field.
import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { z } from 'zod';
import { AppError, invalid } from '../errors.ts';
import { type Locale, type Message, msg, render } from '../i18n/index.ts';
import { badText } from '../text.ts';
import { convert, type FieldSpec } from './convert.ts';
import { DATE_FORMATS, type DateFormat } from './values.ts';

export type { FieldSpec };
/** A row's problem, in the words of `ReadOptions.locale` (the report goes straight to its reader). */
export type RowError = { line: number; field?: string; column?: string; message: string };
export type CsvRow = { line: number; fields: Record<string, unknown>; extra: Record<string, string> };

const pairs = z.union([z.string(), z.record(z.string(), z.string())]).optional();
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false);

/** The options every reader-based CSV import takes (usage adds its mode). */
export const CsvImportOptions = z.object({
  map: pairs,
  defaults: pairs,
  dryRun: flag,
  skipInvalid: flag,
  dateFormat: z.enum(DATE_FORMATS).default('DMY'),
});

/** At most this many errors are kept; the invalid-row count still counts them all. */
export const MAX_ERRORS = 1000;

export function pushErrors(errors: RowError[], more: RowError[]) {
  for (const e of more) if (errors.length < MAX_ERRORS) errors.push(e);
}

const normalise = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');

export type ReadOptions = {
  source: Readable | string;
  specs: Record<string, FieldSpec>;
  /**
   * Open-ended fields under a prefix, kept as text in `extra`: `cf.<key>` custom fields (only the
   * listed keys) or `prop.<name>` event properties (any name, keys undefined).
   */
  extra?: { prefix: string; keys?: Set<string> };
  /** What a row is, for messages: `imports.what.*`. */
  what: Message;
  /** column -> field; empty means columns named like fields map to themselves. */
  map: Record<string, string>;
  /** field -> value used where a row has no value. */
  defaults: Record<string, string>;
  dateFormat: DateFormat;
  /** The language of the row messages. */
  locale: Locale;
  onProgress?: (rowsRead: number) => void;
};

export async function readMappedCsv(
  o: ReadOptions,
): Promise<{ rows: CsvRow[]; errors: RowError[]; invalid: number }> {
  const prefix = o.extra?.prefix;
  const isExtra = (f: string) =>
    prefix !== undefined &&
    f.startsWith(prefix) &&
    f.length > prefix.length &&
    (!o.extra?.keys || o.extra.keys.has(f.slice(prefix.length)));
  const isField = (f: string) => f in o.specs || isExtra(f);
  const unknownField = (field: string, where: string) => {
    const known = [
      ...Object.keys(o.specs),
      ...(o.extra?.keys ? [...o.extra.keys].map((k) => `${prefix}${k}`) : prefix ? [`${prefix}<name>`] : []),
    ];
    return invalid(
      msg('imports.error.unknownField', { what: o.what, field, where, known: known.join(', ') }),
      {
        issues: [{ path: `${where}.${field}`, message: msg('csv.issue.unknownField') }],
      },
    );
  };
  for (const field of Object.keys(o.defaults)) if (!isField(field)) throw unknownField(field, 'defaults');

  const errors: RowError[] = [];
  let invalidRows = 0;
  const rows: CsvRow[] = [];
  let columnToField: Map<number, string> | undefined;
  let headers: string[] = [];
  let lastLine = 0; // the line the last record the parser completed ended on
  let headerRow: string[] | undefined; // as parsed, which can run ahead of the loop below

  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    relax_quotes: false,
    // Noted as each record is parsed: a stream error can drop records not yet read by the loop.
    on_record: (record, context) => {
      lastLine = context.lines;
      // with `info`, the record arrives wrapped with it
      headerRow ??= (record as unknown as { record: string[] }).record;
      return record;
    },
  });
  const input = typeof o.source === 'string' ? fromString(parser, o.source) : o.source.pipe(parser);
  try {
    for await (const { record, info } of input as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!columnToField) {
        headers = record;
        const badHeader = headers.findIndex((h) => badText(h));
        if (badHeader >= 0) {
          throw invalid(
            msg('imports.error.badHeader', { column: badHeader + 1, reason: badText(headers[badHeader]!)! }),
            {
              issues: [{ path: `line ${info.lines}`, message: badText(headers[badHeader]!)! }],
            },
          );
        }
        columnToField = resolveMap(headers, o.map, o.specs, isField, (f) => unknownField(f, 'map'));
        const mapped = new Set([...columnToField.values(), ...Object.keys(o.defaults)]);
        const missing = Object.entries(o.specs)
          .filter(([f, s]) => s.required && !mapped.has(f))
          .map(([f]) => f);
        if (missing.length) {
          throw invalid(msg('imports.error.requiredUnmapped', { fields: missing.join(', ') }), {
            issues: missing.map((f) => ({ path: `map.${f}`, message: msg('csv.issue.requiredNoColumn') })),
            headers,
          });
        }
        continue;
      }
      const rowErrors: RowError[] = [];
      const fields: Record<string, unknown> = {};
      const extra: Record<string, string> = {};
      const raw = new Map<string, { value: string; column?: string }>();
      for (const [field, value] of Object.entries(o.defaults)) raw.set(field, { value });
      columnToField.forEach((field, i) => {
        const value = record[i] ?? '';
        if (value !== '') raw.set(field, { value, column: headers[i] });
      });
      for (const [field, { value, column }] of raw) {
        const bad = badText(value);
        if (bad) {
          rowErrors.push({ line: info.lines, field, column, message: render(o.locale, bad) });
          continue;
        }
        if (isExtra(field) && !(field in o.specs)) {
          extra[field.slice(prefix!.length)] = value;
          continue;
        }
        const converted = convert(o.specs[field]!, value, o.dateFormat);
        if ('error' in converted) {
          rowErrors.push({ line: info.lines, field, column, message: render(o.locale, converted.error) });
        } else fields[field] = converted.value;
      }
      for (const [f, s] of Object.entries(o.specs)) {
        if (s.required && fields[f] === undefined && !rowErrors.some((e) => e.field === f)) {
          rowErrors.push({
            line: info.lines,
            field: f,
            message: render(o.locale, msg('imports.row.required')),
          });
        }
      }
      if (rowErrors.length) {
        invalidRows++;
        pushErrors(errors, rowErrors);
      } else {
        rows.push({ line: info.lines, fields, extra });
      }
      if ((rows.length + invalidRows) % 500 === 0) o.onProgress?.(rows.length + invalidRows);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    // Every csv-parse error is a malformed file (their codes are not all prefixed CSV_, e.g.
    // INVALID_OPENING_QUOTE for a stray quote), so it is a 400 naming the line, never a 500.
    if (error instanceof CsvError) throw malformed(error, lastLine, headerRow ?? []);
    throw error;
  }
  if (!columnToField) throw invalid(msg('imports.error.empty'));
  return { rows, errors, invalid: invalidRows };
}

const QUOTE_ERRORS = new Set<string>([
  'INVALID_OPENING_QUOTE',
  'CSV_INVALID_CLOSING_QUOTE',
  'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
]);

function malformed(e: CsvError, lastLine: number, headers: string[]): AppError {
  // csv-parse reports an unclosed quote at the end of the input; the quote opened in the record
  // after the last complete one, which is the line worth naming.
  const unclosed = e.code === 'CSV_QUOTE_NOT_CLOSED';
  const context = e as CsvError & { lines?: number; column?: number | string | null };
  const line = unclosed ? lastLine + 1 : (context.lines ?? lastLine + 1);
  // csv-parse's column is the field it was reading, which names the cell only for quote errors.
  const index = QUOTE_ERRORS.has(e.code) && typeof context.column === 'number' ? context.column : undefined;
  const column =
    index === undefined ? undefined : `${index + 1}${headers[index] ? ` ("${headers[index]}")` : ''}`;
  const message = unclosed ? msg('imports.error.unclosedQuote', { line: lastLine }) : e.message;
  return invalid(
    column
      ? msg('imports.error.malformedAt', { line, column, reason: message })
      : msg('imports.error.malformed', { line, reason: message }),
    {
      issues: [{ path: `line ${line}`, message }],
      line,
      ...(index === undefined ? {} : { column: index + 1 }),
    },
  );
}

function fromString(parser: ReturnType<typeof parse>, text: string) {
  parser.write(text);
  parser.end();
  return parser;
}

function resolveMap(
  headers: string[],
  map: Record<string, string>,
  specs: Record<string, FieldSpec>,
  isField: (f: string) => boolean,
  unknown: (f: string) => AppError,
): Map<number, string> {
  const result = new Map<number, string>();
  if (Object.keys(map).length > 0) {
    for (const [column, field] of Object.entries(map)) {
      const index = headers.indexOf(column);
      if (index < 0) {
        throw invalid(msg('imports.error.noColumn', { column, columns: headers.join(', ') }), {
          issues: [{ path: `map.${column}`, message: msg('csv.issue.noColumn') }],
        });
      }
      if (!isField(field)) throw unknown(field);
      result.set(index, field);
    }
    return result;
  }
  const byNormalName = new Map(Object.keys(specs).map((f) => [normalise(f), f]));
  headers.forEach((h, i) => {
    const field = byNormalName.get(normalise(h)) ?? (isField(h) ? h : undefined);
    if (field) result.set(i, field);
  });
  return result;
}

/** `name=value,name=value` (the CLI's --map and --defaults, the API's map=) as an object. */
export function toPairs(
  v: string | Record<string, string> | undefined,
  what: string,
): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v === 'object') return v;
  const out: Record<string, string> = {};
  for (const part of v.split(',').filter((p) => p.trim())) {
    const i = part.indexOf('=');
    if (i <= 0)
      throw invalid(msg('csv.error.notPair', { part, what }), {
        issues: [{ path: what, message: msg('csv.issue.nameValue') }],
      });
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
