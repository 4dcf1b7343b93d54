import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { greatest, jsonScalarText, jsonStrictNumber } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
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

const scalarText = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};
const strictNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function filterMatches(f: PropertyFilter, properties: Record<string, unknown>): boolean {
  const raw = properties[f.property];
  switch (f.op) {
    case 'exists':
      return raw !== null && raw !== undefined;
    case 'eq':
      return scalarText(raw) !== null && scalarText(raw) === String(f.value);
    case 'neq':
      return scalarText(raw) !== null && scalarText(raw) !== String(f.value);
    case 'in':
      return (
        scalarText(raw) !== null && (f.value as (string | number)[]).map(String).includes(scalarText(raw)!)
      );
    default: {
      const n = strictNumber(raw);
      const v = f.value as number;
      if (n === null) return false;
      return f.op === 'gt' ? n > v : f.op === 'gte' ? n >= v : f.op === 'lt' ? n < v : n <= v;
    }
  }
}

export function metricMatches(m: MetricDefinition, e: RollupEvent): boolean {
  if (!m.eventNames.includes(e.eventName)) return false;
  if (m.aggregation === 'distinct_users' && !e.userKey) return false;
  if (
    (m.aggregation === 'sum' || m.aggregation === 'max') &&
    strictNumber(e.properties[m.valueProperty!]) === null
  ) {
    return false;
  }
  return m.propertyFilters.every((f) => filterMatches(f, e.properties));
}

type Eb = ExpressionBuilder<Database, 'events'>;

function filterSql(ctx: Ctx, eb: Eb, f: PropertyFilter): Expression<SqlBool> {
  const props = eb.ref('properties');
  const text = jsonScalarText(ctx.engine, props, f.property);
  switch (f.op) {
    case 'exists':
      return eb(text, 'is not', null);
    case 'eq':
      return eb(text, '=', String(f.value));
    case 'neq':
      return eb.and([eb(text, 'is not', null), eb(text, '!=', String(f.value))]);
    case 'in':
      return eb(text, 'in', (f.value as (string | number)[]).map(String));
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
        const v = e.properties[m.valueProperty!] as number;
        const cur = maxes.get(key);
        if (!cur || v > cur.value)
          maxes.set(key, { metricId: m.id, accountId: e.accountId, day: e.day, value: v });
      } else {
        const v = m.aggregation === 'count' ? 1 : (e.properties[m.valueProperty!] as number);
        const cur = sums.get(key);
        if (cur) cur.value += v;
        else sums.set(key, { metricId: m.id, accountId: e.accountId, day: e.day, value: v });
      }
    }
    if (e.userKey && (ACTIVITY_TYPES as readonly string[]).includes(e.type)) {
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
        oc
          .columns(pk)
          .doUpdateSet((eb) => ({
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
        oc
          .columns(['workspace_id', 'account_id', 'day', 'user_key'])
          .doUpdateSet((eb) => ({
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
        oc
          .columns(['workspace_id', 'account_id', 'day', 'feature_id'])
          .doUpdateSet((eb) => ({
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

export async function rebuildRollups(ctx: Ctx, options: RebuildOptions = {}) {
  const ws = ctx.workspace.id;
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
  const events = () =>
    inRange(ctx.db.selectFrom('events').where('workspace_id', '=', ws).where('account_id', 'is not', null));

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
