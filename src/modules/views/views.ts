// Saved views of a list (filters, condition, columns, sort) kept on the server: private to their
// owner, or shared with the whole workspace. Anyone who may read may keep their own views (like a
// profile setting); sharing one is a workspace setting, so managers and admins only. Only the owner
// changes or deletes a view; a shared view is read by everyone.
import { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorizeReadList } from '../accounts/index.ts';
import { authorize, can, userNames, writeAudit } from '../auth/index.ts';
import type { SavedViewsTable } from './views.table.ts';

export const VIEW_LISTS = ['accounts'] as const;
export const VIEW_VISIBILITIES = ['private', 'shared'] as const;

const Name = z.string().trim().min(1).max(100);
const Filters = z
  .record(z.string().regex(/^[A-Za-z][\w.]{0,63}$/), z.string().max(2000))
  .refine((f) => Object.keys(f).length <= 50, { message: 'at most 50 filters' });
const Columns = z.array(z.string().regex(/^[A-Za-z][\w.]{0,63}$/)).max(60);

export const SavedView = z.object({
  id: z.string(),
  list: z.enum(VIEW_LISTS),
  name: z.string(),
  visibility: z.enum(VIEW_VISIBILITIES),
  filters: z.record(z.string(), z.string()),
  condition: z.string().nullable(),
  columns: z.array(z.string()),
  sort: z.string().nullable(),
  ownerId: z.string(),
  ownerName: z.string().nullable(),
  /** True when the caller owns it (and so may change or delete it). */
  mine: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedView = z.infer<typeof SavedView>;

export const CreateSavedView = z.object({
  list: z.enum(VIEW_LISTS).default('accounts'),
  name: Name,
  visibility: z.enum(VIEW_VISIBILITIES).default('private'),
  filters: Filters.default({}),
  condition: z.string().trim().max(10_000).nullable().optional(),
  columns: Columns.default([]),
  sort: z.string().trim().max(64).nullable().optional(),
});
export type CreateSavedView = z.input<typeof CreateSavedView>;

export const UpdateSavedView = z.object({
  name: Name.optional(),
  visibility: z.enum(VIEW_VISIBILITIES).optional(),
  filters: Filters.optional(),
  condition: z.string().trim().max(10_000).nullable().optional(),
  columns: Columns.optional(),
  sort: z.string().trim().max(64).nullable().optional(),
});
export type UpdateSavedView = z.input<typeof UpdateSavedView>;

export const ListSavedViews = z.object({ list: z.enum(VIEW_LISTS).default('accounts') });

function rowToView(r: SavedViewsTable, userId: string | null, ownerName: string | null): SavedView {
  return {
    id: r.id,
    list: r.list as SavedView['list'],
    name: r.name,
    visibility: r.visibility as SavedView['visibility'],
    filters: JSON.parse(r.filters) as Record<string, string>,
    condition: r.condition,
    columns: JSON.parse(r.columns) as string[],
    sort: r.sort,
    ownerId: r.owner_id,
    ownerName,
    mine: r.owner_id === userId,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const userOf = (ctx: Ctx) => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);

function requireUser(ctx: Ctx): string {
  const id = userOf(ctx);
  if (!id) throw new AppError('forbidden', msg('error.forbidden'));
  return id;
}

function checkShare(ctx: Ctx, visibility: string | undefined) {
  if (visibility === 'shared' && can(ctx, 'settings:write') !== 'all')
    throw new AppError('forbidden', msg('list.shareNeedsManager'));
}

const notFoundView = (id: string) => new AppError('not_found', msg('list.viewNotFound', { id }));

/** The caller's own views and every shared one, shared first then by name. */
export async function listSavedViews({ ctx, input }: { ctx: Ctx; input: z.input<typeof ListSavedViews> }) {
  authorizeReadList(ctx);
  const { list } = ListSavedViews.parse(input);
  const userId = userOf(ctx);
  const rows = await ctx.db
    .selectFrom('saved_views')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('list', '=', list)
    .where((eb) =>
      userId
        ? eb.or([eb('visibility', '=', 'shared'), eb('owner_id', '=', userId)])
        : eb('visibility', '=', 'shared'),
    )
    .orderBy('visibility', 'desc')
    .orderBy('name')
    .orderBy('id')
    .execute();
  const names = await userNames(
    ctx,
    rows.map((r) => r.owner_id),
  );
  return { items: rows.map((r) => rowToView(r, userId, names.get(r.owner_id) ?? null)), nextCursor: null };
}

/** A view the caller may read (their own or a shared one); anything else is a 404. */
export async function getSavedView({ ctx, id }: { ctx: Ctx; id: string }): Promise<SavedView> {
  authorizeReadList(ctx);
  const row = await findReadable(ctx, id);
  const names = await userNames(ctx, [row.owner_id]);
  return rowToView(row, userOf(ctx), names.get(row.owner_id) ?? null);
}

async function findReadable(ctx: Ctx, id: string): Promise<SavedViewsTable> {
  const row = await ctx.db
    .selectFrom('saved_views')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || (row.visibility !== 'shared' && row.owner_id !== userOf(ctx))) throw notFoundView(id);
  return row;
}

export async function createSavedView({ ctx, input }: { ctx: Ctx; input: CreateSavedView }) {
  const data = CreateSavedView.parse(input);
  await authorize(ctx, 'profile:write');
  const ownerId = requireUser(ctx);
  checkShare(ctx, data.visibility);
  const now = nowIso(ctx);
  const row: SavedViewsTable = {
    id: newId(),
    workspace_id: ctx.workspace.id,
    owner_id: ownerId,
    list: data.list,
    name: data.name,
    visibility: data.visibility,
    filters: JSON.stringify(data.filters),
    condition: data.condition || null,
    columns: JSON.stringify(data.columns),
    sort: data.sort || null,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    try {
      await tx.db.insertInto('saved_views').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e))
        throw new AppError('conflict', msg('list.viewNameTaken', { name: data.name }));
      throw e;
    }
    await writeAudit(tx, {
      action: 'saved_view.created',
      entityType: 'saved_view',
      entityId: row.id,
      after: { name: row.name, visibility: row.visibility },
    });
  });
  return getSavedView({ ctx, id: row.id });
}

/** Only the owner changes a view; another user's shared view answers 403, a private one 404. */
async function ownView(ctx: Ctx, id: string): Promise<SavedViewsTable> {
  const row = await findReadable(ctx, id);
  if (row.owner_id !== userOf(ctx)) throw new AppError('forbidden', msg('list.viewNotYours'));
  return row;
}

export async function updateSavedView({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateSavedView }) {
  const data = UpdateSavedView.parse(input);
  await authorize(ctx, 'profile:write');
  const before = await ownView(ctx, id);
  checkShare(ctx, data.visibility);
  await inTransaction(ctx, async (tx) => {
    try {
      await tx.db
        .updateTable('saved_views')
        .set({
          name: data.name,
          visibility: data.visibility,
          filters: data.filters && JSON.stringify(data.filters),
          condition: data.condition === undefined ? undefined : data.condition || null,
          columns: data.columns && JSON.stringify(data.columns),
          sort: data.sort === undefined ? undefined : data.sort || null,
          updated_at: nowIso(ctx),
        })
        .where('workspace_id', '=', ctx.workspace.id)
        .where('id', '=', id)
        .execute();
    } catch (e) {
      if (isUniqueViolation(e))
        throw new AppError('conflict', msg('list.viewNameTaken', { name: data.name ?? before.name }));
      throw e;
    }
    await writeAudit(tx, {
      action: 'saved_view.updated',
      entityType: 'saved_view',
      entityId: id,
      before: { name: before.name, visibility: before.visibility },
      after: { name: data.name ?? before.name, visibility: data.visibility ?? before.visibility },
    });
  });
  return getSavedView({ ctx, id });
}

export async function deleteSavedView({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  await authorize(ctx, 'profile:write');
  const before = await ownView(ctx, id);
  await inTransaction(ctx, async (tx) => {
    await tx.db
      .deleteFrom('saved_views')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'saved_view.deleted',
      entityType: 'saved_view',
      entityId: id,
      before: { name: before.name, visibility: before.visibility },
    });
  });
}
