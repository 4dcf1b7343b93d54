import { type Deps, systemCtx } from '../../context.ts';
import { ensureMonthlyPartitions } from '../../db/dialect.ts';
import { addDays, dayInZone } from '../../time.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { attachPending } from './attach-pending.ts';
import { loadIngestSettings } from './settings.ts';

async function workspaces(deps: Deps) {
  return (await listWorkspaceRefs(deps)).map((w) => systemCtx(deps, w, 'ingest-jobs'));
}

/**
 * Every minute: pending events whose account now exists (created by CSV import, the API, or a
 * group call on another node) are attached and rolled up.
 */
export async function attachPendingJob(deps: Deps) {
  let attached = 0;
  for (const ctx of await workspaces(deps)) {
    const pending = await deps.db
      .selectFrom('events')
      .select('id')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('account_id', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (!pending) continue;
    attached += await deps.db.transaction().execute((trx) => attachPending({ ...ctx, db: trx }));
  }
  return { attached };
}

/** Daily on PostgreSQL: monthly partitions of `events` for this month and the next two. */
export async function ensureEventPartitionsJob(deps: Deps, slot: Date) {
  const today = dayInZone(slot, deps.config.timeZone);
  const months = [0, 32, 63].map((d) => addDays(`${today.slice(0, 7)}-01`, d).slice(0, 7));
  const created = await ensureMonthlyPartitions(deps.db, deps.engine, 'events', months);
  return { created };
}

/** Daily: raw events older than each workspace's retention are deleted; rollups stay. */
export async function pruneRawEventsJob(deps: Deps, slot: Date) {
  let deleted = 0;
  for (const ctx of await workspaces(deps)) {
    const { retentionDays } = await loadIngestSettings(ctx);
    if (retentionDays === 0) continue;
    const cutoff = addDays(dayInZone(slot, ctx.workspace.timeZone), -retentionDays);
    const r = await deps.db
      .deleteFrom('events')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('day', '<', cutoff)
      .executeTakeFirst();
    deleted += Number(r.numDeletedRows);
  }
  return { deleted };
}
