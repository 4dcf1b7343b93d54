// One heavy-read worker (heavy-pool.ts): the app on its own connection, answering the requests the
// main thread passes it, one message each way.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDeps } from '../deps.ts';
import { createApp } from './app.ts';
import type { HeavyRequest, HeavyResponse, HeavyWorkerData } from './heavy-pool.ts';
import { takingTurns } from './taking-turns.ts';

/** The lowest (19): the main thread first whenever both want a core. */
const WORKER_NICE = 19;
const { config } = workerData as HeavyWorkerData;
const port = parentPort!;
// Heavy reads yield the CPU to the main thread: on Linux a thread has its own nice value, and
// `setPriority(0, …)` (who = 0) sets the calling thread's, this worker's alone. With as many busy
// threads as cores (2 cores: this worker, the main thread, clients on the same machine) the
// scheduler used to split the cores evenly, and a user browsing accounts waited behind reports
// (bench:fairness). Elsewhere (or where lowering is refused) the worker keeps the default.
try {
  setPriority(0, WORKER_NICE);
} catch {
  // not permitted here: the default priority
}
let clockOffsetMs = 0;
const { deps } = await openDeps(config, { migrate: false });

// Requests answered here at once take turns between their queries (taking-turns.ts).
const turns = takingTurns();
const app = createApp(
  {
    ...deps,
    db: deps.db.withPlugin(turns),
    readDb: deps.readDb?.withPlugin(turns),
    now: () => new Date(Date.now() + clockOffsetMs),
  },
  { inHeavyWorker: true },
);

port.on('message', async (m: HeavyRequest) => {
  clockOffsetMs = m.clockOffsetMs;
  let reply: HeavyResponse;
  try {
    const res = await app.fetch(new Request(m.url, { method: m.method, headers: m.headers, body: m.body }));
    reply = { id: m.id, status: res.status, headers: [...res.headers], body: await res.arrayBuffer() };
  } catch (error) {
    reply = { id: m.id, error: (error as Error).message };
  }
  port.postMessage(reply, 'body' in reply ? [reply.body] : []);
});
