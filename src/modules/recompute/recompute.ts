import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, daysBetween, isValidDay, nowIso, today } from '../../time.ts';
import { canRunInWorker } from '../../worker-job.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { runRulesAfterRecompute } from '../automation/index.ts';
import { keepPopulations, loadCatalogue, loadEvaluationBatch, type Populations } from '../facts/index.ts';
import { loadHealthModels, loadSentiments, writeHealthScores } from '../health/index.ts';
import { loadStages } from '../lifecycle/index.ts';
import { notifyEnteredDanger } from '../notifications/index.ts';
import { recordMilestones } from '../plans/index.ts';
import { loadActiveScheme, loadSegments, updateSegmentMembership } from '../segments/index.ts';
import { dropSnapshots } from '../snapshots/index.ts';
import { applyStateChanges, loadOverrides } from '../state/index.ts';
import { clearDirtyMarks } from './dirty-marks.ts';
import { keepReports } from './keep.ts';
import type { RecomputeResult } from './result.ts';
import { runSteps, type StepConfig, TREND_LOOKBACKS } from './steps.ts';
import { recomputeInWorker } from './worker.ts';

export type { RecomputeResult };

/** What the steps apply on `day` besides the batch: models, scheme, stages, segments, overrides. */
async function loadStepConfig(ctx: Ctx, day: string): Promise<StepConfig> {
  return {
    models: await loadHealthModels(ctx),
    catalogue: new Map((await loadCatalogue(ctx)).map((d) => [d.key, d])),
    sentiments: await loadSentiments(ctx, day),
    scheme: (await loadActiveScheme(ctx)) ?? null,
    stages: await loadStages(ctx),
    segments: await loadSegments(ctx),
    overrides: await loadOverrides(ctx, day),
  };
}

/**
 * One day of the recompute for every account, as one load, pure steps and one write: the
 * evaluation batch (facts as of `day` with the state at its end, history for the conditions'
 * `changed by` and the health trends), then scoreHealth -> assignTiers -> assignStages ->
 * evaluateSegments (steps.ts), then one transaction writing the day's health snapshot (a slice of
 * accounts at a time) and the states (state's applyStateChanges). Running the same day again changes nothing.
 * Rules run after the commit, in recomputeDays, never here (this runs inside the worker thread).
 *
 * With `only`, the same pass writes just those accounts (the incremental recompute, dirty.ts).
 *
 * Health-model selectors and tier rules may read `tier`, `stage` and `segments`: they see the
 * values the batch loaded (the last run's), as the pipeline computes them after health.
 */
export async function recomputeDay(
  ctx: Ctx,
  day: string,
  only?: ReadonlySet<string>,
): Promise<RecomputeResult> {
  const config = await loadStepConfig(ctx, day);
  // Today's full pass keeps the values its ranks were taken among, for builds of a few accounts.
  const populations: Populations | undefined = !only && day === today(ctx) ? new Map() : undefined;
  const batch = await loadEvaluationBatch(
    ctx,
    day,
    [
      ...config.models.map((m) => m.selector),
      ...(config.scheme?.rules ?? []).map((r) => r.when),
      ...config.stages.map((s) => s.condition),
      ...config.segments.map((s) => s.condition),
    ],
    { lookbacks: TREND_LOOKBACKS, populations },
  );
  const computed = runSteps(batch, config);
  const { snapshot } = computed;
  // `only` (the incremental pass): every account was scored, so percentiles and the other
  // workspace-wide facts rank among the whole workspace exactly as in the full pass, but only these
  // accounts are written: the others keep the state of the last pass, and no state is deleted.
  const states = only ? new Map([...computed.states].filter(([id]) => only.has(id))) : computed.states;

  return inTransaction(ctx, async (tx) => {
    // Scored again with components a slice at a time for the snapshot rows: an account's
    // components (raw, normalised, weight, contribution of each) are only needed for its row, and
    // all of them at once would be the largest thing in memory (~3.5 KB an account with 20).
    const scored = [...states].filter(([, s]) => s.healthModelId !== null).map(([id]) => id);
    let written = 0;
    for (let i = 0; i < scored.length; i += WRITE_SLICE) {
      written += await writeHealthScores(tx, day, snapshot(scored.slice(i, i + WRITE_SLICE)));
    }
    const { current, changes } = await applyStateChanges(tx, day, states, { partial: only !== undefined });
    if (populations) await keepPopulations(tx, day, populations);
    // The current members move with the current state only: a backfilled day leaves them.
    if (current) {
      const members = new Map([...states].map(([id, s]) => [id, s.segments]));
      await updateSegmentMembership(tx, day, members);
    }
    // Owners hear of accounts entering danger today (a backfill of past days notifies nobody).
    await notifyEnteredDanger(tx, day);
    return { day, accounts: states.size, scored: written, changes };
  });
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
  if (from > to) throw invalidField('from', msg('error.mustNotBeAfterTo'));
  if (to > today(ctx)) throw invalidField('to', msg('error.notInFuture'));
  if (daysBetween(from, to) + 1 > MAX_RECOMPUTE_DAYS) {
    throw invalidField('from', msg('error.atMostDaysAtATime', { days: MAX_RECOMPUTE_DAYS }));
  }
  // Anchored on `to`, so weekly backfills put a snapshot exactly 7 and 28 days before the last day.
  const days: string[] = [];
  for (let d = to; d >= from; d = addDays(d, -data.step)) days.unshift(d);
  const results = await recomputeDays(ctx, days, onDay);
  // Who ran it (user, and the token if one was used), after the days are committed.
  await writeAudit(ctx, {
    action: 'recompute.run',
    entityType: 'workspace',
    entityId: ctx.workspace.id,
    after: { from, to, step: data.step, days: days.length },
  });
  return results;
}

/**
 * recomputeDay for each day in order (writing only `only`'s accounts when given): in a worker thread (see worker.ts) unless ctx cannot. Once
 * the days are committed, the rules of the current day run here, in the caller (runRulesAfterRecompute
 * decides whether the day and hour call for them): the worker only computes and writes state.
 */
export async function recomputeDays(
  ctx: Ctx,
  days: readonly string[],
  onDay?: (r: RecomputeResult) => void,
  only?: ReadonlySet<string>,
): Promise<RecomputeResult[]> {
  const started = nowIso(ctx);
  let results: RecomputeResult[];
  if (canRunInWorker(ctx)) results = await recomputeInWorker(ctx, days, onDay, only);
  else {
    results = [];
    for (const day of days) {
      const r = await recomputeDay(ctx, day, only);
      results.push(r);
      onDay?.(r);
    }
  }
  const last = days[days.length - 1];
  if (last !== undefined) {
    // Milestones first, so the day's rules see a milestone that went late today.
    try {
      await recordMilestones(ctx, last);
    } catch (error) {
      ctx.logger.error({ err: error, day: last }, 'milestones after recompute failed');
    }
    await runRulesAfterRecompute(ctx, last);
  }
  // A full pass rewrote the health history the kept reports read (the incremental pass leaves
  // them to the next full one: it would drop them every 15 s under a stream of events); a pass
  // that ends today keeps them again (the hourly job, the demo, `steward recompute`; keep.ts), so
  // readers do not compute them on request.
  if (!only && last !== undefined) {
    await dropSnapshots(ctx);
    if (last === today(ctx)) {
      // Every account is fresh: the incremental pass's marks made before this pass started are done.
      await clearDirtyMarks(ctx, started);
      await keepReports(ctx);
    }
  }
  return results;
}
