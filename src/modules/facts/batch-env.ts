// What a condition needs beyond one account's record, answered from a batch of accounts: its
// percentile rank among all of them or among its tier, and its facts N days ago (`changed by`).
// Pure: the evaluation batch (evaluation-batch.ts) loads, this answers.

import type { Condition, Within } from './condition.ts';
import type { ConditionEnv } from './condition-eval.ts';
import { percentileRanks } from './percentile.ts';
import type { Facts } from './provider.ts';

/** An account's numeric fact as it was `days` before the day being evaluated (undefined: unknown). */
export type History = (accountId: string, key: string, days: number) => number | null | undefined;

/** For each look-back in days, the facts some condition compares with that many days earlier. */
export type Lookbacks = ReadonlyMap<number, ReadonlySet<string>>;

/**
 * How far before the look-back day the nearest stored snapshot may be (history kept weekly, or a
 * missed recompute, leaves gaps): a 7-day look-back takes a snapshot up to 3 days older, a 30-day
 * one up to 7, anything longer (90 days) up to 14. Never a snapshot after the day: that would mix
 * in what happened since. The catalogue states these beside the health facts.
 */
export function lookbackToleranceDays(days: number): number {
  if (days <= 7) return 3;
  if (days <= 30) return 7;
  return 14;
}

/** The `changed by` comparisons in conditions: for each look-back in days, the facts it reads. */
export function changedByLookbacks(
  conditions: Iterable<Condition | null | undefined>,
): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  const walk = (c: Condition): void => {
    if ('and' in c) c.and.forEach(walk);
    else if ('or' in c) c.or.forEach(walk);
    else if ('not' in c) walk(c.not);
    else if ('op' in c && c.op === 'changed by') {
      const keys = out.get(c.days) ?? new Set<string>();
      keys.add(c.fact);
      out.set(c.days, keys);
    }
  };
  for (const c of conditions) if (c) walk(c);
  return out;
}

/** Look-backs of several sources in one map (a fact asked twice for one look-back is loaded once). */
export function mergeLookbacks(...all: (Lookbacks | undefined)[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const lookbacks of all) {
    for (const [days, keys] of lookbacks ?? []) {
      const set = out.get(days) ?? new Set<string>();
      for (const k of keys) set.add(k);
      out.set(days, set);
    }
  }
  return out;
}

export type BatchEnvOptions = {
  /**
   * false for a batch that is not the whole workspace (one account's evaluation): a rank among a
   * handful of accounts would be wrong, so `percentile(...)` matches nothing there.
   */
  percentiles?: boolean;
};

/**
 * `percentile(...)` answered from a batch of accounts' facts: ranks among all of them, or among
 * those with the same `tier` (accounts without a tier are not ranked within tier), ties counting
 * half (percentileRanks). `changed by` reads `history`; without it, it matches nothing. Ranks are
 * computed once per fact and grouping, on first use: build a new env after changing the facts
 * it ranks (the recompute does after assigning tiers).
 */
export function batchEnv(
  facts: ReadonlyMap<string, Facts>,
  history?: History,
  options: BatchEnvOptions = {},
): (accountId: string) => ConditionEnv {
  const cache = new Map<string, Map<string, number>>();
  const ranks = (key: string, within: Within): Map<string, number> => {
    const cacheKey = `${within}\u0000${key}`;
    let out = cache.get(cacheKey);
    if (out) return out;
    out = new Map();
    const groups = new Map<unknown, Map<string, number>>();
    for (const [id, f] of facts) {
      const v = f[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const group = within === 'tier' ? (f.tier ?? null) : null;
      if (within === 'tier' && group === null) continue;
      const values = groups.get(group) ?? new Map<string, number>();
      values.set(id, v);
      groups.set(group, values);
    }
    for (const values of groups.values()) for (const [id, r] of percentileRanks(values)) out.set(id, r);
    cache.set(cacheKey, out);
    return out;
  };
  const percentiles = options.percentiles ?? true;
  return (accountId) => ({
    percentile: percentiles ? (key, within) => ranks(key, within).get(accountId) : () => undefined,
    previous: history ? (key, days) => history(accountId, key, days) : undefined,
  });
}
