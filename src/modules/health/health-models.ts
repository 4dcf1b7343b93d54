// Health model verbs: list, get, create, change, delete, preview; and loading the models the
// recompute pipeline scores with (the built-in default when a workspace has none). The model's
// schemas are in health-model.schemas.ts, the maths in score-maths.ts.
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { duplicateKey, invalidIssues, notFound } from '../../errors.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { newId } from '../../ids.ts';
import { nowIso, today } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { loadCatalogue } from '../facts/catalogue.ts';
import { type Catalogue, type Condition, ConditionError } from '../facts/condition.ts';
import { compileCondition } from '../facts/condition-check.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { loadMetrics } from '../metrics/index.ts';
import { DEFAULT_MODEL_ID, defaultHealthModel } from './default-model.ts';
import type { HealthModelsTable } from './health.table.ts';
import {
  CreateHealthModel,
  checkComponentFacts,
  DEFAULT_BANDS,
  type Dimension,
  type HealthModel,
  type HealthModelSpec,
  type SentimentConfig,
  type StatusBand,
  UpdateHealthModel,
} from './health-model.schemas.ts';
import { scoreAll } from './score-batch.ts';
import { loadSentiments } from './sentiments.ts';

/** A model the pipeline can score with: a stored one, or the default with id `default`. */
export type ScoringModel = HealthModelSpec & { id: string };

export const healthModelRowToModel = (r: HealthModelsTable): HealthModel => ({
  id: r.id,
  key: r.key,
  name: r.name,
  position: r.position,
  selector: parseJson<Condition | null>(r.selector, null),
  dimensions: parseJson<Dimension[]>(r.dimensions, []),
  sentiment: parseJson<SentimentConfig | null>(r.sentiment, null),
  bands: parseJson<StatusBand[]>(r.bands, DEFAULT_BANDS),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function loadCatalogueMap(ctx: Ctx): Promise<Catalogue> {
  return new Map((await loadCatalogue(ctx)).map((d) => [d.key, d]));
}

/** A model by id, including deleted-but-referenced ones (null) and the built-in default. */
export async function findScoringModel(ctx: Ctx, id: string): Promise<ScoringModel | null> {
  const row = await ctx.db
    .selectFrom('health_models')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (row) return healthModelRowToModel(row);
  if (id === DEFAULT_MODEL_ID)
    return { ...defaultHealthModel(await loadMetrics(ctx), localeOf(ctx)), id: DEFAULT_MODEL_ID };
  return null;
}

async function loadStoredModels(ctx: Ctx): Promise<HealthModel[]> {
  const rows = await ctx.db
    .selectFrom('health_models')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('position')
    .orderBy('key')
    .execute();
  return rows.map(healthModelRowToModel);
}

/**
 * The models to score with, in the order they are tried: the workspace's own, or when it has none
 * the default model built from its metrics (id `default`), so health works from the first day.
 */
export async function loadHealthModels(ctx: Ctx): Promise<ScoringModel[]> {
  const stored = await loadStoredModels(ctx);
  if (stored.length) return stored;
  return [{ ...defaultHealthModel(await loadMetrics(ctx), localeOf(ctx)), id: DEFAULT_MODEL_ID }];
}

export async function listHealthModels({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return { items: await loadStoredModels(ctx), nextCursor: null };
}

async function getModelRow(ctx: Ctx, idOrKey: string) {
  const row = await ctx.db
    .selectFrom('health_models')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row) throw notFound('Health model', idOrKey);
  return row;
}

export async function getHealthModel({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  return healthModelRowToModel(await getModelRow(ctx, id));
}

/**
 * What zod cannot know: the selector compiles against this workspace's facts and every component
 * reads a numeric fact it has. Errors name the body path (`dimensions.0.components.1.fact`).
 */
function checkAgainstCatalogue(
  catalogue: Catalogue,
  model: { selector?: unknown; dimensions?: readonly Dimension[] },
): Condition | null | undefined {
  const issues = model.dimensions ? checkComponentFacts(model.dimensions, catalogue) : [];
  let selector: Condition | null | undefined;
  if (model.selector === undefined || model.selector === null) selector = model.selector;
  else if (typeof model.selector === 'string' && model.selector.trim() === '') selector = null;
  else {
    try {
      selector = compileCondition(model.selector, catalogue);
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      issues.unshift({ path: error.path ? `selector.${error.path}` : 'selector', message: error.text });
    }
  }
  if (issues.length) throw invalidIssues(issues);
  return selector;
}

const toRow = (m: Omit<HealthModelSpec, 'key'>) => ({
  name: m.name,
  position: m.position,
  selector: m.selector === null ? null : JSON.stringify(m.selector),
  dimensions: JSON.stringify(m.dimensions),
  bands: JSON.stringify(m.bands),
  sentiment: m.sentiment === null ? null : JSON.stringify(m.sentiment),
});

export async function createHealthModel({ ctx, input }: { ctx: Ctx; input: CreateHealthModel }) {
  await authorize(ctx, 'settings:write');
  const data = CreateHealthModel.parse(input);
  const selector = checkAgainstCatalogue(await loadCatalogueMap(ctx), data) ?? null;
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    let position = data.position;
    if (position === undefined) {
      const last = await tx.db
        .selectFrom('health_models')
        .select((eb) => eb.fn.max('position').as('p'))
        .where('workspace_id', '=', tx.workspace.id)
        .executeTakeFirst();
      position = last?.p === null || last?.p === undefined ? 0 : Number(last.p) + 1;
    }
    const row: HealthModelsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      ...toRow({
        name: data.name,
        position,
        selector,
        dimensions: data.dimensions,
        bands: data.bands ?? DEFAULT_BANDS,
        sentiment: data.sentiment ?? null,
      }),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('health_models').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Health model', data.key);
      throw error;
    }
    const model = healthModelRowToModel(row);
    await writeAudit(tx, {
      action: 'health_model.created',
      entityType: 'health_model',
      entityId: model.id,
      after: model,
    });
    return model;
  });
}

export async function updateHealthModel({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateHealthModel;
}) {
  await authorize(ctx, 'settings:write');
  const data = UpdateHealthModel.parse(input);
  const selector = checkAgainstCatalogue(await loadCatalogueMap(ctx), data);
  return inTransaction(ctx, async (tx) => {
    const before = healthModelRowToModel(await getModelRow(tx, id));
    const merged = {
      name: data.name ?? before.name,
      position: data.position ?? before.position,
      selector: selector === undefined ? before.selector : selector,
      dimensions: data.dimensions ?? before.dimensions,
      bands: data.bands ?? before.bands,
      sentiment: data.sentiment === undefined ? before.sentiment : data.sentiment,
    };
    const after = await tx.db
      .updateTable('health_models')
      .set({ ...toRow(merged), updated_at: nowIso(tx) })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const model = healthModelRowToModel(after);
    await writeAudit(tx, {
      action: 'health_model.updated',
      entityType: 'health_model',
      entityId: model.id,
      before,
      after: model,
    });
    return model;
  });
}

/** Stored scores keep the deleted model's id: history stays as it was computed. */
export async function deleteHealthModel({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = healthModelRowToModel(await getModelRow(tx, id));
    await tx.db
      .deleteFrom('health_models')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .execute();
    await writeAudit(tx, {
      action: 'health_model.deleted',
      entityType: 'health_model',
      entityId: before.id,
      before,
    });
  });
}

export const PreviewHealthModel = CreateHealthModel.partial({ key: true, name: true, position: true });
export type PreviewHealthModel = z.input<typeof PreviewHealthModel>;

const StatusCount = z.object({
  status: z.string().nullable(),
  label: z.object({ 'zh-CN': z.string(), en: z.string() }).nullable(),
  color: z.string().nullable(),
  count: z.number(),
});
const Scored = z.object({ score: z.number().nullable(), status: z.string().nullable() });
export const HealthModelPreview = z.object({
  day: z.string(),
  /** Accounts the selector matches (all of them without one). */
  matched: z.number(),
  unmatched: z.number(),
  /** By band, best first, then `status: null` for matched accounts with nothing to score. */
  distribution: z.array(StatusCount),
  /** Matched accounts whose status would differ from their current one (account_states). */
  changes: z.object({
    total: z.number(),
    items: z.array(z.object({ accountId: z.string(), name: z.string(), before: Scored, after: Scored })),
  }),
});
export type HealthModelPreview = z.infer<typeof HealthModelPreview>;

const PREVIEW_CHANGES = 500;

/**
 * Scores every account with a model that is not saved, on today's facts: how statuses would be
 * distributed, and which accounts would change status. Only this model is applied (accounts its
 * selector does not match are counted, not scored); percentiles rank among the matched accounts,
 * as they would when it is saved.
 */
export async function previewHealthModel({ ctx, input }: { ctx: Ctx; input: PreviewHealthModel }) {
  await authorize(ctx, 'settings:write');
  const data = PreviewHealthModel.parse(input);
  const catalogue = await loadCatalogueMap(ctx);
  const selector = checkAgainstCatalogue(catalogue, data) ?? null;
  const model: ScoringModel = {
    id: 'preview',
    key: data.key ?? 'preview',
    name: data.name ?? 'Preview',
    position: 0,
    selector,
    dimensions: data.dimensions,
    sentiment: data.sentiment ?? null,
    bands: data.bands ?? DEFAULT_BANDS,
  };
  const { day, facts, env } = await loadEvaluationBatch(ctx, today(ctx), [selector]);
  const scores = scoreAll([model], facts, catalogue, {
    sentiments: await loadSentiments(ctx, day),
    envFor: env,
  });

  // Current score, status and name come with the batch (its state facts): no second read.
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const counts = new Map<string | null, number>();
  const changes: HealthModelPreview['changes']['items'] = [];
  let total = 0;
  for (const [accountId, s] of scores) {
    counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    const f = facts.get(accountId)!;
    if (str(f['health.status']) === s.status) continue;
    total++;
    if (changes.length < PREVIEW_CHANGES) {
      changes.push({
        accountId,
        name: str(f.name) ?? '',
        before: { score: num(f['health.score']), status: str(f['health.status']) },
        after: { score: s.score, status: s.status },
      });
    }
  }
  changes.sort((a, b) => a.name.localeCompare(b.name));
  const distribution: HealthModelPreview['distribution'] = model.bands.map((b) => ({
    status: b.key,
    label: b.label,
    color: b.color,
    count: counts.get(b.key) ?? 0,
  }));
  distribution.push({ status: null, label: null, color: null, count: counts.get(null) ?? 0 });
  return {
    day,
    matched: scores.size,
    unmatched: facts.size - scores.size,
    distribution,
    changes: { total, items: changes },
  } satisfies HealthModelPreview;
}
