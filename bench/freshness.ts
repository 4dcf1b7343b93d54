// Freshness (issue 18): how long from an account's change to its new score, and what the
// incremental recompute costs. Loads (or reuses) a demo workspace of BENCH_ACCOUNTS accounts
// (default 300), starts `steward serve` as a child process twice — incremental recompute on, then
// off (STEWARD_INCREMENTAL_RECOMPUTE=off) — and in each run streams events at BENCH_RATE events/s
// (default 20, spread over the accounts) through the real HTTP ingest endpoint for BENCH_SECONDS
// (default 90). With incremental on it polls GET /accounts/{id}/health for each changed account
// until computedAt passes the change, and prints p50/p95 of that delay (target p95 < 60 s). CPU is
// the server process's user+system time (/proc, threads included) over each run, same load.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { operatorCtx, resolveWorkspace } from '../src/cli/workspace.ts';
import { loadConfig } from '../src/config.ts';
import { generateDemo } from '../src/demo/demo.ts';
import { openDeps } from '../src/deps.ts';
import { createToken, createUser, createWriteKey } from '../src/modules/auth/index.ts';
import { createWorkspace } from '../src/modules/workspaces/index.ts';
import { freePort } from '../test/helpers/free-port.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 90);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
/** At most this many changed accounts watched at once (the others' changes are still sent). */
const WATCH = 40;

const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function prepare(url: string) {
  const config = loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' });
  const reuse = config.database.kind === 'sqlite' && existsSync(url);
  const { deps, close } = await openDeps(config);
  let workspace = reuse ? await resolveWorkspace(deps, 'freshness').catch(() => undefined) : undefined;
  if (!workspace) {
    workspace = await createWorkspace(deps, {
      name: 'freshness',
      slug: 'freshness',
      baseCurrency: 'CNY',
      timeZone: config.timeZone,
      isDemo: true,
    });
    const started = Date.now();
    await generateDemo(operatorCtx(deps, workspace, 'bench'), { accounts: ACCOUNTS, days: DAYS, seed: 42 });
    console.log(`Loaded ${ACCOUNTS} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else console.log(`Reusing ${url} (delete it to reload)`);
  const ctx = operatorCtx(deps, workspace, 'bench');
  const user = await createUser({
    ctx,
    input: {
      email: `fresh.${Date.now()}@bench.example.com`,
      name: 'fresh',
      role: 'manager',
      locale: 'en',
      password: 'bench-password-long',
    },
  });
  const token = (await createToken({ ctx, input: { name: 'fresh', scopes: ['read'], userId: user.id } }))
    .token;
  const writeKey = (await createWriteKey({ ctx, input: { name: `fresh ${Date.now()}` } })).key;
  const accounts = await deps.db
    .selectFrom('accounts')
    .select(['id', 'external_id'])
    .where('workspace_id', '=', workspace.id)
    .execute();
  await close();
  return { token, writeKey, accounts: accounts.filter((a) => a.external_id) };
}

function startServer(url: string, port: number, incremental: boolean) {
  const child = spawn(process.execPath, ['bin/steward.mjs', 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      STEWARD_DEMO: '0',
      LOG_LEVEL: 'warn',
      STEWARD_INCREMENTAL_RECOMPUTE: incremental ? 'on' : 'off',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise<{ child: ChildProcess; stop: () => Promise<void> }>((resolve, reject) => {
    const started = Date.now();
    const poll = async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return resolve({ child, stop });
      } catch {
        // not listening yet
      }
      if (Date.now() - started > 60_000) return reject(new Error('the server did not start in 60 s'));
      setTimeout(poll, 200);
    };
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    void poll();
  });
}

/** User + system CPU seconds of a process, its threads included (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

async function run(url: string, prepared: Awaited<ReturnType<typeof prepare>>, incremental: boolean) {
  const port = await freePort();
  const { child, stop } = await startServer(url, port, incremental);
  const base = `http://127.0.0.1:${port}`;
  const auth = `Basic ${Buffer.from(`${prepared.writeKey}:`).toString('base64')}`;
  const delays: number[] = [];
  const watched = new Map<string, number>(); // account id -> instant of its first unseen change
  let sent = 0;
  let failed = 0;
  const cpu0 = cpuSeconds(child.pid!);
  let cpu = 0;
  let wall = 0;
  const started = Date.now();
  const until = started + SECONDS * 1000;
  try {
    const sending = async () => {
      let i = 0;
      // One event per tick at RATE/s, each for the next account in a shuffled order.
      while (Date.now() < until) {
        const a = prepared.accounts[(i * 7919) % prepared.accounts.length]!;
        i++;
        const at = Date.now();
        const res = await fetch(`${base}/v1/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({
            batch: [
              {
                type: 'track',
                event: 'bench_fresh',
                userId: `u-${i % 50}`,
                context: { groupId: a.external_id },
              },
            ],
          }),
        });
        await res.arrayBuffer();
        if (res.ok) {
          sent++;
          if (!watched.has(a.id) && watched.size < WATCH) watched.set(a.id, at);
        } else failed++;
        const wait = started + (i * 1000) / RATE - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      // CPU over the sending window only: the same load in both runs.
      cpu = cpuSeconds(child.pid!) - cpu0;
      wall = (Date.now() - started) / 1000;
    };
    const polling = async () => {
      // Past the sending, until every watched change is seen (or 120 s more).
      while (Date.now() < until || (incremental && watched.size && Date.now() < until + 120_000)) {
        for (const [id, at] of [...watched]) {
          const res = await fetch(`${base}/api/v1/accounts/${id}/health`, {
            headers: { authorization: `Bearer ${prepared.token}` },
          });
          const body = (await res.json()) as { computedAt: string | null };
          const computed = body.computedAt ? Date.parse(body.computedAt) : 0;
          if (computed > at) {
            delays.push((computed - at) / 1000);
            watched.delete(id);
          }
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    // The same polling in both runs, so the CPU compared differs by the incremental job only.
    await Promise.all([sending(), polling()]);
    return { cpu, wall, sent, failed, delays, unseen: watched.size };
  } finally {
    await stop();
  }
}

async function main() {
  mkdirSync('./data', { recursive: true });
  const url = process.env.DATABASE_URL ?? `./data/bench-freshness-${ACCOUNTS}.db`;
  const prepared = await prepare(url);
  const on = await run(url, prepared, true);
  const off = await run(url, prepared, false);
  const perSecond = (r: typeof on) => r.cpu / r.wall;
  console.log(`\nFreshness: ${ACCOUNTS} accounts, ${RATE} events/s for ${SECONDS} s through POST /v1/batch`);
  console.log(
    `  change -> new score (computedAt): p50 ${pct(on.delays, 50).toFixed(1)} s  p95 ${pct(on.delays, 95).toFixed(1)} s  max ${Math.max(...on.delays).toFixed(1)} s  (${on.delays.length} changes, ${on.unseen} not seen; target p95 < 60 s)`,
  );
  console.log(
    `  server CPU incremental on:  ${on.cpu.toFixed(1)} s over ${on.wall.toFixed(0)} s (${(100 * perSecond(on)).toFixed(1)}% of a core), ${on.sent} events sent, ${on.failed} failed`,
  );
  console.log(
    `  server CPU incremental off: ${off.cpu.toFixed(1)} s over ${off.wall.toFixed(0)} s (${(100 * perSecond(off)).toFixed(1)}% of a core), ${off.sent} events sent, ${off.failed} failed`,
  );
  console.log(
    `  extra CPU of the incremental recompute: ${(100 * (perSecond(on) - perSecond(off))).toFixed(1)}% of a core`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
