// What guided imports keep: saved column mappings (per workspace, reusable), owner aliases (what an
// owner column may say for a user besides email or name), and the import history.
import { z } from 'zod';
import { type Ctx, inTransaction } from '../../context.ts';
import { DATE_FORMATS, type DateFormat } from '../../csv/values.ts';
import { parseJson } from '../../db/dialect.ts';
import { notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorize, listUserRefs, writeAudit } from '../auth/index.ts';
import { IMPORT_ENTITIES, type ImportEntity } from './import-entities.ts';

export type SavedMappingValue = {
  map: Record<string, string>;
  defaults: Record<string, string>;
  dateFormat?: DateFormat;
};

export const SaveImportMapping = z.object({
  entity: z.enum(IMPORT_ENTITIES),
  name: z.string().trim().min(1).max(100),
  map: z.record(z.string().max(300), z.string().max(100)),
  defaults: z.record(z.string().max(100), z.string().max(300)).default({}),
  dateFormat: z.enum(DATE_FORMATS).optional(),
});
export type SaveImportMapping = z.input<typeof SaveImportMapping>;

export type ImportMapping = SavedMappingValue & {
  id: string;
  entity: ImportEntity;
  name: string;
  createdAt: string;
  updatedAt: string;
};

const toMapping = (r: {
  id: string;
  entity: string;
  name: string;
  mapping: string;
  created_at: string;
  updated_at: string;
}): ImportMapping => {
  const v = parseJson<SavedMappingValue>(r.mapping, { map: {}, defaults: {} });
  return {
    id: r.id,
    entity: r.entity as ImportEntity,
    name: r.name,
    map: v.map ?? {},
    defaults: v.defaults ?? {},
    ...(v.dateFormat ? { dateFormat: v.dateFormat } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

export async function listImportMappings(ctx: Ctx, entity?: ImportEntity): Promise<ImportMapping[]> {
  await authorize(ctx, 'imports:run');
  let q = ctx.db.selectFrom('import_mappings').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (entity) q = q.where('entity', '=', entity);
  return (await q.orderBy('entity').orderBy('name').execute()).map(toMapping);
}

/** A saved mapping by name, or 404 naming it. */
export async function savedMapping(ctx: Ctx, entity: ImportEntity, name: string): Promise<SavedMappingValue> {
  const row = await ctx.db
    .selectFrom('import_mappings')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('entity', '=', entity)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw notFound(msg('imports.entity.mapping'), name);
  return toMapping(row);
}

/** Saves a mapping under its name (replacing one of that name). */
export async function saveImportMapping({ ctx, input }: { ctx: Ctx; input: SaveImportMapping }) {
  await authorize(ctx, 'imports:run');
  const data = SaveImportMapping.parse(input);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const value = JSON.stringify({ map: data.map, defaults: data.defaults, dateFormat: data.dateFormat });
    const existing = await tx.db
      .selectFrom('import_mappings')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('entity', '=', data.entity)
      .where('name', '=', data.name)
      .executeTakeFirst();
    if (existing) {
      await tx.db
        .updateTable('import_mappings')
        .set({ mapping: value, updated_at: now })
        .where('workspace_id', '=', tx.workspace.id)
        .where('id', '=', existing.id)
        .execute();
    } else {
      await tx.db
        .insertInto('import_mappings')
        .values({
          id: newId(),
          workspace_id: tx.workspace.id,
          entity: data.entity,
          name: data.name,
          mapping: value,
          created_by: tx.actor.kind === 'user' ? tx.actor.userId : null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const saved = await tx.db
      .selectFrom('import_mappings')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('entity', '=', data.entity)
      .where('name', '=', data.name)
      .executeTakeFirstOrThrow();
    const after = toMapping(saved);
    await writeAudit(tx, {
      action: existing ? 'import_mapping.updated' : 'import_mapping.created',
      entityType: 'import_mapping',
      entityId: after.id,
      ...(existing ? { before: toMapping(existing) } : {}),
      after,
    });
    return after;
  });
}

export async function deleteImportMapping({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'imports:run');
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom('import_mappings')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(msg('imports.entity.mapping'), id);
    await tx.db
      .deleteFrom('import_mappings')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'import_mapping.deleted',
      entityType: 'import_mapping',
      entityId: id,
      before: toMapping(row),
    });
  });
}

export const SaveOwnerAlias = z.object({
  alias: z.string().trim().min(1).max(200),
  userId: z.string().min(1),
});
export type SaveOwnerAlias = z.input<typeof SaveOwnerAlias>;
export type OwnerAlias = { alias: string; userId: string; createdAt: string };

export async function listOwnerAliases(ctx: Ctx): Promise<OwnerAlias[]> {
  await authorize(ctx, 'imports:run');
  const rows = await ctx.db
    .selectFrom('owner_aliases')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('alias')
    .execute();
  return rows.map((r) => ({ alias: r.alias, userId: r.user_id, createdAt: r.created_at }));
}

/** Saves `alias` (compared in lower case) as another way an owner column names the user. */
export async function saveOwnerAlias({ ctx, input }: { ctx: Ctx; input: SaveOwnerAlias }) {
  await authorize(ctx, 'imports:run');
  const data = SaveOwnerAlias.parse(input);
  const alias = data.alias.toLowerCase();
  return inTransaction(ctx, async (tx) => {
    const users = await listUserRefs(tx, {});
    if (!users.some((u) => u.id === data.userId)) throw notFound('User', data.userId);
    await tx.db
      .deleteFrom('owner_aliases')
      .where('workspace_id', '=', tx.workspace.id)
      .where('alias', '=', alias)
      .execute();
    const now = nowIso(tx);
    await tx.db
      .insertInto('owner_aliases')
      .values({ workspace_id: tx.workspace.id, alias, user_id: data.userId, created_at: now })
      .execute();
    const after = { alias, userId: data.userId, createdAt: now };
    await writeAudit(tx, { action: 'owner_alias.saved', entityType: 'owner_alias', entityId: alias, after });
    return after;
  });
}

export async function deleteOwnerAlias({ ctx, alias }: { ctx: Ctx; alias: string }) {
  await authorize(ctx, 'imports:run');
  return inTransaction(ctx, async (tx) => {
    const key = alias.trim().toLowerCase();
    const deleted = await tx.db
      .deleteFrom('owner_aliases')
      .where('workspace_id', '=', tx.workspace.id)
      .where('alias', '=', key)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) === 0) throw notFound(msg('imports.entity.ownerAlias'), alias);
    await writeAudit(tx, { action: 'owner_alias.deleted', entityType: 'owner_alias', entityId: key });
  });
}

export type ImportRun = {
  id: string;
  entity: ImportEntity;
  fileName: string | null;
  format: string | null;
  encoding: string | null;
  dryRun: boolean;
  status: 'running' | 'done' | 'rejected' | 'failed';
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The import's report once finished (ImportReport). */
  report: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  /** While it runs: the phase and rows done, as the importer last stored them (after each write batch). */
  progress: { phase: 'read' | 'validate' | 'write'; done: number; total?: number } | null;
};

const toRun = (r: {
  id: string;
  entity: string;
  file_name: string | null;
  format: string | null;
  encoding: string | null;
  dry_run: number;
  status: string;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
  report: string | null;
  error: string | null;
  progress: string | null;
}): ImportRun => ({
  id: r.id,
  entity: r.entity as ImportEntity,
  fileName: r.file_name,
  format: r.format,
  encoding: r.encoding,
  dryRun: r.dry_run === 1,
  status: r.status as ImportRun['status'],
  createdBy: r.created_by,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  report: r.report ? parseJson(r.report, null) : null,
  error: r.error ? parseJson(r.error, null) : null,
  progress: r.status === 'running' && r.progress ? parseJson(r.progress, null) : null,
});

/** The import history, newest first (reports without their error lists, which getImportRun has). */
export async function listImportRuns(ctx: Ctx, limit = 50): Promise<ImportRun[]> {
  await authorize(ctx, 'imports:run');
  const rows = await ctx.db
    .selectFrom('import_runs')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const run = toRun(r);
    if (run.report) run.report = { ...run.report, errors: [] };
    return run;
  });
}

export async function getImportRun(ctx: Ctx, id: string): Promise<ImportRun> {
  await authorize(ctx, 'imports:run');
  const row = await ctx.db
    .selectFrom('import_runs')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(msg('imports.entity.run'), id);
  return toRun(row);
}
