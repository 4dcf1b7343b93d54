import { withJobCtx, workerJobMain } from '../../worker-job.ts';
import { recomputeDay } from './recompute.ts';
import type { RecomputeResult } from './result.ts';
import type { RecomputeJobData } from './worker.ts';

await workerJobMain((job: RecomputeJobData, onDay: (r: RecomputeResult) => void) =>
  withJobCtx(job, async (ctx) => {
    const only = job.only ? new Set(job.only) : undefined;
    for (const day of job.days) onDay(await recomputeDay(ctx, day, only));
  }),
);
