import { z } from 'zod';
import { accountsChanged } from '../../account-changes.ts';
import { type Ctx, type Deps, inTransaction, systemCtx } from '../../context.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { conflict, invalid, invalidField, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor, Limit } from '../../pagination.ts';
import { nowIso, today } from '../../time.ts';
import { authorize } from '../auth/index.ts';
import { recordAccountChange, valueParam } from '../timeline/index.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { Day } from './accounts.schemas.ts';
import type { ContractsTable } from './accounts.table.ts';
import { getAccountRow } from './accounts.ts';
import {
  BILLING_PERIODS,
  type BillingPeriod,
  CONTRACT_STATUSES,
  deriveRecurring,
  fromMinor,
  isCurrency,
  pickRate,
  type RateRow,
  summarizeContracts,
  toMinor,
} from './contract-math.ts';
import { readableAccount } from './refs.ts';

export const Contract = z.object({
  id: z.string(),
  accountId: z.string(),
  externalId: z.string().nullable(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  /** Charge per billing period, in `currency`. */
  amount: z.number(),
  currency: z.string(),
  billingPeriod: z.enum(BILLING_PERIODS),
  /** Base-currency units per unit of `currency`, from the rate effective on startDate. */
  fxRate: z.number(),
  arr: z.number(),
  mrr: z.number(),
  baseCurrency: z.string(),
  status: z.enum(CONTRACT_STATUSES),
  renewsContractId: z.string().nullable(),
  notes: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contract = z.infer<typeof Contract>;

export const contractRowToContract = (r: ContractsTable, baseCurrency: string): Contract => ({
  id: r.id,
  accountId: r.account_id,
  externalId: r.external_id,
  startDate: r.start_date,
  endDate: r.end_date,
  amount: fromMinor(Number(r.amount_minor), r.currency),
  currency: r.currency,
  billingPeriod: r.billing_period as BillingPeriod,
  fxRate: r.fx_rate,
  arr: fromMinor(Number(r.arr_minor), baseCurrency),
  mrr: fromMinor(Number(r.mrr_minor), baseCurrency),
  baseCurrency,
  status: r.status as Contract['status'],
  renewsContractId: r.renews_contract_id,
  notes: r.notes,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const Currency = z.string().refine(isCurrency, 'must be an ISO 4217 currency code such as CNY or USD');

const contractFields = {
  accountId: z.string().min(1),
  externalId: z.string().trim().min(1).max(200).nullable().optional(),
  startDate: Day,
  endDate: Day.nullable().optional(),
  amount: z.number().min(0).max(1e12),
  currency: Currency.optional(),
  billingPeriod: z.enum(BILLING_PERIODS).default('annual'),
  status: z.enum(CONTRACT_STATUSES).default('active'),
  renewsContractId: z.string().min(1).nullable().optional(),
  notes: z.string().max(5000).nullable().optional(),
};

const endAfterStart = (c: { startDate?: string; endDate?: string | null }) =>
  !c.startDate || !c.endDate || c.endDate >= c.startDate;
const endMessage = { path: ['endDate'], message: 'must be on or after startDate' };

export const CreateContract = z.object(contractFields).refine(endAfterStart, endMessage);
export type CreateContract = z.input<typeof CreateContract>;

export const UpdateContract = z
  .object({
    ...contractFields,
    billingPeriod: z.enum(BILLING_PERIODS),
    status: z.enum(CONTRACT_STATUSES),
  })
  .omit({ accountId: true })
  .partial()
  .refine(endAfterStart, endMessage);
export type UpdateContract = z.input<typeof UpdateContract>;

export async function loadRates(ctx: Ctx, currencies?: string[]): Promise<RateRow[]> {
  let q = ctx.db
    .selectFrom('currency_rates')
    .select(['currency', 'rate', 'effective_date'])
    .where('workspace_id', '=', ctx.workspace.id);
  if (currencies) q = q.where('currency', 'in', currencies.length ? currencies : ['']);
  const rows = await q.execute();
  return rows.map((r) => ({ currency: r.currency, rate: Number(r.rate), effectiveDate: r.effective_date }));
}

/** fx_rate, arr_minor and mrr_minor for a contract's terms, or a validation error naming the currency. */
export function priceContract(
  terms: { amountMinor: number; currency: string; billingPeriod: BillingPeriod; startDate: string },
  rates: readonly RateRow[],
  baseCurrency: string,
) {
  const rate = pickRate(rates, terms.currency, baseCurrency, terms.startDate);
  if (rate === undefined) {
    throw invalid(msg('accounts.error.noRate', { from: terms.currency, to: baseCurrency }), {
      issues: [
        { path: 'currency', message: msg('accounts.error.noRateIssue', { currency: terms.currency }) },
      ],
    });
  }
  return { fxRate: rate, ...deriveRecurring({ ...terms, baseCurrency, rate }) };
}

/**
 * Recomputes an account's current ARR, MRR and renewal date from its contracts. Called in the
 * transaction of every contract or rate change, and daily (dates move contracts in and out of force).
 */
export async function refreshAccountFigures(ctx: Ctx, accountIds: readonly string[]): Promise<void> {
  if (accountIds.length === 0) return;
  const day = today(ctx);
  for (let i = 0; i < accountIds.length; i += 500) {
    const batch = accountIds.slice(i, i + 500);
    const rows = await ctx.db
      .selectFrom('contracts')
      .select(['account_id', 'start_date', 'end_date', 'status', 'arr_minor', 'mrr_minor'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('account_id', 'in', batch)
      .execute();
    const byAccount = new Map<string, typeof rows>(batch.map((id) => [id, []]));
    for (const r of rows) byAccount.get(r.account_id)?.push(r);
    for (const [accountId, contracts] of byAccount) {
      const s = summarizeContracts(
        contracts.map((c) => ({
          startDate: c.start_date,
          endDate: c.end_date,
          status: c.status,
          arrMinor: Number(c.arr_minor),
          mrrMinor: Number(c.mrr_minor),
        })),
        day,
      );
      await ctx.db
        .updateTable('accounts')
        .set({ arr_minor: s.arrMinor, mrr_minor: s.mrrMinor, renewal_date: s.renewalDate })
        .where('workspace_id', '=', ctx.workspace.id)
        .where('id', '=', accountId)
        .where((eb) =>
          eb.or([
            eb('arr_minor', '!=', s.arrMinor),
            eb('mrr_minor', '!=', s.mrrMinor),
            s.renewalDate === null ? eb('renewal_date', 'is not', null) : eb('renewal_date', 'is', null),
            eb('renewal_date', '!=', s.renewalDate ?? ''),
          ]),
        )
        .execute();
    }
  }
}

async function checkRenewsLink(
  ctx: Ctx,
  accountId: string,
  contractId: string | undefined,
  renewsId: string | null | undefined,
) {
  if (!renewsId) return;
  if (renewsId === contractId) {
    throw invalid(msg('accounts.error.renewsItself'), {
      issues: [{ path: 'renewsContractId', message: msg('accounts.error.renewsItselfIssue') }],
    });
  }
  const prior = await ctx.db
    .selectFrom('contracts')
    .select(['account_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', renewsId)
    .executeTakeFirst();
  if (!prior || prior.account_id !== accountId) {
    throw invalid(msg('accounts.error.renewsOtherAccount'), {
      issues: [
        {
          path: 'renewsContractId',
          message: msg('accounts.error.noContractOnAccount', { contract: renewsId, account: accountId }),
        },
      ],
    });
  }
}

const editable = (c: Contract) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = c;
  return rest;
};
const describe = (c: Contract) =>
  msg('event.contractRef', {
    ref: c.externalId ?? msg('event.contract'),
    start: c.startDate,
    end: c.endDate ?? msg('event.openEnded'),
    amount: { money: c.amount, currency: c.currency },
    period: valueParam('billing', c.billingPeriod),
  });
const duplicateExternalId = (id: string | null | undefined) =>
  conflict(msg('accounts.error.contractExternalIdTaken', { id: id ?? null }));

export async function createContract({ ctx, input }: { ctx: Ctx; input: CreateContract }): Promise<Contract> {
  const data = CreateContract.parse(input);
  return inTransaction(ctx, async (tx) => {
    await getAccountRow(tx, data.accountId);
    await authorize(tx, 'contracts:write', data.accountId);
    await checkRenewsLink(tx, data.accountId, undefined, data.renewsContractId);
    const base = tx.workspace.baseCurrency;
    const currency = data.currency ?? base;
    const amountMinor = toMinor(data.amount, currency);
    const priced = priceContract(
      { amountMinor, currency, billingPeriod: data.billingPeriod, startDate: data.startDate },
      await loadRates(tx, [currency]),
      base,
    );
    const now = nowIso(tx);
    const row: ContractsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      account_id: data.accountId,
      external_id: data.externalId ?? null,
      start_date: data.startDate,
      end_date: data.endDate ?? null,
      amount_minor: amountMinor,
      currency,
      billing_period: data.billingPeriod,
      fx_rate: priced.fxRate,
      arr_minor: priced.arrMinor,
      mrr_minor: priced.mrrMinor,
      status: data.status,
      renews_contract_id: data.renewsContractId ?? null,
      notes: data.notes ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('contracts').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateExternalId(data.externalId);
      throw error;
    }
    await refreshAccountFigures(tx, [data.accountId]);
    await accountsChanged(tx, [data.accountId], 'contract');
    const contract = contractRowToContract(row, base);
    await recordAccountChange(tx, {
      accountId: data.accountId,
      entityType: 'contract',
      entityId: row.id,
      action: 'created',
      title: msg('event.contractAdded', { contract: describe(contract) }),
      after: editable(contract),
    });
    return contract;
  });
}

async function getContractRow(ctx: Ctx, id: string) {
  const row = await ctx.db
    .selectFrom('contracts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .where(readableAccount(ctx, 'contracts.account_id'))
    .executeTakeFirst();
  if (!row) throw notFound('Contract', id);
  return row;
}

export async function getContract({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  return contractRowToContract(await getContractRow(ctx, id), ctx.workspace.baseCurrency);
}

export async function updateContract({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateContract }) {
  const data = UpdateContract.parse(input);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getContractRow(tx, id);
    await authorize(tx, 'contracts:write', beforeRow.account_id);
    await checkRenewsLink(tx, beforeRow.account_id, id, data.renewsContractId);
    const startDate = data.startDate ?? beforeRow.start_date;
    const endDate = data.endDate === undefined ? beforeRow.end_date : data.endDate;
    if (endDate !== null && endDate < startDate) {
      throw invalidField('endDate', msg('accounts.error.endBeforeStart'));
    }
    const base = tx.workspace.baseCurrency;
    const currency = data.currency ?? beforeRow.currency;
    const amountMinor =
      data.amount === undefined ? Number(beforeRow.amount_minor) : toMinor(data.amount, currency);
    const billingPeriod = data.billingPeriod ?? (beforeRow.billing_period as BillingPeriod);
    const priced = priceContract(
      { amountMinor, currency, billingPeriod, startDate },
      await loadRates(tx, [currency]),
      base,
    );
    let afterRow: ContractsTable;
    try {
      afterRow = await tx.db
        .updateTable('contracts')
        .set({
          external_id: data.externalId,
          start_date: startDate,
          end_date: endDate,
          amount_minor: amountMinor,
          currency,
          billing_period: billingPeriod,
          fx_rate: priced.fxRate,
          arr_minor: priced.arrMinor,
          mrr_minor: priced.mrrMinor,
          status: data.status,
          renews_contract_id: data.renewsContractId,
          notes: data.notes,
          updated_at: nowIso(tx),
        })
        .where('workspace_id', '=', tx.workspace.id)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateExternalId(data.externalId);
      throw error;
    }
    await refreshAccountFigures(tx, [beforeRow.account_id]);
    await accountsChanged(tx, [beforeRow.account_id], 'contract');
    const before = contractRowToContract(beforeRow, base);
    const after = contractRowToContract(afterRow, base);
    await recordAccountChange(tx, {
      accountId: after.accountId,
      entityType: 'contract',
      entityId: id,
      action: 'updated',
      title: msg('event.contractUpdated', { contract: describe(after) }),
      before: editable(before),
      after: editable(after),
    });
    return after;
  });
}

export async function deleteContract({ ctx, id }: { ctx: Ctx; id: string }) {
  await inTransaction(ctx, async (tx) => {
    const row = await getContractRow(tx, id);
    await authorize(tx, 'contracts:write', row.account_id);
    await tx.db
      .updateTable('contracts')
      .set({ renews_contract_id: null })
      .where('workspace_id', '=', tx.workspace.id)
      .where('renews_contract_id', '=', id)
      .execute();
    await tx.db
      .deleteFrom('contracts')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await refreshAccountFigures(tx, [row.account_id]);
    await accountsChanged(tx, [row.account_id], 'contract');
    const before = contractRowToContract(row, tx.workspace.baseCurrency);
    await recordAccountChange(tx, {
      accountId: row.account_id,
      entityType: 'contract',
      entityId: id,
      action: 'deleted',
      title: msg('event.contractRemoved', { contract: describe(before) }),
      before: editable(before),
    });
  });
}

export const ListContracts = z.object({
  accountId: z.string().optional(),
  status: z.enum(CONTRACT_STATUSES).optional(),
  endFrom: Day.optional(),
  endTo: Day.optional(),
  cursor: z.string().optional(),
  limit: Limit,
});
export type ListContracts = z.output<typeof ListContracts>;

/** Ordered by start date, newest first. */
export async function listContracts({ ctx, input }: { ctx: Ctx; input: ListContracts }) {
  await authorize(ctx, 'read');
  const q = input;
  let query = ctx.db
    .selectFrom('contracts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where(readableAccount(ctx, 'contracts.account_id'));
  if (q.accountId) query = query.where('account_id', '=', q.accountId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.endFrom) query = query.where('end_date', '>=', q.endFrom);
  if (q.endTo) query = query.where('end_date', '<=', q.endTo);
  if (q.cursor) {
    const [start, id] = decodeCursor(q.cursor, ['string', 'string']) as [string, string];
    query = query.where((eb) =>
      eb.or([eb('start_date', '<', start), eb.and([eb('start_date', '=', start), eb('id', '<', id)])]),
    );
  }
  const rows = await query
    .orderBy('start_date', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => contractRowToContract(r, ctx.workspace.baseCurrency)),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.start_date, last.id]) : null,
  };
}

/**
 * Each contract's successor (the first contract that renews it, by start date), for the renewals
 * pipeline's stage.
 */
export async function successorContracts(
  ctx: Ctx,
  contractIds: readonly string[],
): Promise<Map<string, { id: string; arrMinor: number }>> {
  const out = new Map<string, { id: string; arrMinor: number }>();
  for (let i = 0; i < contractIds.length; i += 500) {
    const next = await ctx.db
      .selectFrom('contracts')
      .select(['id', 'renews_contract_id', 'arr_minor', 'start_date'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('renews_contract_id', 'in', contractIds.slice(i, i + 500))
      .orderBy('start_date')
      .orderBy('id')
      .execute();
    for (const n of next) {
      if (n.renews_contract_id && !out.has(n.renews_contract_id)) {
        out.set(n.renews_contract_id, { id: n.id, arrMinor: Number(n.arr_minor) });
      }
    }
  }
  return out;
}

/** Every contract's span and ARR (minor units of the base currency), optionally of some accounts only. */
export async function loadContractSpans(
  ctx: Ctx,
  accountIds?: readonly string[],
): Promise<{ accountId: string; startDate: string; endDate: string | null; arrMinor: number }[]> {
  let q = ctx.db
    .selectFrom('contracts')
    .select(['account_id', 'start_date', 'end_date', 'arr_minor'])
    .where('workspace_id', '=', ctx.workspace.id)
    // Revenue reports read these: only the accounts the caller may read count.
    .where(readableAccount(ctx, 'contracts.account_id'));
  if (accountIds) q = q.where('account_id', 'in', accountIds.length ? accountIds : ['']);
  const rows = await q.execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    startDate: r.start_date,
    endDate: r.end_date,
    arrMinor: Number(r.arr_minor),
  }));
}

/** The daily job: every account of every workspace, in batches, in each workspace's own calendar. */
export async function refreshAllAccountFigures(
  deps: Deps,
): Promise<{ workspaces: number; accounts: number }> {
  const workspaces = await listWorkspaceRefs(deps);
  let accounts = 0;
  for (const w of workspaces) {
    const ctx = systemCtx(deps, w, 'refresh-contract-figures');
    let after = '';
    for (;;) {
      const ids = await deps.db
        .selectFrom('accounts')
        .select('id')
        .where('workspace_id', '=', w.id)
        .where('id', '>', after)
        .orderBy('id')
        .limit(1000)
        .execute();
      if (ids.length === 0) break;
      await inTransaction(ctx, (tx) =>
        refreshAccountFigures(
          tx,
          ids.map((r) => r.id),
        ),
      );
      accounts += ids.length;
      after = ids.at(-1)!.id;
    }
  }
  return { workspaces: workspaces.length, accounts };
}
