// Health model verbs: list, get, create, change, copy, delete, preview; and loading the models the
// recompute pipeline scores with: the workspace's stored models by position, then the built-in
// default (id and key `default`) as the catch-all, so every account has a score whatever models
// exist. The default is built from the workspace's metrics on each read until someone edits it;
// the edit is stored in health_default_models (deleting it returns to the built one). The model's
// schemas are in health-model.schemas.ts, the maths in score-maths.ts.
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { duplicateKey, invalidField, invalidIssues, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { newId } from '../../ids.ts';
import { nowIso, today } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { loadCatalogue } from '../facts/catalogue.ts';
import { type Catalogue, type Condition, ConditionError } from '../facts/condition.ts';
import { compileCondition } from '../facts/condition-check.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { loadMetrics } from '../metrics/index.ts';
import { workspaceHasTickets } from '../support/index.ts';
import { DEFAULT_MODEL_ID, defaultHealthModel } from './default-model.ts';
import type { HealthDefaultModelsTable, HealthModelsTable } from './health.table.ts';
import {
  CopyHealthModel,
  CreateHealthModel,
  checkComponentFacts,
  DEFAULT_BANDS,
  DEFAULT_HYSTERESIS,
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
  hysteresis: Number(r.hysteresis ?? DEFAULT_HYSTERESIS),
  builtin: false,
  customised: false,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The built-in default as a model: the workspace's edit of it, else built from its metrics. */
async function loadDefaultModel(ctx: Ctx): Promise<HealthModel> {
  const row = await ctx.db
    .selectFrom('health_default_models')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  const built = defaultHealthModel(await loadMetrics(ctx), localeOf(ctx), {
    tickets: await workspaceHasTickets(ctx),
  });
  if (!row)
    return {
      ...built,
      id: DEFAULT_MODEL_ID,
      hysteresis: built.hysteresis ?? DEFAULT_HYSTERESIS,
      builtin: true,
      customised: false,
      createdAt: null,
      updatedAt: null,
    };
  return defaultRowToModel(row, built);
}

const defaultRowToModel = (r: HealthDefaultModelsTable, built: HealthModelSpec): HealthModel => ({
  id: DEFAULT_MODEL_ID,
  key: DEFAULT_MODEL_ID,
  name: r.name,
  position: built.position,
  selector: null,
  dimensions: parseJson<Dimension[]>(r.dimensions, built.dimensions),
  sentiment: parseJson<SentimentConfig | null>(r.sentiment, null),
  bands: parseJson<StatusBand[]>(r.bands, DEFAULT_BANDS),
  hysteresis: Number(r.hysteresis),
  builtin: true,
  customised: true,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The default is tried after every stored model: listed with the position after the last. */
const withDefaultLast = (stored: HealthModel[], def: HealthModel): HealthModel[] => [
  ...stored,
  { ...def, position: stored.reduce((p, m) => Math.max(p, m.position + 1), 0) },
];

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
  if (id === DEFAULT_MODEL_ID) return loadDefaultModel(ctx);
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
 * The models to score with, in the order they are tried: the workspace's own, then the default
 * (id `default`, no selector) for every account none of them matches. Saving a first model with a
 * selector once left every other account unscored (1,715 of 2,003 on the demo); the catch-all
 * keeps them scored, and health works from the first day.
 */
export async function loadHealthModels(ctx: Ctx): Promise<HealthModel[]> {
  return withDefaultLast(await loadStoredModels(ctx), await loadDefaultModel(ctx));
}

export async function listHealthModels({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return { items: await loadHealthModels(ctx), nextCursor: null };
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
  if (id === DEFAULT_MODEL_ID && !(await findStoredRow(ctx, id)))
    return (await loadHealthModels(ctx)).at(-1)!;
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

const toRow = (m: Omit<HealthModelSpec, 'key'> & { hysteresis: number }) => ({
  name: m.name,
  position: m.position,
  selector: m.selector === null ? null : JSON.stringify(m.selector),
  dimensions: JSON.stringify(m.dimensions),
  bands: JSON.stringify(m.bands),
  sentiment: m.sentiment === null ? null : JSON.stringify(m.sentiment),
  hysteresis: m.hysteresis,
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
        hysteresis: data.hysteresis ?? DEFAULT_HYSTERESIS,
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
  if (id === DEFAULT_MODEL_ID && !(await findStoredRow(ctx, id))) {
    return updateDefaultModel(ctx, data, selector);
  }
  return inTransaction(ctx, async (tx) => {
    const before = healthModelRowToModel(await getModelRow(tx, id));
    const merged = {
      name: data.name ?? before.name,
      position: data.position ?? before.position,
      selector: selector === undefined ? before.selector : selector,
      dimensions: data.dimensions ?? before.dimensions,
      bands: data.bands ?? before.bands,
      sentiment: data.sentiment === undefined ? before.sentiment : data.sentiment,
      hysteresis: data.hysteresis ?? before.hysteresis,
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

/** A stored model whose id (or key) is `id`: one made before `default` was reserved may hold it. */
async function findStoredRow(ctx: Ctx, id: string) {
  return ctx.db
    .selectFrom('health_models')
    .select('id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', id), eb('key', '=', id)]))
    .executeTakeFirst();
}

/**
 * Edits the built-in default: the first edit stores the model as built with the changes applied,
 * later ones change the stored edit. It stays the catch-all, so its selector, key and position do
 * not change; its scores keep the model id `default`, so calibration reads their history whole.
 */
async function updateDefaultModel(
  ctx: Ctx,
  data: ReturnType<typeof UpdateHealthModel.parse>,
  selector: Condition | null | undefined,
): Promise<HealthModel> {
  if (selector !== undefined && selector !== null)
    throw invalidField('selector', msg('health.error.defaultSelector'));
  return inTransaction(ctx, async (tx) => {
    const before = await loadDefaultModel(tx);
    const now = nowIso(tx);
    const row: HealthDefaultModelsTable = {
      workspace_id: tx.workspace.id,
      name: data.name ?? before.name,
      dimensions: JSON.stringify(data.dimensions ?? before.dimensions),
      bands: JSON.stringify(data.bands ?? before.bands),
      sentiment: JSON.stringify(data.sentiment === undefined ? before.sentiment : data.sentiment),
      hysteresis: data.hysteresis ?? before.hysteresis,
      created_at: before.createdAt ?? now,
      updated_at: now,
    };
    await tx.db
      .insertInto('health_default_models')
      .values(row)
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet({
          name: row.name,
          dimensions: row.dimensions,
          bands: row.bands,
          sentiment: row.sentiment,
          hysteresis: row.hysteresis,
          updated_at: row.updated_at,
        }),
      )
      .execute();
    const model = await loadDefaultModel(tx);
    await writeAudit(tx, {
      action: 'health_model.updated',
      entityType: 'health_model',
      entityId: DEFAULT_MODEL_ID,
      before,
      after: model,
    });
    return (await loadHealthModels(tx)).at(-1) ?? model;
  });
}

/**
 * A new stored model with another model's dimensions, bands, sentiment and hysteresis (the
 * built-in default's as the workspace sees it, edited or not), to change on its own. By default it
 * goes before the catch-all default, with no selector unless one is given.
 */
export async function copyHealthModel({ ctx, id, input }: { ctx: Ctx; id: string; input: CopyHealthModel }) {
  await authorize(ctx, 'settings:write');
  const data = CopyHealthModel.parse(input);
  const source = await getHealthModel({ ctx, id });
  return createHealthModel({
    ctx,
    input: {
      key: data.key,
      name: data.name ?? source.name,
      position: data.position,
      selector: data.selector ?? (source.builtin ? null : source.selector),
      dimensions: source.dimensions,
      bands: source.bands,
      sentiment: source.sentiment,
      hysteresis: source.hysteresis,
    },
  });
}

/**
 * Stored scores keep the deleted model's id: history stays as it was computed. Deleting the
 * built-in default drops the workspace's edit of it: it is built from the metrics again.
 */
export async function deleteHealthModel({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  if (id === DEFAULT_MODEL_ID && !(await findStoredRow(ctx, id))) {
    await inTransaction(ctx, async (tx) => {
      const before = await loadDefaultModel(tx);
      await tx.db.deleteFrom('health_default_models').where('workspace_id', '=', tx.workspace.id).execute();
      if (before.customised)
        await writeAudit(tx, {
          action: 'health_model.reset',
          entityType: 'health_model',
          entityId: DEFAULT_MODEL_ID,
          before,
        });
    });
    return;
  }
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

// Any key, `default` included: a preview of the default model's edit is not a new model.
export const PreviewHealthModel = CreateHealthModel.extend({ key: z.string().max(100) }).partial({
  key: true,
  name: true,
  position: true,
});
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
    hysteresis: data.hysteresis ?? DEFAULT_HYSTERESIS,
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
