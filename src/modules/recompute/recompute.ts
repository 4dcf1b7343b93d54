import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { invalid } from '../../errors.ts';
import { addDays, daysBetween, isValidDay, today } from '../../time.ts';
import { authorize } from '../auth/index.ts';
import { runRulesAfterRecompute } from '../automation/index.ts';
import { buildFacts, loadCatalogue } from '../facts/index.ts';
import {
  type AccountScore,
  computeHealthTrends,
  loadHealthModels,
  loadSentiments,
  prepareScoring,
  writeHealthScores,
} from '../health/index.ts';
import { assignStage, loadStages } from '../lifecycle/index.ts';
import { notifyEnteredDanger } from '../notifications/index.ts';
import {
  assignTier,
  batchEnv,
  changedByLookbacks,
  evaluateSegments,
  loadActiveScheme,
  loadHistory,
  loadSegments,
  updateSegmentMembership,
} from '../segments/index.ts';
import { applyStateChanges, type DayState, loadOverrides } from '../state/index.ts';
import { canUseWorker, recomputeInWorker } from './worker.ts';

type State = {
  health_score: number | null;
  health_status: string | null;
  health_model_id: string | null;
  health_trend_7d: number | null;
  health_trend_30d: number | null;
  tier: string | null;
  tier_since: string | null;
  stage: string | null;
  stage_since: string | null;
  segments: string;
};

export type RecomputeResult = {
  day: string;
  accounts: number;
  scored: number;
  changes: {
    health_status: number;
    tier: number;
    stage: number;
    segment_enter: number;
    segment_exit: number;
  };
};

/**
 * One day of the recompute pipeline for every account: facts -> health -> tier -> stage ->
 * segments. Everything after the facts are loaded is pure (prepareScoring, assignTier,
 * assignStage, evaluateSegments); this function loads, runs them in order and writes the results
 * in one transaction: the day's health snapshot (scored and written a slice of accounts at a time),
 * each account's current state, and a state change (plus a timeline entry) for every tier, stage
 * or health-status change. Running the same day again changes nothing.
 *
 * Health-model selectors and tier rules may read `tier`, `stage` and `segments`: they see the
 * values from the previous run, as the pipeline computes them after health.
 */
export async function recomputeDay(ctx: Ctx, day: string): Promise<RecomputeResult> {
  const facts = await buildFacts(ctx, null, day);
  const catalogue = new Map((await loadCatalogue(ctx)).map((d) => [d.key, d]));
  const previous = new Map(
    (
      await ctx.db
        .selectFrom('account_states')
        .selectAll()
        .where('workspace_id', '=', ctx.workspace.id)
        .execute()
    ).map((r) => [r.account_id, r as State]),
  );
  for (const [id, f] of facts) {
    const p = previous.get(id);
    f.tier = p?.tier ?? null;
    f.stage = p?.stage ?? null;
    f.segments = p ? (JSON.parse(p.segments) as string[]) : [];
  }

  const sentiments = await loadSentiments(ctx, day);
  for (const [id, f] of facts) f['health.sentiment'] = sentiments.get(id)?.score ?? null;
  const models = await loadHealthModels(ctx);
  const scheme = await loadActiveScheme(ctx);
  const overrides = await loadOverrides(ctx, day);
  const stages = await loadStages(ctx);
  const segments = await loadSegments(ctx);
  // Past values, only for the facts that some condition compares with `changed by`.
  const history = await loadHistory(
    ctx,
    day,
    changedByLookbacks([
      ...models.map((m) => m.selector),
      ...(scheme?.rules ?? []).map((r) => r.when),
      ...stages.map((s) => s.condition),
      ...segments.map((s) => s.condition),
    ]),
  );
  const scorer = prepareScoring(models, facts, catalogue, {
    sentiments,
    envFor: batchEnv(facts, history),
  });

  const result = await inTransaction(ctx, async (tx) => {
    const result: RecomputeResult = {
      day,
      accounts: facts.size,
      scored: 0,
      changes: { health_status: 0, tier: 0, stage: 0, segment_enter: 0, segment_exit: 0 },
    };
    // Scored and written a slice at a time: an account's components (raw, normalised, weight,
    // contribution of each) are only needed for its snapshot row, and all of them at once would
    // be the largest thing in memory (~3.5 KB an account with 20 components).
    const scores = new Map<string, Pick<AccountScore, 'score' | 'status' | 'modelId'>>();
    for (let i = 0; i < scorer.accountIds.length; i += WRITE_SLICE) {
      const slice = new Map(scorer.accountIds.slice(i, i + WRITE_SLICE).map((id) => [id, scorer.score(id)]));
      result.scored += await writeHealthScores(tx, day, slice);
      for (const [id, s] of slice) scores.set(id, { score: s.score, status: s.status, modelId: s.modelId });
    }
    const trends = await computeHealthTrends(tx, day, scores);
    for (const [id, f] of facts) {
      const s = scores.get(id);
      f['health.score'] = s?.score ?? null;
      f['health.status'] = s?.status ?? null;
      f['health.trend_7d'] = trends.get(id)?.trend7d ?? null;
      f['health.trend_30d'] = trends.get(id)?.trend30d ?? null;
    }

    let env = batchEnv(facts, history);
    for (const [id, f] of facts) {
      f.tier = overrides.tier.get(id)?.value ?? (scheme ? assignTier(scheme, f, env(id)) : null);
    }
    env = batchEnv(facts, history); // percentile "within tier" must see the new tiers
    for (const [id, f] of facts) {
      f.stage = overrides.stage.get(id)?.value ?? (stages.length ? assignStage(stages, f, env(id)) : null);
    }
    const membership = new Map<string, string[]>();
    for (const [id, f] of facts) {
      const keys = evaluateSegments(segments, f, env(id));
      membership.set(id, keys);
      f.segments = keys;
    }

    const results = new Map<string, DayState>();
    for (const [id, f] of facts) {
      const s = scores.get(id);
      results.set(id, {
        healthScore: s?.score ?? null,
        healthStatus: s?.status ?? null,
        healthModelId: s?.modelId ?? null,
        healthTrend7d: f['health.trend_7d'] as number | null,
        healthTrend30d: f['health.trend_30d'] as number | null,
        tier: f.tier as string | null,
        stage: f.stage as string | null,
        segments: membership.get(id) ?? [],
      });
    }
    const applied = await applyStateChanges(tx, day, results);
    result.changes = applied.changes;
    // The current members move with the current state only: a backfilled day leaves them.
    if (applied.current) await updateSegmentMembership(tx, day, membership);
    // Owners hear of accounts entering danger today (a backfill of past days notifies nobody).
    await notifyEnteredDanger(tx, day);
    return result;
  });
  // Automation reads the facts just built, once the day's state is committed (today only).
  await runRulesAfterRecompute(ctx, day, facts);
  return result;
}

/** Accounts whose health snapshot rows (components as JSON) are built and written at a time. */
const WRITE_SLICE = 5000;

export const RecomputeInput = z.object({
  from: z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD').optional(),
  to: z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD').optional(),
  /** Backfill every `step` days (the last day is always included), e.g. 7 for weekly history. */
  step: z.number().int().min(1).max(31).default(1),
});
export type RecomputeInput = z.input<typeof RecomputeInput>;

/** At most this many days per request: a backfill of years belongs to the CLI. */
export const MAX_RECOMPUTE_DAYS = 400;

/**
 * Recomputes one day (default today) or backfills a range in order, ending with the latest day so
 * the current state reflects it. Each day is idempotent.
 */
export async function recompute({
  ctx,
  input,
  onDay,
}: {
  ctx: Ctx;
  input: RecomputeInput;
  onDay?: (r: RecomputeResult) => void;
}): Promise<RecomputeResult[]> {
  await authorize(ctx, 'settings:write');
  const data = RecomputeInput.parse(input);
  const to = data.to ?? today(ctx);
  const from = data.from ?? to;
  if (from > to)
    throw invalid('from must not be after to', { issues: [{ path: 'from', message: 'after to' }] });
  if (to > today(ctx))
    throw invalid('to cannot be in the future', { issues: [{ path: 'to', message: 'after today' }] });
  if (daysBetween(from, to) + 1 > MAX_RECOMPUTE_DAYS) {
    throw invalid(`A recompute covers at most ${MAX_RECOMPUTE_DAYS} days`, {
      issues: [{ path: 'from', message: 'range too long' }],
    });
  }
  // Anchored on `to`, so weekly backfills put a snapshot exactly 7 and 28 days before the last day.
  const days: string[] = [];
  for (let d = to; d >= from; d = addDays(d, -data.step)) days.unshift(d);
  return recomputeDays(ctx, days, onDay);
}

/** recomputeDay for each day in order: in a worker thread (see worker.ts) unless ctx cannot. */
export async function recomputeDays(
  ctx: Ctx,
  days: readonly string[],
  onDay?: (r: RecomputeResult) => void,
): Promise<RecomputeResult[]> {
  if (canUseWorker(ctx)) return recomputeInWorker(ctx, days, onDay);
  const results: RecomputeResult[] = [];
  for (const day of days) {
    const r = await recomputeDay(ctx, day);
    results.push(r);
    onDay?.(r);
  }
  return results;
}
