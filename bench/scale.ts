// npm run bench:scale — ingest throughput with 1, 2 and 4 ingest nodes on one PostgreSQL.
//
// Makes a fresh database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/steward_scale;
// dropped and created again), one workspace and write key, then for each node count N starts N
// `steward serve --role ingest` processes and drives them for BENCH_SECONDS (default 15, after 2 s of
// warm-up) with BENCH_CONNECTIONS concurrent senders (default 16) posting batches of 100 events
// (new messageIds, 2,000 users over BENCH_ACCOUNTS accounts, default 500, one group call each) round-robin over the nodes, each batch retried until
// acknowledged. Prints events/s per N and the ratio to one node. On a machine with few cores the
// nodes, PostgreSQL and this loader share them: the ratio says what more processes buy there.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { systemCtx } from '../src/context.ts';
import { openDeps } from '../src/deps.ts';
import { createWriteKey } from '../src/modules/auth/index.ts';
import { createWorkspace, toRef } from '../src/modules/workspaces/index.ts';

const ROOT = join(import.meta.dirname, '..');
const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/steward_scale';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const COUNTS = (process.env.BENCH_NODES ?? '1,2,4').split(',').map(Number);
const PORT = Number(process.env.BENCH_PORT ?? 38_950);
const BATCH = 100;
/** Accounts the events spread over (fewer would make the nodes wait on the same rollup rows). */
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 500);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function adminQuery(text: string) {
  const url = new URL(URL_);
  const database = url.pathname.slice(1);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(text.replaceAll('$db', database));
  } finally {
    await client.end();
  }
}

async function prepare() {
  await adminQuery('drop database if exists $db with (force)');
  await adminQuery('create database $db');
  const { deps, close } = await openDeps(loadConfig({ DATABASE_URL: URL_, LOG_LEVEL: 'warn' }));
  try {
    const workspace = await createWorkspace(deps, {
      name: 'Scale',
      baseCurrency: 'CNY',
      timeZone: 'Asia/Shanghai',
    });
    const { key } = await createWriteKey({
      ctx: systemCtx(deps, toRef(workspace), 'bench'),
      input: { name: 'bench' },
    });
    return key;
  } finally {
    await close();
  }
}

function env(port: number): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(STEWARD_|DATABASE_URL$|DATABASE_READ_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)) base[k] = v;
  return {
    ...base,
    DATABASE_URL: URL_,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    STEWARD_DEMO: '0',
  };
}

async function startNode(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/steward.mjs', 'serve', '--role', 'ingest'], {
    cwd: ROOT,
    env: env(port),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`ingest node on ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // starting
    }
    await sleep(50);
  }
  throw new Error(`ingest node on ${port} did not start in 90 s`);
}

let seq = 0;
function makeBody(run: string) {
  const i = seq++;
  const at = new Date(Date.now() - 60_000).toISOString();
  const events = [];
  for (let j = 0; j < BATCH; j++) {
    const userId = `user-${(i * 7 + j) % 2000}`;
    const groupId = `co-${(i * 13 + j) % ACCOUNTS}`;
    if (j === 0) {
      // One group call per batch: accounts are made (and renamed) by the stream, as in production.
      events.push({
        type: 'group',
        messageId: `${run}-${i}-${j}`,
        userId,
        groupId,
        traits: { name: `Company ${groupId}` },
      });
      continue;
    }
    events.push({
      type: 'track',
      messageId: `${run}-${i}-${j}`,
      userId,
      event: j % 3 === 0 ? 'Report Exported' : 'Page Opened',
      properties: { i, j },
      context: { groupId },
      timestamp: at,
    });
  }
  return JSON.stringify({ batch: events });
}

async function measure(nodes: number, key: string) {
  const children = await Promise.all(Array.from({ length: nodes }, (_, n) => startNode(PORT + n)));
  const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
  const run = `scale${nodes}-${Date.now().toString(36)}`;
  let counting = false;
  let stopping = false;
  let events = 0;
  let failed = 0;
  const latencies: number[] = [];
  const sender = async (s: number) => {
    let turn = s;
    while (!stopping) {
      const body = makeBody(run);
      for (;;) {
        const t0 = performance.now();
        const port = PORT + (turn++ % nodes);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/v1/batch`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: auth },
            body,
          });
          await res.arrayBuffer();
          if (res.ok) {
            if (counting) {
              events += BATCH;
              latencies.push(performance.now() - t0);
            }
            break;
          }
        } catch {
          // retried below
        }
        failed++;
        await sleep(50);
      }
    }
  };
  const senders = Array.from({ length: CONNECTIONS }, (_, s) => sender(s));
  await sleep(2000);
  counting = true;
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  counting = false;
  const elapsed = (Date.now() - t0) / 1000;
  stopping = true;
  await Promise.all(senders);
  await Promise.all(
    children.map((c) => {
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      return exited;
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    nodes,
    perSecond: events / elapsed,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    failed,
  };
}

const key = await prepare();
console.log(
  `bench:scale on ${URL_.replace(/\/\/[^@]*@/, '//')}: ${CONNECTIONS} connections, batches of ${BATCH}, ${SECONDS} s per step, ${cpus().length} CPUs`,
);
const rows: Awaited<ReturnType<typeof measure>>[] = [];
for (const n of COUNTS) {
  const r = await measure(n, key);
  rows.push(r);
  console.log(
    `  ${n} ingest node${n > 1 ? 's' : ' '}: ${Math.round(r.perSecond).toLocaleString('en')} events/s` +
      `  (${(r.perSecond / rows[0]!.perSecond).toFixed(2)}x one node)  p99 ${r.p99.toFixed(0)} ms, ${r.failed} retries`,
  );
}
await adminQuery('drop database if exists $db with (force)');
