// npm run test:multinode — several Steward nodes on one PostgreSQL with a streaming replica.
//
// Needs the replica from test/multinode/replica.sh (run.sh does both). Makes a fresh database on the
// primary, then starts three `steward serve` processes on it:
//   A  --role api            reads lists and reports from the replica (DATABASE_READ_URL)
//   B  --role ingest,jobs    C  --role ingest,jobs   (two schedulers competing for every job slot)
// A loader posts batches of 100 events with fixed messageIds to B and C, retrying each batch until
// it is acknowledged, on the other node when one is down (as a load balancer would); meanwhile B and
// C are killed with SIGKILL in turn, mid-batch, and restarted. Then it checks: every acknowledged
// messageId stored exactly once and counted once; every minute slot of the every-minute jobs that
// passed while a jobs node was up ran exactly once, claimed by either node; the API node's lists and
// reports were answered by the replica (its own transaction counter and pg_stat_activity), and it
// sees the ingested accounts there. Exits non-zero on any failure; drops its database at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { systemCtx } from '../../src/context.ts';
import { openDeps } from '../../src/deps.ts';
import { SCHEDULE } from '../../src/jobs/schedule.ts';
import { createUser } from '../../src/modules/auth/index.ts';
import { createWorkspace, toRef } from '../../src/modules/workspaces/index.ts';
import {
  BATCH,
  deliver,
  makeBatch,
  newTotals,
  login as signIn,
  sleep,
  writeKeyAuth,
} from '../crash/ingest-load.ts';
import { freePort } from '../helpers/free-port.ts';

const ROOT = join(import.meta.dirname, '../..');
const HOST = process.env.MULTINODE_PG_HOST ?? '127.0.0.1';
const PRIMARY_PORT = Number(process.env.MULTINODE_PRIMARY_PORT ?? 5432);
const REPLICA_PORT = Number(process.env.REPLICA_PORT ?? 5442);
const DATABASE = process.env.MULTINODE_DATABASE ?? 'steward_multinode';
const KILLS = Number(process.env.MULTINODE_KILLS ?? 4);
const SENDERS = Number(process.env.MULTINODE_SENDERS ?? 4);
const DEADLINE_MS = 170_000;

const primaryUrl = `postgres://postgres@${HOST}:${PRIMARY_PORT}/${DATABASE}`;
const replicaUrl = `postgres://postgres@${HOST}:${REPLICA_PORT}/${DATABASE}`;
const adminUrl = (port: number) => `postgres://postgres@${HOST}:${port}/postgres`;

const started = Date.now();
const run = `mn-${started.toString(36)}`;
const password = 'multinode-password';
const email = `${run}@example.com`;
const log = (msg: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

async function pgQuery<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

// ---- nodes

type Node = {
  name: string;
  roles: string;
  port: number;
  child?: ChildProcess;
  output: string;
  /** [up, down) intervals in ms since the epoch; the last one is open while it runs. */
  up: [number, number | undefined][];
};

function nodeEnv(node: Node): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(STEWARD_|DATABASE_URL$|DATABASE_READ_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)) env[k] = v;
  }
  return {
    ...env,
    DATABASE_URL: primaryUrl,
    ...(node.roles.includes('api') ? { DATABASE_READ_URL: replicaUrl } : {}),
    PORT: String(node.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    STEWARD_DEMO: '0',
  };
}

async function start(node: Node) {
  const child = spawn(process.execPath, ['bin/steward.mjs', 'serve', '--role', node.roles], {
    cwd: ROOT,
    env: nodeEnv(node),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    node.output = (node.output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  node.child = child;
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`${node.name} exited with ${child.exitCode}:\n${node.output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${node.port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) {
        node.up.push([Date.now(), undefined]);
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`${node.name} did not become healthy in 60 s:\n${node.output}`);
}

async function stop(node: Node, signal: NodeJS.Signals) {
  const child = node.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const last = node.up.at(-1);
  if (last && last[1] === undefined) last[1] = Date.now();
  await exited;
}

// ---- database

async function prepareDatabases() {
  await pgQuery(adminUrl(PRIMARY_PORT), `drop database if exists ${DATABASE} with (force)`);
  await pgQuery(adminUrl(PRIMARY_PORT), `create database ${DATABASE}`);
  const { deps, close } = await openDeps(loadConfig({ DATABASE_URL: primaryUrl, LOG_LEVEL: 'warn' }));
  try {
    const workspace = await createWorkspace(deps, {
      name: run,
      baseCurrency: 'CNY',
      timeZone: 'Asia/Shanghai',
    });
    await createUser({
      ctx: systemCtx(deps, toRef(workspace), 'multinode-test'),
      input: { email, name: 'Multinode admin', role: 'admin', locale: 'en', password },
    });
  } finally {
    await close();
  }
  // The replica has the new database (and its schema) once it has replayed this far.
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      const rows = await pgQuery<{ n: number }>(
        replicaUrl,
        'select count(*)::int as n from users where email = $1',
        [email],
      );
      if (rows[0]!.n === 1) return;
    } catch {
      // database not replayed yet
    }
    if (Date.now() > until) throw new Error('the replica did not receive the new database in 30 s');
    await sleep(100);
  }
}

// ---- API

const login = (base: string) => signIn(base, email, password);

async function main() {
  const failures: string[] = [];
  await prepareDatabases();
  log(`database ${DATABASE} on the primary (:${PRIMARY_PORT}) and the replica (:${REPLICA_PORT})`);

  // MULTINODE_PORT and the next two, else ports the OS picks: a fixed port in the ephemeral range
  // (38930-38932 before) can be the local end of any outgoing connection at that moment, and node
  // C once failed to listen on it (EADDRINUSE, stop-24 CI). A node restarts on its own port.
  const first = Number(process.env.MULTINODE_PORT ?? 0);
  const port = async (i: number) => (first ? first + i : await freePort());
  const nodes: Node[] = [
    { name: 'A (api)', roles: 'api', port: await port(0), output: '', up: [] },
    { name: 'B (ingest,jobs)', roles: 'ingest,jobs', port: await port(1), output: '', up: [] },
    { name: 'C (ingest,jobs)', roles: 'ingest,jobs', port: await port(2), output: '', up: [] },
  ];
  const [api, ...ingest] = nodes as [Node, Node, Node];
  const base = `http://127.0.0.1:${api.port}`;
  try {
    await Promise.all(nodes.map(start));
    log('three nodes up');
    const session = await login(base);
    const auth = await writeKeyAuth(base, session, 'multinode');

    // ---- ingest through B and C while they are killed in turn
    const acked = new Set<string>();
    const totals = newTotals(2);
    let next = 0;
    let killing = true;
    let aborted = false;
    // Attempt k of a batch goes to the other ingest node than attempt k-1, as a load balancer would.
    const bases = ingest.map((n) => `http://127.0.0.1:${n.port}`);
    const send = (batch: ReturnType<typeof makeBatch>, first: number) =>
      deliver({
        batch,
        bases,
        pick: (attempt) => (first + attempt) % 2,
        auth,
        acked,
        totals,
        deadline: started + DEADLINE_MS,
      });
    const sender = async (s: number) => {
      try {
        while (killing) {
          const i = next++;
          await send(makeBatch(run, i), (i + s) % 2);
        }
      } catch (error) {
        aborted = true;
        throw error;
      }
    };
    const killedInFlight: number[] = [];
    const killer = async () => {
      try {
        for (let k = 0; k < KILLS && !aborted; k++) {
          await sleep(500 + Math.random() * 1500);
          const n = k % 2;
          killedInFlight.push(totals.inFlight[n]!);
          await stop(ingest[n]!, 'SIGKILL');
          log(
            `kill ${k + 1}/${KILLS}: ${ingest[n]!.name}, ${killedInFlight.at(-1)} requests in flight, ${acked.size} acked`,
          );
          await sleep(Math.random() * 300);
          await start(ingest[n]!);
        }
        await sleep(500);
      } finally {
        killing = false;
      }
    };
    await Promise.all([killer(), ...Array.from({ length: SENDERS }, (_, s) => sender(s))]);
    const batches = next;
    log(
      `${totals.requests} requests, answers ${JSON.stringify(totals.statuses)}; in flight at each kill: ${killedInFlight.join(', ')}`,
    );

    // ---- the stored rows, on the primary
    const db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: primaryUrl, max: 2 }) }),
    });
    try {
      const ws = await db
        .selectFrom('users')
        .select('workspace_id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      const prefix = `${run}-%`;
      const counts = await sql<{ n: number; ids: number }>`
        select count(*)::int as n, count(distinct message_id)::int as ids from events
        where workspace_id = ${ws.workspace_id} and message_id like ${prefix}`.execute(db);
      const { n, ids } = counts.rows[0]!;
      const stored = new Set(
        (
          await db
            .selectFrom('events')
            .select('message_id')
            .where('workspace_id', '=', ws.workspace_id)
            .where('message_id', 'like', prefix)
            .execute()
        ).map((r: { message_id: string }) => r.message_id),
      );
      const lost = [...acked].filter((id) => !stored.has(id));
      const dedup = await sql<{ n: number }>`
        select count(*)::int as n from event_ids where workspace_id = ${ws.workspace_id} and message_id like ${prefix}`.execute(
        db,
      );
      if (n !== ids) failures.push(`${n - ids} messageIds stored more than once`);
      if (lost.length)
        failures.push(`${lost.length} acknowledged messageIds missing, e.g. ${lost.slice(0, 3).join(', ')}`);
      if (acked.size !== batches * BATCH)
        failures.push(`only ${acked.size} of ${batches * BATCH} events acknowledged`);
      if (stored.size !== acked.size) failures.push(`${stored.size} stored but ${acked.size} acknowledged`);
      if (dedup.rows[0]!.n !== stored.size)
        failures.push(`event_ids holds ${dedup.rows[0]!.n} ids for ${stored.size} events`);
      if (killedInFlight.length < KILLS)
        failures.push(`only ${killedInFlight.length} of ${KILLS} kills happened`);
      if (!killedInFlight.some((k) => k > 0)) failures.push('no kill hit a request in flight');
      const stats = (await (
        await fetch(`${base}/api/v1/ingest/stats`, { headers: { cookie: session.cookie } })
      ).json()) as {
        accepted: number;
      };
      if (stats.accepted !== stored.size)
        failures.push(`stats say ${stats.accepted} accepted, ${stored.size} stored`);
      log(`ingest: ${acked.size} acked, ${stored.size} stored, ${n - ids} duplicates`);

      // ---- reads from the replica
      const replicaXacts = async () =>
        (
          await pgQuery<{ n: number }>(
            adminUrl(REPLICA_PORT),
            'select xact_commit::int + xact_rollback::int as n from pg_stat_database where datname = $1',
            [DATABASE],
          )
        )[0]!.n;
      const before = await replicaXacts();
      let listed = 0;
      const until = Date.now() + 20_000;
      while (Date.now() < until) {
        const res = await fetch(`${base}/api/v1/accounts?limit=50`, { headers: { cookie: session.cookie } });
        if (res.status !== 200) throw new Error(`GET /accounts: ${res.status} ${await res.text()}`);
        listed = ((await res.json()) as { items: unknown[] }).items.length;
        if (listed === 10) break;
        await sleep(200);
      }
      for (const path of [
        '/api/v1/reports/scorecards',
        '/api/v1/revenue/arr',
        '/api/v1/account-states/summary',
      ]) {
        const res = await fetch(`${base}${path}`, { headers: { cookie: session.cookie } });
        if (res.status !== 200) failures.push(`GET ${path}: ${res.status}`);
      }
      // pg_stat_database counts are flushed by the backend at most once a second when idle.
      await sleep(1500);
      const after = await replicaXacts();
      // The API node's read pool on the replica, and the last statement each of its connections ran.
      const readers = await pgQuery<{ query: string }>(
        adminUrl(REPLICA_PORT),
        "select query from pg_stat_activity where datname = $1 and application_name = 'steward-read'",
        [DATABASE],
      );
      const onPrimary = await pgQuery<{ n: number }>(
        adminUrl(PRIMARY_PORT),
        "select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'steward-read'",
        [DATABASE],
      );
      if (listed !== 10)
        failures.push(`the accounts list (replica) shows ${listed} of the 10 ingested accounts`);
      // (pg_stat_database is flushed lazily by idle backends: a lower bound.)
      if (after <= before)
        failures.push("the replica's transaction count did not move during the API's reads");
      if (!readers.some((r) => /\bfrom "?(accounts|account_states|contracts|users)"?/i.test(r.query)))
        failures.push(`no steward-read connection on the replica read the lists: ${JSON.stringify(readers)}`);
      if (onPrimary[0]!.n !== 0) failures.push(`${onPrimary[0]!.n} steward-read connections on the primary`);
      log(
        `replica: ${after - before}+ read transactions, ${readers.length} steward-read connections; list shows ${listed} accounts`,
      );

      // ---- job slots: wait for a minute boundary that both jobs nodes are up for
      const boundary = Math.ceil((Date.now() + 1000) / 60_000) * 60_000;
      log(`waiting for the minute slot at ${new Date(boundary).toISOString()}`);
      await sleep(boundary - Date.now() + 4000);
      const everyMinute = SCHEDULE.filter((j) => j.cron === '* * * * *').map((j) => j.name);
      const runs = await db
        .selectFrom('job_runs')
        .select(['run_id', 'job', 'slot', 'node', 'status'])
        .where('job', 'in', everyMinute)
        .execute();
      const bySlot = new Map<string, string[]>();
      for (const r of runs as { job: string; slot: string; node: string }[]) {
        const k = `${r.job}@${r.slot}`;
        bySlot.set(k, [...(bySlot.get(k) ?? []), r.node]);
      }
      const twice = [...bySlot].filter(([, ns]) => ns.length > 1);
      if (twice.length) failures.push(`job slots run more than once: ${twice.map(([k]) => k).join(', ')}`);
      // Every minute boundary while a jobs node was up from 1 s before to 3 s after it.
      const upAt = (t: number) =>
        ingest.some((node) =>
          node.up.some(([from, to]) => from <= t - 1000 && (to ?? Date.now()) >= t + 3000),
        );
      const expected: number[] = [];
      for (let t = Math.ceil(started / 60_000) * 60_000; t <= boundary; t += 60_000)
        if (upAt(t)) expected.push(t);
      const missing: string[] = [];
      for (const t of expected)
        for (const job of everyMinute) {
          const k = `${job}@${new Date(t).toISOString()}`;
          if (!bySlot.has(k)) missing.push(k);
        }
      if (!expected.length) failures.push('no minute slot passed while a jobs node was up');
      if (missing.length) failures.push(`job slots never run: ${missing.join(', ')}`);
      const nodesSeen = new Set(runs.map((r: { node: string }) => r.node));
      log(
        `jobs: ${runs.length} runs of ${everyMinute.length} every-minute jobs over ${expected.length} slot(s), ` +
          `each once, by ${nodesSeen.size} node process(es)`,
      );
    } finally {
      await db.destroy();
    }
  } finally {
    await Promise.all(nodes.map((n) => stop(n, 'SIGTERM')));
    if (failures.length || process.exitCode)
      for (const n of nodes) console.error(`--- ${n.name}\n${n.output.slice(-2000)}`);
  }
  console.log(
    `multi-node test: 3 nodes (api; ingest,jobs x2), ${KILLS} SIGKILLs, replica reads; ${((Date.now() - started) / 1000).toFixed(1)} s`,
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
  process.exitCode = 1;
} finally {
  await pgQuery(adminUrl(PRIMARY_PORT), `drop database if exists ${DATABASE} with (force)`).catch(() => {});
}
