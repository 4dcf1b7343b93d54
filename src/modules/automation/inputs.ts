// Loading what rules read on a day: the evaluation batch (every account's facts as of that day,
// with health, tier, stage and segments as they were then) and the day's events (state changes,
// sentiments), plus the history a trigger asks for. Each is one grouped query, never one per account.
import type { Ctx } from '../../context.ts';
import { addDays, dayInZone } from '../../time.ts';
import { lookbackToleranceDays } from '../facts/batch-env.ts';
import type { Facts } from '../facts/build-facts.ts';
import {
  type EvaluationBatch,
  type EvaluationBatchOptions,
  loadEvaluationBatch,
} from '../facts/evaluation-batch.ts';
import { loadScoreValuesAsOf, sentimentsRecordedBetween } from '../health/index.ts';
import { lastPositiveDays, loadMetrics } from '../metrics/index.ts';
import { stateChangesBetween } from '../state/index.ts';
import { type DayInputs, type RuleSpec, type StateChangeRow, triggerNeeds } from './triggers.ts';

/**
 * What rules are evaluated on for `day`: the evaluation batch (every account's facts as of that
 * day with its state at the end of it, percentiles, and history for the `changed by` comparisons
 * the rules' conditions use), the same one previews and the recompute load.
 */
export function loadRulesBatch(
  ctx: Ctx,
  day: string,
  specs: readonly Pick<RuleSpec, 'condition'>[],
  options: EvaluationBatchOptions = {},
): Promise<EvaluationBatch> {
  return loadEvaluationBatch(
    ctx,
    day,
    specs.map((s) => s.condition),
    options,
  );
}

/** Value-metric windows every facts record totals (metrics.<key>.total_7d, _30d, _90d). */
const FACT_WINDOWS = new Set([7, 30, 90]);

/** The day's events and the history the given rules' triggers need, beside the facts. */
export async function loadDayInputs(
  ctx: Ctx,
  day: string,
  facts: ReadonlyMap<string, Facts>,
  specs: readonly RuleSpec[],
): Promise<DayInputs> {
  const needs = specs.map((s) => triggerNeeds(s.trigger));
  const types = new Set(specs.map((s) => s.trigger.type));

  const changes: StateChangeRow[] = types.has('state_change')
    ? (await stateChangesBetween(ctx, { from: day, to: day })).map((c) => ({
        accountId: c.accountId,
        kind: c.kind,
        from: c.from,
        to: c.to,
      }))
    : [];

  const healthBefore = new Map<number, Map<string, number>>();
  for (const days of new Set(needs.flatMap((n) => (n.healthDays ? [n.healthDays] : [])))) {
    const scores = await loadScoreValuesAsOf(ctx, addDays(day, -days), lookbackToleranceDays(days));
    const m = new Map<string, number>();
    for (const [id, s] of scores) if (s.score !== null) m.set(id, s.score);
    healthBefore.set(days, m);
  }

  const valueActive = new Map<number, Set<string>>();
  const valueDays = [...new Set(needs.flatMap((n) => (n.valueDays ? [n.valueDays] : [])))];
  if (valueDays.length) {
    const valueMetrics = (await loadMetrics(ctx)).filter((m) => m.behaviour === 'value');
    // 7, 30 and 90 days are windows the facts already total: no scan of the rollups.
    const fromFacts = valueDays.filter((d) => FACT_WINDOWS.has(d));
    for (const days of fromFacts) {
      const keys = valueMetrics.map((m) => `metrics.${m.key}.total_${days}d`);
      const active = new Set<string>();
      for (const [id, f] of facts) if (keys.some((k) => Number(f[k] ?? 0) > 0)) active.add(id);
      valueActive.set(days, active);
    }
    const other = valueDays.filter((d) => !FACT_WINDOWS.has(d));
    const last = other.length
      ? await lastPositiveDays(ctx, {
          metricIds: valueMetrics.map((m) => m.id),
          after: addDays(day, -Math.max(...other)),
          upTo: day,
        })
      : new Map<string, string>();
    for (const days of other) {
      const from = addDays(day, -days);
      valueActive.set(days, new Set([...last].filter(([, d]) => d > from).map(([id]) => id)));
    }
  }

  const sentiments = new Map<string, number>();
  if (types.has('sentiment')) {
    // Any instant of `day` in the workspace's zone is within a UTC day either side of it.
    const rows = await sentimentsRecordedBetween(ctx, {
      from: `${addDays(day, -1)}T00:00:00.000Z`,
      to: `${addDays(day, 2)}T00:00:00.000Z`,
    });
    for (const r of rows) {
      if (dayInZone(new Date(r.createdAt), ctx.workspace.timeZone) !== day) continue;
      const prev = sentiments.get(r.accountId);
      if (prev === undefined || r.score < prev) sentiments.set(r.accountId, r.score);
    }
  }
  return { day, facts, changes, healthBefore, valueActive, sentiments };
}
