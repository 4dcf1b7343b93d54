// The first start's demo workspace is built in a worker thread with its own database connection,
// so the server answers (sign-in page, sign-in, the progress endpoint) from its first seconds
// instead of after the two-minute build. better-sqlite3 is synchronous: built in-process, the
// usage import and the history recompute would hold the event loop for seconds at a time.
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import type { WorkspaceRef } from '../context.ts';
import { runWorkerJob } from '../worker-job.ts';
import type { DemoOptions } from './extension.ts';
import type { DemoProgress } from './progress.ts';

export type DemoBuildData = { config: Config; workspace: WorkspaceRef; options: DemoOptions; actor: string };
export type DemoBuilt = {
  accounts: number;
  users: number;
  contracts: number;
  contacts: number;
  events: number;
};
const ENTRY = fileURLToPath(new URL('./build-worker-entry.mjs', import.meta.url));

/** Builds the demo into `workspace` in a worker thread; resolves with what it made. */
export function buildDemoInWorker(
  data: DemoBuildData,
  onProgress?: (p: DemoProgress) => void,
): Promise<DemoBuilt> {
  return runWorkerJob(ENTRY, data, { what: 'demo', onProgress });
}
