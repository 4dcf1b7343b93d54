// The facts that come from the recompute rather than from source tables (health, tier, stage,
// days in stage, segments), as they stood at the end of a day. The one reader of the state tables
// for facts: the evaluation batch merges it into every account's record. Tier, stage and segments
// come from the state module (loadStatesAsOf), health from health's snapshots.
import type { Ctx } from '../../context.ts';
import { daysBetween } from '../../time.ts';
import { computeHealthTrends, loadScoreValuesAsOf } from '../health/snapshots.ts';
import { type CurrentState, latestComputedDay, loadStatesAsOf, type StateAsOf } from '../state/index.ts';
import { lookbackToleranceDays } from './batch-env.ts';
import type { FactProvider } from './provider.ts';

export type StateFacts = {
  'health.score': number | null;
  'health.status': string | null;
  'health.trend_7d': number | null;
  'health.trend_30d': number | null;
  tier: string | null;
  stage: string | null;
  days_in_stage: number | null;
  segments: string[];
};

/** The state facts' definitions, listed in the catalogue after every provider's fixed facts. */
export const stateFacts: Pick<FactProvider, 'definitions'> = {
  definitions: [
    {
      key: 'health.score',
      type: 'number',
      description:
        'Health score 0-100. In `changed by`, the score N days back is the nearest daily snapshot at or before that day: within 3 days for up to 7 days back, 7 for up to 30, 14 beyond',
    },
    { key: 'health.status', type: 'string', description: 'Health status key (e.g. excellent, fair, danger)' },
    {
      key: 'health.trend_7d',
      type: 'number',
      description: 'Health score change over 7 days (against the nearest snapshot at most 3 days earlier)',
    },
    {
      key: 'health.trend_30d',
      type: 'number',
      description: 'Health score change over 30 days (against the nearest snapshot at most 7 days earlier)',
    },
    { key: 'health.sentiment', type: 'number', description: "The CSM's current sentiment, 1-5" },
    {
      key: 'tier',
      type: 'string',
      description: 'Tier assigned by the active tiering scheme (or an override)',
    },
    { key: 'stage', type: 'string', description: 'Lifecycle stage key' },
    { key: 'days_in_stage', type: 'number', description: 'Days since the account entered its stage' },
    { key: 'segments', type: 'string[]', description: 'Keys of the saved segments the account is in' },
  ],
};

/** Every key of StateFacts, in the order records get them (one layout for every record). */
export const STATE_FACT_KEYS = [
  'health.score',
  'health.status',
  'health.trend_7d',
  'health.trend_30d',
  'tier',
  'stage',
  'days_in_stage',
  'segments',
] as const satisfies readonly (keyof StateFacts)[];

export const EMPTY_STATE: Readonly<StateFacts> = Object.freeze({
  'health.score': null,
  'health.status': null,
  'health.trend_7d': null,
  'health.trend_30d': null,
  tier: null,
  stage: null,
  days_in_stage: null,
  segments: [],
});

/**
 * Each account's state facts at the end of `day`, from the state module's loadStatesAsOf: today
 * (the latest computed day or later) the current state with its trends; a past day (a backfill, a
 * rule dry run for last week) tier, stage and segments as they stood then, and health from the
 * nearest snapshot at or before it (within 7 days) with its trends. Accounts with neither are
 * absent (EMPTY_STATE).
 */
export async function loadStateFacts(
  ctx: Ctx,
  accountIds: readonly string[] | null,
  day: string,
): Promise<Map<string, StateFacts>> {
  const states = await loadStatesAsOf(ctx, accountIds, day);
  const latest = await latestComputedDay(ctx);
  const out = new Map<string, StateFacts>();
  const toFacts = (s: StateAsOf): StateFacts => ({
    ...EMPTY_STATE,
    tier: s.tier,
    stage: s.stage,
    days_in_stage: s.stage !== null && s.stageSince ? Math.max(0, daysBetween(s.stageSince, day)) : null,
    segments: [...s.segments].sort(),
  });
  if (latest !== null && day >= latest) {
    for (const [id, s] of states) {
      const current = s as StateAsOf & Partial<Pick<CurrentState, 'healthTrend7d' | 'healthTrend30d'>>;
      out.set(id, {
        ...toFacts(s),
        'health.score': s.healthScore,
        'health.status': s.healthStatus,
        'health.trend_7d': current.healthTrend7d ?? null,
        'health.trend_30d': current.healthTrend30d ?? null,
      });
    }
    return out;
  }
  for (const [id, s] of states) out.set(id, toFacts(s));
  // A few accounts by id; the whole workspace in one scan (an IN list of every account would pass
  // the engines' bound-parameter limits).
  const only = accountIds !== null && accountIds.length <= 500 ? accountIds : undefined;
  const wanted = accountIds === null ? null : new Set(accountIds);
  const health = await loadScoreValuesAsOf(ctx, day, lookbackToleranceDays(7), only);
  const trends = await computeHealthTrends(ctx, day, health);
  for (const [id, v] of health) {
    if (wanted && !wanted.has(id)) continue;
    const f = out.get(id) ?? { ...EMPTY_STATE, segments: [] };
    f['health.score'] = v.score;
    f['health.status'] = v.status;
    f['health.trend_7d'] = trends.get(id)?.trend7d ?? null;
    f['health.trend_30d'] = trends.get(id)?.trend30d ?? null;
    out.set(id, f);
  }
  return out;
}
