import type { Ctx } from '../../context.ts';
import { addDays } from '../../time.ts';
import { buildFacts } from '../facts/build-facts.ts';
import type { Condition } from '../facts/condition.ts';
import { loadScoreValuesAsOf } from '../health/index.ts';

/** An account's numeric fact as it was `days` before the day being evaluated (undefined: unknown). */
export type History = (accountId: string, key: string, days: number) => number | null | undefined;

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

/**
 * Past values for `changed by`, loaded only when a condition asks: for each look-back, the facts as
 * they were that many days before `day`. Health score and trends come from the stored daily
 * snapshots (account_states is only today's, so from health_scores, within 3 days of the date);
 * everything else is rebuilt with buildFacts as of that day, one bulk build per distinct look-back,
 * keeping only the facts asked for.
 */
export async function loadHistory(
  ctx: Ctx,
  day: string,
  lookbacks: ReadonlyMap<number, ReadonlySet<string>>,
): Promise<History | undefined> {
  if (lookbacks.size === 0) return undefined;
  const byLookback = new Map<number, Map<string, Map<string, number>>>();
  for (const [days, keys] of lookbacks) {
    const past = addDays(day, -days);
    const values = new Map<string, Map<string, number>>();
    const health = [...keys].filter((k) => k === 'health.score');
    const rest = [...keys].filter((k) => !k.startsWith('health.'));
    if (health.length) {
      const scores = new Map<string, number>();
      for (const [id, v] of await loadScoreValuesAsOf(ctx, past, 3))
        if (v.score !== null) scores.set(id, v.score);
      values.set('health.score', scores);
    }
    if (rest.length) {
      const facts = await buildFacts(ctx, null, past);
      for (const key of rest) {
        const column = new Map<string, number>();
        for (const [id, f] of facts) {
          const v = f[key];
          if (typeof v === 'number' && Number.isFinite(v)) column.set(id, v);
        }
        values.set(key, column);
      }
    }
    byLookback.set(days, values);
  }
  return (accountId, key, days) => byLookback.get(days)?.get(key)?.get(accountId);
}
