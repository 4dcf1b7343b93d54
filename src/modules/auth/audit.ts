import { type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { Ctx, Deps } from '../../context.ts';
import { newId } from '../../ids.ts';
import { Limit } from '../../pagination.ts';
import { addDays, dayStart, isValidDay, nowIso } from '../../time.ts';
import { authorize } from './authorize.ts';

export type AuditRecord = {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
};

export type AuthEvent = {
  workspaceId: string;
  /** The user who signed in or out; null for a failure (the attempted email is in `after`). */
  actorId: string | null;
  action: 'auth.login' | 'auth.logout' | 'auth.login_failed';
  userId: string;
  after: Record<string, unknown>;
  requestId?: string;
  clientRequestId?: string;
  at: string;
};

/**
 * Sign-in, sign-out and failed sign-ins, written before there is a Ctx. Failures for emails that
 * match no user have no workspace to be written to; they stay in login_attempts (email, address).
 */
export async function writeAuthEvent(deps: Deps, e: AuthEvent): Promise<void> {
  await deps.db
    .insertInto('audit_log')
    .values({
      id: newId(),
      workspace_id: e.workspaceId,
      actor_type: e.actorId ? 'session' : 'anonymous',
      actor_id: e.actorId,
      action: e.action,
      entity_type: 'user',
      entity_id: e.userId,
      before: null,
      after: JSON.stringify(e.after),
      request_id: e.requestId ?? null,
      client_request_id: e.clientRequestId ?? null,
      token_id: null,
      created_at: e.at,
    })
    .execute();
}

/** Call inside the transaction of the change it records. */
export async function writeAudit(ctx: Ctx, record: AuditRecord): Promise<void> {
  await ctx.db
    .insertInto('audit_log')
    .values({
      id: newId(),
      workspace_id: ctx.workspace.id,
      actor_type: ctx.actor.kind === 'user' ? ctx.actor.via : 'system',
      actor_id: ctx.actor.kind === 'user' ? ctx.actor.userId : ctx.actor.name,
      action: record.action,
      entity_type: record.entityType,
      entity_id: record.entityId,
      before: record.before === undefined ? null : JSON.stringify(record.before),
      after: record.after === undefined ? null : JSON.stringify(record.after),
      request_id: ctx.requestId ?? null,
      client_request_id: ctx.clientRequestId ?? null,
      token_id: ctx.actor.kind === 'user' ? (ctx.actor.tokenId ?? null) : null,
      created_at: nowIso(ctx),
    })
    .execute();
}

export const AuditQuery = z.object({
  entityType: z.string().optional(),
  entityId: z.string().optional(),
  actorId: z.string().optional(),
  /** One action (`playbook.updated`) or a family of them by its prefix (`playbook.`). */
  action: z.string().max(200).optional(),
  /** Changes on or after this day, and up to and including `to` (days in the workspace time zone). */
  from: z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD').optional(),
  to: z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD').optional(),
  cursor: z.string().optional(),
  limit: Limit,
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export type AuditEntry = {
  id: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  clientRequestId: string | null;
  tokenId: string | null;
  createdAt: string;
};

export async function listAudit({ ctx, input }: { ctx: Ctx; input: AuditQuery }) {
  await authorize(ctx, 'audit:read');
  let q = ctx.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (input.entityType) q = q.where('entity_type', '=', input.entityType);
  if (input.entityId) q = q.where('entity_id', '=', input.entityId);
  if (input.actorId) q = q.where('actor_id', '=', input.actorId);
  if (input.action) {
    const prefix = `${input.action.replace(/[\\%_]/g, '\\$&')}%`;
    q = input.action.endsWith('.')
      ? q.where(sql<SqlBool>`action like ${prefix} escape '\\'`)
      : q.where('action', '=', input.action);
  }
  // Instants are UTC; the days asked for are the workspace's.
  const zone = ctx.workspace.timeZone;
  if (input.from) q = q.where('created_at', '>=', dayStart(input.from, zone));
  if (input.to) q = q.where('created_at', '<', dayStart(addDays(input.to, 1), zone));
  // UUIDv7 ids are time-ordered, so the id alone is a stable newest-first cursor.
  if (input.cursor) q = q.where('id', '<', input.cursor);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  return {
    items: page.map(
      (r): AuditEntry => ({
        id: r.id,
        actorType: r.actor_type,
        actorId: r.actor_id,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        before: r.before === null ? null : JSON.parse(r.before),
        after: r.after === null ? null : JSON.parse(r.after),
        requestId: r.request_id,
        clientRequestId: r.client_request_id,
        tokenId: r.token_id,
        createdAt: r.created_at,
      }),
    ),
    nextCursor: rows.length > input.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** The actions and entity types the workspace's log holds, for the viewer's filters. */
export async function auditFacets({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'audit:read');
  const rows = await ctx.db
    .selectFrom('audit_log')
    .select(['action', 'entity_type'])
    .where('workspace_id', '=', ctx.workspace.id)
    .groupBy(['action', 'entity_type'])
    .execute();
  return {
    actions: [...new Set(rows.map((r) => r.action))].sort(),
    entityTypes: [...new Set(rows.map((r) => r.entity_type))].sort(),
  };
}
