import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';
import type { Ctx } from '../context.ts';

export type ReadWorker = {
  run: (query: CompiledQuery) => Promise<Record<string, unknown>[]>;
  close: () => Promise<void>;
};

const ENTRY = fileURLToPath(new URL('./read-worker.mjs', import.meta.url));

/**
 * A read-only second SQLite connection in a thread of its own, so that two long read queries run
 * on both cores at once (better-sqlite3 runs each query synchronously on its caller's thread).
 * buildFacts hands it half of its per-metric scans. Undefined where it cannot help or would be
 * wrong: on PostgreSQL (whose pool already runs queries concurrently), on an in-memory database,
 * and inside a transaction (another connection would not see its uncommitted rows).
 */
export function openReadWorker(ctx: Ctx): ReadWorker | undefined {
  const target = ctx.config.database;
  if (target.kind !== 'sqlite' || target.file === ':memory:' || ctx.db.isTransaction) return undefined;
  const worker = new Worker(ENTRY, { workerData: { file: target.file } });
  worker.unref();
  const waiting = new Map<
    number,
    { resolve: (rows: Record<string, unknown>[]) => void; reject: (e: Error) => void }
  >();
  let next = 0;
  let failure: Error | undefined;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on('message', (m: { id: number; rows?: Record<string, unknown>[]; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.rows ?? []);
  });
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('the read worker stopped')));
  return {
    run: (query) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}
