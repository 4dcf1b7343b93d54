import { sql } from 'kysely';
import { type Ctx, inTransaction } from '../../context.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import { addDays, daysBetween, nowIso, today } from '../../time.ts';
import {
  contractsView,
  createContract,
  fromMinor,
  getContract,
  loadRates,
  readableAccountsView,
  successorContracts,
  toMinor,
  updateContract,
} from '../accounts/index.ts';
import { authorize, userNames, userRefs, writeAudit } from '../auth/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import { listParam, valueParam, writeTimeline } from '../timeline/index.ts';
import {
  ListRenewals,
  RecordOutcome,
  type Renewal,
  type RenewalFilters,
  UpdateRenewal,
  WindowQuery,
} from './renewals.schemas.ts';
import type { RenewalsTable } from './renewals.table.ts';
import {
  type ChurnReason,
  defaultCategory,
  defaultProbability,
  type ForecastCategory,
  type Outcome,
  outcomeOf,
  type RenewalStage,
  toBaseMinor,
} from './revenue.ts';

/** Open renewals stay in the pipeline this long after their end date (overdue), then drop out. */
export const OVERDUE_DAYS = 90;
export const WINDOW_DAYS = 90;

export type Loaded = { renewal: Renewal; arrMinor: number; expectedMinor: number; weightedMinor: number };

/**
 * Every contract ending between `from` and `to`, as a renewal: its stored record if someone worked
 * on it, else defaults (stage from the contract and any successor, probability from health).
 */
export async function loadRenewals(
  ctx: Ctx,
  range: {
    from: string;
    to: string;
    contractId?: string;
    accountIds?: readonly string[];
    /** Only the renewals this user owns (the renewal's owner, else the account's). */
    ownerId?: string;
  },
): Promise<Loaded[]> {
  const ws = ctx.workspace.id;
  let q = ctx.db
    .selectFrom(contractsView(ctx).as('c'))
    .innerJoin(readableAccountsView(ctx).as('a'), (j) => j.onRef('a.id', '=', 'c.account_id'))
    .leftJoin('renewals as r', (j) => j.onRef('r.contract_id', '=', 'c.id').on('r.workspace_id', '=', ws))
    .select([
      'c.id as contract_id',
      'c.account_id',
      'c.start_date',
      'c.end_date',
      'c.arr_minor',
      'c.status',
      'a.name as account_name',
      'a.owner_id as account_owner',
      'r.stage as r_stage',
      'r.probability',
      'r.probability_reason',
      'r.forecast_category',
      'r.forecast_reason',
      'r.expected_arr_minor',
      'r.owner_id as r_owner',
      'r.outcome',
      'r.next_contract_id',
      'r.churn_reason',
      'r.churn_note',
      'r.closed_on',
      'r.notes',
      'r.updated_at',
    ])
    .where('c.end_date', 'is not', null);
  if (range.contractId) q = q.where('c.id', '=', range.contractId);
  else q = q.where('c.end_date', '>=', range.from).where('c.end_date', '<=', range.to);
  if (range.accountIds) q = q.where('c.account_id', 'in', range.accountIds.length ? range.accountIds : ['']);
  // In the query, not after it: a CSM's 90-day window over 20,000 accounts loaded (states, churn
  // risks, successors) every account's renewals to keep their own few, 0.7-1.0 s.
  if (range.ownerId) q = q.where(sql`coalesce(r.owner_id, a.owner_id)`, '=', range.ownerId);
  const rows = await q.orderBy('c.end_date').orderBy('c.id').execute();
  const states = await loadCurrentStates(ctx, [...new Set(rows.map((r) => r.account_id))]);
  const ids = rows.map((r) => r.contract_id);
  const successors = await successorContracts(ctx, ids);
  const ownerIds = [
    ...new Set(rows.flatMap((r) => [r.r_owner ?? r.account_owner].filter((x): x is string => !!x))),
  ];
  const names = await userNames(ctx, ownerIds);
  const base = ctx.workspace.baseCurrency;
  // fromMinor builds an Intl formatter per call: once per report, not per row.
  const divisor = Math.round(1 / fromMinor(1, base));
  const money = (minor: number) => minor / divisor;
  const day = today(ctx);
  return rows.map((r): Loaded => {
    const arrMinor = Number(r.arr_minor);
    const next = successors.get(r.contract_id);
    let stage: RenewalStage;
    if (r.outcome) stage = r.outcome as Outcome;
    else if (next) stage = outcomeOf(arrMinor, next.arrMinor);
    else if (['renewed', 'expanded', 'downgraded', 'churned'].includes(r.status))
      stage = r.status as RenewalStage;
    else stage = (r.r_stage as RenewalStage | null) ?? 'not_started';
    const closed = !['not_started', 'in_negotiation', 'committed'].includes(stage);
    const state = states.get(r.account_id);
    const health = state?.healthStatus ?? null;
    let probability: number;
    let probabilitySource: Renewal['probabilitySource'];
    if (closed) {
      probability = defaultProbability(stage, health);
      probabilitySource = 'outcome';
    } else if (r.probability !== null && r.probability !== undefined) {
      probability = Number(r.probability);
      probabilitySource = 'manual';
    } else if (stage !== 'committed' && typeof state?.churnRisk === 'number') {
      // The churn model's probability where it is published (the recompute keeps it with the
      // state, fresh within a minute of a change): renewing = not churning by the horizon.
      probability = Math.round((1 - state.churnRisk) * 1000) / 1000;
      probabilitySource = 'model';
    } else {
      probability = defaultProbability(stage, health);
      probabilitySource = stage === 'committed' ? 'stage' : 'health';
    }
    const category: ForecastCategory =
      !closed && r.forecast_category
        ? (r.forecast_category as ForecastCategory)
        : defaultCategory(stage, probability);
    const expectedMinor = closed
      ? stage === 'churned'
        ? 0
        : (next?.arrMinor ?? arrMinor)
      : r.expected_arr_minor !== null && r.expected_arr_minor !== undefined
        ? Number(r.expected_arr_minor)
        : arrMinor;
    const weightedMinor = Math.round(expectedMinor * probability);
    const ownerId = r.r_owner ?? r.account_owner ?? null;
    const days = daysBetween(day, r.end_date!);
    return {
      arrMinor,
      expectedMinor,
      weightedMinor,
      renewal: {
        contractId: r.contract_id,
        accountId: r.account_id,
        accountName: r.account_name,
        startDate: r.start_date,
        endDate: r.end_date!,
        daysToRenewal: days,
        inWindow: days <= WINDOW_DAYS && (days >= 0 || !closed),
        arr: money(arrMinor),
        currency: base,
        stage,
        closed,
        probability,
        probabilitySource,
        probabilityReason: probabilitySource === 'manual' ? (r.probability_reason ?? null) : null,
        forecastCategory: category,
        forecastReason: !closed && r.forecast_category ? (r.forecast_reason ?? null) : null,
        expectedArr: money(expectedMinor),
        weightedArr: money(weightedMinor),
        ownerId,
        ownerName: ownerId ? (names.get(ownerId) ?? null) : null,
        healthStatus: health,
        healthScore: state?.healthScore ?? null,
        tier: state?.tier ?? null,
        nextContractId: r.next_contract_id ?? next?.id ?? null,
        churnReason: (r.churn_reason as ChurnReason | null) ?? null,
        churnNote: r.churn_note ?? null,
        closedOn: r.closed_on ?? null,
        notes: r.notes ?? null,
        updatedAt: r.updated_at ?? null,
      },
    };
  });
}

/**
 * The renewals ending from `from` to `to` that pass the list's filters, shared by the list, the
 * window and the monthly chart so a chart above a table always adds up the table's rows. The owner
 * is filtered in the query, the rest on the loaded rows. Closed renewals whose end date has passed
 * drop out.
 */
export async function loadFilteredRenewals(
  ctx: Ctx,
  range: { from: string; to: string },
  f: RenewalFilters,
  day: string,
): Promise<Loaded[]> {
  const loaded = await loadRenewals(ctx, { ...range, ownerId: f.ownerId });
  return loaded.filter(({ renewal: r }) => {
    if (r.endDate < day && r.closed) return false;
    if (f.status === 'open' && r.closed) return false;
    if (f.stage && !f.stage.includes(r.stage)) return false;
    if (f.risk && !f.risk.includes(r.healthStatus ?? 'none')) return false;
    if (f.forecastCategory && !f.forecastCategory.includes(r.forecastCategory)) return false;
    return true;
  });
}

/** The pipeline: contracts ending in the next N months, and open ones up to 90 days overdue. */
export async function listRenewals({ ctx, input }: { ctx: Ctx; input: ListRenewals }) {
  await authorize(ctx, 'read');
  const q = ListRenewals.parse(input);
  const day = today(ctx);
  const to = addDays(day, Math.round(q.months * 30.44));
  let items = (await loadFilteredRenewals(ctx, { from: addDays(day, -OVERDUE_DAYS), to }, q, day)).map(
    (l) => l.renewal,
  );
  if (q.cursor) {
    const [end, id] = decodeCursor(q.cursor, ['string', 'string']) as [string, string];
    items = items.filter((r) => r.endDate > end || (r.endDate === end && r.contractId > id));
  }
  const page = items.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: items.length > q.limit && last ? encodeCursor([last.endDate, last.contractId]) : null,
  };
}

/** The renewal window view: everything ending in the next `days` (default 90) or overdue and open, with totals. */
export async function getRenewalWindow({ ctx, input }: { ctx: Ctx; input: WindowQuery }) {
  await authorize(ctx, 'read');
  const q = WindowQuery.parse(input);
  const day = today(ctx);
  const loaded = await loadFilteredRenewals(
    ctx,
    { from: addDays(day, -OVERDUE_DAYS), to: addDays(day, q.days) },
    q,
    day,
  );
  const base = ctx.workspace.baseCurrency;
  const money = (minor: number) => fromMinor(minor, base);
  const group = <K extends string>(key: (l: Loaded) => K) => {
    const out = new Map<K, { contracts: number; arr: number; weighted: number }>();
    for (const l of loaded) {
      const g = out.get(key(l)) ?? { contracts: 0, arr: 0, weighted: 0 };
      g.contracts++;
      g.arr += l.arrMinor;
      g.weighted += l.weightedMinor;
      out.set(key(l), g);
    }
    return [...out].sort(([a], [b]) => (a < b ? -1 : 1));
  };
  return {
    day,
    days: q.days,
    totals: {
      contracts: loaded.length,
      accounts: new Set(loaded.map((l) => l.renewal.accountId)).size,
      arr: money(loaded.reduce((s, l) => s + l.arrMinor, 0)),
      expectedArr: money(loaded.reduce((s, l) => s + l.expectedMinor, 0)),
      weightedArr: money(loaded.reduce((s, l) => s + l.weightedMinor, 0)),
    },
    byStage: group((l) => l.renewal.stage).map(([stage, g]) => ({
      stage,
      contracts: g.contracts,
      arr: money(g.arr),
    })),
    byRisk: group((l) => l.renewal.healthStatus ?? 'none').map(([risk, g]) => ({
      risk,
      contracts: g.contracts,
      arr: money(g.arr),
      weightedArr: money(g.weighted),
    })),
    byForecast: group((l) => l.renewal.forecastCategory).map(([category, g]) => ({
      category,
      contracts: g.contracts,
      arr: money(g.arr),
    })),
    items: loaded.slice(0, q.limit).map((l) => l.renewal),
  };
}

async function getLoaded(ctx: Ctx, contractId: string): Promise<Loaded> {
  const [found] = await loadRenewals(ctx, { from: '', to: '', contractId });
  if (!found) throw notFound('Renewal for contract', contractId);
  return found;
}

export async function getRenewal({ ctx, id }: { ctx: Ctx; id: string }): Promise<Renewal> {
  await authorize(ctx, 'read');
  return (await getLoaded(ctx, id)).renewal;
}

async function upsertRow(ctx: Ctx, contractId: string, accountId: string, set: Partial<RenewalsTable>) {
  const now = nowIso(ctx);
  const existing = await ctx.db
    .selectFrom('renewals')
    .select('id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('contract_id', '=', contractId)
    .executeTakeFirst();
  if (existing) {
    await ctx.db
      .updateTable('renewals')
      .set({ ...set, updated_at: now })
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', existing.id)
      .execute();
    return;
  }
  await ctx.db
    .insertInto('renewals')
    .values({
      id: newId(),
      workspace_id: ctx.workspace.id,
      contract_id: contractId,
      account_id: accountId,
      stage: 'not_started',
      probability: null,
      probability_reason: null,
      forecast_category: null,
      forecast_reason: null,
      expected_arr_minor: null,
      owner_id: null,
      outcome: null,
      next_contract_id: null,
      churn_reason: null,
      churn_note: null,
      closed_on: null,
      notes: null,
      created_at: now,
      updated_at: now,
      ...set,
    })
    .execute();
}

const tracked = (r: Renewal) => ({
  stage: r.stage,
  probability: r.probability,
  probabilitySource: r.probabilitySource,
  forecastCategory: r.forecastCategory,
  expectedArr: r.expectedArr,
  ownerId: r.ownerId,
  notes: r.notes,
});

function changesOf(before: Record<string, unknown>, after: Record<string, unknown>) {
  const out: Record<string, [unknown, unknown]> = {};
  for (const k of Object.keys(after))
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = [before[k], after[k]];
  return out;
}

/**
 * Works an open renewal: stage, probability or forecast category (each with a reason), expected
 * ARR (converted from another currency at today's rate), owner, notes. `null` returns a field to
 * its default. A CSM may do this on their own accounts.
 */
export async function updateRenewal({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateRenewal }) {
  const data = UpdateRenewal.parse(input);
  return inTransaction(ctx, async (tx) => {
    const before = await getLoaded(tx, id);
    await authorize(tx, 'renewals:write', before.renewal.accountId);
    if (before.renewal.closed) {
      throw conflict(msg('renewals.error.closed', { id }));
    }
    const set: Partial<RenewalsTable> = {};
    if (data.stage) set.stage = data.stage;
    if (data.probability !== undefined) {
      set.probability = data.probability;
      set.probability_reason = data.probability === null ? null : (data.probabilityReason ?? null);
    }
    if (data.forecastCategory !== undefined) {
      set.forecast_category = data.forecastCategory;
      set.forecast_reason = data.forecastCategory === null ? null : (data.forecastReason ?? null);
    }
    if (data.expectedArr !== undefined) {
      if (data.expectedArr === null) set.expected_arr_minor = null;
      else {
        const base = tx.workspace.baseCurrency;
        const currency = data.expectedCurrency ?? base;
        const minor = toBaseMinor(
          data.expectedArr,
          currency,
          base,
          await loadRates(tx, [currency]),
          today(tx),
        );
        if (minor === undefined) {
          throw invalid(msg('renewals.error.noRate', { from: currency, to: base }), {
            issues: [{ path: 'expectedCurrency', message: msg('accounts.error.noRateIssue', { currency }) }],
          });
        }
        set.expected_arr_minor = minor;
      }
    }
    if (data.ownerId !== undefined) {
      if (data.ownerId !== null) {
        const user = (await userRefs(tx, [data.ownerId])).get(data.ownerId);
        if (!user?.active)
          throw invalid(msg('renewals.error.noActiveUser', { id: data.ownerId }), {
            issues: [{ path: 'ownerId', message: msg('renewals.error.noSuchActiveUser') }],
          });
      }
      set.owner_id = data.ownerId;
    }
    if (data.notes !== undefined) set.notes = data.notes;
    await upsertRow(tx, id, before.renewal.accountId, set);
    const after = await getLoaded(tx, id);
    const changes = changesOf(tracked(before.renewal), tracked(after.renewal));
    if (Object.keys(changes).length) {
      const reason = data.probabilityReason ?? data.forecastReason;
      await writeTimeline(tx, {
        accountId: after.renewal.accountId,
        type: 'renewal.updated',
        title: msg('event.renewalUpdated', {
          date: { date: after.renewal.endDate },
          fields: listParam('renewalField', Object.keys(changes)),
        }),
        // The reason is a person's words, in their language: the body, as a note's would be.
        body: reason ?? null,
        entityType: 'contract',
        entityId: id,
        data: { changes, ...(reason ? { reason } : {}) },
      });
      await writeAudit(tx, {
        action: 'renewal.updated',
        entityType: 'contract',
        entityId: id,
        before: tracked(before.renewal),
        after: { ...tracked(after.renewal), reason },
      });
    }
    return after.renewal;
  });
}

const termDays = (start: string, end: string) => daysBetween(start, end);

/**
 * Closes a renewal. Renewed, expanded or downgraded: creates the next contract (linked to this one
 * through renewsContractId) and marks this one with the outcome. Churned: marks the contract
 * churned with a reason code. The contract changes go through the accounts module (timeline,
 * audit, the account's ARR); a CSM may record outcomes for their own accounts, so those writes run
 * as the renewals module on the CSM's behalf.
 */
export async function recordOutcome({ ctx, id, input }: { ctx: Ctx; id: string; input: RecordOutcome }) {
  const data = RecordOutcome.parse(input);
  return inTransaction(ctx, async (tx) => {
    const before = await getLoaded(tx, id);
    const r = before.renewal;
    await authorize(tx, 'renewals:write', r.accountId);
    if (r.closed) throw conflict(msg('renewals.error.alreadyClosed', { id }));
    const contract = await getContract({ ctx: tx, id });
    const who = tx.actor.kind === 'user' ? tx.actor.userId : tx.actor.name;
    const asModule: Ctx = { ...tx, actor: { kind: 'system', name: `renewals (for ${who})` } };
    let nextId: string | null = null;
    if (data.outcome !== 'churned') {
      const startDate = data.startDate ?? addDays(r.endDate, 1);
      const endDate = data.endDate ?? addDays(startDate, termDays(contract.startDate, r.endDate));
      const next = await createContract({
        ctx: asModule,
        input: {
          accountId: r.accountId,
          startDate,
          endDate,
          amount: data.amount ?? contract.amount,
          currency: data.currency ?? contract.currency,
          billingPeriod: data.billingPeriod ?? contract.billingPeriod,
          // The link says what it renews (the contracts tab shows it in the reader's language);
          // notes stay the people's own.
          renewsContractId: id,
        },
      });
      const nextMinor = toMinor(next.arr, tx.workspace.baseCurrency);
      if (data.outcome === 'expanded' && nextMinor <= before.arrMinor) {
        throw invalid(msg('renewals.error.expansionNeedsMore'), {
          issues: [
            { path: 'amount', message: msg('renewals.error.notAbove', { next: next.arr, previous: r.arr }) },
          ],
        });
      }
      if (data.outcome === 'downgraded' && nextMinor >= before.arrMinor) {
        throw invalid(msg('renewals.error.downgradeNeedsLess'), {
          issues: [
            { path: 'amount', message: msg('renewals.error.notBelow', { next: next.arr, previous: r.arr }) },
          ],
        });
      }
      nextId = next.id;
    }
    await updateContract({ ctx: asModule, id, input: { status: data.outcome } });
    const closedOn = data.closedOn ?? today(tx);
    await upsertRow(tx, id, r.accountId, {
      stage: data.outcome,
      outcome: data.outcome,
      next_contract_id: nextId,
      churn_reason: data.outcome === 'churned' ? (data.churnReason ?? null) : null,
      churn_note: data.outcome === 'churned' ? (data.churnNote ?? null) : null,
      closed_on: closedOn,
    });
    const after = await getLoaded(tx, id);
    const delta = after.expectedMinor - before.arrMinor;
    await writeTimeline(tx, {
      accountId: r.accountId,
      type: 'renewal.closed',
      title:
        data.outcome === 'churned'
          ? msg('event.renewalChurned', {
              date: { date: r.endDate },
              reason: valueParam('churnReason', data.churnReason),
            })
          : msg('event.renewalClosed', {
              date: { date: r.endDate },
              outcome: valueParam('renewalOutcome', data.outcome),
              from: { money: r.arr, currency: tx.workspace.baseCurrency },
              to: { money: after.renewal.expectedArr, currency: tx.workspace.baseCurrency },
            }),
      body: data.churnNote ?? null,
      entityType: 'contract',
      entityId: id,
      data: {
        outcome: data.outcome,
        nextContractId: nextId,
        churnReason: data.churnReason ?? null,
        arrChange: fromMinor(delta, tx.workspace.baseCurrency),
      },
    });
    await writeAudit(tx, {
      action: 'renewal.closed',
      entityType: 'contract',
      entityId: id,
      before: tracked(r),
      after: { ...tracked(after.renewal), nextContractId: nextId, churnReason: data.churnReason ?? null },
    });
    return after.renewal;
  });
}
