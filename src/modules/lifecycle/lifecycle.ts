import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { conflict, duplicateKey, invalidField, notFound } from '../../errors.ts';
import { type Locale, msg } from '../../i18n/index.ts';
import { localeOf } from '../../i18n/request-locale.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { Condition } from '../facts/condition.ts';
import { conditionToText } from '../facts/condition-text.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import {
  BodyChecker,
  ConditionInput,
  ConditionJson,
  Day,
  Key,
  Label,
  labelOf,
  loadCatalogueMap,
  Name,
  namesOnWrite,
  Reason,
} from '../segments/index.ts';
import {
  accountsOverriddenTo,
  clearStateOverride,
  type OverrideSpec,
  setStateOverride,
} from '../state/index.ts';
import type { LifecycleStagesTable } from './lifecycle.table.ts';
import { assignStage, DEFAULT_STAGES, type StageRule } from './stages.ts';

export const LifecycleStage = z.object({
  id: z.string(),
  key: z.string(),
  /** In the reader's language. */
  name: z.string(),
  /** The name in both languages, for editing. */
  label: Label,
  /** 1 is tried first; the first stage whose condition holds is the account's stage. */
  position: z.number(),
  /** Where the stage comes in an account's life, 1 first (onboarding ... churned): order charts by this. */
  journeyPosition: z.number(),
  condition: ConditionJson,
  conditionText: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LifecycleStage = z.infer<typeof LifecycleStage>;

const Position = z.number().int().min(1).max(1000);
const JourneyPosition = z.number().int().min(1).max(1000);
export const CreateLifecycleStage = z.object({
  key: Key,
  /** The name in the writer's language; `label` gives both. One of them is needed. */
  name: Name.optional(),
  label: Label.nullable().optional(),
  /** Where it comes in an account's life (default: after the others). */
  journeyPosition: JourneyPosition.optional(),
  condition: ConditionInput,
  /** Where to insert it (1 = checked first); the others move down. Default: last. */
  position: Position.optional(),
});
export type CreateLifecycleStage = z.input<typeof CreateLifecycleStage>;
export const UpdateLifecycleStage = z
  .object({
    name: Name,
    label: Label.nullable(),
    condition: ConditionInput,
    position: Position,
    journeyPosition: JourneyPosition,
  })
  .partial();
export type UpdateLifecycleStage = z.input<typeof UpdateLifecycleStage>;

export const SetStageOverride = z.object({
  stage: Key,
  reason: Reason,
  expiresOn: Day.nullable().optional(),
});
export type SetStageOverride = z.input<typeof SetStageOverride>;

/** A stage as the recompute pipeline uses it, in position order. */
export type LoadedStage = StageRule & { id: string; name: string; position: number };

/** Stages without a journey position come after those with one, in rule order. */
const UNPLACED = 1000;

export const stageRowToStage = (r: LifecycleStagesTable, locale: Locale): LifecycleStage => {
  const condition = parseJson<Condition>(r.condition, { and: [] });
  const label = labelOf(r.name, r.label);
  return {
    id: r.id,
    key: r.key,
    name: label[locale],
    label,
    position: r.position,
    journeyPosition: r.journey_position ?? UNPLACED + r.position,
    condition,
    conditionText: conditionToText(condition),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

// Recompute assigns the stage after the tier and before segments: a stage may read the tier and
// health, but not segments, nor the stage it is assigning.
const AFTER_STAGE = ['stage', 'days_in_stage', 'segments'];
export async function checkStageCondition(ctx: Ctx, input: unknown, path = 'condition'): Promise<Condition> {
  const checker = new BodyChecker(await loadCatalogueMap(ctx));
  const condition = checker.condition(input, path, AFTER_STAGE, msg('cond.why.stage'));
  checker.done();
  return condition!;
}

const orderedRows = (ctx: Ctx) =>
  ctx.db
    .selectFrom('lifecycle_stages')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('position')
    .orderBy('key')
    .execute();

/** Every stage of the workspace in the order they are tried. */
export async function loadStages(ctx: Ctx): Promise<LoadedStage[]> {
  return (await orderedRows(ctx)).map((r) => ({
    id: r.id,
    key: r.key,
    name: r.name,
    position: r.position,
    condition: JSON.parse(r.condition) as Condition,
  }));
}

async function getStageRow(ctx: Ctx, idOrKey: string): Promise<LifecycleStagesTable> {
  const row = await ctx.db
    .selectFrom('lifecycle_stages')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row) throw notFound('Lifecycle stage', idOrKey);
  return row;
}

/**
 * Puts stage `id` at `position` (1-based, clamped; undefined: leaves it where it sorts) and
 * renumbers all stages 1..n, so positions stay a plain ranking with no gaps or ties.
 */
async function renumber(tx: Ctx, id?: string, position?: number): Promise<void> {
  const rows = await orderedRows(tx);
  const ids = rows.map((r) => r.id);
  if (id !== undefined && position !== undefined) {
    ids.splice(ids.indexOf(id), 1);
    ids.splice(Math.min(position - 1, ids.length), 0, id);
  }
  const was = new Map(rows.map((r) => [r.id, r.position]));
  for (const [i, stageId] of ids.entries()) {
    if (was.get(stageId) === i + 1) continue;
    await tx.db
      .updateTable('lifecycle_stages')
      .set({ position: i + 1 })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', stageId)
      .execute();
  }
}

export async function listLifecycleStages({ ctx }: { ctx: Ctx; input?: unknown }) {
  await authorize(ctx, 'read');
  return { items: (await orderedRows(ctx)).map((r) => stageRowToStage(r, localeOf(ctx))), nextCursor: null };
}

export async function getLifecycleStage({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  return stageRowToStage(await getStageRow(ctx, id), localeOf(ctx));
}

export async function createLifecycleStage({ ctx, input }: { ctx: Ctx; input: CreateLifecycleStage }) {
  await authorize(ctx, 'settings:write');
  const data = CreateLifecycleStage.parse(input);
  if (data.name === undefined && !data.label) throw invalidField('name', msg('error.nameOrLabel'));
  const condition = await checkStageCondition(ctx, data.condition);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const rows = await orderedRows(tx);
    const row: LifecycleStagesTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      ...namesOnWrite(localeOf(tx), data),
      journey_position: data.journeyPosition ?? Math.max(0, ...rows.map((r) => r.journey_position ?? 0)) + 1,
      // Sorts after every existing stage until renumber places it.
      position: 1_000_000,
      condition: JSON.stringify(condition),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('lifecycle_stages').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Lifecycle stage', data.key);
      throw error;
    }
    await renumber(tx, row.id, data.position);
    const stage = stageRowToStage(await getStageRow(tx, row.id), localeOf(tx));
    await writeAudit(tx, {
      action: 'lifecycle_stage.created',
      entityType: 'lifecycle_stage',
      entityId: row.id,
      after: stage,
    });
    return stage;
  });
}

export async function updateLifecycleStage({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateLifecycleStage;
}) {
  await authorize(ctx, 'settings:write');
  const data = UpdateLifecycleStage.parse(input);
  const condition = data.condition === undefined ? undefined : await checkStageCondition(ctx, data.condition);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getStageRow(tx, id);
    const before = stageRowToStage(beforeRow, localeOf(tx));
    await tx.db
      .updateTable('lifecycle_stages')
      .set({
        ...namesOnWrite(localeOf(tx), data, { name: beforeRow.name, label: beforeRow.label }),
        journey_position: data.journeyPosition,
        condition: condition === undefined ? undefined : JSON.stringify(condition),
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .execute();
    if (data.position !== undefined) await renumber(tx, before.id, data.position);
    const stage = stageRowToStage(await getStageRow(tx, before.id), localeOf(tx));
    await writeAudit(tx, {
      action: 'lifecycle_stage.updated',
      entityType: 'lifecycle_stage',
      entityId: stage.id,
      before,
      after: stage,
    });
    return stage;
  });
}

/**
 * Refused while an account has the stage as its manual stage: deleting it would silently drop a
 * person's decision and reason. Accounts currently in it get their new stage at the next recompute.
 */
export async function deleteLifecycleStage({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = stageRowToStage(await getStageRow(tx, id), localeOf(tx));
    const held = await accountsOverriddenTo(tx, 'stage', before.key);
    if (held.length > 0) {
      throw conflict(msg('error.stageHeld', { stage: before.name, count: held.length }), {
        accountIds: held,
      });
    }
    await tx.db
      .deleteFrom('lifecycle_stages')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .execute();
    await renumber(tx);
    await writeAudit(tx, {
      action: 'lifecycle_stage.deleted',
      entityType: 'lifecycle_stage',
      entityId: before.id,
      before,
    });
  });
}

/**
 * Installs seed 004's stages (stages.ts DEFAULT_STAGES) when the workspace has none; a workspace
 * that already defines stages keeps them untouched. Returns how many were installed and the list.
 */
export async function installDefaultStages(
  ctx: Ctx,
): Promise<{ installed: number; items: LifecycleStage[] }> {
  await authorize(ctx, 'settings:write');
  return inTransaction(ctx, async (tx) => {
    const existing = await orderedRows(tx);
    if (existing.length > 0)
      return { installed: 0, items: existing.map((r) => stageRowToStage(r, localeOf(tx))) };
    const now = nowIso(tx);
    const rows = DEFAULT_STAGES.map(
      (s, i): LifecycleStagesTable => ({
        id: newId(),
        workspace_id: tx.workspace.id,
        key: s.key,
        name: s.name,
        label: JSON.stringify(s.label),
        position: i + 1,
        journey_position: s.journeyPosition,
        condition: JSON.stringify(s.condition),
        created_at: now,
        updated_at: now,
      }),
    );
    try {
      await tx.db.insertInto('lifecycle_stages').values(rows).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(msg('error.stagesRace'));
      throw error;
    }
    const items = rows.map((r) => stageRowToStage(r, localeOf(tx)));
    for (const stage of items) {
      await writeAudit(tx, {
        action: 'lifecycle_stage.created',
        entityType: 'lifecycle_stage',
        entityId: stage.id,
        after: stage,
      });
    }
    return { installed: items.length, items };
  });
}

const STAGE_OVERRIDE: OverrideSpec = {
  kind: 'stage',
  field: 'stage',
  noun: 'Stage',
  check: async (tx, value) => {
    const keys = (await orderedRows(tx)).map((r) => r.key);
    if (keys.includes(value)) return undefined;
    return keys.length
      ? msg('error.unknownStage', { value, stages: keys.join(', ') })
      : msg('error.noStages', { value });
  },
  ruleValue: async (tx, accountId, day) => {
    const stages = await loadStages(tx);
    const batch = await loadEvaluationBatch(
      tx,
      day,
      stages.map((s) => s.condition),
      { accountIds: [accountId] },
    );
    return assignStage(stages, batch.facts.get(accountId) ?? {}, batch.env(accountId));
  },
};

export async function setStageOverride({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: SetStageOverride;
}) {
  const data = SetStageOverride.parse(input);
  return setStateOverride(ctx, accountId, STAGE_OVERRIDE, {
    value: data.stage,
    reason: data.reason,
    expiresOn: data.expiresOn,
  });
}

export async function clearStageOverride({ ctx, accountId }: { ctx: Ctx; accountId: string }) {
  await clearStateOverride(ctx, accountId, STAGE_OVERRIDE);
}
