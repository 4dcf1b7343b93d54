// The facts that come from the recompute rather than from source tables (health, tier, stage,
// days in stage, segments), as they stood at the end of a day. The one reader of the state tables
// for facts: the evaluation batch merges it into every account's record. When the state module's
// loadStatesAsOf lands, it replaces the two reads below.
import type { Ctx } from '../../context.ts';
import { daysBetween } from '../../time.ts';
import { computeHealthTrends, loadScoreValuesAsOf } from '../health/snapshots.ts';
import { lookbackToleranceDays } from './batch-env.ts';

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
 * Each account's state facts at the end of `day`. An account whose stored state was computed on or
 * before `day` has held it since: that row is the answer (today, the last recompute's). One whose
 * state was computed after `day` (evaluating a past day: a backfill, a rule dry run for last
 * week) is replayed: tier, stage and segments from their change history up to `day`, health from
 * the nearest snapshot at or before it (within 7 days) with its trends. Accounts with neither are
 * absent (EMPTY_STATE).
 */
export async function loadStateFacts(
  ctx: Ctx,
  accountIds: readonly string[] | null,
  day: string,
): Promise<Map<string, StateFacts>> {
  let q = ctx.db.selectFrom('account_states').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (accountIds !== null) q = q.where('account_id', 'in', accountIds.length ? accountIds : ['']);
  const rows = await q.execute();
  const out = new Map<string, StateFacts>();
  let later = false;
  for (const r of rows) {
    if (r.day > day) {
      later = true;
      continue;
    }
    out.set(r.account_id, {
      'health.score': r.health_score === null ? null : Number(r.health_score),
      'health.status': r.health_status,
      'health.trend_7d': r.health_trend_7d === null ? null : Number(r.health_trend_7d),
      'health.trend_30d': r.health_trend_30d === null ? null : Number(r.health_trend_30d),
      tier: r.tier,
      stage: r.stage,
      days_in_stage: r.stage_since ? Math.max(0, daysBetween(r.stage_since, day)) : null,
      segments: JSON.parse(r.segments) as string[],
    });
  }
  if (later || (accountIds === null ? rows.length === 0 : out.size < accountIds.length)) {
    for (const [id, s] of await replayStateFacts(ctx, accountIds, day)) if (!out.has(id)) out.set(id, s);
  }
  return out;
}

/** State facts at the end of a past day, from the change history and the health snapshots. */
async function replayStateFacts(
  ctx: Ctx,
  accountIds: readonly string[] | null,
  day: string,
): Promise<Map<string, StateFacts>> {
  // A few accounts by id; the whole workspace in one scan (an IN list of every account would pass
  // the engines' bound-parameter limits).
  const only = accountIds !== null && accountIds.length <= 500 ? accountIds : undefined;
  let q = ctx.db
    .selectFrom('state_changes')
    .select(['account_id', 'kind', 'to_value', 'day'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('kind', 'in', ['tier', 'stage', 'segment_enter', 'segment_exit'])
    .where('day', '<=', day);
  if (only) q = q.where('account_id', 'in', only.length ? only : ['']);
  const history = await q.orderBy('day').orderBy('id').execute();
  const health = await loadScoreValuesAsOf(ctx, day, lookbackToleranceDays(7), only);
  const trends = await computeHealthTrends(ctx, day, health);
  const wanted = accountIds === null ? null : new Set(accountIds);
  const out = new Map<string, StateFacts>();
  const get = (id: string): StateFacts | undefined => {
    if (wanted && !wanted.has(id)) return undefined;
    let s = out.get(id);
    if (!s) {
      s = { ...EMPTY_STATE, segments: [] };
      out.set(id, s);
    }
    return s;
  };
  const stageSince = new Map<string, string>();
  for (const h of history) {
    const s = get(h.account_id);
    if (!s) continue;
    if (h.kind === 'tier') s.tier = h.to_value;
    else if (h.kind === 'stage') {
      s.stage = h.to_value;
      stageSince.set(h.account_id, h.day);
    } else if (h.kind === 'segment_enter') {
      if (h.to_value !== null && !s.segments.includes(h.to_value)) s.segments.push(h.to_value);
    } else s.segments = s.segments.filter((k) => k !== h.to_value);
  }
  for (const [id, v] of health) {
    const s = get(id);
    if (!s) continue;
    s['health.score'] = v.score;
    s['health.status'] = v.status;
    s['health.trend_7d'] = trends.get(id)?.trend7d ?? null;
    s['health.trend_30d'] = trends.get(id)?.trend30d ?? null;
  }
  for (const [id, s] of out) {
    const since = stageSince.get(id);
    s.days_in_stage = s.stage !== null && since ? daysBetween(since, day) : null;
    s.segments.sort();
  }
  return out;
}
