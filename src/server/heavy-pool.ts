// Heavy reads (server/fair-load.ts says which) answered in child processes. Each runs the same app
// on its own database connection, so a report that takes seconds of SQLite scans and JavaScript
// (effectiveness with its bootstrap, revenue movement, a 500-row list) holds that process's thread,
// never the event loop every other request is answered on: better-sqlite3 runs queries synchronously
// on its caller's thread, and PostgreSQL reports still spend their JavaScript there.
// The request is passed whole (method, URL, headers, body) and authenticated again in the child,
// so a handler cannot tell where it runs.
//
// Processes, not worker threads: a process runs at the lowest priority as a whole. A worker thread
// could lower only its own thread; the garbage collection of its heap ran on V8's helper threads,
// shared by the process at the normal priority, and took a third of a core from the main thread
// while reports were hammered (bench:fairness).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../context.ts';

export type HeavyRequest = {
  id: number;
  method: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
  /** The main thread's clock relative to the real one (tests and the demo run at other instants). */
  clockOffsetMs: number;
};
export type HeavyResponse =
  | { id: number; status: number; headers: [string, string][]; body: ArrayBuffer }
  | { id: number; error: string };
/** The child's first message: what it needs to open its own connection. */
export type HeavyWorkerData = { config: Deps['config'] };

const ENTRY = fileURLToPath(new URL('./heavy-worker-entry.mjs', import.meta.url));
/** A report's working set is a few hundred MB at 100,000 accounts; the bound keeps V8 collecting. */
const HEAP_MB = 768;

let answered = 0;
/** Requests the workers of every pool in this process have answered (tests and benchmarks read it). */
export const answeredInWorkers = () => answered;

type Slot = {
  child: ChildProcess;
  busy: number;
  waiting: Map<number, { resolve: (r: Response) => void; reject: (e: Error) => void }>;
};

export type HeavyPool = {
  /** Answers the request (its body already read, since middleware may have parsed it) in the least busy worker. */
  run: (request: Request, body: ArrayBuffer | null) => Promise<Response>;
  close: () => Promise<void>;
};

/**
 * Undefined where workers cannot help: none configured, or an in-memory SQLite database that
 * another connection cannot open. Workers start with the pool, and one that stops is replaced on
 * the next heavy request.
 */
export function heavyPool(deps: Deps): HeavyPool | undefined {
  const { config } = deps;
  if (config.heavyWorkers === 0) return undefined;
  if (config.database.kind === 'sqlite' && config.database.file === ':memory:') return undefined;
  const slots: (Slot | undefined)[] = Array.from({ length: config.heavyWorkers }, () => undefined);
  let next = 0;

  const start = (index: number): Slot => {
    const child = fork(ENTRY, [], {
      execArgv: [`--max-old-space-size=${HEAP_MB}`],
      // Structured clone: ArrayBuffer bodies pass as bytes.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const slot: Slot = { child, busy: 0, waiting: new Map() };
    // Idle children do not keep the server's event loop alive; a request in flight refs them.
    const idle = () => {
      if (slot.busy > 0) return;
      child.unref();
      child.channel?.unref();
    };
    child.send({ config } satisfies HeavyWorkerData);
    idle();
    child.on('message', (m: HeavyResponse) => {
      const w = slot.waiting.get(m.id);
      slot.waiting.delete(m.id);
      slot.busy--;
      idle();
      if (!w) return;
      if ('error' in m) return w.reject(new Error(m.error));
      answered++;
      const body = m.body.byteLength ? m.body : null;
      w.resolve(new Response(body, { status: m.status, headers: m.headers }));
    });
    const fail = (error: Error) => {
      if (slots[index] === slot) slots[index] = undefined;
      for (const w of slot.waiting.values()) w.reject(error);
      slot.waiting.clear();
    };
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      fail(new Error(`a heavy-read process stopped (${signal ?? `exit code ${code}`})`)),
    );
    slots[index] = slot;
    return slot;
  };

  // Started now, not on the first heavy request: a process loads the app for about two seconds,
  // which the first manager to open the workbench after a restart waited for (its health counts at
  // 6,000 accounts: 1.9 s cold, 20 ms after). A turn later, so the server listens first.
  setImmediate(() => {
    for (let i = 0; i < slots.length; i++) slots[i] ??= start(i);
  });

  return {
    run: (request, body) => {
      let index = 0;
      for (let i = 1; i < slots.length; i++) if ((slots[i]?.busy ?? 0) < (slots[index]?.busy ?? 0)) index = i;
      const slot = slots[index] ?? start(index);
      const message: HeavyRequest = {
        id: next++,
        method: request.method,
        url: request.url,
        // The body is passed as bytes: its length and framing are the worker's Request's to set.
        headers: [...request.headers].filter(([k]) => k !== 'content-length' && k !== 'transfer-encoding'),
        body,
        clockOffsetMs: deps.now().getTime() - Date.now(),
      };
      return new Promise<Response>((resolve, reject) => {
        slot.waiting.set(message.id, { resolve, reject });
        slot.busy++;
        slot.child.ref();
        slot.child.channel?.ref();
        slot.child.send(message);
      });
    },
    close: async () => {
      await Promise.all(
        slots.map(async (s) => {
          if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return;
          const exited = new Promise((resolve) => s.child.once('exit', resolve));
          s.child.kill();
          await exited;
        }),
      );
    },
  };
}
