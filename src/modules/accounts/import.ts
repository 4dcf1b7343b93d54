import type { Readable } from 'node:stream';
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { type FieldSpec, MAX_ERRORS, pushErrors, type RowError, readMappedCsv } from '../../csv/read.ts';
import { parseJson } from '../../db/dialect.ts';
import { authorize, listUserRefs } from '../auth/index.ts';
import { CreateAccount } from './accounts.schemas.ts';
import { createAccount, updateAccount } from './accounts.ts';
import { CreateContact, createContact, updateContact } from './contacts.ts';
import { CONTRACT_STATUSES } from './contract-math.ts';
import { CreateContract, createContract, updateContract } from './contracts.ts';

export type { RowError };

import { DATE_FORMATS } from '../../csv/values.ts';
import { type CustomFieldValues, loadDefinitions, validateCustomFields } from './custom-fields.ts';

export const IMPORT_ENTITIES = ['accounts', 'contacts', 'contracts'] as const;
export type ImportEntity = (typeof IMPORT_ENTITIES)[number];

/** The columns each import understands; `--map column=field` points file columns at these. */
export const IMPORT_FIELDS: Record<ImportEntity, Record<string, FieldSpec>> = {
  accounts: {
    externalId: { kind: 'text', required: true, help: 'the id CRM and product events use; upsert key' },
    name: { kind: 'text', required: true, help: 'account name' },
    parentExternalId: { kind: 'text', help: 'external id of the parent account (may be later in the file)' },
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
    phone: { kind: 'text', help: 'phone' },
    title: { kind: 'text', help: 'job title' },
    role: { kind: 'text', help: 'decision_maker, economic_buyer, champion, influencer, admin, user, other' },
    wechatId: { kind: 'text', help: 'WeChat id' },
  },
  contracts: {
    accountExternalId: { kind: 'text', required: true, help: "the account's external id" },
    externalId: { kind: 'text', help: 'contract id in the CRM; upsert key' },
    startDate: { kind: 'date', required: true, help: 'start date' },
    endDate: { kind: 'date', help: 'end date; empty for open-ended' },
    amount: { kind: 'number', required: true, help: 'charge per billing period' },
    currency: { kind: 'text', help: 'ISO currency; defaults to the base currency' },
    billingPeriod: { kind: 'text', help: 'monthly, quarterly or annual (default annual)' },
    status: { kind: 'text', help: CONTRACT_STATUSES.join(', ') },
    churned: { kind: 'bool', help: 'true sets status churned' },
    renewsExternalId: { kind: 'text', help: 'external id of the contract this one renews' },
    notes: { kind: 'text', help: 'free text' },
  },
};

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

export const ImportOptions = z.object({
  /** column=field pairs; without it, columns named like fields map to themselves. */
  map: pairs('column=field'),
  /** field=value pairs applied where the row has no value, e.g. currency=USD. */
  defaults: pairs('field=value'),
  dryRun: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
  skipInvalid: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(false),
  dateFormat: z.enum(DATE_FORMATS).default('DMY'),
});
export type ImportOptions = z.input<typeof ImportOptions>;

export type ImportReport = {
  entity: ImportEntity;
  dryRun: boolean;
  committed: boolean;
  rows: number;
  valid: number;
  invalid: number;
  created: number;
  updated: number;
  /** At most MAX_ERRORS rows are listed; `invalid` counts them all. */
  errors: RowError[];
};

export type ImportProgress = { phase: 'validate' | 'write'; done: number; total?: number };

type Row = { line: number; fields: Record<string, unknown>; custom: Record<string, string> };

/**
 * Streams a CSV, validates every row (reporting each bad one by line and field), then upserts the
 * valid rows through the same verbs the API uses, in one transaction: all or nothing, unless
 * skipInvalid writes the valid rows and reports the rest. A dry run validates and writes nothing.
 */
export async function importCsv({
  ctx,
  entity,
  source,
  options,
  onProgress,
}: {
  ctx: Ctx;
  entity: ImportEntity;
  source: Readable | string;
  options: ImportOptions;
  onProgress?: (p: ImportProgress) => void;
}): Promise<ImportReport> {
  await authorize(ctx, 'imports:run');
  const opts = ImportOptions.parse(options);
  const specs = IMPORT_FIELDS[entity];
  const definitions = entity === 'accounts' ? await loadDefinitions(ctx) : [];
  const customKeys = new Set(definitions.map((d) => d.key));

  const read = await readMappedCsv({
    source,
    specs,
    extra: { prefix: 'cf.', keys: customKeys },
    what: entity,
    map: opts.map,
    defaults: opts.defaults,
    dateFormat: opts.dateFormat,
    onProgress: (done) => onProgress?.({ phase: 'validate', done }),
  });
  const errors = read.errors;
  let invalidRows = read.invalid;
  const rows: Row[] = read.rows.map((r) => ({ line: r.line, fields: r.fields, custom: r.extra }));

  // Second stage: checks that need the database (referenced accounts, users, custom fields), and
  // the verbs' own schemas, so a dry run reports everything a real run would reject.
  const planned = await plan(ctx, entity, rows, errors, definitions);
  const total = rows.length + invalidRows;
  invalidRows += rows.length - planned.length;
  const report: ImportReport = {
    entity,
    dryRun: opts.dryRun,
    committed: false,
    rows: total,
    valid: planned.length,
    invalid: invalidRows,
    created: planned.filter((p) => !p.existingId).length,
    updated: planned.filter((p) => p.existingId).length,
    errors: errors.slice(0, MAX_ERRORS).sort((a, b) => a.line - b.line),
  };
  onProgress?.({ phase: 'validate', done: report.rows, total: report.rows });
  if (opts.dryRun || (invalidRows > 0 && !opts.skipInvalid) || planned.length === 0) return report;

  await inTransaction(ctx, async (tx) => {
    await write(tx, entity, planned, (done) => onProgress?.({ phase: 'write', done, total: planned.length }));
  });
  return { ...report, committed: true };
}

type Planned = {
  line: number;
  existingId?: string;
  input: Record<string, unknown>;
  parentExternalId?: string;
};

async function externalIdMap(ctx: Ctx, table: 'accounts' | 'contracts') {
  const rows = await ctx.db
    .selectFrom(table)
    .select(['id', 'external_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('external_id', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.external_id as string, r.id]));
}

/** Resolves references and validates each row against the verb's schema; bad rows go to `errors`. */
async function plan(
  ctx: Ctx,
  entity: ImportEntity,
  rows: Row[],
  errors: RowError[],
  definitions: Awaited<ReturnType<typeof loadDefinitions>>,
): Promise<Planned[]> {
  const accounts = await externalIdMap(ctx, 'accounts');
  const planned: Planned[] = [];
  const seen = new Map<string, number>();
  const fail = (line: number, field: string | undefined, message: string) =>
    pushErrors(errors, [{ line, field, message }]);

  if (entity === 'accounts') {
    // Owners must be active users, as createAccount checks.
    const users = new Map((await listUserRefs(ctx, { active: true })).map((u) => [u.email, u.id]));
    // Stored custom field values, so required fields are checked on the merged result on update.
    const storedCustom = new Map(
      definitions.length === 0
        ? []
        : (
            await ctx.db
              .selectFrom('accounts')
              .select(['external_id', 'custom_fields'])
              .where('workspace_id', '=', ctx.workspace.id)
              .execute()
          ).map((a) => [a.external_id, parseJson<CustomFieldValues>(a.custom_fields, {})]),
    );
    const inFile = new Set(rows.map((r) => String(r.fields.externalId)));
    for (const { line, fields: f, custom } of rows) {
      const externalId = String(f.externalId);
      if (seen.has(externalId)) {
        fail(line, 'externalId', `repeats line ${seen.get(externalId)}`);
        continue;
      }
      seen.set(externalId, line);
      let ownerId: string | undefined;
      if (f.ownerEmail !== undefined) {
        ownerId = users.get(String(f.ownerEmail).toLowerCase());
        if (!ownerId) {
          fail(line, 'ownerEmail', `no active user with email ${f.ownerEmail}`);
          continue;
        }
      }
      const parent = f.parentExternalId as string | undefined;
      if (parent !== undefined && !accounts.has(parent) && !inFile.has(parent)) {
        fail(line, 'parentExternalId', `no account with external id ${parent} in the workspace or the file`);
        continue;
      }
      if (parent === externalId) {
        fail(line, 'parentExternalId', 'an account cannot be its own parent');
        continue;
      }
      const { ownerEmail: _o, parentExternalId: _p, ...rest } = f;
      const input = {
        ...rest,
        ...(ownerId ? { ownerId } : {}),
        ...(Object.keys(custom).length ? { customFields: custom } : {}),
      };
      const existingId = accounts.get(externalId);
      const checked = (existingId ? CreateAccount.partial() : CreateAccount).safeParse(input);
      if (!checked.success) {
        for (const i of checked.error.issues) fail(line, i.path.join('.'), i.message);
        continue;
      }
      // Custom field values are checked against their definitions here, as the verbs would, so a
      // bad value is reported on its line (and skipped with skipInvalid) instead of failing the write.
      const customIssues = validateCustomFields(
        definitions,
        custom,
        existingId ? storedCustom.get(externalId) : {},
      ).issues;
      if (customIssues.length) {
        for (const i of customIssues) fail(line, i.path.replace(/^customFields\./, 'cf.'), i.message);
        continue;
      }
      planned.push({ line, existingId, input, parentExternalId: parent });
    }
    return planned;
  }

  if (entity === 'contacts') {
    const contacts = await ctx.db
      .selectFrom('contacts')
      .select(['id', 'account_id', 'external_user_id', 'email'])
      .where('workspace_id', '=', ctx.workspace.id)
      .execute();
    const byUserId = new Map(
      contacts.filter((c) => c.external_user_id).map((c) => [c.external_user_id!, c.id]),
    );
    const byEmail = new Map(contacts.filter((c) => c.email).map((c) => [`${c.account_id}:${c.email}`, c.id]));
    for (const { line, fields: f } of rows) {
      const accountId = accounts.get(String(f.accountExternalId));
      if (!accountId) {
        fail(line, 'accountExternalId', `no account with external id ${f.accountExternalId}`);
        continue;
      }
      const key = f.externalUserId
        ? `u:${f.externalUserId}`
        : f.email
          ? `e:${accountId}:${String(f.email).toLowerCase()}`
          : undefined;
      if (key && seen.has(key)) {
        fail(line, f.externalUserId ? 'externalUserId' : 'email', `repeats line ${seen.get(key)}`);
        continue;
      }
      if (key) seen.set(key, line);
      const { accountExternalId: _a, ...rest } = f;
      const input = { ...rest, accountId };
      const checked = CreateContact.safeParse(input);
      if (!checked.success) {
        for (const i of checked.error.issues) fail(line, i.path.join('.'), i.message);
        continue;
      }
      const existingId =
        (f.externalUserId ? byUserId.get(String(f.externalUserId)) : undefined) ??
        (f.email ? byEmail.get(`${accountId}:${String(f.email).toLowerCase()}`) : undefined);
      planned.push({ line, existingId, input });
    }
    return planned;
  }

  const stored = await ctx.db
    .selectFrom('contracts')
    .select(['id', 'external_id', 'account_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('external_id', 'is not', null)
    .execute();
  const contracts = new Map(stored.map((c) => [c.external_id!, c.id]));
  // The account of each contract a row may renew: a stored contract keeps its account on update.
  const contractAccount = new Map<string, string | undefined>();
  for (const r of rows) {
    if (r.fields.externalId) {
      contractAccount.set(String(r.fields.externalId), accounts.get(String(r.fields.accountExternalId)));
    }
  }
  for (const c of stored) contractAccount.set(c.external_id!, c.account_id);
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
  currencies.add(ctx.workspace.baseCurrency);
  for (const { line, fields: f } of rows) {
    const accountId = accounts.get(String(f.accountExternalId));
    if (!accountId) {
      fail(line, 'accountExternalId', `no account with external id ${f.accountExternalId}`);
      continue;
    }
    const externalId = f.externalId as string | undefined;
    if (externalId && seen.has(externalId)) {
      fail(line, 'externalId', `repeats line ${seen.get(externalId)}`);
      continue;
    }
    if (externalId) seen.set(externalId, line);
    const renews = f.renewsExternalId as string | undefined;
    if (renews !== undefined && !contracts.has(renews) && !inFile.has(renews)) {
      fail(line, 'renewsExternalId', `no contract with external id ${renews}`);
      continue;
    }
    if (renews !== undefined && renews === externalId) {
      fail(line, 'renewsExternalId', 'a contract cannot renew itself');
      continue;
    }
    if (renews !== undefined && contractAccount.get(renews) !== accountId) {
      fail(line, 'renewsExternalId', `contract ${renews} belongs to another account`);
      continue;
    }
    const { accountExternalId: _a, churned, renewsExternalId: _r, ...rest } = f;
    const input: Record<string, unknown> = { ...rest, accountId };
    if (churned === true) input.status = 'churned';
    const checked = CreateContract.safeParse(input);
    if (!checked.success) {
      for (const i of checked.error.issues) fail(line, i.path.join('.'), i.message);
      continue;
    }
    const currency = (input.currency as string | undefined) ?? ctx.workspace.baseCurrency;
    if (!currencies.has(currency)) {
      fail(line, 'currency', `no exchange rate from ${currency}; add one under /api/v1/currency-rates first`);
      continue;
    }
    planned.push({
      line,
      existingId: externalId ? contracts.get(externalId) : undefined,
      input,
      parentExternalId: renews,
    });
  }
  return planned;
}

async function write(ctx: Ctx, entity: ImportEntity, planned: Planned[], progress: (done: number) => void) {
  const idsByExternal = new Map<string, string>();
  const deferred: Planned[] = [];
  let done = 0;
  const tick = () => {
    done++;
    if (done % 200 === 0 || done === planned.length) progress(done);
  };
  const ensureLinks = async (p: Planned, id: string) => {
    if (p.parentExternalId) deferred.push({ ...p, existingId: id });
  };
  for (const p of planned) {
    if (entity === 'accounts') {
      const account = p.existingId
        ? await updateAccount({ ctx, id: p.existingId, input: p.input })
        : await createAccount({ ctx, input: p.input as CreateAccount });
      idsByExternal.set(account.externalId, account.id);
      await ensureLinks(p, account.id);
    } else if (entity === 'contacts') {
      if (p.existingId) await updateContact({ ctx, id: p.existingId, input: p.input });
      else await createContact({ ctx, input: p.input as CreateContact });
    } else {
      const contract = p.existingId
        ? await updateContract({ ctx, id: p.existingId, input: p.input })
        : await createContract({ ctx, input: p.input as CreateContract });
      if (contract.externalId) idsByExternal.set(contract.externalId, contract.id);
      await ensureLinks(p, contract.id);
    }
    tick();
  }
  // Links to rows that may come later in the same file are set once every row exists.
  if (deferred.length === 0) return;
  const table = entity === 'accounts' ? 'accounts' : 'contracts';
  const known = await externalIdMap(ctx, table);
  for (const p of deferred) {
    const target = idsByExternal.get(p.parentExternalId!) ?? known.get(p.parentExternalId!);
    if (entity === 'accounts') await updateAccount({ ctx, id: p.existingId!, input: { parentId: target } });
    else await updateContract({ ctx, id: p.existingId!, input: { renewsContractId: target } });
  }
}
