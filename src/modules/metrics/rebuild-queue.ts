// The rollup rebuild queue's side that definitions use: enqueue a rebuild in the transaction that
// changes a definition, and read each definition's rebuild state. The job that works the queue is
// rebuild-job.ts; this file imports neither the definitions nor the rollups, so definitions.ts can
// import it without a cycle.
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { attachedEvents } from '../ingest/event-reads.ts';
import type { RollupRebuildsTable } from './metrics.table.ts';

export const REBUILD_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type RebuildStatus = (typeof REBUILD_STATUSES)[number];
export type RebuildTarget = 'metric' | 'feature';

/**
 * The rebuild of a definition's rollups from stored events after it was created or changed:
 * queued, running (progress = share of the days rebuilt), done, or failed (with the error).
 */
export const RollupRebuild = z.object({
  status: z.enum(REBUILD_STATUSES),
  progress: z.number().min(0).max(1),
  daysDone: z.number(),
  daysTotal: z.number(),
  error: z.string().nullable(),
  requestedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type RollupRebuild = z.infer<typeof RollupRebuild>;

export const rebuildRowToRebuild = (r: RollupRebuildsTable): RollupRebuild => ({
  status: r.status as RebuildStatus,
  progress: r.status === 'done' ? 1 : r.days_total > 0 ? r.days_done / r.days_total : 0,
  daysDone: r.days_done,
  daysTotal: r.days_total,
  error: r.error,
  requestedAt: r.requested_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/**
 * Asks for the definition's history to be rebuilt. A rebuild already queued for it covers this
 * change too (the job reads the definition when it starts); one running may have read the old
 * definition, so another is queued behind it. Finished rows of the definition are dropped: the
 * latest row is its state. With no stored event attached to an account there is no history, and
 * the rebuild is done at once (a new workspace's definitions, e.g. the demo's, made before events).
 */
export async function enqueueRebuild(tx: Ctx, kind: RebuildTarget, targetId: string): Promise<void> {
  const ws = tx.workspace.id;
  const queued = await tx.db
    .selectFrom('rollup_rebuilds')
    .select('id')
    .where('workspace_id', '=', ws)
    .where('target_id', '=', targetId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  if (queued) return;
  await tx.db
    .deleteFrom('rollup_rebuilds')
    .where('workspace_id', '=', ws)
    .where('target_id', '=', targetId)
    .where('status', 'in', ['done', 'failed'])
    .execute();
  const now = nowIso(tx);
  const history = await attachedEvents(tx).select('events.id').limit(1).executeTakeFirst();
  await tx.db
    .insertInto('rollup_rebuilds')
    .values({
      id: newId(),
      workspace_id: ws,
      target_kind: kind,
      target_id: targetId,
      status: history ? 'queued' : 'done',
      days_total: 0,
      days_done: 0,
      error: null,
      node: null,
      requested_at: now,
      started_at: history ? null : now,
      heartbeat_at: null,
      finished_at: history ? null : now,
    })
    .execute();
}

/** The latest rebuild of each of `targetIds` (none for a definition never rebuilt). */
export async function loadRebuilds(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
  targetIds: readonly string[],
): Promise<Map<string, RollupRebuild>> {
  const latest = new Map<string, RollupRebuildsTable>();
  if (targetIds.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('rollup_rebuilds')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('target_id', 'in', [...targetIds])
    .orderBy('requested_at')
    .orderBy('id')
    .execute();
  // Ordered oldest first: the last row of a target wins (a queued one behind a running one).
  for (const r of rows) latest.set(r.target_id, r);
  return new Map([...latest].map(([id, r]) => [id, rebuildRowToRebuild(r)]));
}

/**
 * Drops a deleted definition's rebuilds. A running one finds its row gone at its next chunk and
 * stops without writing (and a chunk only rebuilds definitions that still exist).
 */
export async function forgetRebuilds(tx: Ctx, targetId: string): Promise<void> {
  await tx.db
    .deleteFrom('rollup_rebuilds')
    .where('workspace_id', '=', tx.workspace.id)
    .where('target_id', '=', targetId)
    .execute();
}
