// The reports a full recompute of today keeps (modules/snapshots): the playbooks' effect, the
// Risk page's ranking and the default scorecards. Each reads the whole workspace (every health
// snapshot of 180 days; every account's facts; every task and touch of 90 days), seconds at 20,000
// accounts, so they are computed in a worker thread with their own connection, like the recompute,
// not on the caller's event loop (the hourly job runs on a serving node). Inside a transaction or
// on an in-memory database they run here.
import { fileURLToPath } from 'node:url';
import type { Ctx } from '../../context.ts';
import { canRunInWorker, runWorkerJob, workspaceJob } from '../../worker-job.ts';
import { keepEffectiveness } from '../automation/index.ts';
import { keepRiskRanking } from '../churn/index.ts';
import { keepScorecards } from '../reports/index.ts';

const ENTRY = fileURLToPath(new URL('./keep-worker-entry.mjs', import.meta.url));

export async function keepReports(ctx: Ctx): Promise<void> {
  if (!canRunInWorker(ctx)) return keepReportsHere(ctx);
  await runWorkerJob<never, void>(ENTRY, workspaceJob(ctx), {
    what: 'kept reports',
    resourceLimits: { maxOldGenerationSizeMb: ctx.config.recomputeHeapMb },
  });
}

export async function keepReportsHere(ctx: Ctx): Promise<void> {
  await keepEffectiveness(ctx);
  await keepRiskRanking(ctx);
  await keepScorecards(ctx);
}
