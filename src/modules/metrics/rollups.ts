import {
  type AliasedExpression,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SqlBool,
  sql,
} from 'kysely';
import { type Ctx, inTransaction } from '../../context.ts';
import { greatest, jsonScalarText, jsonStrictNumber, jsonStringOrBoolText } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import {
  attachedEvents,
  eventsInDays,
  oldestEventDay,
  sqliteEventsTableSize,
} from '../ingest/event-reads.ts';
import {
  type Feature,
  loadFeatures,
  loadMetrics,
  type MetricDefinition,
  type PropertyFilter,
} from './definitions.ts';

/** Event types that count as a person using the product (identify, group, alias do not). */
export const ACTIVITY_TYPES = ['track', 'page', 'screen'] as const;

export type RollupEvent = {
  accountId: string;
  day: string;
  type: string;
  eventName: string;
  userKey: string | null;
  properties: Record<string, unknown>;
  /** Occurrences the event stands for (a daily usage aggregate); default 1. */
  count?: number;
};

const occurrences = (e: RollupEvent) => e.count ?? 1;

// --- The semantics, in TypeScript (incremental path) and SQL (rebuild path). They must agree;
// --- rollups.test.ts checks that on random events.

const strictNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Own properties only: `properties.toString` must not find Object.prototype's (SQL sees no key). */
const prop = (properties: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(properties, key) ? properties[key] : undefined;

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * What eq/in compare, worked out once from the filter's values. A number property matches a value
 * numerically (5, 5.0 and "5.0" all match 5); a string or boolean property matches a value's text
 * ('true' matches true). Numbers are never compared as text: SQLite spells 1e21 '1.0e+21',
 * PostgreSQL '1000000000000000000000' and JavaScript '1e+21'.
 */
function equalityTargets(values: (string | number)[]) {
  const numbers = new Set<number>();
  for (const v of values) {
    if (typeof v === 'number') numbers.add(v);
    else if (DECIMAL.test(v) && Number.isFinite(Number(v))) numbers.add(Number(v));
  }
  return { numbers: [...numbers], texts: [...new Set(values.map(String))] };
}

function equalsAny(raw: unknown, values: (string | number)[]): boolean {
  const { numbers, texts } = equalityTargets(values);
  if (typeof raw === 'number') return numbers.includes(raw);
  if (typeof raw === 'string' || typeof raw === 'boolean') return texts.includes(String(raw));
  return false; // null, objects and arrays equal nothing
}

const valuesOf = (f: PropertyFilter) => (Array.isArray(f.value) ? f.value : [f.value as string | number]);

export function filterMatches(f: PropertyFilter, properties: Record<string, unknown>): boolean {
  const raw = prop(properties, f.property);
  const present = raw !== null && raw !== undefined;
  switch (f.op) {
    case 'exists':
      return present;
    case 'eq':
    case 'in':
      return equalsAny(raw, valuesOf(f));
    case 'neq':
      return present && !equalsAny(raw, valuesOf(f));
    default: {
      const n = strictNumber(raw);
      const v = f.value as number;
      if (n === null) return false;
      return f.op === 'gt' ? n > v : f.op === 'gte' ? n >= v : f.op === 'lt' ? n < v : n <= v;
    }
  }
}

/** A user is any non-null user key (SQL's `is not null`; ingest never stores an empty one). */
const hasUser = (e: RollupEvent): e is RollupEvent & { userKey: string } =>
  e.userKey !== null && e.userKey !== undefined;

export function metricMatches(m: MetricDefinition, e: RollupEvent): boolean {
  if (!m.eventNames.includes(e.eventName)) return false;
  if (m.aggregation === 'distinct_users' && !hasUser(e)) return false;
  if (
    (m.aggregation === 'sum' || m.aggregation === 'max') &&
    strictNumber(prop(e.properties, m.valueProperty!)) === null
  ) {
    return false;
  }
  return m.propertyFilters.every((f) => filterMatches(f, e.properties));
}

type Eb = ExpressionBuilder<Database, 'events'>;

/** equalsAny in SQL. Each branch checks for NULL itself, so the result is never NULL and NOT works. */
function equalsAnySql(ctx: Ctx, eb: Eb, property: string, values: (string | number)[]): Expression<SqlBool> {
  const props = eb.ref('properties');
  const { numbers, texts } = equalityTargets(values);
  const num = jsonStrictNumber(ctx.engine, props, property);
  const text = jsonStringOrBoolText(ctx.engine, props, property);
  const parts = [eb.and([eb(text, 'is not', null), eb(text, 'in', texts)])];
  if (numbers.length) parts.push(eb.and([eb(num, 'is not', null), eb(num, 'in', numbers)]));
  return eb.or(parts);
}

function filterSql(ctx: Ctx, eb: Eb, f: PropertyFilter): Expression<SqlBool> {
  const props = eb.ref('properties');
  const present = eb(jsonScalarText(ctx.engine, props, f.property), 'is not', null);
  switch (f.op) {
    case 'exists':
      return present;
    case 'eq':
    case 'in':
      return equalsAnySql(ctx, eb, f.property, valuesOf(f));
    case 'neq':
      return eb.and([present, eb.not(equalsAnySql(ctx, eb, f.property, valuesOf(f)))]);
    default: {
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[f.op] as '>' | '>=' | '<' | '<=';
      return eb(jsonStrictNumber(ctx.engine, props, f.property), op, f.value as number);
    }
  }
}

function metricWhere(ctx: Ctx, eb: Eb, m: MetricDefinition): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [eb('event_name', 'in', m.eventNames)];
  if (m.aggregation === 'distinct_users') parts.push(eb('user_key', 'is not', null));
  if (m.aggregation === 'sum' || m.aggregation === 'max') {
    parts.push(eb(jsonStrictNumber(ctx.engine, eb.ref('properties'), m.valueProperty!), 'is not', null));
  }
  for (const f of m.propertyFilters) parts.push(filterSql(ctx, eb, f));
  return eb.and(parts);
}

// --- Incremental path: called in the ingest write transaction with the batch's accepted events.

const CHUNK = 500;
async function chunked<T>(rows: T[], fn: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await fn(rows.slice(i, i + CHUNK));
}

export async function applyRollups(
  ctx: Ctx,
  events: readonly RollupEvent[],
  defs?: { metrics: MetricDefinition[]; features: Feature[] },
): Promise<void> {
  if (events.length === 0) return;
  const metrics = defs?.metrics ?? (await loadMetrics(ctx));
  const features = defs?.features ?? (await loadFeatures(ctx));
  const ws = ctx.workspace.id;
  const sums = new Map<string, { metricId: string; accountId: string; day: string; value: number }>();
  const maxes = new Map<string, { metricId: string; accountId: string; day: string; value: number }>();
  const distinct = new Map<
    string,
    { metric_id: string; account_id: string; day: string; user_key: string }
  >();
  const users = new Map<string, { account_id: string; day: string; user_key: string; events: number }>();
  const featureDays = new Map<
    string,
    { account_id: string; day: string; feature_id: string; events: number }
  >();

  for (const e of events) {
    for (const m of metrics) {
      if (!metricMatches(m, e)) continue;
      const key = `${m.id}|${e.accountId}|${e.day}`;
      if (m.aggregation === 'distinct_users') {
        distinct.set(`${key}|${e.userKey}`, {
          metric_id: m.id,
          account_id: e.accountId,
          day: e.day,
          user_key: e.userKey!,
        });
      } else if (m.aggregation === 'max') {
        const v = prop(e.properties, m.valueProperty!) as number;
        const cur = maxes.get(key);
        if (!cur || v > cur.value)
          maxes.set(key, { metricId: m.id, accountId: e.accountId, day: e.day, value: v });
      } else {
        const v =
          m.aggregation === 'count' ? occurrences(e) : (prop(e.properties, m.valueProperty!) as number);
        const cur = sums.get(key);
        if (cur) cur.value += v;
        else sums.set(key, { metricId: m.id, accountId: e.accountId, day: e.day, value: v });
      }
    }
    if (hasUser(e) && (ACTIVITY_TYPES as readonly string[]).includes(e.type)) {
      const key = `${e.accountId}|${e.day}|${e.userKey}`;
      const cur = users.get(key);
      if (cur) cur.events += occurrences(e);
      else
        users.set(key, { account_id: e.accountId, day: e.day, user_key: e.userKey, events: occurrences(e) });
    }
    for (const f of features) {
      if (!f.eventNames.includes(e.eventName)) continue;
      const key = `${e.accountId}|${e.day}|${f.id}`;
      const cur = featureDays.get(key);
      if (cur) cur.events += occurrences(e);
      else
        featureDays.set(key, {
          account_id: e.accountId,
          day: e.day,
          feature_id: f.id,
          events: occurrences(e),
        });
    }
  }

  // A distinct user adds 1 only the first time it is seen for that metric, account and day.
  await chunked([...distinct.values()], async (chunk) => {
    const inserted = await ctx.db
      .insertInto('metric_user_days')
      .values(chunk.map((r) => ({ workspace_id: ws, ...r })))
      .onConflict((oc) => oc.doNothing())
      .returning(['metric_id', 'account_id', 'day'])
      .execute();
    for (const r of inserted) {
      const key = `${r.metric_id}|${r.account_id}|${r.day}`;
      const cur = sums.get(key);
      if (cur) cur.value += 1;
      else sums.set(key, { metricId: r.metric_id, accountId: r.account_id, day: r.day, value: 1 });
    }
  });

  const rows = (m: Map<string, { metricId: string; accountId: string; day: string; value: number }>) =>
    [...m.values()].map((r) => ({
      workspace_id: ws,
      metric_id: r.metricId,
      account_id: r.accountId,
      day: r.day,
      value: r.value,
    }));
  const pk = ['workspace_id', 'metric_id', 'account_id', 'day'] as const;
  await chunked(rows(sums), (chunk) =>
    ctx.db
      .insertInto('metric_daily')
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(pk)
          .doUpdateSet((eb) => ({ value: eb(eb.ref('metric_daily.value'), '+', eb.ref('excluded.value')) })),
      )
      .execute(),
  );
  await chunked(rows(maxes), (chunk) =>
    ctx.db
      .insertInto('metric_daily')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(pk).doUpdateSet((eb) => ({
          value: greatest(ctx.engine, eb.ref('metric_daily.value'), eb.ref('excluded.value')),
        })),
      )
      .execute(),
  );
  await chunked([...users.values()], (chunk) =>
    ctx.db
      .insertInto('account_user_daily')
      .values(chunk.map((r) => ({ workspace_id: ws, ...r })))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'account_id', 'day', 'user_key']).doUpdateSet((eb) => ({
          events: eb(eb.ref('account_user_daily.events'), '+', eb.ref('excluded.events')),
        })),
      )
      .execute(),
  );
  await chunked([...featureDays.values()], (chunk) =>
    ctx.db
      .insertInto('account_feature_daily')
      .values(chunk.map((r) => ({ workspace_id: ws, ...r })))
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'account_id', 'day', 'feature_id']).doUpdateSet((eb) => ({
          events: eb(eb.ref('account_feature_daily.events'), '+', eb.ref('excluded.events')),
        })),
      )
      .execute(),
  );
}

// --- Rebuild path: recomputes rollups from raw events in ONE grouped pass for every target.
//
// The pass groups the events by account, day and user and computes one column per target (each
// metric, each feature, the activity count), a conditional aggregate over the events that target
// matches. Every rollup is a function of those groups: a count/sum is the sum of the groups' sums,
// a max their max, distinct users the groups whose column is set, active users the groups
// themselves. So the events are read once however many metrics there are (it was one scan per
// metric: 290 s for 10 million events on SQLite, 31x one grouped scan), and the per-target inserts
// read the much smaller pass table. The pass is a temporary table of the transaction's connection.

export type RebuildOptions = {
  from?: string;
  to?: string;
  /** Only these metrics (default: all); [] for none. */
  metricIds?: string[];
  /** Only these features (default: all); [] for none. */
  featureIds?: string[];
  /** Rebuild active users per account and day (default true). */
  activity?: boolean;
};

let passes = 0;

export async function rebuildRollups(ctx: Ctx, input: RebuildOptions = {}) {
  // Raw events past the retention window are gone while their rollups stay: without an explicit
  // start, rebuild only from the oldest raw event kept, never wiping what cannot be recomputed.
  const options = { ...input };
  if (!options.from) {
    const oldest = await oldestEventDay(ctx);
    if (!oldest) return { metrics: 0, features: 0 };
    options.from = oldest;
  }
  const metrics = (await loadMetrics(ctx)).filter(
    (m) => !options.metricIds || options.metricIds.includes(m.id),
  );
  const features = (await loadFeatures(ctx)).filter(
    (f) => !options.featureIds || options.featureIds.includes(f.id),
  );
  const activity = options.activity !== false;
  if (metrics.length === 0 && features.length === 0 && !activity) return { metrics: 0, features: 0 };
  // One connection for the pass table and the statements that read it (a pool hands out others).
  await inTransaction(ctx, (tx) => rebuildInOnePass(tx, options, metrics, features, activity));
  return { metrics: metrics.length, features: features.length };
}

/**
 * SQLite: whether the pass should read the events table in storage order rather than through an
 * index, i.e. whether the range holds an eighth of the table or more (an indexed read fetches each
 * row at random, about ten times the cost of a row read in order). The count reads only the
 * (workspace, day) index; it includes pending events, a handful.
 */
async function scanWholeTable(ctx: Ctx, range: { from?: string; to?: string }) {
  if (ctx.engine !== 'sqlite') return false;
  const table = await sqliteEventsTableSize(ctx);
  return table > 0 && (await eventsInDays(ctx, range)) * 8 >= table;
}

async function rebuildInOnePass(
  ctx: Ctx,
  options: RebuildOptions,
  metrics: MetricDefinition[],
  features: Feature[],
  activity: boolean,
) {
  const ws = ctx.workspace.id;
  const inRange = <T extends { where: (...a: never[]) => T }>(q: T, column = 'day'): T => {
    let r = q as unknown as { where: (c: string, op: string, v: string) => unknown };
    if (options.from) r = r.where(column, '>=', options.from) as typeof r;
    if (options.to) r = r.where(column, '<=', options.to) as typeof r;
    return r as unknown as T;
  };

  for (const m of metrics) {
    for (const table of ['metric_daily', 'metric_user_days'] as const) {
      await inRange(
        ctx.db.deleteFrom(table).where('workspace_id', '=', ws).where('metric_id', '=', m.id),
      ).execute();
    }
  }
  for (const f of features) {
    await inRange(
      ctx.db
        .deleteFrom('account_feature_daily')
        .where('workspace_id', '=', ws)
        .where('feature_id', '=', f.id),
    ).execute();
  }
  if (activity) {
    await inRange(ctx.db.deleteFrom('account_user_daily').where('workspace_id', '=', ws)).execute();
  }

  // Without activity, only events some target counts can matter: the rest are skipped by name.
  const names = new Set([...metrics.flatMap((m) => m.eventNames), ...features.flatMap((f) => f.eventNames)]);
  const pass = `rollup_pass_${process.pid}_${++passes}`;
  const select = inRange(
    attachedEvents(ctx, { scan: await scanWholeTable(ctx, options), engine: ctx.engine }),
  )
    .$if(!activity, (q) => q.where('event_name', 'in', names.size ? [...names] : ['']))
    .select((eb) => {
      const count = eb.ref('count');
      const columns: AliasedExpression<unknown, string>[] = metrics.map((m, i) => {
        const matched = metricWhere(ctx, eb, m);
        const number = () => jsonStrictNumber(ctx.engine, eb.ref('properties'), m.valueProperty!);
        const column =
          m.aggregation === 'distinct_users'
            ? eb.fn.max(eb.case().when(matched).then(1).end())
            : m.aggregation === 'count'
              ? eb.fn.sum(eb.case().when(matched).then(count).end())
              : m.aggregation === 'sum'
                ? eb.fn.sum(eb.case().when(matched).then(number()).end())
                : eb.fn.max(eb.case().when(matched).then(number()).end());
        return column.as(`m${i}`);
      });
      features.forEach((f, j) => {
        columns.push(
          eb.fn.sum(eb.case().when('event_name', 'in', f.eventNames).then(count).end()).as(`f${j}`),
        );
      });
      if (activity) {
        const active = eb.and([eb('user_key', 'is not', null), eb('type', 'in', [...ACTIVITY_TYPES])]);
        columns.push(eb.fn.sum(eb.case().when(active).then(count).end()).as('act'));
      }
      return ['account_id', 'day', 'user_key', ...columns];
    })
    .groupBy(['account_id', 'day', 'user_key']);
  const create = ctx.db.schema.createTable(pass).temporary();
  // On PostgreSQL the table also goes with the transaction should the drop below not be reached.
  await (ctx.engine === 'postgres' ? create.onCommit('drop') : create).as(select).execute();
  // PostgreSQL never analyzes a temporary table by itself; the grouped reads below want its size.
  if (ctx.engine === 'postgres') await sql`analyze ${sql.table(pass)}`.execute(ctx.db);

  // The pass table is typed at run time; its rows are (account_id, day, user_key, m0.., f0.., act).
  const db = ctx.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const fromPass = (column: string) => db.selectFrom(pass).where(column, 'is not', null);
  for (const [i, m] of metrics.entries()) {
    const column = `m${i}`;
    if (m.aggregation === 'distinct_users') {
      await ctx.db
        .insertInto('metric_user_days')
        .columns(['workspace_id', 'metric_id', 'account_id', 'day', 'user_key'])
        .expression(
          fromPass(column).select((eb) => [
            eb.val(ws).as('workspace_id'),
            eb.val(m.id).as('metric_id'),
            'account_id',
            'day',
            'user_key',
          ]) as never,
        )
        .execute();
    }
    await ctx.db
      .insertInto('metric_daily')
      .columns(['workspace_id', 'metric_id', 'account_id', 'day', 'value'])
      .expression(
        fromPass(column)
          .select((eb) => [
            eb.val(ws).as('workspace_id'),
            eb.val(m.id).as('metric_id'),
            'account_id',
            'day',
            (m.aggregation === 'distinct_users'
              ? eb.fn.countAll()
              : m.aggregation === 'max'
                ? eb.fn.max(column)
                : eb.fn.sum(column)
            ).as('value'),
          ])
          .groupBy(['account_id', 'day']) as never,
      )
      .execute();
  }
  for (const [j, f] of features.entries()) {
    await ctx.db
      .insertInto('account_feature_daily')
      .columns(['workspace_id', 'account_id', 'day', 'feature_id', 'events'])
      .expression(
        fromPass(`f${j}`)
          .select((eb) => [
            eb.val(ws).as('workspace_id'),
            'account_id',
            'day',
            eb.val(f.id).as('feature_id'),
            eb.fn.sum(`f${j}`).as('events'),
          ])
          .groupBy(['account_id', 'day']) as never,
      )
      .execute();
  }
  if (activity) {
    await ctx.db
      .insertInto('account_user_daily')
      .columns(['workspace_id', 'account_id', 'day', 'user_key', 'events'])
      .expression(
        fromPass('act').select((eb) => [
          eb.val(ws).as('workspace_id'),
          'account_id',
          'day',
          'user_key',
          'act',
        ]) as never,
      )
      .execute();
  }
  await ctx.db.schema.dropTable(pass).execute();
}
