// Point-in-time training sets from stored history. Every contract whose end is far enough in the
// past to know what happened gives one sample per horizon: the account's facts as of a day at least
// that many days before the end (loadEvaluationBatch as of that day: nothing later is read) and
// the outcome. Open-ended (evergreen) contracts give a sample at each anniversary, labelled by
// whether the account was still active GRACE_DAYS after it.
import type { Ctx } from '../../context.ts';
import { addDays, daysBetween } from '../../time.ts';
import { contractsView, fromMinor, successorContracts } from '../accounts/index.ts';
import { type Facts, loadEvaluationBatch, recordMaker } from '../facts/index.ts';

import { HORIZONS, type Horizon, type OutcomeKind } from './horizons.ts';

export { HORIZONS, type Horizon, type OutcomeKind };

/** An outcome is known this many days after the term: still active then means not churned. */
export const GRACE_DAYS = 30;

/** A decision point: a contract's end (or an evergreen anniversary) with what happened. */
export type Decision = {
  accountId: string;
  contractId: string;
  startDate: string;
  endDay: string;
  outcome: OutcomeKind;
  evergreen: boolean;
};

export type Sample = Decision & { horizon: Horizon; asOf: string; churned: 0 | 1; facts: Facts };

type ContractRow = {
  id: string;
  account_id: string;
  start_date: string;
  end_date: string | null;
  arr_minor: number;
  status: string;
};

const inForce = (c: ContractRow, day: string) =>
  c.start_date <= day && (c.end_date === null || c.end_date >= day);

async function loadContractRows(ctx: Ctx): Promise<ContractRow[]> {
  return (await ctx.db
    .selectFrom(contractsView(ctx).as('c'))
    .select(['c.id', 'c.account_id', 'c.start_date', 'c.end_date', 'c.arr_minor', 'c.status'])
    .orderBy('c.account_id')
    .orderBy('c.start_date')
    .execute()) as ContractRow[];
}

/** Every decision whose outcome is known on `day` (its end + GRACE_DAYS is on or before it). */
export async function loadDecisions(ctx: Ctx, day: string, contracts?: ContractRow[]): Promise<Decision[]> {
  const rows = contracts ?? (await loadContractRows(ctx));
  const byAccount = new Map<string, ContractRow[]>();
  for (const r of rows) {
    const list = byAccount.get(r.account_id);
    if (list) list.push(r);
    else byAccount.set(r.account_id, [r]);
  }
  const known = addDays(day, -GRACE_DAYS);
  const ended = rows.filter((r) => r.end_date !== null && r.end_date <= known);
  const successors = await successorContracts(
    ctx,
    ended.map((r) => r.id),
  );
  const out: Decision[] = [];
  for (const c of ended) {
    const end = c.end_date!;
    let outcome: OutcomeKind;
    const next = successors.get(c.id);
    if (c.status === 'churned') outcome = 'churned';
    else if (c.status === 'renewed' || c.status === 'expanded' || c.status === 'downgraded')
      outcome = c.status;
    else if (next) {
      const arr = Number(c.arr_minor);
      outcome = next.arrMinor > arr ? 'expanded' : next.arrMinor < arr ? 'downgraded' : 'renewed';
    } else {
      // No renewal record: the account still has a contract in force after the grace period, or not.
      const after = addDays(end, GRACE_DAYS);
      outcome = byAccount.get(c.account_id)!.some((o) => o.id !== c.id && inForce(o, after))
        ? 'still_active'
        : 'churned';
    }
    out.push({
      accountId: c.account_id,
      contractId: c.id,
      startDate: c.start_date,
      endDay: end,
      outcome,
      evergreen: false,
    });
  }
  for (const c of rows) {
    if (c.end_date !== null || c.status === 'churned') continue;
    // Evergreen: each anniversary is a term end; the contract is still in force after it.
    for (let k = 1; ; k++) {
      const anniversary = addDays(c.start_date, 365 * k);
      if (anniversary > known) break;
      out.push({
        accountId: c.account_id,
        contractId: c.id,
        startDate: c.start_date,
        endDay: anniversary,
        outcome: 'still_active',
        evergreen: true,
      });
    }
  }
  return out;
}

/**
 * The as-of day of a sample: on the weekly grid that ends on `day` (the days a weekly backfill
 * stores), at least `horizon` days before the end. Snapping only ever moves it earlier.
 */
export function asOfDay(day: string, end: string, horizon: number): string {
  const target = addDays(end, -horizon);
  const back = daysBetween(target, day);
  return addDays(day, -Math.ceil(back / 7) * 7);
}

/**
 * The training samples known on `day`, with facts as of each sample's day. Samples before `from`
 * (the start of stored history) or before their contract started are left out. With `keys`, a
 * sample keeps only those facts (and `arr`): 400,000 samples of every fact do not fit in memory.
 */
export async function buildTrainingSet(
  ctx: Ctx,
  options: { day: string; from: string; horizons?: readonly Horizon[]; keys?: readonly string[] },
): Promise<Sample[]> {
  const contracts = await loadContractRows(ctx);
  const decisions = await loadDecisions(ctx, options.day, contracts);
  const byAccount = new Map<string, ContractRow[]>();
  for (const c of contracts) byAccount.set(c.account_id, [...(byAccount.get(c.account_id) ?? []), c]);
  const minorPerUnit = Math.round(1 / fromMinor(1, ctx.workspace.baseCurrency));
  // The account facts' `arr` leaves out a contract marked churned even on days before the mark
  // was made (contracts keep no date for their status), which would tell the model the outcome:
  // a sample's ARR is every contract whose term covers its day, whatever its status now.
  const arrAsOf = (accountId: string, asOf: string) =>
    (byAccount.get(accountId) ?? []).reduce((s, c) => s + (inForce(c, asOf) ? Number(c.arr_minor) : 0), 0) /
    minorPerUnit;
  const pending = new Map<string, { decision: Decision; horizon: Horizon }[]>();
  for (const d of decisions) {
    for (const horizon of options.horizons ?? HORIZONS) {
      const asOf = asOfDay(options.day, d.endDay, horizon);
      if (asOf < options.from || asOf < d.startDate) continue;
      const list = pending.get(asOf);
      if (list) list.push({ decision: d, horizon });
      else pending.set(asOf, [{ decision: d, horizon }]);
    }
  }
  const samples: Sample[] = [];
  // Kept facts share one layout: a record given a hundred keys one by one falls into dictionary
  // mode, 6.8 KB a sample instead of 1.4 KB (100 keys; see recordMaker).
  const keep = options.keys ? recordMaker([...new Set([...options.keys, 'arr'])]) : null;
  for (const asOf of [...pending.keys()].sort()) {
    const items = pending.get(asOf)!;
    const ids = [...new Set(items.map((i) => i.decision.accountId))];
    const batch = await loadEvaluationBatch(ctx, asOf, [], { accountIds: ids, only: options.keys });
    for (const { decision, horizon } of items) {
      const facts = batch.facts.get(decision.accountId);
      if (!facts) continue; // the account did not exist yet on that day
      const kept: Facts = keep ? keep() : { ...facts };
      if (options.keys) for (const k of options.keys) kept[k] = facts[k];
      kept.arr = arrAsOf(decision.accountId, asOf);
      samples.push({
        ...decision,
        horizon,
        asOf,
        churned: decision.outcome === 'churned' ? 1 : 0,
        facts: kept,
      });
    }
  }
  return samples;
}
