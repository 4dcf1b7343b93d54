// Recomputes run in a worker thread with their own database connection, so the server keeps
// answering while a workspace's facts are built and scored (better-sqlite3 is synchronous: run
// in-process, a 100,000-account recompute held the event loop for half a minute), and with a
// bounded heap. The bound matters beyond out-of-memory safety: V8 lets an old generation grow up to
// 4x its live size before a full collection when the heap limit is large (the default here is
// several GB), so a recompute whose live set is ~350 MB reached 1.3 GB RSS in-process; under a
// 1 GB limit V8 grows it at most ~1.5x (see README, bench:recompute, for the measured peak).
import { fileURLToPath } from 'node:url';
import type { Ctx } from '../../context.ts';
import { runWorkerJob, type WorkspaceJob, workspaceJob } from '../../worker-job.ts';
import type { RecomputeResult } from './result.ts';

export type RecomputeJobData = WorkspaceJob & {
  days: string[];
  /** Write only these accounts (the incremental pass); absent: every account. */
  only?: string[];
};

const ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

/** Runs recomputeDay for each day in order in a worker thread; resolves with every day's result. */
export function recomputeInWorker(
  ctx: Ctx,
  days: readonly string[],
  onDay?: (r: RecomputeResult) => void,
  only?: ReadonlySet<string>,
): Promise<RecomputeResult[]> {
  const data: RecomputeJobData = {
    ...workspaceJob(ctx),
    days: [...days],
    ...(only ? { only: [...only] } : {}),
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
