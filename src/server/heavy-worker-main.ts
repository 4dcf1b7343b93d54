// One heavy-read process (heavy-pool.ts): the app on its own connection, answering the requests the
// server passes it, one message each way. It stops when the server does (the channel closes).
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { openDeps } from '../deps.ts';
import { createApp } from './app.ts';
import type { HeavyRequest, HeavyResponse, HeavyWorkerData } from './heavy-pool.ts';
import { takingTurns } from './taking-turns.ts';

/** The lowest (19): the server's main thread first whenever both want a core. */
const NICE = 19;

/**
 * Every thread of this process at the lowest priority: on Linux each thread has its own nice value
 * and `setPriority(pid)` sets one thread's, so each is set (V8's garbage-collection helpers and
 * libuv's pool included; threads started later inherit it). Elsewhere the call sets the process's.
 * Where lowering is refused, the default.
 */
function lowerPriority() {
  let threads: number[] = [0];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    // not Linux: the process as a whole
  }
  for (const id of threads) {
    try {
      setPriority(id, NICE);
    } catch {
      // not permitted here
    }
  }
}

lowerPriority();
const send = (m: HeavyResponse) => process.send!(m);
process.on('disconnect', () => process.exit(0));

let clockOffsetMs = 0;
let app: Promise<ReturnType<typeof createApp>> | undefined;
/** The app on the connection the first message's config opens. Requests may come before it is ready. */
async function open({ config }: HeavyWorkerData) {
  const { deps } = await openDeps(config, { migrate: false });
  // Requests answered here at once take turns between their queries (taking-turns.ts).
  const turns = takingTurns();
  return createApp(
    {
      ...deps,
      db: deps.db.withPlugin(turns),
      readDb: deps.readDb?.withPlugin(turns),
      now: () => new Date(Date.now() + clockOffsetMs),
    },
    { inHeavyWorker: true },
  );
}

process.on('message', async (m: HeavyWorkerData | HeavyRequest) => {
  if (!('id' in m)) {
    app = open(m);
    return;
  }
  try {
    const ready = await app!;
    clockOffsetMs = m.clockOffsetMs;
    const res = await ready.fetch(new Request(m.url, { method: m.method, headers: m.headers, body: m.body }));
    send({ id: m.id, status: res.status, headers: [...res.headers], body: await res.arrayBuffer() });
  } catch (error) {
    send({ id: m.id, error: (error as Error).message });
  }
});
