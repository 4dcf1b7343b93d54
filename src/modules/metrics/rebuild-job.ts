// The rebuild-rollups job: works the queue of rollup rebuilds (rebuild-queue.ts). Any number of
// server processes may run it against one database: a rebuild is claimed by one conditional
// update (status still queued, or running with a stale heartbeat), so exactly one claimer wins on
// both engines, and two rebuilds of one definition never run at once. A rebuild works through
// the history in chunks of days, each chunk and its progress in one short transaction: readers
// see the progress, and ingest (one writer on SQLite) waits for one chunk, not the whole history.
import { type Ctx, type Deps, systemCtx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { defaultNode } from '../../jobs/runner.ts';
import { addDays } from '../../time.ts';
import { attachedEventDays } from '../ingest/event-reads.ts';
import { getWorkspace, toRef } from '../workspaces/index.ts';
import type { RollupRebuildsTable } from './metrics.table.ts';
import { rebuildRollups } from './rollups.ts';

/** Days per chunk: on the demo workspace a chunk of 14 days takes well under a second. */
export const CHUNK_DAYS = 14;
/** A running rebuild whose node has not reported for this long is taken over (its node died). */
const STALE_MS = 10 * 60_000;

const iso = (deps: Deps, offsetMs = 0) => new Date(deps.now().getTime() + offsetMs).toISOString();
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Claims the oldest claimable rebuild for `node` (of one workspace when given: the CLI and tests),
 * or returns undefined when none is.
 */
export async function claimRebuild(
  deps: Deps,
  node: string,
  workspaceId?: string,
): Promise<RollupRebuildsTable | undefined> {
  const stale = iso(deps, -STALE_MS);
  const now = iso(deps);
  // Retried a few times: on PostgreSQL a concurrent claimer may take the row chosen by the
  // subquery first; the conditional update then matches nothing and the next pick is tried.
  for (let attempt = 0; attempt < 5; attempt++) {
    // A read first: the job polls every few seconds, and an UPDATE that matches nothing would
    // still take SQLite's write lock each time.
    const waiting = await deps.db
      .selectFrom('rollup_rebuilds')
      .select('id')
      .where((w) =>
        w.or([
          w('status', '=', 'queued'),
          w.and([w('status', '=', 'running'), w('heartbeat_at', '<', stale)]),
        ]),
      )
      .$if(workspaceId !== undefined, (q) => q.where('workspace_id', '=', workspaceId!))
      .limit(1)
      .executeTakeFirst();
    if (!waiting) return undefined;
    const claimed = await deps.db
      .updateTable('rollup_rebuilds')
      .set({ status: 'running', node, started_at: now, heartbeat_at: now, days_done: 0, error: null })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('rollup_rebuilds as r')
          .select('r.id')
          .where((w) =>
            w.or([
              w('r.status', '=', 'queued'),
              w.and([w('r.status', '=', 'running'), w('r.heartbeat_at', '<', stale)]),
            ]),
          )
          // Never beside a live rebuild of the same definition.
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('rollup_rebuilds as o')
                  .select('o.id')
                  .whereRef('o.workspace_id', '=', 'r.workspace_id')
                  .whereRef('o.target_id', '=', 'r.target_id')
                  .whereRef('o.id', '!=', 'r.id')
                  .where('o.status', '=', 'running')
                  .where('o.heartbeat_at', '>=', stale),
              ),
            ),
          )
          .$if(workspaceId !== undefined, (q) => q.where('r.workspace_id', '=', workspaceId!))
          .orderBy('r.requested_at')
          .orderBy('r.id')
          .limit(1),
      )
      .where((w) =>
        w.or([
          w('status', '=', 'queued'),
          w.and([w('status', '=', 'running'), w('heartbeat_at', '<', stale)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
    if (claimed) return claimed;
  }
  return undefined;
}

/** Runs one claimed rebuild to done or failed. */
export async function runRebuild(deps: Deps, claim: RollupRebuildsTable): Promise<'done' | 'failed'> {
  const update = (set: Partial<RollupRebuildsTable>) =>
    deps.db
      .updateTable('rollup_rebuilds')
      .set(set)
      .where('id', '=', claim.id)
      .where('node', '=', claim.node!)
      .where('status', '=', 'running')
      .executeTakeFirst();
  let ctx: Ctx;
  try {
    ctx = systemCtx(deps, toRef(await getWorkspace(deps, claim.workspace_id)), 'rebuild-rollups');
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'not_found')) throw error;
    await update({ status: 'failed', error: 'The workspace no longer exists', finished_at: iso(deps) });
    return 'failed';
  }
  const only =
    claim.target_kind === 'metric'
      ? { metricIds: [claim.target_id], featureIds: [] as string[] }
      : { metricIds: [] as string[], featureIds: [claim.target_id] };
  try {
    // The history: every day with an event attached to an account (pending events have no rollups).
    const range = await attachedEventDays(ctx);
    const chunks: { from: string; to: string; last: boolean }[] = [];
    if (range) {
      for (let from = range.first; from <= range.last; from = addDays(from, CHUNK_DAYS)) {
        const to = addDays(from, CHUNK_DAYS - 1);
        chunks.push({ from, to: to < range.last ? to : range.last, last: to >= range.last });
      }
    }
    const daysTotal = chunks.reduce((n, c) => n + daysBetween(c.from, c.to), 0);
    await update({ days_total: daysTotal, heartbeat_at: iso(deps) });
    let daysDone = 0;
    for (const chunk of chunks) {
      const carriedOn = await deps.db.transaction().execute(async (trx) => {
        // The claim is re-checked in the chunk's transaction: a deleted definition (its rows
        // dropped) or a takeover by another node stops this one without writing.
        const tx = { ...ctx, db: trx };
        const done = daysDone + daysBetween(chunk.from, chunk.to);
        const still = await trx
          .updateTable('rollup_rebuilds')
          .set({ days_done: done, heartbeat_at: iso(deps) })
          .where('id', '=', claim.id)
          .where('node', '=', claim.node!)
          .where('status', '=', 'running')
          .executeTakeFirst();
        if (Number(still.numUpdatedRows) === 0) return false;
        // The last chunk is open-ended, as a rebuild of the whole history is.
        const to = chunk.last ? undefined : chunk.to;
        await rebuildRollups(tx, { ...only, from: chunk.from, to, activity: false });
        daysDone = done;
        return true;
      });
      if (!carriedOn) return 'failed';
      await turn();
    }
    await update({ status: 'done', days_done: daysTotal, finished_at: iso(deps), heartbeat_at: iso(deps) });
    deps.logger.info({ rebuild: claim.id, target: claim.target_id, days: daysTotal }, 'rollups rebuilt');
    return 'done';
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await update({ status: 'failed', error: message.slice(0, 2000), finished_at: iso(deps) });
    deps.logger.error({ rebuild: claim.id, target: claim.target_id, err: error }, 'rollup rebuild failed');
    return 'failed';
  }
}

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * Claims and runs rebuilds until none is left; with `pollUntil`, keeps looking for new ones every
 * `pollMs` until then, so a definition changed during the job's minute starts rebuilding within
 * seconds without a job_runs row every few seconds.
 */
export async function runRollupRebuilds(
  deps: Deps,
  options: { node: string; workspaceId?: string; pollUntil?: number; pollMs?: number },
): Promise<{ done: number; failed: number }> {
  const counts = { done: 0, failed: 0 };
  for (;;) {
    const claim = await claimRebuild(deps, options.node, options.workspaceId);
    if (claim) {
      counts[await runRebuild(deps, claim)]++;
      continue;
    }
    if (!options.pollUntil || Date.now() + (options.pollMs ?? 2000) >= options.pollUntil) return counts;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 2000));
  }
}

/**
 * The scheduled job (every minute, one node per minute by its job_runs slot): works the queue, then
 * watches it until the minute is nearly over, so a rebuild starts within seconds of the change.
 * A rebuild longer than the minute goes on; the next minute's node takes other queued rebuilds.
 */
export function rebuildRollupsJob(deps: Deps, slot: Date) {
  return runRollupRebuilds(deps, { node: defaultNode(), pollUntil: slot.getTime() + 50_000 });
}
