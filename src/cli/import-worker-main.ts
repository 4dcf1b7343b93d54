// One `steward import` in a worker thread (import-worker.ts): its own connection, the same importFile
// the API runs, progress posted to the command's thread after each phase step and write batch.
import { createReadStream } from 'node:fs';
import { openDeps } from '../deps.ts';
import { importFile } from '../modules/accounts/index.ts';
// Registers tickets as an import target.
import '../modules/support/index.ts';
import { workerJobMain } from '../worker-job.ts';
import type { ImportJob, ImportProgressMessage } from './import-worker.ts';
import { operatorCtx, resolveWorkspace } from './workspace.ts';

await workerJobMain(async (job: ImportJob, onProgress: (p: ImportProgressMessage) => void) => {
  const { deps, close } = await openDeps(job.config, { migrate: false });
  try {
    const workspace = await resolveWorkspace(deps, job.workspace);
    return await importFile({
      ctx: operatorCtx(deps, workspace, 'import'),
      entity: job.entity,
      source: createReadStream(job.file),
      options: job.options,
      onProgress,
    });
  } finally {
    await close();
  }
});
