// `steward import` runs the import in a worker thread with its own database connection (as the API
// runs it in a heavy-read worker, server/fair-load.ts): the file is read, checked and written in
// batches there, and this thread only draws the progress it is sent.
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import type { ImportEntity, ImportOptions, ImportReport } from '../modules/accounts/index.ts';
import { runWorkerJob } from '../worker-job.ts';
import { CliError } from './workspace.ts';

export type ImportJob = {
  config: Config;
  /** id or slug; the first workspace when absent */
  workspace?: string;
  entity: ImportEntity;
  file: string;
  options: ImportOptions;
};

export type ImportProgressMessage = { phase: 'read' | 'validate' | 'write'; done: number; total?: number };

const ENTRY = fileURLToPath(new URL('./import-worker-entry.mjs', import.meta.url));

/** Runs the import in a worker thread; resolves with its report, rejects with the error it threw. */
export function importInWorker(
  job: ImportJob,
  onProgress?: (p: ImportProgressMessage) => void,
): Promise<ImportReport> {
  return runWorkerJob(ENTRY, job, {
    what: 'import',
    onProgress,
    revive: (f) => (f.kind === 'CliError' ? new CliError(f.message) : undefined),
  });
}
