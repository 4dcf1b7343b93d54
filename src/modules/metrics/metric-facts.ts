// The metrics module's facts: each metric's window totals, changes and percentile rank, and the
// usage facts (active users, breadth, features used, depth), all from the daily rollups up to the
// day (the windows end on it).
import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { FactDef } from '../facts/condition.ts';
import { percentileRankAmong, percentileRankArray, percentileRanks } from '../facts/percentile.ts';
import type { FactBatch, FactProvider } from '../facts/provider.ts';
import { summaryWindows } from './analytics.ts';
import { loadFeatures, loadMetrics, type MetricDefinition } from './definitions.ts';

/** Per metric (`metrics.<key>.<fact>`): window totals, changes and rank, in the order a record lists them. */
export const METRIC_FACTS = [
  ['total_7d', 'total over the last 7 days'],
  ['total_30d', 'total over the last 30 days'],
  ['total_90d', 'total over the last 90 days'],
  ['wow', 'last 7 days vs the 7 before, as a fraction (-0.3 = down 30%)'],
  ['mom', 'last 30 days vs the 30 before, as a fraction'],
  ['last30_vs_prior30', 'last 30 days vs the 30 before, as a fraction'],
  ['yoy', 'last 30 days vs the same 30 days a year earlier, as a fraction'],
  ['percentile', 'percentile rank (0-100) of the 30-day total among all accounts'],
] as const;
type MetricFact = (typeof METRIC_FACTS)[number][0];

const DEFINITIONS: readonly FactDef[] = [
  { key: 'active_users_7d', type: 'number', description: 'Distinct active users in the last 7 days' },
  { key: 'active_users_30d', type: 'number', description: 'Distinct active users in the last 30 days' },
  { key: 'breadth', type: 'number', description: 'Active users (30 days) / licensed seats' },
  { key: 'features_used_30d', type: 'number', description: 'Features used in the last 30 days' },
  { key: 'depth', type: 'number', description: 'Features used (30 days) / features defined' },
];

/** The six windows every metric is totalled over, in the order of a totals array's columns. */
const WINDOWS = ['last7', 'prior7', 'last30', 'prior30', 'last90', 'yearAgo30'] as const;

const change = (current: number, prior: number) => (prior === 0 ? null : (current - prior) / prior);

export const metricFacts: FactProvider = {
  definitions: DEFINITIONS,
  open: async (ctx) => {
    const metrics = await loadMetrics(ctx);
    return {
      definitions: metrics.flatMap((m) =>
        METRIC_FACTS.map(
          ([suffix, text]): FactDef => ({
            key: `metrics.${m.key}.${suffix}`,
            type: 'number',
            description: `${m.name} (${m.behaviour} behaviour): ${text}`,
          }),
        ),
      ),
      load: async (batch) => {
        await loadMetricWindows(ctx, batch, metrics);
        await loadUsage(ctx, batch);
      },
    };
  },
};

/** Every metric's windows in one grouped scan per metric, then changes and ranks. */
async function loadMetricWindows(ctx: Ctx, batch: FactBatch, metrics: readonly MetricDefinition[]) {
  const ws = ctx.workspace.id;
  const { day, records } = batch;
  const w = summaryWindows(day);
  // The WHERE clause below selects only days inside [yearAgo30.from, day], so a window's bound at
  // either end of that range is implied and not compared again: the grouped scans evaluate 8 day
  // comparisons per row instead of 12, which is most of their cost (measured 1.3 s -> 0.8 s per
  // metric on 1.8M rollup rows, SQLite).
  const within = (r: { from: string; to: string }, column: string) => {
    const lower = r.from > w.yearAgo30.from ? sql`day >= ${r.from}` : null;
    const upper = r.to < day ? sql`day <= ${r.to}` : null;
    const test = lower && upper ? sql`${lower} and ${upper}` : (lower ?? upper ?? sql`1 = 1`);
    return sql`case when ${test} then ${sql.ref(column)} end`;
  };
  const inWindows = sql<boolean>`((day >= ${w.last90.from} and day <= ${w.last90.to}) or (day >= ${w.yearAgo30.from} and day <= ${w.yearAgo30.to}))`;
  const metricQuery = (m: MetricDefinition) => (ids: readonly string[] | null) =>
    m.aggregation === 'distinct_users'
      ? ctx.db
          .selectFrom('metric_user_days')
          .select('account_id')
          .select(WINDOWS.map((k) => sql<number>`count(distinct ${within(w[k], 'user_key')})`.as(k)))
          .where('workspace_id', '=', ws)
          .where('metric_id', '=', m.id)
          .where(inWindows)
          .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
          .groupBy('account_id')
      : ctx.db
          .selectFrom('metric_daily')
          .select('account_id')
          .select(
            WINDOWS.map((k) =>
              (m.aggregation === 'max'
                ? sql<number>`max(${within(w[k], 'value')})`
                : sql<number>`sum(${within(w[k], 'value')})`
              ).as(k),
            ),
          )
          .where('workspace_id', '=', ws)
          .where('metric_id', '=', m.id)
          .where(inWindows)
          .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
          .groupBy('account_id');

  let index = 0;
  for await (const totals of batch.totals(metrics.map(metricQuery), WINDOWS)) {
    const m = metrics[index++]!;
    // Ranks are among all accounts of the workspace (no usage = 0), whatever subset is built.
    let ranks: Float64Array;
    const population = `metrics.${m.key}.last30`;
    if (batch.whole) {
      const last30 = new Float64Array(records.length);
      for (let i = 0; i < records.length; i++) last30[i] = totals[i * 6 + 2]!;
      ranks = percentileRankArray(last30);
      batch.population.keep(population, last30);
    } else if (batch.wants(`metrics.${m.key}.percentile`)) {
      const kept = await batch.population.kept(population);
      ranks = kept
        ? Float64Array.from(records, (_, i) => percentileRankAmong(kept, totals[i * 6 + 2]!))
        : await ranksInWorkspace(ctx, batch, m, w.last30);
    } else {
      ranks = new Float64Array(records.length).fill(Number.NaN);
    }
    // The keys once per metric, not once per account.
    const p = `metrics.${m.key}.`;
    const k = Object.fromEntries(METRIC_FACTS.map(([n]) => [n, p + n])) as Record<MetricFact, string>;
    for (let i = 0; i < records.length; i++) {
      const f = records[i]!;
      const o = i * 6;
      const last7 = totals[o]!;
      const last30 = totals[o + 2]!;
      f[k.total_7d] = last7;
      f[k.total_30d] = last30;
      f[k.total_90d] = totals[o + 4]!;
      f[k.wow] = change(last7, totals[o + 1]!);
      f[k.mom] = change(last30, totals[o + 3]!);
      f[k.last30_vs_prior30] = f[k.mom];
      f[k.yoy] = change(last30, totals[o + 5]!);
      f[k.percentile] = Number.isNaN(ranks[i]!) ? null : ranks[i]!;
    }
  }
}

/** The batch's accounts' ranks of their 30-day totals among every account of the workspace. */
async function ranksInWorkspace(
  ctx: Ctx,
  batch: FactBatch,
  m: MetricDefinition,
  last30: { from: string; to: string },
): Promise<Float64Array> {
  const ws = ctx.workspace.id;
  const all = await batch.allAccountIds();
  const rows = await (m.aggregation === 'distinct_users'
    ? ctx.db
        .selectFrom('metric_user_days')
        .select(['account_id', sql<number>`count(distinct user_key)`.as('v')])
        .where('workspace_id', '=', ws)
        .where('metric_id', '=', m.id)
        .where('day', '>=', last30.from)
        .where('day', '<=', last30.to)
        .groupBy('account_id')
        .execute()
    : ctx.db
        .selectFrom('metric_daily')
        .select([
          'account_id',
          (m.aggregation === 'max' ? sql<number>`max(value)` : sql<number>`sum(value)`).as('v'),
        ])
        .where('workspace_id', '=', ws)
        .where('metric_id', '=', m.id)
        .where('day', '>=', last30.from)
        .where('day', '<=', last30.to)
        .groupBy('account_id')
        .execute());
  const byId = new Map(rows.map((r) => [r.account_id, Number(r.v)]));
  const rankById = percentileRanks(new Map(all.map((id) => [id, byId.get(id) ?? 0])));
  return Float64Array.from(batch.ids, (id) => rankById.get(id) ?? Number.NaN);
}

/** Breadth and depth: distinct active users and features used over the last 7 and 30 days. */
async function loadUsage(ctx: Ctx, batch: FactBatch) {
  const ws = ctx.workspace.id;
  const w = summaryWindows(batch.day);
  const users = await batch.select((ids) =>
    ctx.db
      .selectFrom('account_user_daily')
      .select([
        'account_id',
        sql<number>`count(distinct case when day >= ${w.last7.from} then user_key end)`.as('u7'),
        sql<number>`count(distinct user_key)`.as('u30'),
      ])
      .where('workspace_id', '=', ws)
      .where('day', '>=', w.last30.from)
      .where('day', '<=', w.last30.to)
      .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
      .groupBy('account_id'),
  );
  const userMap = new Map(users.map((u) => [u.account_id, u]));
  const featureCount = (await loadFeatures(ctx)).length;
  const used = await batch.select((ids) =>
    ctx.db
      .selectFrom('account_feature_daily')
      .select(['account_id', sql<number>`count(distinct feature_id)`.as('n')])
      .where('workspace_id', '=', ws)
      .where('day', '>=', w.last30.from)
      .where('day', '<=', w.last30.to)
      .$if(ids !== null, (q) => q.where('account_id', 'in', ids!))
      .groupBy('account_id'),
  );
  const usedMap = new Map(used.map((u) => [u.account_id, Number(u.n)]));
  batch.ids.forEach((id, i) => {
    const f = batch.records[i]!;
    const u = userMap.get(id);
    const u30 = Number(u?.u30 ?? 0);
    f.active_users_7d = Number(u?.u7 ?? 0);
    f.active_users_30d = u30;
    f.breadth = f.licensed_seats ? u30 / Number(f.licensed_seats) : null;
    const n = usedMap.get(id) ?? 0;
    f.features_used_30d = n;
    f.depth = featureCount ? n / featureCount : null;
  });
}
