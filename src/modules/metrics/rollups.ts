import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Ctx } from '../../context.ts';
import { greatest, jsonScalarText, jsonStrictNumber, jsonStringOrBoolText } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { attachedEvents, oldestEventDay } from '../ingest/event-reads.ts';
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
};

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
        const v = m.aggregation === 'count' ? 1 : (prop(e.properties, m.valueProperty!) as number);
        const cur = sums.get(key);
        if (cur) cur.value += v;
        else sums.set(key, { metricId: m.id, accountId: e.accountId, day: e.day, value: v });
      }
    }
    if (hasUser(e) && (ACTIVITY_TYPES as readonly string[]).includes(e.type)) {
      const key = `${e.accountId}|${e.day}|${e.userKey}`;
      const cur = users.get(key);
      if (cur) cur.events++;
      else users.set(key, { account_id: e.accountId, day: e.day, user_key: e.userKey, events: 1 });
    }
    for (const f of features) {
      if (!f.eventNames.includes(e.eventName)) continue;
      const key = `${e.accountId}|${e.day}|${f.id}`;
      const cur = featureDays.get(key);
      if (cur) cur.events++;
      else featureDays.set(key, { account_id: e.accountId, day: e.day, feature_id: f.id, events: 1 });
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

// --- Rebuild path: recomputes rollups from raw events with one aggregate query per metric.

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

export async function rebuildRollups(ctx: Ctx, input: RebuildOptions = {}) {
  const ws = ctx.workspace.id;
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
  const inRange = <T extends { where: (...a: never[]) => T }>(q: T, column = 'day'): T => {
    let r = q as unknown as { where: (c: string, op: string, v: string) => unknown };
    if (options.from) r = r.where(column, '>=', options.from) as typeof r;
    if (options.to) r = r.where(column, '<=', options.to) as typeof r;
    return r as unknown as T;
  };
  const events = () => inRange(attachedEvents(ctx));

  for (const m of metrics) {
    for (const table of ['metric_daily', 'metric_user_days'] as const) {
      await inRange(
        ctx.db.deleteFrom(table).where('workspace_id', '=', ws).where('metric_id', '=', m.id),
      ).execute();
    }
    if (m.aggregation === 'distinct_users') {
      await ctx.db
        .insertInto('metric_user_days')
        .columns(['workspace_id', 'metric_id', 'account_id', 'day', 'user_key'])
        .expression(
          events()
            .where((eb) => metricWhere(ctx, eb, m))
            .select((eb) => [
              eb.val(ws).as('workspace_id'),
              eb.val(m.id).as('metric_id'),
              'account_id',
              'day',
              'user_key',
            ])
            .distinct() as never,
        )
        .execute();
      await ctx.db
        .insertInto('metric_daily')
        .columns(['workspace_id', 'metric_id', 'account_id', 'day', 'value'])
        .expression(
          inRange(
            ctx.db
              .selectFrom('metric_user_days')
              .where('workspace_id', '=', ws)
              .where('metric_id', '=', m.id),
          )
            .select((eb) => ['workspace_id', 'metric_id', 'account_id', 'day', eb.fn.countAll().as('value')])
            .groupBy(['workspace_id', 'metric_id', 'account_id', 'day']) as never,
        )
        .execute();
      continue;
    }
    await ctx.db
      .insertInto('metric_daily')
      .columns(['workspace_id', 'metric_id', 'account_id', 'day', 'value'])
      .expression(
        events()
          .where((eb) => metricWhere(ctx, eb, m))
          .select((eb) => {
            const value =
              m.aggregation === 'count'
                ? eb.fn.countAll()
                : m.aggregation === 'sum'
                  ? eb.fn.sum(jsonStrictNumber(ctx.engine, eb.ref('properties'), m.valueProperty!))
                  : eb.fn.max(jsonStrictNumber(ctx.engine, eb.ref('properties'), m.valueProperty!));
            return [
              eb.val(ws).as('workspace_id'),
              eb.val(m.id).as('metric_id'),
              'account_id',
              'day',
              value.as('value'),
            ];
          })
          .groupBy(['account_id', 'day']) as never,
      )
      .execute();
  }

  if (options.activity !== false) {
    await inRange(ctx.db.deleteFrom('account_user_daily').where('workspace_id', '=', ws)).execute();
    await ctx.db
      .insertInto('account_user_daily')
      .columns(['workspace_id', 'account_id', 'day', 'user_key', 'events'])
      .expression(
        events()
          .where('user_key', 'is not', null)
          .where('type', 'in', [...ACTIVITY_TYPES])
          .select((eb) => [
            eb.val(ws).as('workspace_id'),
            'account_id',
            'day',
            'user_key',
            eb.fn.countAll().as('events'),
          ])
          .groupBy(['account_id', 'day', 'user_key']) as never,
      )
      .execute();
  }
  for (const f of features) {
    await inRange(
      ctx.db
        .deleteFrom('account_feature_daily')
        .where('workspace_id', '=', ws)
        .where('feature_id', '=', f.id),
    ).execute();
    await ctx.db
      .insertInto('account_feature_daily')
      .columns(['workspace_id', 'account_id', 'day', 'feature_id', 'events'])
      .expression(
        events()
          .where('event_name', 'in', f.eventNames)
          .select((eb) => [
            eb.val(ws).as('workspace_id'),
            'account_id',
            'day',
            eb.val(f.id).as('feature_id'),
            eb.fn.countAll().as('events'),
          ])
          .groupBy(['account_id', 'day']) as never,
      )
      .execute();
  }
  return { metrics: metrics.length, features: features.length };
}
