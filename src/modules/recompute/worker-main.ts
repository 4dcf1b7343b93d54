import type { Ctx } from '../../context.ts';
import { openDatabase } from '../../db/index.ts';
import { createLogger } from '../../logger.ts';
import { workerJobMain } from '../../worker-job.ts';
import { recomputeDay } from './recompute.ts';
import type { RecomputeResult } from './result.ts';
import type { RecomputeJobData } from './worker.ts';

await workerJobMain(async (job: RecomputeJobData, onDay: (r: RecomputeResult) => void) => {
  const handle = openDatabase(job.config.database, { poolSize: 2 });
  const ctx: Ctx = {
    db: handle.db,
    engine: handle.engine,
    config: job.config,
    logger: createLogger(job.config.logLevel),
    now: () => new Date(Date.now() + job.clockOffsetMs),
    workspace: job.workspace,
    actor: job.actor,
    requestId: job.requestId,
  };
  try {
    const only = job.only ? new Set(job.only) : undefined;
    for (const day of job.days) onDay(await recomputeDay(ctx, day, only));
  } finally {
    await handle.close();
  }
});
