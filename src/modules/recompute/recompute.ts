import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { invalid } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { addDays, daysBetween, isValidDay, nowIso, today } from '../../time.ts';
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
  loadOverrides,
  loadSegments,
  updateSegmentMembership,
} from '../segments/index.ts';
import type { AccountStatesTable, StateChangesTable } from '../segments/segments.table.ts';
import { writeTimeline } from '../timeline/index.ts';
import type { RecomputeResult } from './result.ts';
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

export type { RecomputeResult };

const TIMELINE_TITLES = {
  health_status: (from: string | null, to: string | null) => `Health status ${from ?? '—'} → ${to ?? '—'}`,
  tier: (from: string | null, to: string | null) => `Tier ${from ?? '—'} → ${to ?? '—'}`,
  stage: (from: string | null, to: string | null) => `Lifecycle stage ${from ?? '—'} → ${to ?? '—'}`,
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

    for (const c of await updateSegmentMembership(tx, day, membership)) {
      result.changes[c.kind as 'segment_enter' | 'segment_exit']++;
    }
    const now = nowIso(tx);
    const system: Ctx = { ...tx, actor: { kind: 'system', name: 'recompute' } };
    let rows: AccountStatesTable[] = [];
    const changeRows: StateChangesTable[] = [];
    for (const [id, f] of facts) {
      const p = previous.get(id);
      const s = scores.get(id);
      const next = {
        workspace_id: tx.workspace.id,
        account_id: id,
        day,
        health_score: s?.score ?? null,
        health_status: s?.status ?? null,
        health_model_id: s?.modelId ?? null,
        health_trend_7d: f['health.trend_7d'] as number | null,
        health_trend_30d: f['health.trend_30d'] as number | null,
        tier: f.tier as string | null,
        tier_since: p && p.tier === f.tier ? p.tier_since : day,
        stage: f.stage as string | null,
        stage_since: p && p.stage === f.stage ? p.stage_since : day,
        segments: JSON.stringify(f.segments),
        updated_at: now,
      };
      rows.push(next);
      for (const kind of ['health_status', 'tier', 'stage'] as const) {
        const from = p ? (p[kind] ?? null) : null;
        const to = next[kind];
        if (from === to || (!p && to === null)) continue;
        result.changes[kind]++;
        changeRows.push({
          id: newId(),
          workspace_id: tx.workspace.id,
          account_id: id,
          day,
          kind,
          from_value: from,
          to_value: to,
          reason: null,
          created_at: now,
        });
        if (changeRows.length === 100) await insertStateChanges(tx, changeRows.splice(0));
        // The first assignment is history, not news: only real changes go on the timeline.
        if (p) {
          await writeTimeline(system, {
            accountId: id,
            type: `${kind === 'health_status' ? 'health.status' : kind}.changed`,
            title: TIMELINE_TITLES[kind](from, to),
            data: { changes: { [kind]: [from, to] }, day },
            occurredAt: `${day}T12:00:00.000Z` > now ? now : `${day}T12:00:00.000Z`,
          });
        }
      }
      if (rows.length === 200) {
        await upsertStates(tx, rows);
        rows = [];
      }
    }
    await insertStateChanges(tx, changeRows);
    await upsertStates(tx, rows);
    // Accounts deleted since the last run leave no state behind.
    const gone = [...previous.keys()].filter((id) => !facts.has(id));
    for (let i = 0; i < gone.length; i += 200) {
      await tx.db
        .deleteFrom('account_states')
        .where('workspace_id', '=', tx.workspace.id)
        .where('account_id', 'in', gone.slice(i, i + 200))
        .execute();
    }
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

/** 100 rows of 9 columns a statement, far below either engine's bound-parameter limit. */
async function insertStateChanges(tx: Ctx, rows: StateChangesTable[]) {
  for (let i = 0; i < rows.length; i += 100) {
    await tx.db
      .insertInto('state_changes')
      .values(rows.slice(i, i + 100))
      .execute();
  }
}

/** 200 rows of 14 columns a statement. */
async function upsertStates(tx: Ctx, rows: AccountStatesTable[]) {
  for (let i = 0; i < rows.length; i += 200) {
    await tx.db
      .insertInto('account_states')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'account_id']).doUpdateSet((eb) => ({
          day: eb.ref('excluded.day'),
          health_score: eb.ref('excluded.health_score'),
          health_status: eb.ref('excluded.health_status'),
          health_model_id: eb.ref('excluded.health_model_id'),
          health_trend_7d: eb.ref('excluded.health_trend_7d'),
          health_trend_30d: eb.ref('excluded.health_trend_30d'),
          tier: eb.ref('excluded.tier'),
          tier_since: eb.ref('excluded.tier_since'),
          stage: eb.ref('excluded.stage'),
          stage_since: eb.ref('excluded.stage_since'),
          segments: eb.ref('excluded.segments'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}

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
