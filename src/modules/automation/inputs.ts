// Loading what rules read on a day: every account's facts as of that day (with health, tier,
// stage and segments as they were then) and the day's events (state changes, sentiments), plus the
// history a trigger asks for. Each is one grouped query, never one per account.
import type { Ctx } from '../../context.ts';
import { addDays, dayInZone, daysBetween, today } from '../../time.ts';
import { buildFacts, type Facts } from '../facts/build-facts.ts';
import { computeHealthTrends, loadScoreValuesAsOf, loadSentiments } from '../health/index.ts';
import { loadMetrics } from '../metrics/index.ts';
import { loadCurrentFacts } from '../segments/index.ts';
import { type DayInputs, type RuleSpec, type StateChangeRow, triggerNeeds } from './triggers.ts';

/**
 * Every account's facts as of `day`. Today: the facts with the stored current state. A past day
 * (a backfill, the demo): health from that day's snapshot, tier, stage and segments replayed from
 * their change history up to that day.
 */
export async function loadFactsForDay(ctx: Ctx, day: string): Promise<Map<string, Facts>> {
  if (day === today(ctx)) return (await loadCurrentFacts(ctx)).facts;
  const facts = await buildFacts(ctx, null, day);
  const now = await loadScoreValuesAsOf(ctx, day, 7);
  const trends = await computeHealthTrends(ctx, day, now);
  const history = await ctx.db
    .selectFrom('state_changes')
    .select(['account_id', 'kind', 'to_value', 'day'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('kind', 'in', ['tier', 'stage', 'segment_enter', 'segment_exit'])
    .where('day', '<=', day)
    .orderBy('day')
    .orderBy('id')
    .execute();
  const tier = new Map<string, string | null>();
  const stage = new Map<string, { value: string | null; since: string }>();
  const segments = new Map<string, Set<string>>();
  for (const h of history) {
    if (h.kind === 'tier') tier.set(h.account_id, h.to_value);
    else if (h.kind === 'stage') stage.set(h.account_id, { value: h.to_value, since: h.day });
    else {
      let set = segments.get(h.account_id);
      if (!set) {
        set = new Set();
        segments.set(h.account_id, set);
      }
      if (h.kind === 'segment_enter') set.add(h.to_value!);
      else set.delete(h.to_value!);
    }
  }
  const sentiments = await loadSentiments(ctx, day);
  for (const [id, f] of facts) {
    const s = now.get(id);
    f['health.score'] = s?.score ?? null;
    f['health.status'] = s?.status ?? null;
    f['health.trend_7d'] = trends.get(id)?.trend7d ?? null;
    f['health.trend_30d'] = trends.get(id)?.trend30d ?? null;
    f['health.sentiment'] = sentiments.get(id)?.score ?? null;
    f.tier = tier.get(id) ?? null;
    const st = stage.get(id);
    f.stage = st?.value ?? null;
    f.days_in_stage = st ? daysBetween(st.since, day) : null;
    f.segments = [...(segments.get(id) ?? [])].sort();
  }
  return facts;
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
    const scores = await loadScoreValuesAsOf(ctx, addDays(day, -days), 3);
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
