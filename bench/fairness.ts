// npm run bench:fairness — does one client hammering the heaviest reports starve everyone else?
//
// Loads (or reuses) a demo workspace of BENCH_ACCOUNTS accounts (default 2,000, as a first start
// makes, with BENCH_DAYS of usage, default 60) in an SQLite file (or DATABASE_URL), then starts the real server in a
// child process, so the clients below do not share its event loop. A "browsing" user walks the
// accounts list and Account 360 (account, health, timeline, metrics, tasks) one request after
// another, first alone, then while one token hammers the heaviest endpoints from HAMMERS parallel
// connections (in a thread of their own, so the browsing client's timings are not the hammer's
// queueing). Prints the browsing user's p50/p99 in both phases (target: p99 under hammering
// <= 2x alone), /healthz p99, and how many hammer requests were served or refused (429).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { operatorCtx, resolveWorkspace } from '../src/cli/workspace.ts';
import { loadConfig } from '../src/config.ts';
import { generateDemo } from '../src/demo/demo.ts';
import { openDeps } from '../src/deps.ts';
import { createToken, createUser } from '../src/modules/auth/index.ts';
import { createWorkspace } from '../src/modules/workspaces/index.ts';
import { freePort } from '../test/helpers/free-port.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 2000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const HAMMERS = Number(process.env.BENCH_HAMMERS ?? 10);
const DAYS = Number(process.env.BENCH_DAYS ?? 60);

/** The heaviest reads a signed-in user (even a read-only token) can ask for. */
const HEAVY = [
  '/automation/effectiveness',
  '/revenue/retention',
  '/revenue/movement',
  '/reports/scorecards',
  '/team/load',
  '/health/calibration',
  '/renewals/window',
  '/accounts?limit=500',
  '/accounts?limit=200&where=arr%20%3E%200&includeTotal=true',
];

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function prepare(url: string) {
  const config = loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' });
  const reuse = config.database.kind === 'sqlite' && existsSync(url);
  const { deps, close } = await openDeps(config);
  let workspace = reuse ? await resolveWorkspace(deps, 'fairness').catch(() => undefined) : undefined;
  if (!workspace) {
    workspace = await createWorkspace(deps, {
      name: 'fairness',
      slug: 'fairness',
      baseCurrency: 'CNY',
      timeZone: config.timeZone,
      isDemo: true,
    });
    const started = Date.now();
    let last = 0;
    await generateDemo(
      operatorCtx(deps, workspace, 'bench'),
      { accounts: ACCOUNTS, days: DAYS, seed: 42 },
      ({ phase, percent }) => {
        if (percent - last >= 10 || percent === 100) {
          process.stderr.write(`  demo ${percent}% (${phase})\n`);
          last = percent;
        }
      },
    );
    console.log(`Loaded ${ACCOUNTS} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    console.log(`Reusing ${url} (delete it to reload)`);
  }
  const ctx = operatorCtx(deps, workspace, 'bench');
  const tokenFor = async (name: string, role: 'manager' | 'viewer') => {
    const user = await createUser({
      ctx,
      input: {
        email: `${name}.${Date.now()}@bench.example.com`,
        name,
        role,
        locale: 'en',
        password: 'bench-password-long',
      },
    });
    return (await createToken({ ctx, input: { name, scopes: ['read'], userId: user.id } })).token;
  };
  // A manager in no group reads every account: the hammering token has the widest reports.
  const hammer = await tokenFor('hammer', 'manager');
  const browser = await tokenFor('browser', 'manager');
  const accounts = await deps.db
    .selectFrom('accounts')
    .select('id')
    .where('workspace_id', '=', workspace.id)
    .orderBy('name')
    .limit(200)
    .execute();
  await close();
  return { hammer, browser, accountIds: accounts.map((a) => a.id) };
}

function startServer(url: string, port: number): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['bin/steward.mjs', 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      STEWARD_DEMO: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return resolve(stop);
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

/**
 * The hammer: `connections` loops asking for the heaviest reads one after another until `until`;
 * a 429 is retried at once, as a hostile client would (a well-behaved one waits Retry-After).
 */
const HAMMER = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, token, paths, connections, until } = workerData;
const counts = { served: 0, refused: 0, failed: 0 };
const loop = async (n) => {
  for (let i = n; Date.now() < until; i++) {
    const res = await fetch(base + '/api/v1' + paths[i % paths.length], { headers: { authorization: 'Bearer ' + token } });
    await res.arrayBuffer();
    if (res.status === 200) counts.served++;
    else if (res.status === 429) counts.refused++;
    else counts.failed++;
  }
};
Promise.all(Array.from({ length: connections }, (_, n) => loop(n))).then(() => parentPort.postMessage(counts));
`;

type Phase = { browse: number[]; healthz: number[]; served: number; refused: number; failed: number };

async function phase(
  base: string,
  tokens: { hammer: string; browser: string },
  ids: string[],
  hammering: boolean,
) {
  const out: Phase = { browse: [], healthz: [], served: 0, refused: 0, failed: 0 };
  const until = Date.now() + SECONDS * 1000;
  const get = async (path: string, token?: string) => {
    const started = performance.now();
    const res = await fetch(`${base}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };
  const browsing = async () => {
    let i = 0;
    while (Date.now() < until) {
      const id = ids[i++ % ids.length]!;
      for (const path of [
        `/api/v1/accounts?limit=50&sort=name`,
        `/api/v1/accounts/${id}`,
        `/api/v1/accounts/${id}/health`,
        `/api/v1/accounts/${id}/timeline?limit=20`,
        `/api/v1/accounts/${id}/metrics`,
        `/api/v1/tasks?accountId=${id}`,
      ]) {
        const r = await get(path, tokens.browser);
        if (r.status !== 200) throw new Error(`browsing ${path} -> ${r.status}`);
        out.browse.push(r.ms);
      }
    }
  };
  const probing = async () => {
    while (Date.now() < until) {
      out.healthz.push((await get('/healthz')).ms);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // The hammering clients run in a thread of their own: in this one, their 700-odd refused
  // requests a second queued the browsing user's responses behind them, and the client's own
  // queueing was measured as the server's (3.56x at stop 24, before this).
  const hammers = hammering
    ? new Promise<{ served: number; refused: number; failed: number }>((resolve, reject) => {
        const worker = new Worker(HAMMER, {
          eval: true,
          workerData: { base, token: tokens.hammer, paths: HEAVY, connections: HAMMERS, until },
        });
        worker.once('message', resolve);
        worker.once('error', reject);
      })
    : Promise.resolve({ served: 0, refused: 0, failed: 0 });
  const [, , counts] = await Promise.all([browsing(), probing(), hammers]);
  Object.assign(out, counts);
  return out;
}

async function main() {
  mkdirSync('./data', { recursive: true });
  const url = process.env.DATABASE_URL ?? `./data/bench-fairness-${ACCOUNTS}.db`;
  const { hammer, browser, accountIds } = await prepare(url);
  const port = await freePort();
  const stop = await startServer(url, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    // Warm-up: first queries compile statements and fill caches.
    await phase(base, { hammer, browser }, accountIds, false).catch(() => undefined);
    const alone = await phase(base, { hammer, browser }, accountIds, false);
    const loaded = await phase(base, { hammer, browser }, accountIds, true);
    const row = (name: string, p: Phase) =>
      `  ${name.padEnd(22)} browse p50 ${ms(pct(p.browse, 50)).padStart(9)}  p99 ${ms(pct(p.browse, 99)).padStart(9)}  (${p.browse.length} requests)   /healthz p99 ${ms(pct(p.healthz, 99)).padStart(9)}`;
    console.log(`\nFairness: ${ACCOUNTS} accounts, ${SECONDS} s per phase, ${HAMMERS} hammering connections`);
    console.log(row('alone', alone));
    console.log(row('while hammered', loaded));
    const ratio = pct(loaded.browse, 99) / pct(alone.browse, 99);
    console.log(
      `  browse p99 ratio ${ratio.toFixed(2)}x (target <= 2x)   hammer: ${loaded.served} served, ${loaded.refused} refused (429), ${loaded.failed} other`,
    );
  } finally {
    await stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
