import { parentPort, workerData } from 'node:worker_threads';
import { systemCtx } from '../context.ts';
import { openDatabase } from '../db/index.ts';
import { createLogger } from '../logger.ts';
import { flushUnsentMail, holdUnsentMail } from '../mail.ts';
import type { DemoBuildData, DemoBuildMessage } from './build-worker.ts';
import { generateDemo } from './demo.ts';

const job = workerData as DemoBuildData;
const post = (m: DemoBuildMessage) => parentPort!.postMessage(m);
const handle = openDatabase(job.config.database);
const logger = createLogger(job.config.logLevel);
// One line for the whole build's unsent mail (its rules run over months of back-dated days).
holdUnsentMail();
const deps = { db: handle.db, engine: handle.engine, config: job.config, logger, now: () => new Date() };
try {
  const result = await generateDemo(systemCtx(deps, job.workspace, job.actor), job.options, (progress) =>
    post({ type: 'progress', progress }),
  );
  post({ type: 'done', result });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  post({ type: 'error', message: e.message, stack: e.stack });
} finally {
  flushUnsentMail(logger);
  await handle.close();
}
