import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { duplicateKey, invalidField, notFound, zodText } from '../../errors.ts';
import { type FactUsers, factReads, refuseWhileRead } from '../../fact-users.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { FeaturesTable, MetricDefinitionsTable } from './metrics.table.ts';
import { enqueueRebuild, forgetRebuilds, loadRebuilds, RollupRebuild } from './rebuild-queue.ts';

export const AGGREGATIONS = ['count', 'distinct_users', 'sum', 'max'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
/** Seed 004: value behaviours show the product delivering value; basic ones are routine use. */
export const BEHAVIOURS = ['value', 'basic'] as const;
export const FILTER_OPS = ['eq', 'neq', 'in', 'exists', 'gt', 'gte', 'lt', 'lte'] as const;

const Key = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower_snake_case, starting with a letter');
const PropertyName = z.string().regex(/^[A-Za-z_$][\w$.-]{0,99}$/, 'must be a property name');
const EventNames = z.array(z.string().trim().min(1).max(200)).min(1).max(100);

export const PropertyFilter = z
  .object({
    property: PropertyName,
    op: z.enum(FILTER_OPS),
    value: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).optional(),
  })
  .refine((f) => f.op === 'exists' || f.value !== undefined, { message: 'needs a value', path: ['value'] })
  .refine((f) => f.op !== 'in' || (Array.isArray(f.value) && f.value.length > 0), {
    message: '"in" needs a non-empty list',
    path: ['value'],
  })
  .refine((f) => !['gt', 'gte', 'lt', 'lte'].includes(f.op) || typeof f.value === 'number', {
    message: 'comparisons need a number',
    path: ['value'],
  });
export type PropertyFilter = z.infer<typeof PropertyFilter>;

export const MetricDefinition = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  aggregation: z.enum(AGGREGATIONS),
  eventNames: z.array(z.string()),
  propertyFilters: z.array(PropertyFilter),
  valueProperty: z.string().nullable(),
  behaviour: z.enum(BEHAVIOURS),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type MetricDefinition = z.infer<typeof MetricDefinition>;
/** A metric as the API shows it: with the state of its latest history rebuild (null: none yet). */
export const MetricWithRebuild = MetricDefinition.extend({ rebuild: RollupRebuild.nullable() });
export type MetricWithRebuild = z.infer<typeof MetricWithRebuild>;

export const metricRowToMetric = (r: MetricDefinitionsTable): MetricDefinition => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  aggregation: r.aggregation as Aggregation,
  eventNames: parseJson<string[]>(r.event_names, []),
  propertyFilters: parseJson<PropertyFilter[]>(r.property_filters, []),
  valueProperty: r.value_property,
  behaviour: r.behaviour as MetricDefinition['behaviour'],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const metricFields = {
  key: Key,
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  aggregation: z.enum(AGGREGATIONS),
  eventNames: EventNames,
  propertyFilters: z.array(PropertyFilter).max(20),
  valueProperty: PropertyName.nullable().optional(),
  behaviour: z.enum(BEHAVIOURS),
};
const needsValue = (m: { aggregation?: Aggregation; valueProperty?: string | null }) =>
  !(m.aggregation === 'sum' || m.aggregation === 'max') || !!m.valueProperty;
const valueMessage = { error: () => zodText('metrics.error.needsValue'), path: ['valueProperty'] };

// Defaults only on create: an update must not reset fields it does not mention (a rename would
// otherwise turn a sum back into a count and drop its filters).
export const CreateMetric = z
  .object({
    ...metricFields,
    aggregation: metricFields.aggregation.default('count'),
    propertyFilters: metricFields.propertyFilters.default([]),
    behaviour: metricFields.behaviour.default('basic'),
  })
  .refine(needsValue, valueMessage);
export type CreateMetric = z.input<typeof CreateMetric>;
export const UpdateMetric = z.object(metricFields).omit({ key: true }).partial();
export type UpdateMetric = z.input<typeof UpdateMetric>;

export const Feature = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  eventNames: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Feature = z.infer<typeof Feature>;
export const FeatureWithRebuild = Feature.extend({ rebuild: RollupRebuild.nullable() });
export type FeatureWithRebuild = z.infer<typeof FeatureWithRebuild>;
export const featureRowToFeature = (r: FeaturesTable): Feature => ({
  id: r.id,
  key: r.key,
  name: r.name,
  eventNames: parseJson<string[]>(r.event_names, []),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
export const CreateFeature = z.object({
  key: Key,
  name: z.string().trim().min(1).max(200),
  eventNames: EventNames,
});
export type CreateFeature = z.input<typeof CreateFeature>;
export const UpdateFeature = CreateFeature.omit({ key: true }).partial();
export type UpdateFeature = z.input<typeof UpdateFeature>;

export async function loadMetrics(ctx: Ctx): Promise<MetricDefinition[]> {
  const rows = await ctx.db
    .selectFrom('metric_definitions')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('key')
    .execute();
  return rows.map(metricRowToMetric);
}

export async function loadFeatures(ctx: Ctx): Promise<Feature[]> {
  const rows = await ctx.db
    .selectFrom('features')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('key')
    .execute();
  return rows.map(featureRowToFeature);
}

async function withRebuilds<T extends { id: string }>(ctx: Ctx, items: T[]) {
  const rebuilds = await loadRebuilds(
    ctx,
    items.map((i) => i.id),
  );
  return items.map((i) => ({ ...i, rebuild: rebuilds.get(i.id) ?? null }));
}

export async function listMetrics({ ctx }: { ctx: Ctx }): Promise<{
  items: MetricWithRebuild[];
  nextCursor: null;
}> {
  await authorize(ctx, 'read');
  return { items: await withRebuilds(ctx, await loadMetrics(ctx)), nextCursor: null };
}

export async function getMetricRow(ctx: Ctx, idOrKey: string) {
  const row = await ctx.db
    .selectFrom('metric_definitions')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row) throw notFound('Metric', idOrKey);
  return row;
}

export async function getMetric({ ctx, id }: { ctx: Ctx; id: string }): Promise<MetricWithRebuild> {
  await authorize(ctx, 'read');
  return (await withRebuilds(ctx, [metricRowToMetric(await getMetricRow(ctx, id))]))[0]!;
}

/**
 * Creating or changing a metric commits the definition and queues the rebuild of its rollups over
 * all stored events (rebuild-job.ts), so a definition added today counts last year's events too,
 * without holding the request for it (11 s per new metric on the demo workspace, in one
 * transaction). Events ingested meanwhile are rolled up with the new definition at once.
 */
export async function createMetric({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateMetric;
}): Promise<MetricWithRebuild> {
  await authorize(ctx, 'settings:write');
  const data = CreateMetric.parse(input);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: MetricDefinitionsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      name: data.name,
      description: data.description ?? null,
      aggregation: data.aggregation,
      event_names: JSON.stringify(data.eventNames),
      property_filters: JSON.stringify(data.propertyFilters),
      value_property: data.valueProperty ?? null,
      behaviour: data.behaviour,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('metric_definitions').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Metric', data.key);
      throw error;
    }
    const metric = metricRowToMetric(row);
    await enqueueRebuild(tx, 'metric', metric.id);
    await writeAudit(tx, {
      action: 'metric.created',
      entityType: 'metric',
      entityId: metric.id,
      after: metric,
    });
    return (await withRebuilds(tx, [metric]))[0]!;
  });
}

export async function updateMetric({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateMetric;
}): Promise<MetricWithRebuild> {
  await authorize(ctx, 'settings:write');
  const data = UpdateMetric.parse(input);
  return inTransaction(ctx, async (tx) => {
    const before = metricRowToMetric(await getMetricRow(tx, id));
    const merged = { ...before, ...data };
    if (!needsValue(merged)) {
      throw invalidField('valueProperty', msg('metrics.error.needsValue'));
    }
    const after = await tx.db
      .updateTable('metric_definitions')
      .set({
        name: data.name,
        description: data.description,
        aggregation: data.aggregation,
        event_names: data.eventNames ? JSON.stringify(data.eventNames) : undefined,
        property_filters: data.propertyFilters ? JSON.stringify(data.propertyFilters) : undefined,
        value_property: data.valueProperty,
        behaviour: data.behaviour,
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const metric = metricRowToMetric(after);
    // Only what changes which events count or how: a rename or new description keeps the history.
    if (countsDiffer(before, metric)) await enqueueRebuild(tx, 'metric', metric.id);
    await writeAudit(tx, {
      action: 'metric.updated',
      entityType: 'metric',
      entityId: metric.id,
      before,
      after: metric,
    });
    return (await withRebuilds(tx, [metric]))[0]!;
  });
}

/** Queues the rebuild of a metric's history again, e.g. after a failed one (managers and admins). */
export async function rebuildMetric({ ctx, id }: { ctx: Ctx; id: string }): Promise<MetricWithRebuild> {
  await authorize(ctx, 'settings:write');
  return inTransaction(ctx, async (tx) => {
    const metric = metricRowToMetric(await getMetricRow(tx, id));
    await enqueueRebuild(tx, 'metric', metric.id);
    await writeAudit(tx, { action: 'metric.rebuild_requested', entityType: 'metric', entityId: metric.id });
    return (await withRebuilds(tx, [metric]))[0]!;
  });
}

/** Whether two versions of a metric count differently (so its history must be rebuilt). */
const countsDiffer = (a: MetricDefinition, b: MetricDefinition) =>
  a.aggregation !== b.aggregation ||
  a.valueProperty !== b.valueProperty ||
  JSON.stringify(a.eventNames) !== JSON.stringify(b.eventNames) ||
  JSON.stringify(a.propertyFilters) !== JSON.stringify(b.propertyFilters);

/** `factUsers`: who reads the metric's facts; deleting a metric still read answers 409 naming them. */
export async function deleteMetric({ ctx, id, factUsers }: { ctx: Ctx; id: string; factUsers?: FactUsers }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = metricRowToMetric(await getMetricRow(tx, id));
    await refuseWhileRead(tx, factUsers, factReads({ prefix: `metrics.${before.key}.` }), {
      kind: msg('entity.metric'),
      name: before.name,
    });
    for (const table of ['metric_daily', 'metric_user_days'] as const) {
      await tx.db
        .deleteFrom(table)
        .where('workspace_id', '=', tx.workspace.id)
        .where('metric_id', '=', before.id)
        .execute();
    }
    await tx.db
      .deleteFrom('metric_definitions')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .execute();
    await forgetRebuilds(tx, before.id);
    await writeAudit(tx, { action: 'metric.deleted', entityType: 'metric', entityId: before.id, before });
  });
}

export async function listFeatures({ ctx }: { ctx: Ctx }): Promise<{
  items: FeatureWithRebuild[];
  nextCursor: null;
}> {
  await authorize(ctx, 'read');
  return { items: await withRebuilds(ctx, await loadFeatures(ctx)), nextCursor: null };
}

export async function getFeature({ ctx, id }: { ctx: Ctx; id: string }): Promise<FeatureWithRebuild> {
  await authorize(ctx, 'read');
  return (await withRebuilds(ctx, [featureRowToFeature(await getFeatureRow(ctx, id))]))[0]!;
}

async function getFeatureRow(ctx: Ctx, id: string) {
  const row = await ctx.db
    .selectFrom('features')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', id), eb('key', '=', id)]))
    .executeTakeFirst();
  if (!row) throw notFound('Feature', id);
  return row;
}

export async function createFeature({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateFeature;
}): Promise<FeatureWithRebuild> {
  await authorize(ctx, 'settings:write');
  const data = CreateFeature.parse(input);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: FeaturesTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      name: data.name,
      event_names: JSON.stringify(data.eventNames),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('features').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Feature', data.key);
      throw error;
    }
    const feature = featureRowToFeature(row);
    await enqueueRebuild(tx, 'feature', feature.id);
    await writeAudit(tx, {
      action: 'feature.created',
      entityType: 'feature',
      entityId: feature.id,
      after: feature,
    });
    return (await withRebuilds(tx, [feature]))[0]!;
  });
}

export async function updateFeature({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateFeature;
}): Promise<FeatureWithRebuild> {
  await authorize(ctx, 'settings:write');
  const data = UpdateFeature.parse(input);
  return inTransaction(ctx, async (tx) => {
    const before = featureRowToFeature(await getFeatureRow(tx, id));
    const after = await tx.db
      .updateTable('features')
      .set({
        name: data.name,
        event_names: data.eventNames ? JSON.stringify(data.eventNames) : undefined,
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const feature = featureRowToFeature(after);
    if (JSON.stringify(before.eventNames) !== JSON.stringify(feature.eventNames))
      await enqueueRebuild(tx, 'feature', feature.id);
    await writeAudit(tx, {
      action: 'feature.updated',
      entityType: 'feature',
      entityId: feature.id,
      before,
      after: feature,
    });
    return (await withRebuilds(tx, [feature]))[0]!;
  });
}

export async function deleteFeature({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = featureRowToFeature(await getFeatureRow(tx, id));
    await tx.db
      .deleteFrom('account_feature_daily')
      .where('workspace_id', '=', tx.workspace.id)
      .where('feature_id', '=', before.id)
      .execute();
    await tx.db
      .deleteFrom('features')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .execute();
    await forgetRebuilds(tx, before.id);
    await writeAudit(tx, { action: 'feature.deleted', entityType: 'feature', entityId: before.id, before });
  });
}
