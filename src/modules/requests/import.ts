// CSV import of customer requests (a spreadsheet a CS team kept before Steward, or an export from a
// ticket system). Reuses src/csv for reading, mapping and cell conversion; every row goes through
// createRequest, so grouping, numbers, timeline entries and audit rows are the same as for one
// logged by hand.
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import {
  CsvImportOptions,
  type FieldSpec,
  pushErrors,
  type RowError,
  readMappedCsv,
  toPairs,
} from '../../csv/read.ts';
import { zodIssues } from '../../errors.ts';
import { type Message, msg, render } from '../../i18n/index.ts';
import { localNoon } from '../../time.ts';
import { accountIdsByExternalId, contactRefsOf } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { CreateRequest, REQUEST_STATUSES, REQUEST_TYPES } from './requests.schemas.ts';
import { createRequest } from './requests.ts';
import { chunks } from './score-requests.ts';

export const REQUEST_IMPORT_FIELDS: Record<string, FieldSpec> = {
  accountExternalId: { kind: 'text', required: true, help: "the asking account's external id" },
  title: { kind: 'text', required: true, help: 'what the customer asks, in a line' },
  description: { kind: 'text', help: 'details' },
  type: { kind: 'text', help: REQUEST_TYPES.join(' | ') },
  status: { kind: 'text', help: REQUEST_STATUSES.join(' | ') },
  productArea: { kind: 'text', help: 'product area' },
  contactEmail: { kind: 'text', help: "the asking contact's email (a contact of that account)" },
  showcase: { kind: 'bool', help: 'the ask has showcase value' },
  loggedOn: { kind: 'date', help: 'the day it was asked (default: today)' },
};

export const RequestImportOptions = CsvImportOptions;
export type RequestImportOptions = z.input<typeof RequestImportOptions>;

export type RequestImportReport = {
  entity: 'requests';
  dryRun: boolean;
  committed: boolean;
  rows: number;
  valid: number;
  invalid: number;
  created: number;
  /** Rows whose account already has a request with the same title: a re-import adds nothing. */
  skipped: number;
  errors: RowError[];
};

/** Local noon of a day in the workspace zone (never later than now): when an imported ask was logged. */
function noonOf(day: string, ctx: Ctx): Date {
  const at = new Date(localNoon(day, ctx.workspace.timeZone));
  return at > ctx.now() ? ctx.now() : at;
}

/** All valid rows or none, unless skipInvalid; dryRun reports without writing. */
export async function importRequestsCsv({
  ctx,
  source,
  options,
}: {
  ctx: Ctx;
  source: Readable | string;
  options: RequestImportOptions;
}): Promise<RequestImportReport> {
  await authorize(ctx, 'imports:run');
  const opts = RequestImportOptions.parse(options);
  const locale = ctx.locale ?? 'en';
  const read = await readMappedCsv({
    source,
    specs: REQUEST_IMPORT_FIELDS,
    what: msg('imports.what.requests'),
    map: toPairs(opts.map, 'map'),
    defaults: toPairs(opts.defaults, 'defaults'),
    dateFormat: opts.dateFormat,
    locale,
  });
  const errors = read.errors;
  let invalidRows = read.invalid;
  const ws = ctx.workspace.id;

  const externalIds = [...new Set(read.rows.map((r) => String(r.fields.accountExternalId)))];
  const accounts = await accountIdsByExternalId(ctx, externalIds);
  const contacts = new Map<string, string>();
  const accountIds = [...accounts.values()];
  for (const c of await contactRefsOf(ctx, accountIds, { withEmail: true }))
    contacts.set(`${c.accountId}|${c.email!.toLowerCase()}`, c.id);
  const existing = new Set<string>();
  for (const batch of chunks(accountIds)) {
    const rows = await ctx.db
      .selectFrom('customer_requests')
      .select(['account_id', 'title'])
      .where('workspace_id', '=', ws)
      .where('account_id', 'in', batch)
      .execute();
    for (const r of rows) existing.add(`${r.account_id}|${r.title}`);
  }

  const planned: { line: number; day?: string; input: CreateRequest }[] = [];
  let skipped = 0;
  for (const row of read.rows) {
    const f = row.fields;
    const fail = (field: string | undefined, message: Message) => {
      invalidRows++;
      pushErrors(errors, [{ line: row.line, field, message: render(locale, message) }]);
    };
    const accountId = accounts.get(String(f.accountExternalId));
    if (!accountId) {
      fail('accountExternalId', msg('imports.row.noAccount', { value: String(f.accountExternalId) }));
      continue;
    }
    let contactId: string | undefined;
    if (f.contactEmail !== undefined) {
      contactId = contacts.get(`${accountId}|${String(f.contactEmail).toLowerCase()}`);
      if (!contactId) {
        fail(
          'contactEmail',
          msg('imports.row.noContact', {
            email: String(f.contactEmail),
            account: String(f.accountExternalId),
          }),
        );
        continue;
      }
    }
    const parsed = CreateRequest.safeParse({
      accountId,
      contactId,
      title: f.title,
      description: f.description,
      type: f.type,
      status: f.status,
      productArea: f.productArea,
      showcase: f.showcase,
    });
    if (!parsed.success) {
      invalidRows++;
      pushErrors(
        errors,
        zodIssues(parsed.error).map((i) => ({ line: row.line, field: i.path, message: i.message })),
      );
      continue;
    }
    const key = `${accountId}|${parsed.data.title}`;
    if (existing.has(key)) {
      skipped++;
      continue;
    }
    existing.add(key);
    planned.push({ line: row.line, day: f.loggedOn as string | undefined, input: parsed.data });
  }

  const report: RequestImportReport = {
    entity: 'requests',
    dryRun: opts.dryRun,
    committed: false,
    rows: read.rows.length + read.invalid,
    valid: planned.length + skipped,
    invalid: invalidRows,
    created: 0,
    skipped,
    errors,
  };
  if (opts.dryRun || (invalidRows > 0 && !opts.skipInvalid)) return report;
  // In the order they were asked, so each one is grouped against what existed at the time.
  const ordered = planned
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => (a.day ?? '9999').localeCompare(b.day ?? '9999') || a.i - b.i);
  await inTransaction(ctx, async (tx) => {
    for (const p of ordered) {
      const at = p.day ? noonOf(p.day, tx) : undefined;
      await createRequest({ ctx: at ? { ...tx, now: () => at } : tx, input: p.input });
    }
  });
  return { ...report, committed: true, created: planned.length };
}
