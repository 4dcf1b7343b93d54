// npm run test:crash — "no acknowledged event lost, none stored twice" under kill -9.
//
// Spawns the real server (`node bin/steward.mjs serve`) on a temporary SQLite file, or on
// STEWARD_TEST_DATABASE_URL when set, creates a write key through the API, and runs a loader that
// posts batches of 100 events with fixed messageIds to /v1/batch, retrying every batch until it is
// acknowledged (2xx), as the official clients do. Meanwhile the server is killed with SIGKILL at
// random moments and restarted (CRASH_KILLS times, default 6). At the end every acknowledged
// messageId must be stored exactly once, and the ingest counters (same transaction as the rows)
// must agree with the rows. Exits non-zero on any failure.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { systemCtx } from '../../src/context.ts';
import { openDeps } from '../../src/deps.ts';
import { createUser } from '../../src/modules/auth/index.ts';
import { createWorkspace, toRef } from '../../src/modules/workspaces/index.ts';
import { freePort } from '../helpers/free-port.ts';
import { BATCH, deliver, login, makeBatch, newTotals, sleep, writeKeyAuth } from './ingest-load.ts';

const ROOT = join(import.meta.dirname, '../..');
const PG_URL = process.env.STEWARD_TEST_DATABASE_URL;
// CRASH_PORT, else a port the OS picks: a fixed one in the ephemeral range can be the local end of
// an outgoing connection (the multinode test's fixed port was, in the stop-24 CI). Kept across restarts.
const PORT = Number(process.env.CRASH_PORT ?? 0) || (await freePort());
const KILLS = Number(process.env.CRASH_KILLS ?? 6);
const SENDERS = Number(process.env.CRASH_SENDERS ?? 4);
/** After the last restart the loader finishes what it started and stops making new batches. */
const MAX_BATCHES = Number(process.env.CRASH_MAX_BATCHES ?? 1000);
const DEADLINE_MS = 110_000;

const started = Date.now();
const run = `crash-${started.toString(36)}`;
const base = `http://127.0.0.1:${PORT}`;
const password = 'crash-test-password';
const email = `${run}@example.com`;
const log = (msg: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

let dir: string | undefined;
let databaseUrl = PG_URL;
if (!databaseUrl) {
  dir = mkdtempSync(join(tmpdir(), 'steward-crash-'));
  databaseUrl = join(dir, 'crash.db');
}
const engine = PG_URL ? 'postgres' : 'sqlite';

function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(STEWARD_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)) env[k] = v;
  }
  return {
    ...env,
    DATABASE_URL: databaseUrl,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    STEWARD_DEMO: '0',
    STEWARD_ADMIN_EMAIL: email,
    STEWARD_ADMIN_PASSWORD: password,
  };
}

let server: ChildProcess | undefined;
let serverOutput = '';

async function startServer() {
  const child = spawn(process.execPath, ['bin/steward.mjs', 'serve'], {
    cwd: ROOT,
    env: serverEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    serverOutput = (serverOutput + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  server = child;
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${serverOutput}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`server did not become healthy in 30 s:\n${serverOutput}`);
}

async function killServer(signal: NodeJS.Signals) {
  const child = server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** On PostgreSQL the database may already hold workspaces, so first start would not run: make our own. */
async function prepareDatabase() {
  if (!PG_URL) return;
  const { deps, close } = await openDeps(loadConfig({ DATABASE_URL: PG_URL, LOG_LEVEL: 'warn' }));
  try {
    const workspace = await createWorkspace(deps, {
      name: run,
      baseCurrency: 'CNY',
      timeZone: 'Asia/Shanghai',
    });
    await createUser({
      ctx: systemCtx(deps, toRef(workspace), 'crash-test'),
      input: { email, name: 'Crash admin', role: 'admin', locale: 'en', password },
    });
  } finally {
    await close();
  }
}

async function main() {
  await prepareDatabase();
  await startServer();
  const auth = await writeKeyAuth(base, await login(base, email, password), 'crash test');
  log(`${engine}: server up on ${base}, write key created`);

  const acked = new Set<string>();
  const totals = newTotals(1);
  let next = 0;
  let killing = true;
  const send = (batch: ReturnType<typeof makeBatch>) =>
    deliver({ batch, bases: [base], pick: () => 0, auth, acked, totals, deadline: started + DEADLINE_MS });

  // Senders make new batches while the killer is at work, and finish the one they hold.
  let aborted = false;
  const sender = async () => {
    try {
      while (killing && next < MAX_BATCHES) await send(makeBatch(run, next++));
    } catch (error) {
      aborted = true;
      throw error;
    }
  };

  const killer = async () => {
    const killedInFlight: number[] = [];
    try {
      for (let k = 0; k < KILLS && !aborted; k++) {
        await sleep(300 + Math.random() * 1200);
        killedInFlight.push(totals.inFlight[0]!);
        await killServer('SIGKILL');
        log(
          `kill ${k + 1}/${KILLS} (SIGKILL, ${killedInFlight.at(-1)} requests in flight, ${acked.size} acked)`,
        );
        await sleep(Math.random() * 300);
        await startServer();
      }
    } finally {
      killing = false;
    }
    return killedInFlight;
  };

  const [killedInFlight] = await Promise.all([killer(), ...Array.from({ length: SENDERS }, sender)]);
  const batches = next;

  // Counters through the API, then the rows themselves.
  const { cookie } = await login(base, email, password);
  const stats = (await (await fetch(`${base}/api/v1/ingest/stats`, { headers: { cookie } })).json()) as {
    accepted: number;
    rejected: Record<string, number>;
  };
  await killServer('SIGTERM');

  const { deps, close } = await openDeps(loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }), {
    migrate: false,
  });
  const failures: string[] = [];
  let storedCount = 0;
  let duplicates = 0;
  try {
    const ws = await deps.db
      .selectFrom('users')
      .select('workspace_id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const prefix = `${run}-%`;
    const counts = await sql<{ n: number; ids: number }>`
      select count(*) as n, count(distinct message_id) as ids from events
      where workspace_id = ${ws.workspace_id} and message_id like ${prefix}`.execute(deps.db);
    const row = counts.rows[0]!;
    storedCount = Number(row.ids);
    duplicates = Number(row.n) - Number(row.ids);
    const stored = new Set(
      (
        await deps.db
          .selectFrom('events')
          .select('message_id')
          .where('workspace_id', '=', ws.workspace_id)
          .where('message_id', 'like', prefix)
          .execute()
      ).map((r) => r.message_id),
    );
    const lost = [...acked].filter((id) => !stored.has(id));
    const dedupIndex = await sql<{ n: number }>`
      select count(*) as n from event_ids where workspace_id = ${ws.workspace_id} and message_id like ${prefix}`.execute(
      deps.db,
    );
    const accounts = await sql<{ n: number; ids: number }>`
      select count(*) as n, count(distinct external_id) as ids from accounts where workspace_id = ${ws.workspace_id}`.execute(
      deps.db,
    );

    if (duplicates !== 0) failures.push(`${duplicates} messageIds stored more than once`);
    if (lost.length)
      failures.push(`${lost.length} acknowledged messageIds missing, e.g. ${lost.slice(0, 3).join(', ')}`);
    if (acked.size !== batches * BATCH)
      failures.push(`only ${acked.size} of ${batches * BATCH} events acknowledged`);
    if (stored.size !== acked.size) failures.push(`${stored.size} stored but ${acked.size} acknowledged`);
    if (Number(dedupIndex.rows[0]!.n) !== stored.size)
      failures.push(`event_ids holds ${dedupIndex.rows[0]!.n} ids for ${stored.size} events`);
    if (stats.accepted !== stored.size)
      failures.push(`stats say ${stats.accepted} accepted, ${stored.size} stored`);
    if (Object.keys(stats.rejected).length) failures.push(`rejections: ${JSON.stringify(stats.rejected)}`);
    if (Number(accounts.rows[0]!.n) !== 10 || Number(accounts.rows[0]!.ids) !== 10)
      failures.push(`expected 10 accounts, found ${accounts.rows[0]!.n}`);
    if (killedInFlight.length < KILLS)
      failures.push(`only ${killedInFlight.length} of ${KILLS} kills happened`);
    if (!killedInFlight.some((n) => n > 0)) failures.push('no kill hit a request in flight');
  } finally {
    await close();
  }

  log(
    `${totals.requests} requests, ${totals.retries} retries; answers ${JSON.stringify(totals.statuses)}; ` +
      `in flight at each kill: ${killedInFlight.join(', ')}`,
  );
  console.log(
    `crash test (${engine}): ${acked.size} acked, ${storedCount} stored, ${duplicates} duplicates, ${killedInFlight.length} kills, ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (failures.length) {
    for (const f of failures) console.error(`FAIL: ${f}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  console.error(error);
  console.error(serverOutput.slice(-4000));
  process.exitCode = 1;
} finally {
  await killServer('SIGKILL').catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
}
