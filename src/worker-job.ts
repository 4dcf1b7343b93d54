// One job in a worker thread, start to end: the recompute, the churn retrain, the first start's demo
// build and `steward import` each open their own database connection there (better-sqlite3 is synchronous:
// run in the caller, they would hold its event loop for seconds), post progress as they go, and end
// with a result or an error. The caller's side is `runWorkerJob`, the worker's `workerJobMain`.
import { parentPort, type ResourceLimits, Worker, workerData } from 'node:worker_threads';
import type { Config } from './config.ts';
import type { Actor, Ctx, WorkspaceRef } from './context.ts';
import { openDatabase } from './db/index.ts';
import { AppError, type ErrorCode } from './errors.ts';
import type { Message } from './i18n/index.ts';
import { createLogger } from './logger.ts';

/** Whether ctx's work can go to a worker: not from inside a transaction, whose uncommitted rows
 * another connection cannot see (and on SQLite would wait on forever), and not on an in-memory
 * SQLite database, which another connection cannot open. */
export function canRunInWorker(ctx: Ctx): boolean {
  if (ctx.db.isTransaction) return false;
  return ctx.config.database.kind === 'postgres' || ctx.config.database.file !== ':memory:';
}

/** An error as it crosses the thread: an AppError keeps its code, key and details. */
export type WorkerFailure = {
  type: 'error';
  /** The thrown object's class name (`CliError`, `AppError`, `Error`…). */
  kind: string;
  message: string;
  stack?: string;
  app?: { code: ErrorCode; text: Message | string; details?: unknown };
};

type JobMessage<P, R> = { type: 'progress'; progress: P } | { type: 'done'; result: R } | WorkerFailure;

/**
 * Runs the worker at `entry` with `data`; resolves with the result it ends with, rejects with the
 * error it threw: as `revive` makes it, else as an AppError when it was one, else a plain Error.
 * `what` names the job in the error of a worker that ended without either.
 */
export function runWorkerJob<P, R>(
  entry: string,
  data: unknown,
  options: {
    what: string;
    onProgress?: (progress: P) => void;
    resourceLimits?: ResourceLimits;
    revive?: (failure: WorkerFailure) => Error | undefined;
  },
): Promise<R> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: data, resourceLimits: options.resourceLimits });
    let done: { result: R } | undefined;
    let failure: Error | undefined;
    worker.on('message', (m: JobMessage<P, R>) => {
      if (m.type === 'progress') options.onProgress?.(m.progress);
      else if (m.type === 'done') done = { result: m.result };
      else {
        failure =
          options.revive?.(m) ??
          (m.app
            ? new AppError(m.app.code, m.app.text, m.app.details as AppError['details'])
            : new Error(m.message));
        if (m.stack) failure.stack = m.stack;
      }
    });
    // Out of memory (ERR_WORKER_OUT_OF_MEMORY) and uncaught errors end the worker here.
    worker.on('error', (error) => {
      failure ??= error;
    });
    worker.on('exit', (code) => {
      if (failure) reject(failure);
      else if (!done) reject(new Error(`the ${options.what} worker exited with code ${code}`));
      else resolve(done.result);
    });
  });
}

/** The worker's side: runs `body` on the job's data, posting its progress, then its result or error. */
export async function workerJobMain<D, P, R>(
  body: (data: D, progress: (progress: P) => void) => Promise<R>,
): Promise<void> {
  const post = (m: JobMessage<P, R>) => parentPort!.postMessage(m);
  try {
    const result = await body(workerData as D, (progress) => post({ type: 'progress', progress }));
    post({ type: 'done', result });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({
      type: 'error',
      kind: e.constructor.name,
      message: e.message,
      stack: e.stack,
      ...(e instanceof AppError
        ? { app: { code: e.code, text: e.text ?? e.message, details: e.details } }
        : {}),
    });
  }
}

/** What a job that acts in a workspace carries across: the caller's ctx without its connection. */
export type WorkspaceJob = {
  config: Config;
  workspace: WorkspaceRef;
  actor: Actor;
  /** The caller's clock relative to the real one (tests and the demo run at other instants). */
  clockOffsetMs: number;
  requestId?: string;
};

/** The caller's ctx as a WorkspaceJob. */
export const workspaceJob = (ctx: Ctx): WorkspaceJob => ({
  config: ctx.config,
  workspace: ctx.workspace,
  actor: ctx.actor,
  clockOffsetMs: ctx.now().getTime() - Date.now(),
  requestId: ctx.requestId,
});

/** In the worker: runs `body` with the job's ctx on a connection of its own, closed after. */
export async function withJobCtx<R>(job: WorkspaceJob, body: (ctx: Ctx) => Promise<R>): Promise<R> {
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
    return await body(ctx);
  } finally {
    await handle.close();
  }
}
