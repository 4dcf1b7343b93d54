import type { Readable } from 'node:stream';
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import {
  CsvImportOptions,
  type FieldSpec,
  MAX_ERRORS,
  pushErrors,
  type RowError,
  readMappedCsv,
  toPairs,
} from '../../csv/read.ts';
import { type Message, msg, render } from '../../i18n/index.ts';
import { localNoon } from '../../time.ts';
import { accountIdsByExternalId, contractAccountExternalIds } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { ingestBatch } from './ingest-batch.ts';
import { type Candidate, fromSegment } from './normalize.ts';
import { loadIngestSettings } from './settings.ts';
import type { DropReason } from './steps/result.ts';
import { validate } from './steps/validate.ts';

export const USAGE_MODES = ['events', 'daily'] as const;
export type UsageMode = (typeof USAGE_MODES)[number];

const ACCOUNT_FIELDS: Record<string, FieldSpec> = {
  accountExternalId: { kind: 'text', help: "the account's external id (or give contractExternalId)" },
  contractExternalId: { kind: 'text', help: 'a contract/subscription external id, joined to its account' },
};

/** The columns the usage import understands, per mode; `prop.<name>` columns become event properties. */
export const USAGE_FIELDS: Record<UsageMode, Record<string, FieldSpec>> = {
  events: {
    ...ACCOUNT_FIELDS,
    event: { kind: 'text', required: true, help: 'event name' },
    timestamp: { kind: 'text', required: true, help: 'when it happened (ISO-8601, or a date)' },
    userId: { kind: 'text', help: 'the user who did it' },
    anonymousId: { kind: 'text', help: 'an anonymous id, when there is no userId' },
    messageId: { kind: 'text', help: 'idempotency key; default: derived from the row' },
  },
  daily: {
    ...ACCOUNT_FIELDS,
    day: { kind: 'date', required: true, help: 'the day counted' },
    event: { kind: 'text', required: true, help: 'event (or feature) name' },
    count: { kind: 'int', required: true, help: 'how many times it happened that day' },
    messageId: {
      kind: 'text',
      help: 'row id (idempotency key); default: contract or account, day and event',
    },
  },
};

export const UsageImportOptions = CsvImportOptions.extend({ mode: z.enum(USAGE_MODES).optional() });
export type UsageImportOptions = z.input<typeof UsageImportOptions>;

export type UsageImportReport = {
  entity: 'usage';
  mode: UsageMode;
  dryRun: boolean;
  committed: boolean;
  rows: number;
  valid: number;
  invalid: number;
  /** Events stored (a daily row is one aggregate event, whatever its count). */
  events: number;
  /** Occurrences they stand for: the sum of the daily rows' counts (events mode: = events). */
  occurrences: number;
  /** Rows already stored by an earlier import (same id): not stored again. */
  duplicates: number;
  errors: RowError[];
  /**
   * Rows whose id repeats an earlier row of the file: identical rows are stored once, rows with
   * different values are stored too (under the id and their own account, day and event); each is
   * reported here with the line it repeats.
   */
  repeatedIds: RowError[];
};

const BATCH = 1000;

/**
 * Imports usage from CSV: raw events (one row per event) or daily counts per account and event
 * (the shape of RavenStack's feature_usage.csv, joined to accounts through subscriptions). Rows go
 * through the same validate/dedup/write path as the tracking API; message ids derived from the row
 * make a re-import store nothing twice. All rows or none, unless skipInvalid.
 */
export async function importUsageCsv({
  ctx,
  source,
  options,
  onProgress,
}: {
  ctx: Ctx;
  source: Readable | string;
  options: UsageImportOptions;
  onProgress?: (p: { phase: 'validate' | 'write'; done: number; total?: number }) => void;
}): Promise<UsageImportReport> {
  await authorize(ctx, 'imports:run');
  const opts = UsageImportOptions.parse(options);
  const map = toPairs(opts.map, 'map');
  const defaults = toPairs(opts.defaults, 'defaults');
  const mode: UsageMode =
    opts.mode ?? (Object.values(map).includes('count') || 'count' in defaults ? 'daily' : 'events');
  const locale = ctx.locale ?? 'en';
  const read = await readMappedCsv({
    source,
    specs: USAGE_FIELDS[mode],
    extra: { prefix: 'prop.' },
    what: msg(mode === 'daily' ? 'imports.what.usageDaily' : 'imports.what.usageEvents'),
    map,
    defaults,
    dateFormat: opts.dateFormat,
    locale,
    onProgress: (done) => onProgress?.({ phase: 'validate', done }),
  });
  const errors = read.errors;
  let invalidRows = read.invalid;

  // The rows' references: accounts by external id (mapped to themselves: a usage event names its
  // account by external id) and contracts' accounts by the contract's external id.
  const refs = (key: 'accountExternalId' | 'contractExternalId') =>
    read.rows.flatMap((r) => (r.fields[key] === undefined ? [] : [String(r.fields[key])]));
  const accounts = new Map(
    [...(await accountIdsByExternalId(ctx, refs('accountExternalId'))).keys()].map((k) => [k, k]),
  );
  const contractAccounts = await contractAccountExternalIds(ctx, refs('contractExternalId'));

  const settings = await loadIngestSettings(ctx);
  const env = {
    receivedAt: ctx.now(),
    maxFutureMs: settings.maxFutureHours * 3_600_000,
    timeZone: ctx.workspace.timeZone,
  };
  const planned: { line: number; candidates: Candidate[] }[] = [];
  /** Each row id seen: its first line, and what the row said (to tell a copy from a clash). */
  const seenIds = new Map<string, { line: number; content: string }>();
  const repeatedIds: RowError[] = [];
  let identicalRepeats = 0;
  for (const row of read.rows) {
    const f = row.fields;
    const fail = (field: string | undefined, message: Message | string) => {
      invalidRows++;
      pushErrors(errors, [
        { line: row.line, field, message: typeof message === 'string' ? message : render(locale, message) },
      ]);
    };
    let account: string | undefined;
    if (f.accountExternalId !== undefined) {
      account = accounts.get(String(f.accountExternalId));
      if (!account) {
        fail('accountExternalId', msg('imports.row.noAccount', { value: String(f.accountExternalId) }));
        continue;
      }
    } else if (f.contractExternalId !== undefined) {
      account = contractAccounts.get(String(f.contractExternalId));
      if (!account) {
        fail('contractExternalId', msg('imports.row.noContract', { value: String(f.contractExternalId) }));
        continue;
      }
    } else {
      fail('accountExternalId', msg('imports.row.needsAccount'));
      continue;
    }
    const properties: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row.extra)) {
      const n = Number(v);
      properties[k] = v.trim() !== '' && Number.isFinite(n) ? n : v;
    }
    const candidates: Candidate[] = [];
    // A row's id: the mapped messageId, else derived from what the row is about. An id that
    // repeats an earlier row's: an identical row is the same record (stored once); a different
    // row is another record (stored under the id and its own key). Both are reported.
    const subject = `${f.contractExternalId ?? account}|${mode === 'daily' ? f.day : f.timestamp}|${f.event}`;
    const content = JSON.stringify([f, row.extra]);
    let id =
      mode === 'daily'
        ? String(f.messageId ?? subject)
        : String(
            f.messageId ??
              `${account}|${f.userId ?? f.anonymousId ?? ''}|${f.event}|${f.timestamp}|${row.line}`,
          );
    const earlier = seenIds.get(id);
    if (earlier) {
      const same = earlier.content === content;
      if (repeatedIds.length < MAX_ERRORS)
        repeatedIds.push({
          line: row.line,
          field: 'messageId',
          message: render(
            locale,
            msg(same ? 'imports.row.repeatSame' : 'imports.row.repeatDifferent', { id, line: earlier.line }),
          ),
        });
      if (same) {
        identicalRepeats++;
        continue;
      }
      id = `${id}|${subject}`;
    } else seenIds.set(id, { line: row.line, content });
    if (mode === 'daily') {
      const count = f.count as number;
      if (count < 0 || count > 100_000_000) {
        fail('count', msg('imports.row.countRange', { max: 100_000_000 }));
        continue;
      }
      // One aggregate per row: the day's count and its property totals, stored once (a count of 0
      // stores nothing: no occurrence, and no feature use either).
      if (count > 0)
        candidates.push({
          ...fromSegment({
            type: 'track',
            event: f.event,
            properties,
            timestamp: localNoon(String(f.day), ctx.workspace.timeZone),
            context: { groupId: account },
            messageId: `csv:${id}`,
          }),
          source: 'csv',
          aggregate: true,
          count,
        });
    } else {
      const raw = String(f.timestamp);
      const at = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? localNoon(raw, ctx.workspace.timeZone) : raw;
      // A row without userId or anonymousId is an account-level event (a ticket, a job run).
      candidates.push({
        ...fromSegment({
          type: 'track',
          event: f.event,
          userId: f.userId,
          anonymousId: f.anonymousId,
          properties,
          timestamp: at,
          context: { groupId: account },
          messageId: `csv:${id}`,
        }),
        source: 'csv',
      });
    }
    // The pipeline's own validation, run now so a dry run reports what a real run would drop.
    const dropped = candidates.map((c) => validate(c, env)).find((r) => !r.ok);
    if (dropped && !dropped.ok) {
      fail(fieldOf(dropped.reason, mode, dropped.detail), `${dropped.reason}: ${dropped.detail}`);
      continue;
    }
    planned.push({ line: row.line, candidates });
  }

  const total = read.rows.length + read.invalid;
  const report: UsageImportReport = {
    entity: 'usage',
    mode,
    dryRun: opts.dryRun,
    committed: false,
    rows: total,
    valid: planned.length,
    invalid: invalidRows,
    events: planned.reduce((s, p) => s + p.candidates.length, 0),
    occurrences: planned.reduce((s, p) => s + p.candidates.reduce((n, c) => n + (c.count ?? 1), 0), 0),
    duplicates: identicalRepeats,
    errors: errors.slice(0, MAX_ERRORS).sort((a, b) => a.line - b.line),
    repeatedIds,
  };
  if (opts.dryRun || (invalidRows > 0 && !opts.skipInvalid) || planned.length === 0) return report;

  let events = 0;
  let occurrences = 0;
  let duplicates = identicalRepeats;
  await inTransaction(ctx, async (tx) => {
    let batch: Candidate[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const r = await ingestBatch(tx, batch, tx.now());
      if (r.rejected.length) {
        // validate ran on every row above, so only a changed setting could get here.
        throw new Error(`usage import: ${r.rejected.length} rows rejected while writing`);
      }
      events += r.accepted;
      occurrences += r.occurrences;
      duplicates += r.duplicates;
      batch = [];
      onProgress?.({ phase: 'write', done: events + duplicates, total: report.events });
    };
    for (const p of planned) {
      for (const c of p.candidates) {
        batch.push(c);
        if (batch.length >= BATCH) await flush();
      }
    }
    await flush();
  });
  return { ...report, events, occurrences, duplicates, committed: true };
}

/** The column a pipeline rejection is about, so a row error names the right field. */
function fieldOf(reason: DropReason, mode: UsageMode, detail: string): string {
  switch (reason) {
    case 'missing_identity':
      return 'userId';
    case 'missing_event_name':
      return 'event';
    case 'invalid_timestamp':
    case 'future_timestamp':
      return mode === 'daily' ? 'day' : 'timestamp';
    case 'invalid_message_id':
      return 'messageId';
    case 'invalid_text':
      // "properties.x ..." names a prop.<x> column; otherwise the field itself.
      return (
        /^properties\.(\S+)/.exec(detail)?.[1]?.replace(/^/, 'prop.') ?? detail.split(/[ .]/)[0] ?? 'event'
      );
    default:
      return mode === 'daily' ? 'count' : 'event';
  }
}
