import { systemCtx } from '../context.ts';
import { openDatabase } from '../db/index.ts';
import { createLogger } from '../logger.ts';
import { flushUnsentMail, holdUnsentMail } from '../mail.ts';
import { workerJobMain } from '../worker-job.ts';
import type { DemoBuildData } from './build-worker.ts';
import { generateDemo } from './demo.ts';
import type { DemoProgress } from './progress.ts';

await workerJobMain(async (job: DemoBuildData, onProgress: (p: DemoProgress) => void) => {
  const handle = openDatabase(job.config.database);
  const logger = createLogger(job.config.logLevel);
  // One line for the whole build's unsent mail (its rules run over months of back-dated days).
  holdUnsentMail();
  const deps = { db: handle.db, engine: handle.engine, config: job.config, logger, now: () => new Date() };
  try {
    return await generateDemo(systemCtx(deps, job.workspace, job.actor), job.options, onProgress);
  } finally {
    flushUnsentMail(logger);
    await handle.close();
  }
});
