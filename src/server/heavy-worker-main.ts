// One heavy-read worker (heavy-pool.ts): the app on its own connection, answering the requests the
// main thread passes it, one message each way.
import { parentPort, workerData } from 'node:worker_threads';
import { openDeps } from '../deps.ts';
import { createApp } from './app.ts';
import type { HeavyRequest, HeavyResponse, HeavyWorkerData } from './heavy-pool.ts';

const { config } = workerData as HeavyWorkerData;
const port = parentPort!;
let clockOffsetMs = 0;
const { deps } = await openDeps(config, { migrate: false });
const app = createApp({ ...deps, now: () => new Date(Date.now() + clockOffsetMs) }, { inHeavyWorker: true });

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
