import { parentPort, workerData } from 'node:worker_threads';
import type { Ctx } from '../../context.ts';
import { openDatabase } from '../../db/index.ts';
import { createLogger } from '../../logger.ts';
import { recomputeDay } from './recompute.ts';
import type { RecomputeJobData, WorkerMessage } from './worker.ts';

const job = workerData as RecomputeJobData;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);
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
  for (const day of job.days) post({ type: 'day', result: await recomputeDay(ctx, day) });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', message: e.message, stack: e.stack });
} finally {
  await handle.close();
}
