import type { Ctx } from '../../context.ts';
import { today } from '../../time.ts';
import { buildFacts, type Facts, percentileRanks } from '../facts/build-facts.ts';
import type { Within } from '../facts/condition.ts';
import type { ConditionEnv } from '../facts/condition-eval.ts';
import { loadStateFacts } from '../facts/facts.ts';
import type { History } from './history.ts';

/**
 * Every account's facts as of today with its stored state (health, tier, stage, segments from the
 * last recompute) merged in, so previews evaluate rules that read health the way recompute will.
 * Reads the whole workspace: only previews (settings pages, never lists) call it.
 */
export async function loadCurrentFacts(ctx: Ctx): Promise<{ day: string; facts: Map<string, Facts> }> {
  const day = today(ctx);
  const facts = await buildFacts(ctx, null, day);
  const state = await loadStateFacts(ctx, null, day);
  for (const [id, f] of facts) Object.assign(f, state.get(id));
  return { day, facts };
}

/**
 * One account's facts as of `day` with its stored state merged in. Conditions ranking it with
 * `percentile(... within ...)` need the whole batch; used alone (a manual change taking effect at
 * once) they match nothing until the next recompute.
 */
export async function loadAccountFacts(ctx: Ctx, accountId: string, day: string): Promise<Facts> {
  const facts = (await buildFacts(ctx, [accountId], day)).get(accountId) ?? {};
  return Object.assign(facts, (await loadStateFacts(ctx, [accountId], day)).get(accountId));
}

/**
 * `percentile(...)` answered from a batch of accounts' facts: ranks among all of them, or among
 * those with the same `tier` fact. `changed by` needs history the batch does not have, so it
 * matches nothing here. Ranks are computed once per fact and grouping, on first use.
 */
export function batchEnv(
  facts: ReadonlyMap<string, Facts>,
  history?: History,
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
  return (accountId) => ({
    percentile: (key, within) => ranks(key, within).get(accountId),
    previous: history ? (key, days) => history(accountId, key, days) : undefined,
  });
}
