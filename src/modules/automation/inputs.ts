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
import { loadScoreValuesAsOf } from '../health/index.ts';
import { loadMetrics } from '../metrics/index.ts';
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
  const ws = ctx.workspace.id;
  const needs = specs.map((s) => triggerNeeds(s.trigger));
  const types = new Set(specs.map((s) => s.trigger.type));

  const changes: StateChangeRow[] = types.has('state_change')
    ? (
        await ctx.db
          .selectFrom('state_changes')
          .select(['account_id', 'kind', 'from_value', 'to_value'])
          .where('workspace_id', '=', ws)
          .where('day', '=', day)
          .orderBy('id')
          .execute()
      ).map((r) => ({ accountId: r.account_id, kind: r.kind, from: r.from_value, to: r.to_value }))
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
    const rows =
      other.length && valueMetrics.length
        ? await ctx.db
            .selectFrom('metric_daily')
            .select(['account_id', (eb) => eb.fn.max('day').as('last')])
            .where('workspace_id', '=', ws)
            .where(
              'metric_id',
              'in',
              valueMetrics.map((m) => m.id),
            )
            .where('value', '>', 0)
            .where('day', '>', addDays(day, -Math.max(...other)))
            .where('day', '<=', day)
            .groupBy('account_id')
            .execute()
        : [];
    for (const days of other) {
      const from = addDays(day, -days);
      valueActive.set(days, new Set(rows.filter((r) => String(r.last) > from).map((r) => r.account_id)));
    }
  }

  const sentiments = new Map<string, number>();
  if (types.has('sentiment')) {
    const rows = await ctx.db
      .selectFrom('health_sentiments')
      .select(['account_id', 'score', 'created_at'])
      .where('workspace_id', '=', ws)
      .where('created_at', '>=', `${addDays(day, -1)}T00:00:00.000Z`)
      .where('created_at', '<', `${addDays(day, 2)}T00:00:00.000Z`)
      .execute();
    for (const r of rows) {
      if (dayInZone(new Date(r.created_at), ctx.workspace.timeZone) !== day) continue;
      const prev = sentiments.get(r.account_id);
      if (prev === undefined || r.score < prev) sentiments.set(r.account_id, r.score);
    }
  }
  return { day, facts, changes, healthBefore, valueActive, sentiments };
}
