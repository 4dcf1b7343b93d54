// Reads over the daily rollups: an account's metric summary and series, its top and bottom users,
// where it ranks among similar accounts, and series over a segment of accounts. Every query names
// the workspace and either one account or one metric with a bounded day range, so a request never
// scans the workspace's whole history.
import { type Expression, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { jsonArrayContains, weekStart } from '../../db/dialect.ts';
import { invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { addDays, daysBetween, isValidDay, today } from '../../time.ts';
import {
  accountsView,
  contactRefsByUserKey,
  getAccountRef,
  readableAccountsView,
} from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import {
  AGGREGATIONS,
  BEHAVIOURS,
  getMetricRow,
  loadMetrics,
  type MetricDefinition,
  metricRowToMetric,
} from './definitions.ts';

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
/** A series covers at most three years: enough for year-over-year by day, bounded per request. */
export const MAX_SERIES_DAYS = 1096;

const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');
const DayRange = z.object({ from: z.string(), to: z.string() });
type DayRange = z.infer<typeof DayRange>;

const day = sql.ref('day');
/** `column` on days inside the range, else NULL: lets one pass aggregate several windows. */
const within = (r: DayRange, column: string) =>
  sql`case when ${day} >= ${r.from} and ${day} <= ${r.to} then ${sql.ref(column)} end`;
const inRange = (r: DayRange) => sql<SqlBool>`(${day} >= ${r.from} and ${day} <= ${r.to})`;

export const MetricRef = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  aggregation: z.enum(AGGREGATIONS),
  behaviour: z.enum(BEHAVIOURS),
});
const metricRef = (m: MetricDefinition): z.infer<typeof MetricRef> => ({
  id: m.id,
  key: m.key,
  name: m.name,
  aggregation: m.aggregation,
  behaviour: m.behaviour,
});

// --- Segments: accounts picked by their fields ("accounts like this").

const Label = z.string().trim().min(1).max(100);
export const SegmentFilter = z.object({
  region: Label.optional(),
  industry: Label.optional(),
  ownerId: z.string().min(1).max(100).optional(),
  tag: Label.optional(),
});
export type SegmentFilter = z.infer<typeof SegmentFilter>;

/**
 * The ids of the accounts in the segment that the caller may read (plus `alsoId`, so an account
 * ranks among its peers).
 */
function segmentAccounts(ctx: Ctx, s: SegmentFilter, alsoId?: string) {
  return ctx.db
    .selectFrom(readableAccountsView(ctx).as('a'))
    .select('a.id')
    .where((eb) => {
      const parts: Expression<SqlBool>[] = [];
      if (s.region) parts.push(eb('a.region', '=', s.region));
      if (s.industry) parts.push(eb('a.industry', '=', s.industry));
      if (s.ownerId) parts.push(eb('a.owner_id', '=', s.ownerId));
      if (s.tag) parts.push(jsonArrayContains(ctx.engine, eb.ref('a.tags'), s.tag) as Expression<SqlBool>);
      const match = eb.and(parts);
      return alsoId ? eb.or([match, eb('a.id', '=', alsoId)]) : match;
    });
}

const requireMetric = async (ctx: Ctx, idOrKey: string) =>
  metricRowToMetric(await getMetricRow(ctx, idOrKey));

// --- Aggregating one metric over a day range, by bucket or by account.

/**
 * Which accounts a read covers: one account, or a segment. Counts and sums add up across accounts
 * and days; max takes the largest; distinct users are counted per account within the bucket and
 * then added (a person belongs to one account), so a week's value is people, not person-days.
 */
type Scope = { accountId: string } | { segment: SegmentFilter; alsoId?: string };
type GroupBy = Interval | 'account' | 'none';

function bucketExpr(ctx: Ctx, by: GroupBy) {
  if (by === 'week') return weekStart(ctx.engine, day);
  if (by === 'month') return sql<string>`(substr(${day}, 1, 7) || '-01')`;
  if (by === 'account') return sql<string>`${sql.ref('account_id')}`;
  return sql<string>`${day}`;
}

/** The metric's value per bucket (or account) over [range.from, range.to]; key '' when by is 'none'. */
async function aggregate(
  ctx: Ctx,
  m: MetricDefinition,
  range: DayRange,
  scope: Scope,
  by: GroupBy,
): Promise<Map<string, number>> {
  const ws = ctx.workspace.id;
  const inScope =
    'accountId' in scope ? [scope.accountId] : segmentAccounts(ctx, scope.segment, scope.alsoId);
  const key = by === 'none' ? sql<string>`''` : bucketExpr(ctx, by);
  let rows: { k: string; v: number | string | null }[];
  if (m.aggregation === 'distinct_users') {
    // People per (bucket, account), then added up over accounts.
    const perAccount = ctx.db
      .selectFrom('metric_user_days')
      .select((eb) => [key.as('k'), 'account_id', eb.fn.count<number>('user_key').distinct().as('n')])
      .where('workspace_id', '=', ws)
      .where('metric_id', '=', m.id)
      .where('account_id', 'in', inScope)
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .groupBy(by === 'none' ? ['account_id'] : [key, 'account_id']);
    rows = await ctx.db
      .selectFrom(perAccount.as('p'))
      .select((eb) => ['p.k as k', eb.fn.sum<number>('p.n').as('v')])
      .groupBy('p.k')
      .execute();
  } else {
    const value = sql.ref('value');
    let q = ctx.db
      .selectFrom('metric_daily')
      .select([
        key.as('k'),
        (m.aggregation === 'max' ? sql<number>`max(${value})` : sql<number>`sum(${value})`).as('v'),
      ])
      .where('workspace_id', '=', ws)
      .where('metric_id', '=', m.id)
      .where('account_id', 'in', inScope)
      .where('day', '>=', range.from)
      .where('day', '<=', range.to);
    // PostgreSQL refuses to group by a constant; no grouping gives the one overall row.
    if (by !== 'none') q = q.groupBy(key);
    rows = await q.execute();
  }
  const out = new Map<string, number>();
  for (const r of rows) if (r.v !== null) out.set(String(r.k), Number(r.v));
  return out;
}

// --- Day ranges and buckets.

/** The same day one year earlier (29 February becomes the 28th). */
export function yearEarlier(day: string): string {
  const candidate = `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
  return isValidDay(candidate) ? candidate : candidate.replace(/-29$/, '-28');
}

function bucketStart(day: string, interval: Interval): string {
  if (interval === 'day') return day;
  if (interval === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7)); // weeks start on Monday (ISO)
}

function nextBucket(start: string, interval: Interval): string {
  if (interval === 'day') return addDays(start, 1);
  if (interval === 'week') return addDays(start, 7);
  const [y, mo] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
  return mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
}

export const SeriesPoint = z.object({
  start: z.string().describe('First day of the bucket inside the range'),
  end: z.string().describe('Last day of the bucket inside the range'),
  value: z.number(),
});
type SeriesPoint = z.infer<typeof SeriesPoint>;

const clip = (d: string, r: DayRange) => (d < r.from ? r.from : d > r.to ? r.to : d);

/** Every bucket of the range, zero where nothing was recorded; edge buckets are clipped to the range. */
function fill(range: DayRange, interval: Interval, values: Map<string, number>): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (
    let start = bucketStart(range.from, interval);
    start <= range.to;
    start = nextBucket(start, interval)
  ) {
    const last = addDays(nextBucket(start, interval), -1);
    points.push({
      start: clip(start, range),
      end: clip(last, range),
      value: values.get(start) ?? 0,
    });
  }
  return points;
}

/** from/to default to the 30 days ending today; the range must be ordered and bounded. */
function seriesRange(ctx: Ctx, input: { from?: string; to?: string }): DayRange {
  const to = input.to ?? today(ctx);
  const from = input.from ?? addDays(to, -29);
  if (from > to) throw invalidField('from', msg('error.mustNotBeAfterTo'), 'query');
  if (daysBetween(from, to) + 1 > MAX_SERIES_DAYS) {
    throw invalidField('from', msg('metrics.error.seriesTooLong', { days: MAX_SERIES_DAYS }), 'query');
  }
  return { from, to };
}

const change = (current: number, prior: number): number | null =>
  prior === 0 ? null : (current - prior) / prior;

// --- An account's summary: every metric over 7/30/90 days with WoW, MoM and YoY, breadth, depth.

const WINDOWS = ['last7', 'prior7', 'last30', 'prior30', 'last90', 'yearAgo30'] as const;
type WindowKey = (typeof WINDOWS)[number];

export function summaryWindows(day: string): Record<WindowKey, DayRange> {
  const yearAgo = yearEarlier(day);
  return {
    last7: { from: addDays(day, -6), to: day },
    prior7: { from: addDays(day, -13), to: addDays(day, -7) },
    last30: { from: addDays(day, -29), to: day },
    prior30: { from: addDays(day, -59), to: addDays(day, -30) },
    last90: { from: addDays(day, -89), to: day },
    yearAgo30: { from: addDays(yearAgo, -29), to: yearAgo },
  };
}

const Change = z
  .number()
  .nullable()
  .describe('Fractional change (0.25 = +25%); null when the earlier period is 0');
export const MetricSummary = z.object({
  metric: MetricRef,
  totals: z.object({ last7: z.number(), last30: z.number(), last90: z.number() }),
  previous: z.object({
    prior7: z.number().describe('The 7 days before the last 7'),
    prior30: z.number().describe('The 30 days before the last 30'),
    yearAgo30: z.number().describe('The same 30 days one year earlier'),
  }),
  changes: z.object({
    wow: Change.describe('Last 7 days vs the 7 before'),
    mom: Change.describe('Last 30 days vs the 30 before'),
    last30VsPrior30: Change,
    yoy: Change.describe('Last 30 days vs the same 30 days a year earlier'),
  }),
});
export const AccountMetrics = z.object({
  accountId: z.string(),
  today: z.string(),
  windows: z.object(
    Object.fromEntries(WINDOWS.map((w) => [w, DayRange])) as Record<WindowKey, typeof DayRange>,
  ),
  activeUsers: z.object({ last7: z.number(), last30: z.number() }),
  licensedSeats: z.number().nullable(),
  breadth: z
    .number()
    .nullable()
    .describe('Distinct active users in the last 30 days / licensed seats; null without seats'),
  featuresUsed: z.number().describe('Features used in the last 30 days'),
  featuresDefined: z.number(),
  depth: z
    .number()
    .nullable()
    .describe('Features used in the last 30 days / features defined; null without features'),
  metrics: z.array(MetricSummary),
});
export type AccountMetrics = z.infer<typeof AccountMetrics>;

export async function getAccountMetrics({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<AccountMetrics> {
  await authorize(ctx, 'read');
  const ws = ctx.workspace.id;
  const account = await getAccountRef(ctx, accountId);
  const asOf = today(ctx);
  const w = summaryWindows(asOf);
  const metrics = await loadMetrics(ctx);
  const inWindows = sql<SqlBool>`(${inRange(w.last90)} or ${inRange(w.yearAgo30)})`;

  // One pass over the account's rows per table. metric_id is listed so the primary key
  // (workspace, metric, account, day) is searched per metric instead of scanning the workspace.
  const totals = new Map<string, Record<string, unknown>>();
  const daily = metrics.filter((m) => m.aggregation !== 'distinct_users').map((m) => m.id);
  if (daily.length) {
    const rows = await ctx.db
      .selectFrom('metric_daily')
      .select('metric_id')
      .select(
        WINDOWS.flatMap((k) => [
          sql<number | null>`sum(${within(w[k], 'value')})`.as(`sum_${k}`),
          sql<number | null>`max(${within(w[k], 'value')})`.as(`max_${k}`),
        ]),
      )
      .where('workspace_id', '=', ws)
      .where('metric_id', 'in', daily)
      .where('account_id', '=', account.id)
      .where(inWindows)
      .groupBy('metric_id')
      .execute();
    for (const r of rows) totals.set(r.metric_id, r as Record<string, unknown>);
  }
  const people = metrics.filter((m) => m.aggregation === 'distinct_users').map((m) => m.id);
  if (people.length) {
    const rows = await ctx.db
      .selectFrom('metric_user_days')
      .select('metric_id')
      .select(WINDOWS.map((k) => sql<number>`count(distinct ${within(w[k], 'user_key')})`.as(`people_${k}`)))
      .where('workspace_id', '=', ws)
      .where('metric_id', 'in', people)
      .where('account_id', '=', account.id)
      .where(inWindows)
      .groupBy('metric_id')
      .execute();
    for (const r of rows) totals.set(r.metric_id, r as Record<string, unknown>);
  }

  const users = await ctx.db
    .selectFrom('account_user_daily')
    .select([
      sql<number>`count(distinct ${within(w.last7, 'user_key')})`.as('last7'),
      sql<number>`count(distinct ${within(w.last30, 'user_key')})`.as('last30'),
    ])
    .where('workspace_id', '=', ws)
    .where('account_id', '=', account.id)
    .where('day', '>=', w.last30.from)
    .where('day', '<=', w.last30.to)
    .executeTakeFirstOrThrow();
  const used = await ctx.db
    .selectFrom('account_feature_daily')
    .select((eb) => eb.fn.count<number>('feature_id').distinct().as('n'))
    .where('workspace_id', '=', ws)
    .where('account_id', '=', account.id)
    .where('day', '>=', w.last30.from)
    .where('day', '<=', w.last30.to)
    .executeTakeFirstOrThrow();
  const defined = await ctx.db
    .selectFrom('features')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ws)
    .executeTakeFirstOrThrow();

  const active30 = Number(users.last30);
  const { licensed_seats } = await ctx.db
    .selectFrom(accountsView(ctx).as('a'))
    .select('a.licensed_seats')
    .where('a.id', '=', account.id)
    .executeTakeFirstOrThrow();
  const seats = licensed_seats === null ? null : Number(licensed_seats);
  const featuresUsed = Number(used.n);
  const featuresDefined = Number(defined.n);
  return {
    accountId: account.id,
    today: asOf,
    windows: w,
    activeUsers: { last7: Number(users.last7), last30: active30 },
    licensedSeats: seats,
    breadth: seats ? active30 / seats : null,
    featuresUsed,
    featuresDefined,
    depth: featuresDefined ? featuresUsed / featuresDefined : null,
    metrics: metrics.map((m) => {
      const row = totals.get(m.id);
      const prefix = m.aggregation === 'distinct_users' ? 'people' : m.aggregation === 'max' ? 'max' : 'sum';
      const v = Object.fromEntries(WINDOWS.map((k) => [k, Number(row?.[`${prefix}_${k}`] ?? 0)])) as Record<
        WindowKey,
        number
      >;
      const mom = change(v.last30, v.prior30);
      return {
        metric: metricRef(m),
        totals: { last7: v.last7, last30: v.last30, last90: v.last90 },
        previous: { prior7: v.prior7, prior30: v.prior30, yearAgo30: v.yearAgo30 },
        changes: {
          wow: change(v.last7, v.prior7),
          mom,
          last30VsPrior30: mom,
          yoy: change(v.last30, v.yearAgo30),
        },
      };
    }),
  };
}

// --- Series: one account, or a segment.

export const SeriesQuery = z.object({
  from: Day.optional().describe('First day (default: 29 days before `to`)'),
  to: Day.optional().describe('Last day (default: today in the workspace time zone)'),
  interval: z.enum(INTERVALS).default('day'),
});
export type SeriesQuery = z.input<typeof SeriesQuery>;

export const AccountSeries = z.object({
  metric: MetricRef,
  accountId: z.string(),
  from: z.string(),
  to: z.string(),
  interval: z.enum(INTERVALS),
  total: z.number().describe('The metric over the whole range (distinct users: people in the range)'),
  points: z.array(SeriesPoint),
});

export async function getAccountMetricSeries({
  ctx,
  accountId,
  metric,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  metric: string;
  input: SeriesQuery;
}): Promise<z.infer<typeof AccountSeries>> {
  await authorize(ctx, 'read');
  const q = SeriesQuery.parse(input);
  const account = await getAccountRef(ctx, accountId);
  const m = await requireMetric(ctx, metric);
  const range = seriesRange(ctx, q);
  const scope = { accountId: account.id };
  const values = await aggregate(ctx, m, range, scope, q.interval);
  const total = (await aggregate(ctx, m, range, scope, 'none')).get('') ?? 0;
  return {
    metric: metricRef(m),
    accountId: account.id,
    ...range,
    interval: q.interval,
    total,
    points: fill(range, q.interval, values),
  };
}

export const SegmentSeriesQuery = SeriesQuery.extend(SegmentFilter.shape);
export type SegmentSeriesQuery = z.input<typeof SegmentSeriesQuery>;

export const SegmentSeries = z.object({
  metric: MetricRef,
  segment: SegmentFilter,
  from: z.string(),
  to: z.string(),
  interval: z.enum(INTERVALS),
  accounts: z.number().describe('Accounts in the segment'),
  activeAccounts: z.number().describe('Accounts in the segment with a value in the range'),
  total: z.number(),
  points: z.array(SeriesPoint),
});

export async function getSegmentMetricSeries({
  ctx,
  metric,
  input,
}: {
  ctx: Ctx;
  metric: string;
  input: SegmentSeriesQuery;
}): Promise<z.infer<typeof SegmentSeries>> {
  await authorize(ctx, 'read');
  const q = SegmentSeriesQuery.parse(input);
  const m = await requireMetric(ctx, metric);
  const range = seriesRange(ctx, q);
  const segment = SegmentFilter.parse(q);
  const scope = { segment };
  const values = await aggregate(ctx, m, range, scope, q.interval);
  const total = (await aggregate(ctx, m, range, scope, 'none')).get('') ?? 0;
  const active = await aggregate(ctx, m, range, scope, 'account');
  const count = await ctx.db
    .selectFrom(segmentAccounts(ctx, segment).as('s'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return {
    metric: metricRef(m),
    segment,
    ...range,
    interval: q.interval,
    accounts: Number(count.n),
    activeAccounts: active.size,
    total,
    points: fill(range, q.interval, values),
  };
}

// --- Percentile: where an account's window total ranks among accounts like it.

export const PercentileQuery = SegmentFilter.extend({
  accountId: z.string().min(1),
  window: z.coerce.number().int().min(1).max(365).default(30).describe('Days ending today'),
});
export type PercentileQuery = z.input<typeof PercentileQuery>;

export const Percentile = z.object({
  metric: MetricRef,
  accountId: z.string(),
  segment: SegmentFilter,
  window: DayRange.extend({ days: z.number() }),
  value: z.number().describe("The account's total over the window"),
  accounts: z.number().describe('Accounts compared, the account included; those without rollups count as 0'),
  below: z.number(),
  equal: z.number().describe('Other accounts with the same value'),
  above: z.number(),
  rank: z.number().describe('1 = highest; ties share the better rank'),
  percentile: z
    .number()
    .nullable()
    .describe('Share of the other accounts it is above, ties counting half, 0-100; null when alone'),
  median: z.number(),
});

export async function getMetricPercentile({
  ctx,
  metric,
  input,
}: {
  ctx: Ctx;
  metric: string;
  input: PercentileQuery;
}): Promise<z.infer<typeof Percentile>> {
  await authorize(ctx, 'read');
  const q = PercentileQuery.parse(input);
  const m = await requireMetric(ctx, metric);
  const account = await getAccountRef(ctx, q.accountId);
  const segment = SegmentFilter.parse(q);
  const to = today(ctx);
  const range = { from: addDays(to, -(q.window - 1)), to };
  const byAccount = await aggregate(ctx, m, range, { segment, alsoId: account.id }, 'account');
  const count = await ctx.db
    .selectFrom(segmentAccounts(ctx, segment, account.id).as('s'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const accounts = Number(count.n);
  const value = byAccount.get(account.id) ?? 0;
  // Accounts without a rollup row in the window are zeros.
  const values = [...byAccount.values(), ...Array<number>(accounts - byAccount.size).fill(0)].sort(
    (a, b) => a - b,
  );
  let below = 0;
  let equal = -1; // the account itself
  for (const v of values) {
    if (v < value) below++;
    else if (v === value) equal++;
  }
  const others = accounts - 1;
  const above = others - below - equal;
  const mid = Math.floor(values.length / 2);
  const median = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return {
    metric: metricRef(m),
    accountId: account.id,
    segment,
    window: { ...range, days: q.window },
    value,
    accounts,
    below,
    equal,
    above,
    rank: above + 1,
    percentile: others > 0 ? (100 * (below + equal / 2)) / others : null,
    median,
  };
}

// --- Top and bottom users of an account.

export const AccountUsersQuery = z.object({
  window: z.coerce.number().int().min(1).max(365).default(30).describe('Days ending today'),
  order: z.enum(['top', 'bottom']).default('top'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
export type AccountUsersQuery = z.input<typeof AccountUsersQuery>;

export const AccountUser = z.object({
  userKey: z.string(),
  events: z.number().describe('Track, page and screen events in the window'),
  activeDays: z.number(),
  lastActiveDay: z.string(),
  contact: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }).nullable(),
});
export const AccountUsers = z.object({
  accountId: z.string(),
  window: DayRange.extend({ days: z.number() }),
  order: z.enum(['top', 'bottom']),
  items: z.array(AccountUser),
});

/** Users active in the window by events, most (top) or fewest (bottom) first, with their contact. */
export async function getAccountUsers({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: AccountUsersQuery;
}): Promise<z.infer<typeof AccountUsers>> {
  await authorize(ctx, 'read');
  const q = AccountUsersQuery.parse(input);
  const account = await getAccountRef(ctx, accountId);
  const to = today(ctx);
  const range = { from: addDays(to, -(q.window - 1)), to };
  const rows = await ctx.db
    .selectFrom('account_user_daily')
    .select((eb) => [
      'user_key',
      eb.fn.sum<number>('events').as('total'),
      eb.fn.countAll<number>().as('active_days'),
      eb.fn.max('day').as('last_day'),
    ])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', account.id)
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .groupBy('user_key')
    .orderBy('total', q.order === 'top' ? 'desc' : 'asc')
    .orderBy('user_key')
    .limit(q.limit)
    .execute();
  const contacts = new Map<string, { id: string; name: string; email: string | null }>();
  if (rows.length) {
    const found = await contactRefsByUserKey(
      ctx,
      rows.map((r) => r.user_key),
    );
    // A contact on this account wins over one elsewhere with the same user id.
    found.sort((a, b) => Number(a.accountId === account.id) - Number(b.accountId === account.id));
    for (const c of found) contacts.set(c.externalUserId, { id: c.id, name: c.name, email: c.email });
  }
  return {
    accountId: account.id,
    window: { ...range, days: q.window },
    order: q.order,
    items: rows.map((r) => ({
      userKey: r.user_key,
      events: Number(r.total),
      activeDays: Number(r.active_days),
      lastActiveDay: String(r.last_day),
      contact: contacts.get(r.user_key) ?? null,
    })),
  };
}
