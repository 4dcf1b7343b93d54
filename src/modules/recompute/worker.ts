// Recomputes run in a worker thread with their own database connection, so the server keeps
// answering while a workspace's facts are built and scored (better-sqlite3 is synchronous: run
// in-process, a 100,000-account recompute held the event loop for half a minute), and with a
// bounded heap. The bound matters beyond out-of-memory safety: V8 lets an old generation grow up to
// 4x its live size before a full collection when the heap limit is large (the default here is
// several GB), so a recompute whose live set is ~350 MB reached 1.3 GB RSS in-process; under a
// 1 GB limit V8 grows it at most ~1.5x (see README, bench:recompute, for the measured peak).
import { fileURLToPath } from 'node:url';
import type { Config } from '../../config.ts';
import type { Actor, Ctx, WorkspaceRef } from '../../context.ts';
import { runWorkerJob } from '../../worker-job.ts';
import type { RecomputeResult } from './result.ts';

export type RecomputeJobData = {
  config: Config;
  workspace: WorkspaceRef;
  actor: Actor;
  days: string[];
  /** Write only these accounts (the incremental pass); absent: every account. */
  only?: string[];
  /** The caller's clock relative to the real one (tests and the demo run at other instants). */
  clockOffsetMs: number;
  requestId?: string;
};

const ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

/** Whether `recompute` can hand ctx's work to a worker: not from inside a transaction, whose
 * uncommitted rows another connection cannot see (and on SQLite would wait on forever), and not
 * on an in-memory SQLite database, which another connection cannot open. */
export function canUseWorker(ctx: Ctx): boolean {
  if (ctx.db.isTransaction) return false;
  return ctx.config.database.kind === 'postgres' || ctx.config.database.file !== ':memory:';
}

/** Runs recomputeDay for each day in order in a worker thread; resolves with every day's result. */
export function recomputeInWorker(
  ctx: Ctx,
  days: readonly string[],
  onDay?: (r: RecomputeResult) => void,
  only?: ReadonlySet<string>,
): Promise<RecomputeResult[]> {
  const data: RecomputeJobData = {
    ...(only ? { only: [...only] } : {}),
    config: ctx.config,
    workspace: ctx.workspace,
    actor: ctx.actor,
    days: [...days],
    clockOffsetMs: ctx.now().getTime() - Date.now(),
    requestId: ctx.requestId,
  };
  const results: RecomputeResult[] = [];
  return runWorkerJob<RecomputeResult, void>(ENTRY, data, {
    what: 'recompute',
    onProgress: (r) => {
      results.push(r);
      onDay?.(r);
    },
    resourceLimits: { maxOldGenerationSizeMb: ctx.config.recomputeHeapMb },
    revive: (f) => new Error(`recompute failed in its worker: ${f.message}`),
  }).then(() => results);
}
