// API tokens (for scripts calling the REST API as a user) and ingest write keys (for product
// event clients). Both are random secrets shown once and stored as SHA-256.
import { z } from 'zod';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { conflict, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { addDays, nowIso } from '../../time.ts';
import { writeAudit } from './audit.ts';
import type { ApiTokensTable, WriteKeysTable } from './auth.table.ts';
import { authorize } from './authorize.ts';
import { countTokenCreation } from './login-limiter.ts';
import { SCOPES, type Scope } from './permissions.ts';
import { newSecret, sha256 } from './secrets.ts';
import { findUserRow } from './users.ts';

const PREFIX_LEN = 12;

export const CreateToken = z.object({
  name: z.string().trim().min(1).max(200),
  scopes: z.array(z.enum(SCOPES)).min(1).default(['read', 'write']),
  /** The user the token acts as (their role applies); defaults to the admin creating it. */
  userId: z.string().optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateToken = z.infer<typeof CreateToken>;

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  userId: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ApiToken = z.infer<typeof ApiToken>;

const tokenRowToToken = (r: ApiTokensTable): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  userId: r.user_id,
  scopes: JSON.parse(r.scopes) as Scope[],
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

export async function createToken({ ctx, input }: { ctx: Ctx; input: CreateToken }) {
  await authorize(ctx, 'keys:manage');
  const data = CreateToken.parse(input);
  const userId = data.userId ?? actorId(ctx);
  if (!userId) throw conflict(msg('keys.error.systemNeedsUser'));
  // Counted before anything is written, per signed-in user (the CLI and jobs are not limited).
  if (ctx.actor.kind === 'user') await countTokenCreation(ctx, ctx.workspace.id, ctx.actor.userId);
  return inTransaction(ctx, async (tx) => {
    if (!(await findUserRow(tx, userId))) throw notFound('User', userId);
    const token = newSecret('stw');
    const row: ApiTokensTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      user_id: userId,
      name: data.name,
      token_hash: sha256(token),
      prefix: token.slice(0, PREFIX_LEN),
      scopes: JSON.stringify([...new Set(data.scopes)]),
      expires_at: data.expiresInDays
        ? `${addDays(nowIso(tx).slice(0, 10), data.expiresInDays)}T00:00:00.000Z`
        : null,
      last_used_at: null,
      revoked_at: null,
      created_at: nowIso(tx),
    };
    await tx.db.insertInto('api_tokens').values(row).execute();
    const meta = tokenRowToToken(row);
    await writeAudit(tx, { action: 'token.created', entityType: 'api_token', entityId: row.id, after: meta });
    return { ...meta, token };
  });
}

export async function listTokens({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'keys:manage');
  const rows = await ctx.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('id', 'desc')
    .execute();
  return { items: rows.map(tokenRowToToken), nextCursor: null };
}

export async function revokeToken({ ctx, id }: { ctx: Ctx; id: string }): Promise<ApiToken> {
  await authorize(ctx, 'keys:manage');
  return inTransaction(ctx, async (tx) => {
    const row = await revokeRow(tx, 'api_tokens', id, 'API token');
    const meta = tokenRowToToken(row as ApiTokensTable);
    await writeAudit(tx, { action: 'token.revoked', entityType: 'api_token', entityId: id, after: meta });
    return meta;
  });
}

export const CreateWriteKey = z.object({ name: z.string().trim().min(1).max(200) });
export type CreateWriteKey = z.infer<typeof CreateWriteKey>;

export const WriteKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type WriteKey = z.infer<typeof WriteKey>;

const writeKeyRowToWriteKey = (r: WriteKeysTable): WriteKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at,
});

export async function createWriteKey({ ctx, input }: { ctx: Ctx; input: CreateWriteKey }) {
  await authorize(ctx, 'keys:manage');
  const data = CreateWriteKey.parse(input);
  return inTransaction(ctx, async (tx) => {
    const key = newSecret('wk');
    const row: WriteKeysTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      name: data.name,
      key_hash: sha256(key),
      prefix: key.slice(0, PREFIX_LEN),
      created_by: actorId(tx),
      last_used_at: null,
      revoked_at: null,
      created_at: nowIso(tx),
    };
    await tx.db.insertInto('write_keys').values(row).execute();
    const meta = writeKeyRowToWriteKey(row);
    await writeAudit(tx, {
      action: 'write_key.created',
      entityType: 'write_key',
      entityId: row.id,
      after: meta,
    });
    return { ...meta, key };
  });
}

export async function listWriteKeys({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'keys:manage');
  const rows = await ctx.db
    .selectFrom('write_keys')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('id', 'desc')
    .execute();
  return { items: rows.map(writeKeyRowToWriteKey), nextCursor: null };
}

export async function revokeWriteKey({ ctx, id }: { ctx: Ctx; id: string }): Promise<WriteKey> {
  await authorize(ctx, 'keys:manage');
  return inTransaction(ctx, async (tx) => {
    const meta = writeKeyRowToWriteKey(
      (await revokeRow(tx, 'write_keys', id, 'Write key')) as WriteKeysTable,
    );
    await writeAudit(tx, { action: 'write_key.revoked', entityType: 'write_key', entityId: id, after: meta });
    return meta;
  });
}

/** Resolves an ingest write key to its workspace, or undefined when unknown or revoked. */
export async function findWorkspaceByWriteKey(
  ctx: Pick<Ctx, 'db'>,
  key: string,
): Promise<string | undefined> {
  const row = await ctx.db
    .selectFrom('write_keys')
    .select('workspace_id')
    .where('key_hash', '=', sha256(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row?.workspace_id;
}

async function revokeRow(ctx: Ctx, table: 'api_tokens' | 'write_keys', id: string, what: string) {
  const existing = await ctx.db
    .selectFrom(table)
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!existing) throw notFound(what, id);
  if (existing.revoked_at !== null) return existing;
  return ctx.db
    .updateTable(table)
    .set({ revoked_at: nowIso(ctx) })
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
