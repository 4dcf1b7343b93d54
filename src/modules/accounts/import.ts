import type { Readable } from 'node:stream';
import { z } from 'zod';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import type { Encoding } from '../../csv/decode.ts';
import { DATE_FORMATS } from '../../csv/values.ts';
import { parseJson } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { type Message, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { authorize, listUserRefs } from '../auth/index.ts';
import { CreateAccount } from './accounts.schemas.ts';
import { createAccount, updateAccount } from './accounts.ts';
import { CreateContact, createContact, updateContact } from './contacts.ts';
import { CONTRACT_STATUSES, toMinor } from './contract-math.ts';
import { CreateContract, createContract, updateContract } from './contracts.ts';
import { type CustomFieldValues, loadDefinitions, validateCustomFields } from './custom-fields.ts';
import {
  IMPORT_ENTITIES,
  type ImportEntity,
  OWN_IMPORT_ENTITIES,
  type OwnImportEntity,
} from './import-entities.ts';
import { suggestMapping } from './import-headers.ts';
import {
  type DateOrderReport,
  type FieldSpec,
  isTotalRow,
  type PreparedRow,
  prepareRows,
  type RowIssue,
} from './import-rows.ts';
import { type FileFormat, openImportSource, readAll } from './import-source.ts';
import { type SavedMappingValue, savedMapping } from './import-store.ts';
import {
  type ImportPlanHelpers,
  type ImportTarget,
  importTarget,
  type PlannedRow,
} from './import-targets.ts';

export { IMPORT_ENTITIES, type ImportEntity };

/**
 * A write batch: at most this many rows, and closed after WRITE_BATCH_MS, so no transaction holds
 * SQLite's one write lock (and another connection's writer, which waits for it synchronously) for
 * long. Each batch commits, stores its progress and lets other work run for WRITE_PAUSE_MS.
 */
export const WRITE_BATCH = 500;
export const WRITE_BATCH_MS = 100;
const WRITE_PAUSE_MS = 10;

/** At most this many errors are listed; `invalid` counts every invalid row. */
export const MAX_ERRORS = 1000;

const BILLING_VALUES: Record<string, string> = {
  年: 'annual',
  年付: 'annual',
  按年: 'annual',
  年度: 'annual',
  每年: 'annual',
  yearly: 'annual',
  year: 'annual',
  annually: 'annual',
  月: 'monthly',
  月付: 'monthly',
  按月: 'monthly',
  每月: 'monthly',
  month: 'monthly',
  季: 'quarterly',
  季付: 'quarterly',
  按季: 'quarterly',
  季度: 'quarterly',
  每季: 'quarterly',
  quarter: 'quarterly',
};
const STATUS_VALUES: Record<string, string> = {
  生效: 'active',
  生效中: 'active',
  有效: 'active',
  执行中: 'active',
  进行中: 'active',
  已续约: 'renewed',
  续约: 'renewed',
  流失: 'churned',
  已流失: 'churned',
  终止: 'churned',
  已终止: 'churned',
  增购: 'expanded',
  扩容: 'expanded',
  降级: 'downgraded',
  缩减: 'downgraded',
};
const ROLE_VALUES: Record<string, string> = {
  决策人: 'decision_maker',
  决策者: 'decision_maker',
  经济买家: 'economic_buyer',
  采购: 'economic_buyer',
  支持者: 'champion',
  拥护者: 'champion',
  影响者: 'influencer',
  管理员: 'admin',
  用户: 'user',
  使用者: 'user',
  其他: 'other',
};

/** The columns each import understands; a mapping points file columns at these. */
export const IMPORT_FIELDS: Record<OwnImportEntity, Record<string, FieldSpec>> = {
  accounts: {
    externalId: { kind: 'text', required: true, help: 'the id CRM and product events use; upsert key' },
    name: { kind: 'text', required: true, help: 'account name' },
    parentExternalId: { kind: 'text', help: 'external id of the parent account (may be later in the file)' },
    owner: { kind: 'text', help: 'the owning CSM: email, name or a saved owner alias' },
    ownerEmail: { kind: 'text', help: 'email of the owning CSM' },
    region: { kind: 'text', help: 'region, e.g. 华东' },
    industry: { kind: 'text', help: 'industry' },
    productLines: { kind: 'list', help: 'product lines separated by | or ;' },
    licensedSeats: { kind: 'int', help: 'licensed seats' },
    goLiveDate: { kind: 'date', help: 'go-live date' },
    tags: { kind: 'list', help: 'tags separated by | or ;' },
  },
  contacts: {
    accountExternalId: { kind: 'text', required: true, help: "the account's external id" },
    name: { kind: 'text', required: true, help: 'full name' },
    externalUserId: { kind: 'text', help: 'the user id product events carry; upsert key' },
    email: { kind: 'text', help: 'email; upsert key within the account when there is no externalUserId' },
    phone: { kind: 'text', help: 'phone; upsert key within the account after email' },
    title: { kind: 'text', help: 'job title' },
    role: {
      kind: 'text',
      help: 'decision_maker, economic_buyer, champion, influencer, admin, user, other',
      values: ROLE_VALUES,
    },
    wechatId: { kind: 'text', help: 'WeChat id; upsert key within the account after phone' },
  },
  contracts: {
    accountExternalId: { kind: 'text', required: true, help: "the account's external id" },
    externalId: {
      kind: 'text',
      help: 'contract id in the CRM; upsert key (without it: account, start, end, amount, currency)',
    },
    startDate: { kind: 'date', required: true, help: 'start date' },
    endDate: { kind: 'date', help: 'end date; empty for open-ended' },
    amount: {
      kind: 'amount',
      required: true,
      help: 'charge per billing period: 88000, 8.8万, ¥500,000.00, USD 5,000',
    },
    currency: { kind: 'currency', help: 'CNY, USD, 人民币, 美元...; defaults to the base currency' },
    billingPeriod: {
      kind: 'text',
      help: 'monthly, quarterly or annual (default annual); 月付, 季付, 年付',
      values: BILLING_VALUES,
    },
    status: { kind: 'text', help: CONTRACT_STATUSES.join(', '), values: STATUS_VALUES },
    churned: { kind: 'bool', help: 'true sets status churned' },
    renewsExternalId: { kind: 'text', help: 'external id of the contract this one renews' },
    notes: { kind: 'text', help: 'free text' },
  },
};

const isOwn = (entity: ImportEntity): entity is OwnImportEntity =>
  (OWN_IMPORT_ENTITIES as readonly string[]).includes(entity);

/** The registered target of an import this module does not own (tickets), or a 400 when none is. */
function foreignTarget(entity: Exclude<ImportEntity, OwnImportEntity>): ImportTarget {
  const target = importTarget(entity);
  if (!target) throw new AppError('bad_request', msg('imports.error.noTarget', { entity }));
  return target;
}

/** The fields an import's mapping may point at. */
export function importFields(entity: ImportEntity): Record<string, FieldSpec> {
  return isOwn(entity) ? IMPORT_FIELDS[entity] : foreignTarget(entity).fields;
}

const pairs = (what: string) =>
  z
    .union([z.string(), z.record(z.string(), z.string())])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || typeof v === 'object') return v ?? {};
      const out: Record<string, string> = {};
      for (const part of v.split(',').filter((p) => p.trim())) {
        const i = part.indexOf('=');
        if (i <= 0) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not ${what}` });
          return z.NEVER;
        }
        out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
      }
      return out;
    });

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

export const ImportOptions = z.object({
  /** column=field pairs; without it, the header dictionary's suggestions (and columns named like fields). */
  map: pairs('column=field'),
  /** field=value pairs applied where the row has no value, e.g. currency=USD. */
  defaults: pairs('field=value'),
  /** A saved mapping's name: its map, defaults and date order, under any given here. */
  mapping: z.string().min(1).max(100).optional(),
  dryRun: bool.default(false),
  skipInvalid: bool.default(false),
  /** How a/b/yyyy dates read; without it the file's own dates decide (reported in the summary). */
  dateFormat: z.enum(DATE_FORMATS).optional(),
  /** The uploaded file's name, for the history. */
  fileName: z.string().max(300).optional(),
});
export type ImportOptions = z.input<typeof ImportOptions>;

export type RowError = { line: number; field?: string; column?: string; value?: string; message: string };

export type ImportReport = {
  entity: ImportEntity;
  runId: string;
  dryRun: boolean;
  committed: boolean;
  file: { format: FileFormat; encoding?: Encoding; delimiter?: string };
  /** column -> field as used */
  mapping: Record<string, string>;
  dateOrder: DateOrderReport;
  /** Data rows (blank and total rows not counted). */
  rows: number;
  valid: number;
  invalid: number;
  created: number;
  updated: number;
  /** Rows equal to what is stored: nothing written. */
  unchanged: number;
  /** Repeats of an identical earlier row of the file (one row per contract repeats the customer). */
  merged: number;
  skipped: { blank: number; total: number };
  /** At most MAX_ERRORS rows are listed; `invalid` counts them all. */
  errors: RowError[];
};

export type ImportProgress = { phase: 'read' | 'validate' | 'write'; done: number; total?: number };

/** The latest progress of each import running in this thread (the run row has it for the others). */
const running = new Map<string, ImportProgress>();
export const importProgress = (runId: string) => running.get(runId);

/**
 * Where an import's progress goes: this thread's map and the caller at once, and the run's row
 * (which another thread, process or node reads) at phase changes, every few thousand rows read and
 * with each write batch, in that batch's transaction.
 */
type ProgressSink = {
  /** Outside a transaction: stored in the background, in order. */
  report: (p: ImportProgress) => void;
  /** Inside a write batch's transaction: stored with its rows. */
  inBatch: (tx: Ctx, p: ImportProgress) => Promise<void>;
  /** Waits for the background writes. */
  flush: () => Promise<void>;
};

function progressSink(ctx: Ctx, runId: string, onProgress?: (p: ImportProgress) => void): ProgressSink {
  const store = (c: Ctx, p: ImportProgress) =>
    c.db
      .updateTable('import_runs')
      .set({ progress: JSON.stringify(p) })
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', runId)
      .execute();
  let chain: Promise<unknown> = Promise.resolve();
  const local = (p: ImportProgress) => {
    running.set(runId, p);
    onProgress?.(p);
  };
  return {
    report: (p) => {
      local(p);
      chain = chain.then(() => store(ctx, p)).catch(() => {});
    },
    inBatch: async (tx, p) => {
      local(p);
      await store(tx, p);
    },
    flush: () => chain.then(() => {}),
  };
}

/**
 * Between batches: the thread's other work (its event loop) runs, and a writer on another
 * connection waiting for SQLite's lock (its busy handler polls) gets a window to take it.
 */
const yieldToLoop = () => new Promise<void>((resolve) => setTimeout(resolve, WRITE_PAUSE_MS));

/**
 * Reads an import file (xlsx, or CSV/TSV in UTF-8, GB18030 or UTF-16), validates every row (each
 * bad one named by line, column, value and expected form), then upserts the valid rows through
 * the verbs the API uses. Nothing is written unless every row is valid (or skipInvalid); then the
 * rows are written in batches of WRITE_BATCH, each its own transaction, with the progress stored
 * on the run after each, so a large import never holds the database or its thread for long. Rows
 * equal to what is stored are left alone, so importing a file twice changes nothing (and re-running
 * an import that stopped half-way writes only what it had not). A dry run validates and writes
 * nothing. Every run is kept in the import history. The API runs it in a heavy-read process
 * (server/fair-load.ts), the CLI in its own worker (cli/import-worker.ts).
 */
export async function importFile({
  ctx,
  entity,
  source,
  options,
  onProgress,
  runId = newId(),
  onStarted,
}: {
  ctx: Ctx;
  entity: ImportEntity;
  source: Readable | string | Uint8Array;
  options: ImportOptions;
  onProgress?: (p: ImportProgress) => void;
  runId?: string;
  /** Called once the run is in the history (GET /imports/runs/{id} finds it). */
  onStarted?: () => void;
}): Promise<ImportReport> {
  await authorize(ctx, 'imports:run');
  const opts = ImportOptions.parse(options);
  if (!isOwn(entity)) foreignTarget(entity);
  const sink = progressSink(ctx, runId, onProgress);
  running.set(runId, { phase: 'read', done: 0 });
  onProgress?.({ phase: 'read', done: 0 });
  const saved = opts.mapping ? await savedMapping(ctx, entity, opts.mapping) : undefined;
  const now = ctx.now().toISOString();
  await ctx.db
    .insertInto('import_runs')
    .values({
      id: runId,
      workspace_id: ctx.workspace.id,
      entity,
      file_name: opts.fileName ?? null,
      format: null,
      encoding: null,
      dry_run: opts.dryRun ? 1 : 0,
      status: 'running',
      report: null,
      error: null,
      created_by: actorId(ctx),
      created_at: now,
      finished_at: null,
      progress: JSON.stringify({ phase: 'read', done: 0 }),
    })
    .execute();
  onStarted?.();
  const finish = async (status: string, report: ImportReport | null, error: unknown) => {
    running.delete(runId);
    await sink.flush();
    await ctx.db
      .updateTable('import_runs')
      .set({
        status,
        format: report?.file.format ?? null,
        encoding: report?.file.encoding ?? null,
        report: report ? JSON.stringify(report) : null,
        error: error
          ? JSON.stringify({
              code: error instanceof AppError ? error.code : 'internal',
              message: error instanceof AppError ? error.messageIn(ctx.locale ?? 'en') : 'internal error',
            })
          : null,
        finished_at: ctx.now().toISOString(),
        progress: null,
      })
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', runId)
      .execute();
  };
  try {
    const report = await run(ctx, entity, source, opts, saved, runId, sink);
    const status = report.committed || report.dryRun || report.invalid === 0 ? 'done' : 'rejected';
    await finish(status, report, null);
    return report;
  } catch (error) {
    await finish('failed', null, error).catch(() => {});
    throw error;
  }
}

export type ImportPreview = {
  file: ImportReport['file'];
  headers: { column: string; samples: string[]; suggested: string | null }[];
  /** Data rows (blank and total rows not counted). */
  rows: number;
  fields: { field: string; kind: string; required: boolean; help: string }[];
};

/** The file's columns with sample values and the suggested field of each: the guided import's first step. */
export async function previewImport({
  ctx,
  entity,
  source,
}: {
  ctx: Ctx;
  entity: ImportEntity;
  source: Readable | string | Uint8Array;
}): Promise<ImportPreview> {
  await authorize(ctx, 'imports:run');
  const definitions = entity === 'accounts' ? await loadDefinitions(ctx) : [];
  const file = openImportSource(await readAll(source));
  let headers: string[] | undefined;
  const samples: string[][] = [];
  let rows = 0;
  for await (const r of file.records()) {
    if (r.cells.every((c) => c === '')) continue;
    if (!headers) {
      headers = r.cells;
      continue;
    }
    if (isTotalRow(r.cells)) continue;
    rows++;
    if (samples.length < 5) samples.push(r.cells);
  }
  if (!headers) throw new AppError('validation_failed', msg('imports.error.empty'));
  const specs = importFields(entity);
  const suggested = suggestMapping(entity, headers, definitions, Object.keys(specs));
  return {
    file: {
      format: file.format,
      ...(file.encoding ? { encoding: file.encoding } : {}),
      ...(file.delimiter ? { delimiter: file.delimiter } : {}),
    },
    headers: headers.map((column, i) => ({
      column,
      samples: samples.map((r) => r[i] ?? '').filter((v) => v !== ''),
      suggested: suggested[column] ?? null,
    })),
    rows,
    fields: [
      ...Object.entries(specs).map(([field, s]) => ({
        field,
        kind: s.kind,
        required: s.required === true,
        help: s.help,
      })),
      ...definitions.map((d) => ({
        field: `cf.${d.key}`,
        kind: d.type,
        required: d.required === 1,
        help: d.label,
      })),
    ],
  };
}

/** The former name, kept for callers that import CSV only. */
export const importCsv = importFile;

async function run(
  ctx: Ctx,
  entity: ImportEntity,
  source: Readable | string | Uint8Array,
  opts: z.output<typeof ImportOptions>,
  saved: SavedMappingValue | undefined,
  runId: string,
  sink: ProgressSink,
): Promise<ImportReport> {
  const specs = importFields(entity);
  const definitions = entity === 'accounts' ? await loadDefinitions(ctx) : [];
  const file = openImportSource(await readAll(source));
  const map = Object.keys(opts.map).length ? opts.map : (saved?.map ?? {});
  const prepared = await prepareRows(file.records(), {
    specs,
    customDefs: definitions.map((d) => ({ key: d.key, type: d.type })),
    what: msg(`imports.what.${entity}`),
    map,
    defaults: { ...(saved?.defaults ?? {}), ...opts.defaults },
    dateFormat: opts.dateFormat ?? saved?.dateFormat,
    excelSerials: file.excelSerials,
    suggest: (headers) => suggestMapping(entity, headers, definitions, Object.keys(specs)),
    onProgress: (done) => sink.report({ phase: 'read', done }),
  });
  const issues: RowIssue[] = [...prepared.issues];
  sink.report({ phase: 'validate', done: 0, total: prepared.rows.length });
  // Second stage: checks that need the database (referenced accounts, users, custom fields), and
  // the verbs' own schemas, so a dry run reports everything a real run would reject.
  const planned = await plan(ctx, entity, prepared.rows, issues, definitions);
  const plannedRows = planned.rows;
  const invalidRows = prepared.invalid + (prepared.rows.length - plannedRows.length - planned.merged);
  const toWrite = plannedRows.filter((p) => !p.unchanged);
  const usedMap = Object.keys(map).length
    ? map
    : suggestMapping(entity, prepared.headers, definitions, Object.keys(specs));
  const locale = ctx.locale ?? 'en';
  const report: ImportReport = {
    entity,
    runId,
    dryRun: opts.dryRun,
    committed: false,
    file: {
      format: file.format,
      ...(file.encoding ? { encoding: file.encoding } : {}),
      ...(file.delimiter ? { delimiter: file.delimiter } : {}),
    },
    mapping: usedMap,
    dateOrder: prepared.dateOrder,
    rows: prepared.rows.length + prepared.invalid,
    valid: plannedRows.length + planned.merged,
    invalid: invalidRows,
    created: toWrite.filter((p) => !p.existingId).length,
    updated: toWrite.filter((p) => p.existingId).length,
    unchanged: plannedRows.length - toWrite.length,
    merged: planned.merged,
    skipped: prepared.skipped,
    errors: issues
      .sort((a, b) => a.line - b.line)
      .slice(0, MAX_ERRORS)
      .map((i) => ({
        line: i.line,
        ...(i.field ? { field: i.field } : {}),
        ...(i.column !== undefined ? { column: i.column } : {}),
        ...(i.value !== undefined ? { value: i.value } : {}),
        message: typeof i.message === 'string' ? i.message : render(locale, i.message),
      })),
  };
  if (opts.dryRun || (invalidRows > 0 && !opts.skipInvalid) || toWrite.length === 0) {
    return {
      ...report,
      committed: !opts.dryRun && toWrite.length === 0 && (invalidRows === 0 || opts.skipInvalid),
    };
  }
  await sink.flush();
  await write(ctx, entity, toWrite, sink);
  return { ...report, committed: true };
}

type Planned = PlannedRow;

type Issue = Omit<RowIssue, 'message'> & { message: Message | string };

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const canonical = (row: PreparedRow) => JSON.stringify([sortKeys(row.fields), sortKeys(row.custom)]);
const sortKeys = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * A key seen before in the file: an identical row merges into the first, a different one is reported
 * on the first column whose value differs.
 */
function repeatCheck(
  seen: Map<string, PreparedRow>,
  key: string,
  row: PreparedRow,
  fail: (row: PreparedRow, field: string | undefined, message: Message) => void,
): 'new' | 'merged' | 'conflict' {
  const first = seen.get(key);
  if (!first) {
    seen.set(key, row);
    return 'new';
  }
  if (canonical(first) === canonical(row)) return 'merged';
  const fields = new Set([...Object.keys(first.cells), ...Object.keys(row.cells)]);
  const differing = [...fields].find((f) => first.cells[f]?.value !== row.cells[f]?.value);
  const field = differing ?? Object.keys(row.cells)[0];
  fail(
    row,
    field,
    msg('imports.row.conflict', { line: first.line, there: first.cells[field!]?.value ?? '' }),
  );
  return 'conflict';
}

async function plan(
  ctx: Ctx,
  entity: ImportEntity,
  rows: PreparedRow[],
  issues: Issue[],
  definitions: Awaited<ReturnType<typeof loadDefinitions>>,
): Promise<{ rows: Planned[]; merged: number }> {
  const planned: Planned[] = [];
  const seen = new Map<string, PreparedRow>();
  let merged = 0;
  const fail = (row: PreparedRow, field: string | undefined, message: Message | string) =>
    issues.push({
      line: row.line,
      field,
      ...(field && row.cells[field]?.column !== undefined ? { column: row.cells[field]!.column } : {}),
      ...(field && row.cells[field] ? { value: row.cells[field]!.value } : {}),
      message,
    });
  const failZod = (row: PreparedRow, error: z.ZodError, rename: Record<string, string> = {}) => {
    for (const i of error.issues) {
      const path = i.path.join('.');
      fail(row, rename[path] ?? path, i.message);
    }
  };
  const repeat = (key: string, row: PreparedRow) => {
    const r = repeatCheck(seen, key, row, fail);
    if (r === 'merged') merged++;
    return r !== 'new';
  };

  if (!isOwn(entity)) {
    const helpers: ImportPlanHelpers = { fail, failZod, repeat };
    return { rows: await foreignTarget(entity).plan(ctx, rows, helpers), merged };
  }
  const accountRows = await ctx.db
    .selectFrom('accounts')
    .select([
      'id',
      'external_id',
      'name',
      'parent_id',
      'owner_id',
      'region',
      'industry',
      'product_lines',
      'licensed_seats',
      'go_live_date',
      'tags',
      'custom_fields',
    ])
    .where('workspace_id', '=', ctx.workspace.id)
    .execute();
  const accounts = new Map(accountRows.map((r) => [r.external_id, r.id]));

  if (entity === 'accounts') {
    const users = await listUserRefs(ctx, { active: true });
    const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
    const byName = new Map<string, string[]>();
    for (const u of users) byName.set(u.name.trim(), [...(byName.get(u.name.trim()) ?? []), u.id]);
    const active = new Set(users.map((u) => u.id));
    const aliases = new Map(
      (
        await ctx.db
          .selectFrom('owner_aliases')
          .select(['alias', 'user_id'])
          .where('workspace_id', '=', ctx.workspace.id)
          .execute()
      ).map((a) => [a.alias, a.user_id]),
    );
    const stored = new Map(accountRows.map((a) => [a.external_id, a]));
    const inFile = new Set(rows.map((r) => String(r.fields.externalId)));
    for (const row of rows) {
      const f = row.fields;
      const externalId = String(f.externalId);
      if (repeat(externalId, row)) continue;
      const ownerField =
        f.owner !== undefined ? 'owner' : f.ownerEmail !== undefined ? 'ownerEmail' : undefined;
      let ownerId: string | undefined;
      if (ownerField) {
        const value = String(f[ownerField]).trim();
        const names = byName.get(value) ?? [];
        const alias = aliases.get(value.toLowerCase());
        ownerId =
          byEmail.get(value.toLowerCase()) ??
          (ownerField === 'owner' && names.length === 1 ? names[0] : undefined) ??
          (ownerField === 'owner' && alias && active.has(alias) ? alias : undefined);
        if (!ownerId) {
          fail(
            row,
            ownerField,
            ownerField === 'owner' && names.length > 1
              ? msg('imports.row.ownerAmbiguous', { value, count: names.length })
              : msg(ownerField === 'owner' ? 'imports.row.noOwner' : 'imports.row.noOwnerEmail', { value }),
          );
          continue;
        }
      }
      const parent = f.parentExternalId as string | undefined;
      if (parent !== undefined && !accounts.has(parent) && !inFile.has(parent)) {
        fail(row, 'parentExternalId', msg('imports.row.noParent', { value: parent }));
        continue;
      }
      if (parent === externalId) {
        fail(row, 'parentExternalId', msg('imports.row.ownParent'));
        continue;
      }
      const { ownerEmail: _o, owner: _w, parentExternalId: _p, ...rest } = f;
      const input = {
        ...rest,
        ...(ownerId ? { ownerId } : {}),
        ...(Object.keys(row.custom).length ? { customFields: row.custom } : {}),
      };
      const existing = stored.get(externalId);
      const checked = (existing ? CreateAccount.partial() : CreateAccount).safeParse(input);
      if (!checked.success) {
        failZod(row, checked.error, ownerField ? { ownerId: ownerField } : {});
        continue;
      }
      const storedCustom = existing ? parseJson<CustomFieldValues>(existing.custom_fields, {}) : {};
      const custom = validateCustomFields(definitions, row.custom, storedCustom);
      if (custom.issues.length) {
        for (const i of custom.issues) fail(row, i.path.replace(/^customFields\./, 'cf.'), i.message);
        continue;
      }
      let unchanged = false;
      if (existing) {
        const parentId = parent === undefined ? undefined : accounts.get(parent);
        unchanged =
          (parent === undefined || parentId === existing.parent_id) &&
          Object.entries(input as Record<string, unknown>).every(([k, v]) => {
            switch (k) {
              case 'externalId':
                return true;
              case 'name':
                return v === existing.name;
              case 'ownerId':
                return v === existing.owner_id;
              case 'region':
                return v === existing.region;
              case 'industry':
                return v === existing.industry;
              case 'productLines':
                return same(v, parseJson(existing.product_lines, []));
              case 'tags':
                return same(v, parseJson(existing.tags, []));
              case 'licensedSeats':
                return (v as unknown) === existing.licensed_seats;
              case 'goLiveDate':
                return v === existing.go_live_date;
              case 'customFields':
                return same(sortKeys(custom.value), sortKeys(storedCustom));
              default:
                return false;
            }
          });
      }
      planned.push({ line: row.line, existingId: existing?.id, input, parentExternalId: parent, unchanged });
    }
    return { rows: planned, merged };
  }

  if (entity === 'contacts') {
    const contacts = await ctx.db
      .selectFrom('contacts')
      .select([
        'id',
        'account_id',
        'external_user_id',
        'name',
        'email',
        'phone',
        'title',
        'role',
        'wechat_id',
      ])
      .where('workspace_id', '=', ctx.workspace.id)
      .execute();
    const byKey = new Map<string, (typeof contacts)[number]>();
    const keysOf = (
      accountId: string,
      c: { externalUserId?: unknown; email?: unknown; phone?: unknown; wechatId?: unknown; name?: unknown },
    ) =>
      [
        c.externalUserId ? `u:${c.externalUserId}` : undefined,
        c.email ? `e:${accountId}:${String(c.email).toLowerCase()}` : undefined,
        c.phone ? `p:${accountId}:${String(c.phone).replace(/\D/g, '')}` : undefined,
        c.wechatId ? `w:${accountId}:${String(c.wechatId).toLowerCase()}` : undefined,
        c.name ? `n:${accountId}:${String(c.name).trim().toLowerCase()}` : undefined,
      ].filter((k): k is string => k !== undefined);
    // Earlier keys win: a stored contact is found by external user id, then email, phone, WeChat id, name.
    for (const c of contacts) {
      for (const k of keysOf(c.account_id, {
        externalUserId: c.external_user_id,
        email: c.email,
        phone: c.phone,
        wechatId: c.wechat_id,
        name: c.name,
      })) {
        if (!byKey.has(k)) byKey.set(k, c);
      }
    }
    for (const row of rows) {
      const f = row.fields;
      const accountId = accounts.get(String(f.accountExternalId));
      if (!accountId) {
        fail(row, 'accountExternalId', msg('imports.row.noAccount', { value: String(f.accountExternalId) }));
        continue;
      }
      const keys = keysOf(accountId, f);
      if (repeat(keys[0]!, row)) continue;
      const { accountExternalId: _a, ...rest } = f;
      const input = { ...rest, accountId };
      const checked = CreateContact.safeParse(input);
      if (!checked.success) {
        failZod(row, checked.error);
        continue;
      }
      // A key that names a stored contact on another account (an external user id) is that contact.
      const existing = keys.map((k) => byKey.get(k)).find((c) => c !== undefined);
      const unchanged =
        existing !== undefined &&
        existing.account_id === accountId &&
        Object.entries(rest).every(([k, v]) => {
          const column: unknown = (<Record<string, unknown>>{
            externalUserId: existing.external_user_id,
            name: existing.name,
            email: existing.email,
            phone: existing.phone,
            title: existing.title,
            role: existing.role,
            wechatId: existing.wechat_id,
          })[k];
          return k === 'email' ? String(v).toLowerCase() === column : v === column;
        });
      planned.push({ line: row.line, existingId: existing?.id, input, unchanged });
    }
    return { rows: planned, merged };
  }

  const stored = await ctx.db
    .selectFrom('contracts')
    .select([
      'id',
      'external_id',
      'account_id',
      'start_date',
      'end_date',
      'amount_minor',
      'currency',
      'billing_period',
      'status',
      'notes',
      'renews_contract_id',
    ])
    .where('workspace_id', '=', ctx.workspace.id)
    .execute();
  const base = ctx.workspace.baseCurrency;
  const naturalKey = (
    accountId: string,
    start: string,
    end: string | null | undefined,
    minor: number,
    currency: string,
  ) => `${accountId}|${start}|${end ?? ''}|${minor}|${currency}`;
  const contracts = new Map(stored.filter((c) => c.external_id).map((c) => [c.external_id!, c]));
  const byNatural = new Map<string, (typeof stored)[number]>();
  for (const c of stored) {
    const k = naturalKey(c.account_id, c.start_date, c.end_date, Number(c.amount_minor), c.currency);
    if (!byNatural.has(k)) byNatural.set(k, c);
  }
  // The account of each contract a row may renew: a stored contract keeps its account on update.
  const contractAccount = new Map<string, string | undefined>();
  for (const r of rows) {
    if (r.fields.externalId) {
      contractAccount.set(String(r.fields.externalId), accounts.get(String(r.fields.accountExternalId)));
    }
  }
  for (const c of stored) if (c.external_id) contractAccount.set(c.external_id, c.account_id);
  const inFile = new Set(rows.map((r) => r.fields.externalId).filter(Boolean) as string[]);
  const currencies = new Set(
    (
      await ctx.db
        .selectFrom('currency_rates')
        .select('currency')
        .where('workspace_id', '=', ctx.workspace.id)
        .execute()
    ).map((r) => r.currency),
  );
  currencies.add(base);
  for (const row of rows) {
    const f = row.fields;
    const accountId = accounts.get(String(f.accountExternalId));
    if (!accountId) {
      fail(row, 'accountExternalId', msg('imports.row.noAccount', { value: String(f.accountExternalId) }));
      continue;
    }
    const externalId = f.externalId as string | undefined;
    const currency = (f.currency as string | undefined) ?? base;
    const amount = f.amount as number;
    const natural = naturalKey(
      accountId,
      String(f.startDate),
      f.endDate as string | undefined,
      toMinor(amount, currency),
      currency,
    );
    if (repeat(externalId ? `x:${externalId}` : natural, row)) continue;
    const renews = f.renewsExternalId as string | undefined;
    if (renews !== undefined && !contracts.has(renews) && !inFile.has(renews)) {
      fail(row, 'renewsExternalId', msg('imports.row.noContract', { value: renews }));
      continue;
    }
    if (renews !== undefined && renews === externalId) {
      fail(row, 'renewsExternalId', msg('imports.row.renewsItself'));
      continue;
    }
    if (renews !== undefined && contractAccount.get(renews) !== accountId) {
      fail(row, 'renewsExternalId', msg('imports.row.renewsOtherAccount', { value: renews }));
      continue;
    }
    const { accountExternalId: _a, churned, renewsExternalId: _r, ...rest } = f;
    const input: Record<string, unknown> = { ...rest, accountId };
    if (churned === true) input.status = 'churned';
    const checked = CreateContract.safeParse(input);
    if (!checked.success) {
      failZod(row, checked.error);
      continue;
    }
    if (!currencies.has(currency)) {
      fail(row, f.currency ? 'currency' : 'amount', msg('imports.row.noRate', { currency }));
      continue;
    }
    const existing = externalId ? contracts.get(externalId) : byNatural.get(natural);
    const renewsId = renews === undefined ? undefined : contracts.get(renews)?.id;
    const unchanged =
      existing !== undefined &&
      existing.account_id === accountId &&
      (renews === undefined || renewsId === existing.renews_contract_id) &&
      Object.entries(input as Record<string, unknown>).every(([k, v]) => {
        switch (k) {
          case 'accountId':
            return true;
          case 'externalId':
            return v === existing.external_id;
          case 'startDate':
            return v === existing.start_date;
          case 'endDate':
            return (v ?? null) === existing.end_date;
          case 'amount':
            return toMinor(v as number, currency) === Number(existing.amount_minor);
          case 'currency':
            return v === existing.currency;
          case 'billingPeriod':
            return v === existing.billing_period;
          case 'status':
            return v === existing.status;
          case 'notes':
            return v === existing.notes;
          default:
            return false;
        }
      });
    planned.push({ line: row.line, existingId: existing?.id, input, parentExternalId: renews, unchanged });
  }
  return { rows: planned, merged };
}

/**
 * Writes the planned rows through the verbs in batches (WRITE_BATCH rows or WRITE_BATCH_MS), each one transaction
 * with its progress, yielding to the thread's event loop between batches. Links to rows that may
 * come later in the file (parents, renewed contracts) are set once every row exists, in batches too.
 */
async function write(ctx: Ctx, entity: ImportEntity, planned: Planned[], sink: ProgressSink) {
  const idsByExternal = new Map<string, string>();
  const deferred: Planned[] = [];
  const total = planned.length;
  const target = isOwn(entity) ? undefined : foreignTarget(entity);
  const writeRow = async (tx: Ctx, p: Planned) => {
    if (target) await target.write(tx, p);
    else if (entity === 'accounts') {
      const account = p.existingId
        ? await updateAccount({ ctx: tx, id: p.existingId, input: p.input })
        : await createAccount({ ctx: tx, input: p.input as CreateAccount });
      idsByExternal.set(account.externalId, account.id);
      if (p.parentExternalId) deferred.push({ ...p, existingId: account.id });
    } else if (entity === 'contacts') {
      if (p.existingId) await updateContact({ ctx: tx, id: p.existingId, input: p.input });
      else await createContact({ ctx: tx, input: p.input as CreateContact });
    } else {
      const { accountId: _a, ...changes } = p.input;
      const contract = p.existingId
        ? await updateContract({ ctx: tx, id: p.existingId, input: changes })
        : await createContract({ ctx: tx, input: p.input as CreateContract });
      if (contract.externalId) idsByExternal.set(contract.externalId, contract.id);
      if (p.parentExternalId) deferred.push({ ...p, existingId: contract.id });
    }
  };
  let from = 0;
  while (from < total) {
    await inTransaction(ctx, async (tx) => {
      const started = performance.now();
      const end = Math.min(total, from + WRITE_BATCH);
      do {
        await writeRow(tx, planned[from]!);
        from++;
      } while (from < end && performance.now() - started < WRITE_BATCH_MS);
      await sink.inBatch(tx, { phase: 'write', done: from, total });
    });
    await yieldToLoop();
  }
  if (deferred.length === 0) return;
  const table = entity === 'accounts' ? 'accounts' : 'contracts';
  const known = new Map(
    (
      await ctx.db
        .selectFrom(table)
        .select(['id', 'external_id'])
        .where('workspace_id', '=', ctx.workspace.id)
        .where('external_id', 'is not', null)
        .execute()
    ).map((r) => [r.external_id as string, r.id]),
  );
  let linkedUpTo = 0;
  while (linkedUpTo < deferred.length) {
    await inTransaction(ctx, async (tx) => {
      const started = performance.now();
      const end = Math.min(deferred.length, linkedUpTo + WRITE_BATCH);
      do {
        const p = deferred[linkedUpTo++]!;
        const linked = idsByExternal.get(p.parentExternalId!) ?? known.get(p.parentExternalId!);
        if (entity === 'accounts')
          await updateAccount({ ctx: tx, id: p.existingId!, input: { parentId: linked } });
        else await updateContract({ ctx: tx, id: p.existingId!, input: { renewsContractId: linked } });
      } while (linkedUpTo < end && performance.now() - started < WRITE_BATCH_MS);
    });
    await yieldToLoop();
  }
}
