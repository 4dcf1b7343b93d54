import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { openReadWorker } from '../../db/read-worker.ts';
import { addDays, dayInZone, daysBetween } from '../../time.ts';
import { fromMinor, loadDefinitions } from '../accounts/index.ts';
import { loadFeatures, loadMetrics, summaryWindows } from '../metrics/index.ts';
import { NOTE_TYPES } from '../timeline/index.ts';

/** One flat record per account, keyed like the catalogue (`arr`, `metrics.reports_run.mom`...). */
export type Facts = Record<string, unknown>;

const BATCH = 500;
/** Below this many accounts the scans are quick and a second connection is not worth its start. */
const PARALLEL_SCANS_FROM = 2000;

/** Each metric's facts (`metrics.<key>.<fact>`), in the order a record lists them. */
const METRIC_FACTS = [
  'total_7d',
  'total_30d',
  'total_90d',
  'wow',
  'mom',
  'last30_vs_prior30',
  'yoy',
  'percentile',
] as const;
/** The breadth, depth and touch facts, set last. */
const USAGE_FACTS = [
  'active_users_7d',
  'active_users_30d',
  'breadth',
  'features_used_30d',
  'depth',
  'days_since_last_touch',
] as const;

/**
 * Makes empty facts records: every key, in order, null. A record has 8 facts per metric, 180+ keys
 * with 20 metrics; a plain object given that many keys one by one falls into V8's dictionary mode
 * at ~12 KB a record (1.3 GB for 100,000 accounts), while objects from one constructor that assigns
 * every key on `this` share one in-object layout, ~2.3 KB a record. The generated code holds no key
 * (`this[keys[i]] = null`). Records stay plain objects: Object.prototype, own enumerable keys.
 */
function recordMaker(keys: readonly string[]): () => Facts {
  const Blank = new Function('keys', keys.map((_, i) => `this[keys[${i}]] = null;`).join('\n')) as new (
    keys: readonly string[],
  ) => Facts;
  Blank.prototype = Object.prototype;
  return () => new Blank(keys);
}

const change = (current: number, prior: number) => (prior === 0 ? null : (current - prior) / prior);

/** Whole months between two days: 0 until the same day-of-month comes round, as people count them. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  let months = (ty - fy) * 12 + (tm - fm);
  if (td < fd) months -= 1;
  return months;
}

/** Percentile rank 0-100 of each value among all values (ties count half), as in the metrics API. */
export function percentileRanks(values: ReadonlyMap<string, number>): Map<string, number> {
  const ranks = percentileRankArray(Float64Array.from(values.values()));
  const out = new Map<string, number>();
  let i = 0;
  for (const k of values.keys()) out.set(k, ranks[i++]!);
  return out;
}

/** percentileRanks over an array: each value's rank, in the same positions. */
export function percentileRankArray(values: Float64Array): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n <= 1) return out.fill(50);
  const sorted = Float64Array.from(values).sort();
  const lower = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upper = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const below = lower(v);
    const ties = upper(v) - below - 1; // excluding the account itself
    out[i] = (100 * (below + ties / 2)) / (n - 1);
  }
  return out;
}

async function inBatches<T>(
  ids: readonly string[] | null,
  fn: (batch: readonly string[] | null) => Promise<T[]>,
) {
  if (ids === null) return fn(null);
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += BATCH) out.push(...(await fn(ids.slice(i, i + BATCH))));
  return out;
}

/**
 * The facts of many accounts as of `day`, in bulk: a handful of grouped queries per table, never
 * one per account. `accountIds` null means every account of the workspace. Percentiles always
 * rank against the whole workspace.
 */
export async function buildFacts(
  ctx: Ctx,
  accountIds: readonly string[] | null,
  day: string,
  options: { parallelScansFrom?: number } = {},
): Promise<Map<string, Facts>> {
  const ws = ctx.workspace.id;
  // fromMinor(x, base) is x / 10 ** digits, but builds an Intl.NumberFormat per call: once is enough.
  const minorPerUnit = Math.round(1 / fromMinor(1, ctx.workspace.baseCurrency));
  const scope = <Q extends { where: (...a: never[]) => Q }>(
    q: Q,
    batch: readonly string[] | null,
    column = 'account_id',
  ): Q =>
    batch === null
      ? q
      : ((q as unknown as { where: (c: string, o: string, v: unknown) => Q }).where(
          column,
          'in',
          batch,
        ) as Q);

  const accounts = await inBatches(accountIds, (b) =>
    scope(
      ctx.db
        .selectFrom('accounts')
        .select([
          'id',
          'external_id',
          'name',
          'region',
          'industry',
          'product_lines',
          'tags',
          'owner_id',
          'parent_id',
          'licensed_seats',
          'go_live_date',
          'custom_fields',
        ])
        .where('workspace_id', '=', ws),
      b,
      'id',
    ).execute(),
  );
  const definitions = await loadDefinitions(ctx);
  const metrics = await loadMetrics(ctx);
  const metricKeys = metrics.flatMap((m) => METRIC_FACTS.map((k) => `metrics.${m.key}.${k}`));
  let blank: (() => Facts) | undefined;
  const facts = new Map<string, Facts>();
  for (const a of accounts) {
    const own: Facts = {
      external_id: a.external_id,
      name: a.name,
      region: a.region,
      industry: a.industry,
      product_lines: parseJson<string[]>(a.product_lines, []),
      tags: parseJson<string[]>(a.tags, []),
      owner_id: a.owner_id,
      parent_id: a.parent_id,
      licensed_seats: a.licensed_seats,
      go_live_date: a.go_live_date,
      days_since_go_live: a.go_live_date ? daysBetween(a.go_live_date, day) : null,
      months_since_go_live: a.go_live_date ? monthsBetween(a.go_live_date, day) : null,
      arr: 0,
      mrr: 0,
      renewal_date: null,
      days_to_renewal: null,
      contract_status: 'none',
      renewal_confirmed: false,
      days_since_renewal: null,
      is_churned: false,
    };
    const custom = parseJson<Record<string, unknown>>(a.custom_fields, {});
    for (const d of definitions) own[`cf.${d.key}`] = custom[d.key] ?? null;
    blank ??= recordMaker([...Object.keys(own), ...metricKeys, ...USAGE_FACTS]);
    facts.set(a.id, Object.assign(blank(), own));
  }
  const ids = accountIds === null ? null : [...facts.keys()];
  const accountOrder = [...facts.keys()];
  const records = [...facts.values()];
  const position = new Map(accountOrder.map((id, i) => [id, i]));

  // Contracts as of `day` (not the stored current figures, so past days can be backfilled).
  const contracts = await inBatches(ids, (b) =>
    scope(
      ctx.db
        .selectFrom('contracts')
        .select([
          'id',
          'account_id',
          'start_date',
          'end_date',
          'status',
          'arr_minor',
          'mrr_minor',
          'renews_contract_id',
        ])
        .where('workspace_id', '=', ws),
      b,
    ).execute(),
  );
  const renewedIds = new Set(contracts.map((c) => c.renews_contract_id).filter(Boolean));
  const byAccount = new Map<string, typeof contracts>();
  for (const c of contracts) {
    const list = byAccount.get(c.account_id) ?? [];
    list.push(c);
    byAccount.set(c.account_id, list);
  }
  for (const [accountId, list] of byAccount) {
    const f = facts.get(accountId);
    if (!f) continue;
    const inForce = list.filter(
      (c) => c.start_date <= day && (c.end_date === null || c.end_date >= day) && c.status !== 'churned',
    );
    let arr = 0;
    let mrr = 0;
    let renewal: string | null = null;
    for (const c of inForce) {
      arr += Number(c.arr_minor);
      mrr += Number(c.mrr_minor);
      if (c.end_date && (renewal === null || c.end_date < renewal)) renewal = c.end_date;
    }
    f.arr = arr / minorPerUnit;
    f.mrr = mrr / minorPerUnit;
    f.renewal_date = renewal;
    f.days_to_renewal = renewal ? daysBetween(day, renewal) : null;
    const started = list
      .filter((c) => c.start_date <= day)
      .sort((x, y) => x.start_date.localeCompare(y.start_date));
    const last = started.at(-1);
    if (inForce.length) f.contract_status = 'active';
    else if (list.some((c) => c.start_date > day)) f.contract_status = 'upcoming';
    else if (last) f.contract_status = last.status === 'churned' ? 'churned' : 'ended';
    f.is_churned = f.contract_status === 'churned' || f.contract_status === 'ended';
    // Renewal confirmed (seed 004's expansion period starts here): the contract in force has a
    // successor (linked, or any contract starting later) or is marked renewed or expanded.
    f.renewal_confirmed =
      inForce.length > 0 &&
      (list.some((n) => n.start_date > day) ||
        inForce.some((c) => renewedIds.has(c.id) || c.status === 'renewed' || c.status === 'expanded'));
    const currentRenewal = inForce
      .filter((c) => c.renews_contract_id)
      .sort((x, y) => y.start_date.localeCompare(x.start_date))[0];
    f.days_since_renewal = currentRenewal ? daysBetween(currentRenewal.start_date, day) : null;
  }

  // Usage: every metric's windows in one grouped pass per table, then changes and ranks.
  const w = summaryWindows(day);
  const windows = [w.last7, w.prior7, w.last30, w.prior30, w.last90, w.yearAgo30] as const;
  const names = ['last7', 'prior7', 'last30', 'prior30', 'last90', 'yearAgo30'] as const;
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
  const metricQuery = (m: (typeof metrics)[number], batch: readonly string[] | null) =>
    m.aggregation === 'distinct_users'
      ? scope(
          ctx.db
            .selectFrom('metric_user_days')
            .select('account_id')
            .select(
              names.map((k, i) => sql<number>`count(distinct ${within(windows[i]!, 'user_key')})`.as(k)),
            )
            .where('workspace_id', '=', ws)
            .where('metric_id', '=', m.id)
            .where(inWindows)
            .groupBy('account_id'),
          batch,
        )
      : scope(
          ctx.db
            .selectFrom('metric_daily')
            .select('account_id')
            .select(
              names.map((k, i) =>
                (m.aggregation === 'max'
                  ? sql<number>`max(${within(windows[i]!, 'value')})`
                  : sql<number>`sum(${within(windows[i]!, 'value')})`
                ).as(k),
              ),
            )
            .where('workspace_id', '=', ws)
            .where('metric_id', '=', m.id)
            .where(inWindows)
            .groupBy('account_id'),
          batch,
        );
  // Every account's scans are the bulk of a recompute: on SQLite, every other metric's scan runs on
  // a second connection in another thread while this one runs the next (measured 16 s -> 9 s for
  // 20 metrics over 36M rollup rows on two cores). Results are still used one at a time, in order.
  const side =
    ids === null && records.length >= (options.parallelScansFrom ?? PARALLEL_SCANS_FROM) && metrics.length > 1
      ? openReadWorker(ctx)
      : undefined;
  const sideRows = new Map<number, Promise<Record<string, unknown>[]>>();
  if (side) {
    for (let i = 0; i < metrics.length; i += 2)
      sideRows.set(i, side.run(metricQuery(metrics[i]!, null).compile()));
    // A failed side query is reported where its rows are awaited, not as an unhandled rejection.
    for (const p of sideRows.values()) p.catch(() => {});
  }
  try {
    for (const [index, m] of metrics.entries()) {
      const distinct = m.aggregation === 'distinct_users';
      const rows = (await sideRows.get(index)) ?? (await inBatches(ids, (b) => metricQuery(m, b).execute()));
      // Per account position, six window totals side by side: no object per account and metric.
      const totals = new Float64Array(records.length * 6);
      for (const r of rows as Record<string, unknown>[]) {
        const at = position.get(r.account_id as string);
        if (at === undefined) continue;
        const o = at * 6;
        totals[o] = Number(r.last7 ?? 0);
        totals[o + 1] = Number(r.prior7 ?? 0);
        totals[o + 2] = Number(r.last30 ?? 0);
        totals[o + 3] = Number(r.prior30 ?? 0);
        totals[o + 4] = Number(r.last90 ?? 0);
        totals[o + 5] = Number(r.yearAgo30 ?? 0);
      }
      // Ranks are among all accounts of the workspace (no usage = 0), whatever subset is built.
      let ranks: Float64Array;
      if (ids === null) {
        const last30 = new Float64Array(records.length);
        for (let i = 0; i < records.length; i++) last30[i] = totals[i * 6 + 2]!;
        ranks = percentileRankArray(last30);
      } else {
        const all = await ctx.db.selectFrom('accounts').select('id').where('workspace_id', '=', ws).execute();
        const last30 = await (distinct
          ? ctx.db
              .selectFrom('metric_user_days')
              .select(['account_id', sql<number>`count(distinct user_key)`.as('v')])
              .where('workspace_id', '=', ws)
              .where('metric_id', '=', m.id)
              .where('day', '>=', w.last30.from)
              .where('day', '<=', w.last30.to)
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
              .where('day', '>=', w.last30.from)
              .where('day', '<=', w.last30.to)
              .groupBy('account_id')
              .execute());
        const byId = new Map(last30.map((r) => [r.account_id, Number(r.v)]));
        const population = new Map(all.map((a) => [a.id, byId.get(a.id) ?? 0]));
        const rankById = percentileRanks(population);
        ranks = Float64Array.from(accountOrder, (id) => rankById.get(id) ?? Number.NaN);
      }
      // The keys once per metric, not once per account.
      const p = `metrics.${m.key}.`;
      const k = Object.fromEntries(METRIC_FACTS.map((n) => [n, p + n])) as Record<
        (typeof METRIC_FACTS)[number],
        string
      >;
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
  } finally {
    await side?.close();
  }

  // Breadth and depth.
  const users = await inBatches(ids, (b) =>
    scope(
      ctx.db
        .selectFrom('account_user_daily')
        .select([
          'account_id',
          sql<number>`count(distinct ${within(w.last7, 'user_key')})`.as('u7'),
          sql<number>`count(distinct user_key)`.as('u30'),
        ])
        .where('workspace_id', '=', ws)
        .where('day', '>=', w.last30.from)
        .where('day', '<=', w.last30.to)
        .groupBy('account_id'),
      b,
    ).execute(),
  );
  const userMap = new Map(users.map((u) => [u.account_id, u]));
  const featureCount = (await loadFeatures(ctx)).length;
  const used = await inBatches(ids, (b) =>
    scope(
      ctx.db
        .selectFrom('account_feature_daily')
        .select(['account_id', sql<number>`count(distinct feature_id)`.as('n')])
        .where('workspace_id', '=', ws)
        .where('day', '>=', w.last30.from)
        .where('day', '<=', w.last30.to)
        .groupBy('account_id'),
      b,
    ).execute(),
  );
  const usedMap = new Map(used.map((u) => [u.account_id, Number(u.n)]));

  // Last touch by a person: notes, calls, meetings, emails up to the end of `day`.
  const touches = await inBatches(ids, (b) =>
    scope(
      ctx.db
        .selectFrom('timeline_entries')
        .select(['account_id', sql<string>`max(occurred_at)`.as('at')])
        .where('workspace_id', '=', ws)
        .where('type', 'in', [...NOTE_TYPES])
        .where('occurred_at', '<', `${addDays(day, 1)}T00:00:00.000Z`)
        .groupBy('account_id'),
      b,
    ).execute(),
  );
  const touchMap = new Map(touches.map((t) => [t.account_id, t.at]));

  for (const [id, f] of facts) {
    const u = userMap.get(id);
    const u30 = Number(u?.u30 ?? 0);
    f.active_users_7d = Number(u?.u7 ?? 0);
    f.active_users_30d = u30;
    f.breadth = f.licensed_seats ? u30 / Number(f.licensed_seats) : null;
    const n = usedMap.get(id) ?? 0;
    f.features_used_30d = n;
    f.depth = featureCount ? n / featureCount : null;
    const touch = touchMap.get(id);
    f.days_since_last_touch = touch
      ? daysBetween(dayInZone(new Date(touch), ctx.workspace.timeZone), day)
      : null;
  }
  return facts;
}
