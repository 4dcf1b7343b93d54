// Revenue arithmetic: ARR on a day from contracts, retention (GRR/NRR), movement, renewal
// defaults. Pure, no database, unit-tested in revenue.test.ts. Amounts are base-currency minor
// units (contracts store their ARR converted at the rate of their start date).
import { pickRate, type RateRow, toMinor } from '../accounts/index.ts';

export type ContractSpan = {
  accountId: string;
  startDate: string;
  endDate: string | null;
  arrMinor: number;
};

/**
 * Each account's ARR at the end of `day`: the contracts whose term covers the day. A churned
 * contract counts for its term (the customer paid for it); the churn shows when it ends without
 * a successor. (The account's stored `arr` drops at once when a contract is marked churned: that
 * is "what we can still count on", this is "what was in force".)
 */
export function arrAt(contracts: readonly ContractSpan[], day: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of contracts) {
    if (c.startDate <= day && (c.endDate === null || c.endDate >= day)) {
      out.set(c.accountId, (out.get(c.accountId) ?? 0) + c.arrMinor);
    }
  }
  return out;
}

export type Retention = {
  accounts: number;
  startArr: number;
  endArr: number;
  expansion: number;
  contraction: number;
  churn: number;
  /** Gross revenue retention: (start - contraction - churn) / start; never above 1. */
  grr: number | null;
  /** Net revenue retention: (start + expansion - contraction - churn) / start. */
  nrr: number | null;
};

/**
 * Retention of the accounts that had ARR at the start (optionally only `cohort` of them): new
 * accounts during the period are not in it, by definition.
 */
export function retention(
  start: ReadonlyMap<string, number>,
  end: ReadonlyMap<string, number>,
  cohort?: (accountId: string) => boolean,
): Retention {
  let accounts = 0;
  let startArr = 0;
  let endArr = 0;
  let expansion = 0;
  let contraction = 0;
  let churn = 0;
  for (const [id, s] of start) {
    if (s <= 0 || (cohort && !cohort(id))) continue;
    const e = end.get(id) ?? 0;
    accounts++;
    startArr += s;
    endArr += e;
    if (e === 0) churn += s;
    else if (e > s) expansion += e - s;
    else contraction += s - e;
  }
  const ratio = (x: number) => (startArr > 0 ? Math.round((x / startArr) * 10_000) / 10_000 : null);
  return {
    accounts,
    startArr,
    endArr,
    expansion,
    contraction,
    churn,
    grr: ratio(startArr - contraction - churn),
    nrr: ratio(startArr + expansion - contraction - churn),
  };
}

export type Movement = {
  startArr: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  endArr: number;
};

/** ARR movement between two snapshots: new (from nothing), expansion, contraction, churn (to nothing). */
export function movement(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Movement {
  const m: Movement = { startArr: 0, new: 0, expansion: 0, contraction: 0, churn: 0, endArr: 0 };
  for (const v of before.values()) m.startArr += v;
  for (const v of after.values()) m.endArr += v;
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(id) ?? 0;
    const a = after.get(id) ?? 0;
    if (b === 0 && a > 0) m.new += a;
    else if (b > 0 && a === 0) m.churn += b;
    else if (a > b) m.expansion += a - b;
    else m.contraction += b - a;
  }
  return m;
}

/** Last day of the month of `day` ('2026-02-10' -> '2026-02-28'). */
export function monthEnd(month: string): string {
  const [y, m] = month.slice(0, 7).split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** 'YYYY-MM' plus n months. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.slice(0, 7).split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

export const PERIODS = ['month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];

/** The period containing `day`: its label and first and last day. */
export function periodOf(day: string, period: Period): { label: string; first: string; last: string } {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7));
  if (period === 'month')
    return { label: day.slice(0, 7), first: `${day.slice(0, 7)}-01`, last: monthEnd(day) };
  if (period === 'quarter') {
    const q = Math.floor((m - 1) / 3);
    const first = `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`;
    return { label: `${y}-Q${q + 1}`, first, last: monthEnd(addMonths(first, 2)) };
  }
  return { label: String(y), first: `${y}-01-01`, last: `${y}-12-31` };
}

export const RENEWAL_STAGES = [
  'not_started',
  'in_negotiation',
  'committed',
  'renewed',
  'churned',
  'downgraded',
  'expanded',
] as const;
export type RenewalStage = (typeof RENEWAL_STAGES)[number];
export const OPEN_STAGES = ['not_started', 'in_negotiation', 'committed'] as const;
export const OUTCOMES = ['renewed', 'expanded', 'downgraded', 'churned'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const FORECAST_CATEGORIES = ['commit', 'probable', 'at_risk', 'closed_won', 'closed_lost'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

/** Churn reason codes (a closed set, so reports can group them); `other` takes a note. */
export const CHURN_REASONS = [
  'price',
  'budget_cut',
  'competitor',
  'product_fit',
  'missing_feature',
  'poor_adoption',
  'support_experience',
  'champion_left',
  'acquired_or_merged',
  'business_closed',
  'other',
] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];

/**
 * Default renewal probability from the account's health status (seed 004: health predicts
 * renewal): excellent 0.9, fair 0.7, danger 0.35, no score yet 0.6. A committed renewal is 0.95;
 * closed ones are 1 (renewed, expanded, downgraded) or 0 (churned).
 */
export function defaultProbability(stage: RenewalStage, healthStatus: string | null): number {
  if (stage === 'churned') return 0;
  if (stage === 'renewed' || stage === 'expanded' || stage === 'downgraded') return 1;
  if (stage === 'committed') return 0.95;
  switch (healthStatus) {
    case 'excellent':
      return 0.9;
    case 'fair':
      return 0.7;
    case 'danger':
      return 0.35;
    default:
      return 0.6;
  }
}

export function defaultCategory(stage: RenewalStage, probability: number): ForecastCategory {
  if (stage === 'churned') return 'closed_lost';
  if (stage === 'renewed' || stage === 'expanded' || stage === 'downgraded') return 'closed_won';
  if (stage === 'committed' || probability >= 0.9) return 'commit';
  return probability >= 0.6 ? 'probable' : 'at_risk';
}

/**
 * The outcome a successor contract shows: more ARR is an expansion, less a downgrade, the same a
 * renewal.
 */
export function outcomeOf(previousArrMinor: number, nextArrMinor: number): Outcome {
  if (nextArrMinor > previousArrMinor) return 'expanded';
  if (nextArrMinor < previousArrMinor) return 'downgraded';
  return 'renewed';
}

/** An amount in another currency -> base-currency minor units, at the rate effective on `day`. */
export function toBaseMinor(
  amount: number,
  currency: string,
  baseCurrency: string,
  rates: readonly RateRow[],
  day: string,
): number | undefined {
  const rate = pickRate(rates, currency, baseCurrency, day);
  return rate === undefined ? undefined : toMinor(amount * rate, baseCurrency);
}
