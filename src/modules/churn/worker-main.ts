import { withJobCtx, workerJobMain } from '../../worker-job.ts';
import type { ChurnModelCard } from './model-store.ts';
import { trainChurnModel } from './train.ts';
import type { TrainJobData } from './worker.ts';

await workerJobMain(
  (job: TrainJobData): Promise<ChurnModelCard> =>
    withJobCtx(job, (ctx) => trainChurnModel({ ctx, input: job.input })),
);
