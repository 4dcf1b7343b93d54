// An uploaded import file as a stream of records: `.xlsx` (first worksheet, read with ExcelJS's
// streaming reader) or delimited text in any of the encodings detect-encoding names. Nothing here
// touches the database, so a worker thread can run it.
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { decodeBytes, detectDelimiter, detectEncoding, type Encoding } from '../../csv/decode.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';

/** One record of the file: the physical line (xlsx: row number) where it starts, and its cells as text. */
export type SourceRecord = { line: number; cells: string[] };

export type FileFormat = 'csv' | 'xlsx';

export type ImportSource = {
  format: FileFormat;
  /** Delimited text only. */
  encoding?: Encoding;
  delimiter?: ',' | '\t' | ';';
  /** Dates in xlsx cells without a date format are serial numbers, which date fields then accept. */
  excelSerials: boolean;
  /** Every record, the header row first. */
  records: () => AsyncIterable<SourceRecord>;
};

/** Reads a Readable or string fully (uploads are capped at the route's body limit). */
export async function readAll(source: Readable | string | Uint8Array): Promise<Buffer> {
  if (typeof source === 'string') return Buffer.from(source, 'utf8');
  if (source instanceof Uint8Array) return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Uint8Array) => b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

/** What the bytes are, by their content (never by the file name). */
export function openImportSource(bytes: Buffer): ImportSource {
  if (bytes.length === 0) throw new AppError('bad_request', msg('imports.error.empty'));
  if (isOle(bytes)) throw new AppError('unsupported_media_type', msg('imports.error.xls'));
  if (isZip(bytes)) return { format: 'xlsx', excelSerials: true, records: () => xlsxRecords(bytes) };
  const encoding = detectEncoding(bytes);
  const text = decodeBytes(bytes, encoding).replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(text);
  return {
    format: 'csv',
    encoding,
    delimiter,
    excelSerials: false,
    records: () => csvRecords(text, delimiter),
  };
}

async function* csvRecords(text: string, delimiter: string): AsyncIterable<SourceRecord> {
  let lastEnd = 0; // the line the last record csv-parse completed ends on (it can run ahead of the loop)
  const parser = parse({
    on_record: (record, context) => {
      lastEnd = context.lines;
      return record;
    },
    delimiter,
    info: true,
    raw: true,
    relax_column_count: true,
    skip_empty_lines: false,
  });
  parser.write(text);
  parser.end();
  // Lines are counted from each record's raw text (which includes its newline and any blank lines
  // before it), so a record whose quoted cell spans lines is named by its first line.
  let consumed = 0;
  let headers: string[] = [];
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const leading = /^\n*/.exec(raw)![0].length === raw.length ? 0 : /^\n*/.exec(raw)![0].length;
      const line = consumed + leading + 1;
      consumed += raw.split('\n').length - 1;
      if (!raw.endsWith('\n')) consumed++;
      // Blank lines csv-parse folded into this record's raw text are blank records of their own.
      for (let i = 0; i < leading; i++) yield { line: line - leading + i, cells: [] };
      const cells = record.map((c) => c.trim());
      if (headers.length === 0 && cells.some((c) => c !== '')) headers = cells;
      yield { line, cells };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      // An unclosed quote is noticed at the end of the input; it opened in the record after the last complete one.
      const unclosed = error.code === 'CSV_QUOTE_NOT_CLOSED';
      const at = unclosed ? lastEnd + 1 : ((error as CsvError & { lines?: number }).lines ?? lastEnd + 1);
      const reason = unclosed ? msg('imports.error.unclosedQuote', { line: lastEnd }) : error.message;
      // csv-parse's column is the field it was reading, which names the cell only for quote errors.
      const context = error as CsvError & { column?: number | string | null };
      const index =
        QUOTE_ERRORS.has(error.code) && typeof context.column === 'number' ? context.column : undefined;
      const column =
        index === undefined ? undefined : `${index + 1}${headers[index] ? ` ("${headers[index]}")` : ''}`;
      throw new AppError(
        'validation_failed',
        column === undefined
          ? msg('imports.error.malformed', { line: at, reason })
          : msg('imports.error.malformedAt', { line: at, column, reason }),
        {
          issues: [{ path: `line ${at}`, message: typeof reason === 'string' ? reason : 'quote not closed' }],
          line: at,
          ...(index === undefined ? {} : { column: index + 1 }),
        },
      );
    }
    throw error;
  }
}

const QUOTE_ERRORS = new Set<string>([
  'INVALID_OPENING_QUOTE',
  'CSV_INVALID_CLOSING_QUOTE',
  'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
]);

const pad = (n: number) => String(n).padStart(2, '0');

/** A cell of ExcelJS as the text the importer converts: dates as YYYY-MM-DD, formulas as their result. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    const day = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const time = value.getUTCHours() + value.getUTCMinutes() + value.getUTCSeconds();
    return time === 0 ? day : value.toISOString();
  }
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'object') {
    const v = value as {
      richText?: { text: string }[];
      result?: unknown;
      formula?: string;
      text?: unknown;
      error?: string;
    };
    if (v.richText)
      return v.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('result' in v || v.formula) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error) return '';
  }
  return String(value).trim();
}

async function* xlsxRecords(bytes: Buffer): AsyncIterable<SourceRecord> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      let next = 1;
      for await (const row of sheet as unknown as AsyncIterable<ExcelJS.Row>) {
        // Rows without any cell are not emitted; they are blank lines of the sheet.
        for (; next < row.number; next++) yield { line: next, cells: [] };
        const values = row.values as unknown[];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        yield { line: row.number, cells };
        next = row.number + 1;
      }
      return; // the first worksheet only
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'validation_failed',
      msg('imports.error.badXlsx', { reason: (error as Error).message }),
    );
  }
}
