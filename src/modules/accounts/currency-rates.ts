import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { AppError, conflict, invalid, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { Day } from './accounts.schemas.ts';
import type { CurrencyRatesTable } from './accounts.table.ts';
import { type BillingPeriod, isCurrency } from './contract-math.ts';
import { loadRates, priceContract, refreshAccountFigures } from './contracts.ts';

export const CurrencyRate = z.object({
  id: z.string(),
  currency: z.string(),
  baseCurrency: z.string(),
  /** Units of base currency per one unit of `currency`. */
  rate: z.number(),
  effectiveDate: z.string(),
  updatedAt: z.string(),
});
export type CurrencyRate = z.infer<typeof CurrencyRate>;

const rowToRate = (r: CurrencyRatesTable, baseCurrency: string): CurrencyRate => ({
  id: r.id,
  currency: r.currency,
  baseCurrency,
  rate: Number(r.rate),
  effectiveDate: r.effective_date,
  updatedAt: r.updated_at,
});

export const SetCurrencyRate = z.object({
  currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code such as USD'),
  rate: z.number().positive().max(1e9),
  effectiveDate: Day,
});
export type SetCurrencyRate = z.infer<typeof SetCurrencyRate>;

export async function listCurrencyRates({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  const rows = await ctx.db
    .selectFrom('currency_rates')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('currency')
    .orderBy('effective_date', 'desc')
    .execute();
  return { items: rows.map((r) => rowToRate(r, ctx.workspace.baseCurrency)), nextCursor: null };
}

/**
 * Adds a rate, or replaces the one for the same currency and effective date, then reprices every
 * contract in that currency and refreshes the accounts whose figures change, in one transaction.
 */
export async function setCurrencyRate({ ctx, input }: { ctx: Ctx; input: SetCurrencyRate }) {
  await authorize(ctx, 'settings:write');
  const data = SetCurrencyRate.parse(input);
  if (data.currency === ctx.workspace.baseCurrency) {
    throw invalid(msg('accounts.error.baseCurrency'), {
      issues: [{ path: 'currency', message: msg('accounts.error.isBaseCurrency') }],
    });
  }
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const existing = await tx.db
      .selectFrom('currency_rates')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('currency', '=', data.currency)
      .where('effective_date', '=', data.effectiveDate)
      .executeTakeFirst();
    let row: CurrencyRatesTable;
    if (existing) {
      row = await tx.db
        .updateTable('currency_rates')
        .set({ rate: data.rate, updated_at: now })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } else {
      row = {
        id: newId(),
        workspace_id: tx.workspace.id,
        currency: data.currency,
        rate: data.rate,
        effective_date: data.effectiveDate,
        created_at: now,
        updated_at: now,
      };
      await tx.db.insertInto('currency_rates').values(row).execute();
    }
    const repriced = await repriceCurrency(tx, data.currency);
    const rate = rowToRate(row, tx.workspace.baseCurrency);
    await writeAudit(tx, {
      action: existing ? 'currency_rate.updated' : 'currency_rate.created',
      entityType: 'currency_rate',
      entityId: row.id,
      before: existing ? rowToRate(existing, tx.workspace.baseCurrency) : undefined,
      after: { ...rate, repricedContracts: repriced },
    });
    return { ...rate, repricedContracts: repriced };
  });
}

export async function deleteCurrencyRate({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom('currency_rates')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('Currency rate', id);
    await tx.db.deleteFrom('currency_rates').where('id', '=', id).execute();
    try {
      await repriceCurrency(tx, row.currency);
    } catch (error) {
      // Contracts in this currency would be left with no rate at all: refuse (the delete rolls back).
      if (error instanceof AppError && error.code === 'validation_failed') {
        throw conflict(msg('accounts.error.rateNeeded', { currency: row.currency }));
      }
      throw error;
    }
    await writeAudit(tx, {
      action: 'currency_rate.deleted',
      entityType: 'currency_rate',
      entityId: id,
      before: rowToRate(row, tx.workspace.baseCurrency),
    });
  });
}

/** Reprices the contracts in `currency` whose figures change; returns how many changed. */
async function repriceCurrency(ctx: Ctx, currency: string): Promise<number> {
  const rates = await loadRates(ctx, [currency]);
  const contracts = await ctx.db
    .selectFrom('contracts')
    .select([
      'id',
      'account_id',
      'amount_minor',
      'currency',
      'billing_period',
      'start_date',
      'fx_rate',
      'arr_minor',
    ])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('currency', '=', currency)
    .execute();
  const touched = new Set<string>();
  let changed = 0;
  for (const c of contracts) {
    const priced = priceContract(
      {
        amountMinor: Number(c.amount_minor),
        currency: c.currency,
        billingPeriod: c.billing_period as BillingPeriod,
        startDate: c.start_date,
      },
      rates,
      ctx.workspace.baseCurrency,
    );
    if (priced.fxRate === Number(c.fx_rate) && priced.arrMinor === Number(c.arr_minor)) continue;
    await ctx.db
      .updateTable('contracts')
      .set({
        fx_rate: priced.fxRate,
        arr_minor: priced.arrMinor,
        mrr_minor: priced.mrrMinor,
        updated_at: nowIso(ctx),
      })
      .where('id', '=', c.id)
      .execute();
    touched.add(c.account_id);
    changed++;
  }
  await refreshAccountFigures(ctx, [...touched]);
  return changed;
}
