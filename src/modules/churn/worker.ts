// The churn retrain in a worker thread with its own database connection and a bounded heap, as the
// recompute runs (recompute/worker.ts): at 100,000 accounts it builds four point-in-time training
// sets and fits two models for minutes, which on the caller's thread would hold the event loop
// (POST /churn/train answered on it), and under the default heap limit V8 let the process grow to
// 1.6 GB before collecting (bench:churn) where the live set is a few hundred MB.
import { fileURLToPath } from 'node:url';
import { accountsChanged } from '../../account-changes.ts';
import { canRunInWorker, runWorkerJob, type WorkspaceJob, workspaceJob } from '../../worker-job.ts';
import { workspaceAccountIds } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import { dropSnapshots } from '../snapshots/index.ts';
import { CHURN_RANKING } from './card.ts';
import type { ChurnModelCard } from './model-store.ts';
import { type TrainInput, trainChurnModel } from './train.ts';

export type TrainJobData = WorkspaceJob & { input: TrainInput };

const ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

let inWorkers = 0;
/** Retrains this process finished in worker threads (tests read it). */
export const retrainsInWorkers = () => inWorkers;

/**
 * Trains a new model version (trainChurnModel) in a worker thread when ctx's database allows one
 * (canRunInWorker), else here. The route, the weekly job, the CLI and the demo all train so.
 */
export async function retrainChurnModel(
  args: Parameters<typeof trainChurnModel>[0],
): Promise<ChurnModelCard> {
  const { ctx } = args;
  await authorize(ctx, 'settings:write');
  let card: ChurnModelCard;
  if (!canRunInWorker(ctx)) card = await trainChurnModel(args);
  else {
    const data: TrainJobData = { ...workspaceJob(ctx), input: args.input ?? {} };
    card = await runWorkerJob<never, ChurnModelCard>(ENTRY, data, {
      what: 'churn retrain',
      resourceLimits: { maxOldGenerationSizeMb: ctx.config.recomputeHeapMb },
    });
    inWorkers++;
  }
  // The churn risk kept with each account's state follows the new version within minutes (the
  // incremental pass), not at the next hourly one.
  await accountsChanged(ctx, await workspaceAccountIds(ctx), 'churn_model');
  await dropSnapshots(ctx, [CHURN_RANKING]);
  return card;
}
