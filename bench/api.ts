// npm run bench:api — REST API latency under 20 concurrent clients on loopback.
//
// Loads (or reuses) a demo workspace of BENCH_ACCOUNTS accounts (default 20,000) in an SQLite file
// (or DATABASE_URL), starts the real server, and drives it with autocannon. Each figure is printed
// next to limits measured in the same run: the server's own floor (GET /healthz, no database) and the
// engine's raw time for the same filtered query, so the numbers read as ratios, not absolute claims.
// BENCH_WORKSPACE names an existing workspace to read (e.g. the one `steward demo --accounts 20000`
// made for bench:web, in the same DATABASE_URL) instead of the `bench` workspace this script makes.
import { existsSync } from 'node:fs';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { operatorCtx, resolveWorkspace } from '../src/cli/workspace.ts';
import { loadConfig } from '../src/config.ts';
import { generateDemo } from '../src/demo/demo.ts';
import { openDeps } from '../src/deps.ts';
import { createToken, createUser } from '../src/modules/auth/index.ts';
import { createWorkspace } from '../src/modules/workspaces/index.ts';
import { listen } from '../src/server/serve.ts';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 20;
const TARGET_P99_MS = 50;

type Scenario = { name: string; path: string };

export async function runApiBench() {
  const file = process.env.DATABASE_URL ?? `./data/bench-${ACCOUNTS}.db`;
  // Twenty clients of one workspace may all ask for reports at once: the fair-load limits on heavy
  // reads in flight (4 per user, 8 per workspace by default) would answer most of them 429.
  const config = loadConfig({
    STEWARD_HEAVY_PER_USER: String(CONNECTIONS),
    STEWARD_HEAVY_PER_WORKSPACE: String(CONNECTIONS),
    ...process.env,
    DATABASE_URL: file,
    LOG_LEVEL: 'warn',
  });
  const reuse = config.database.kind !== 'sqlite' || existsSync(file);
  const { deps, close } = await openDeps(config);

  const named = process.env.BENCH_WORKSPACE;
  let workspace = reuse ? await resolveWorkspace(deps, named ?? 'bench').catch(() => undefined) : undefined;
  if (!workspace && named) throw new Error(`No workspace "${named}" in ${file}`);
  if (!workspace) {
    workspace = await createWorkspace(deps, {
      name: 'bench',
      slug: 'bench',
      baseCurrency: 'CNY',
      timeZone: config.timeZone,
      isDemo: true,
    });
    const started = Date.now();
    let last = 0;
    await generateDemo(
      operatorCtx(deps, workspace, 'bench'),
      { accounts: ACCOUNTS, days: 30, seed: 1 },
      ({ phase, percent }) => {
        if (percent - last >= 10 || percent === 100) {
          process.stderr.write(`  demo ${percent}% (${phase})\n`);
          last = percent;
        }
      },
    );
    console.log(`Loaded ${ACCOUNTS} accounts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    console.log(`Reusing ${file} (delete it to reload)`);
  }
  const ctx = operatorCtx(deps, workspace, 'bench');
  const email = `bench.${Date.now()}@example.com`;
  const admin = await createUser({
    ctx,
    input: { email, name: 'Bench', role: 'manager', locale: 'en', password: 'bench-password' },
  });
  const { token } = await createToken({ ctx, input: { name: 'bench', scopes: ['read'], userId: admin.id } });

  const sample = await deps.db
    .selectFrom('accounts')
    .select(['id', 'name', 'owner_id'])
    .where('workspace_id', '=', workspace.id)
    .orderBy('id')
    .offset(Math.floor(ACCOUNTS / 2))
    .limit(1)
    .executeTakeFirstOrThrow();
  const word = encodeURIComponent(sample.name.slice(2, 4));
  const region = encodeURIComponent('华东');

  // The engine's own time for the filtered page query, run directly: the floor the API stands on.
  const rawRuns = 200;
  const rawStart = performance.now();
  for (let i = 0; i < rawRuns; i++) {
    await sql`select * from accounts where workspace_id = ${workspace.id} and region = ${'华东'} and arr_minor >= ${10_000_000}
              order by arr_minor desc, id desc limit 51`.execute(deps.db);
  }
  const rawMs = (performance.now() - rawStart) / rawRuns;

  const server = await listen(deps, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.port}`;
  const scenarios: Scenario[] = [
    { name: 'floor: GET /healthz (no database)', path: '/healthz' },
    { name: 'list: first page of 50, by name', path: '/api/v1/accounts?limit=50' },
    {
      name: 'filtered page of 50 (region, ARR >= 100k, -arr)',
      path: `/api/v1/accounts?limit=50&region=${region}&arrMin=100000&sort=-arr`,
    },
    {
      name: 'filtered by owner, renewal window',
      path: `/api/v1/accounts?limit=50&ownerId=${sample.owner_id}&renewalTo=2027-12-31&sort=renewalDate`,
    },
    { name: 'search name/external id', path: `/api/v1/accounts?limit=50&q=${word}` },
    { name: 'account detail', path: `/api/v1/accounts/${sample.id}` },
    { name: 'global search (accounts, contacts, tasks)', path: `/api/v1/search?q=${word}` },
    // The manager's workbench and reports (issue 18 item 2).
    { name: 'workbench: health and stage counts', path: '/api/v1/account-states/summary' },
    { name: 'workbench: renewal window', path: '/api/v1/renewals/window' },
    { name: 'report: CSM scorecards', path: '/api/v1/reports/scorecards' },
    { name: 'report: team overview', path: '/api/v1/reports/team-overview' },
    { name: 'report: stage journey', path: '/api/v1/reports/stages' },
    { name: 'report: revenue ARR', path: '/api/v1/revenue/arr' },
    { name: 'report: net and gross retention', path: '/api/v1/revenue/retention' },
    { name: 'report: ARR movement', path: '/api/v1/revenue/movement' },
    { name: 'report: renewal forecast', path: '/api/v1/revenue/forecast' },
    { name: 'report: automation effectiveness', path: '/api/v1/automation/effectiveness' },
  ];

  // BENCH_ONLY (a regular expression) runs the scenarios whose names match, and the floor.
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : null;
  const results: { name: string; p50: number; p99: number; rps: number; errors: number }[] = [];
  for (const s of scenarios.filter((x, i) => i === 0 || !only || only.test(x.name))) {
    const r = await autocannon({
      url: base + s.path,
      connections: CONNECTIONS,
      // The load generator in its own thread: on the server's, it took the event loop it measures.
      workers: 1,
      duration: SECONDS,
      headers: { authorization: `Bearer ${token}` },
    });
    const errors = r.errors + r.non2xx;
    results.push({ name: s.name, p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors });
  }
  await server.close();
  await close();

  const floor = results[0]!;
  console.log(
    `\nSteward API benchmark: ${ACCOUNTS} accounts, ${config.database.kind}, ${CONNECTIONS} connections, ${SECONDS} s each`,
  );
  console.log(`Raw engine time of the filtered page query: ${rawMs.toFixed(2)} ms\n`);
  console.log(
    'scenario'.padEnd(50),
    'p50 ms'.padStart(7),
    'p99 ms'.padStart(7),
    'req/s'.padStart(8),
    ' p99/target',
    ' req/s vs floor',
    ' errors',
  );
  for (const r of results) {
    console.log(
      r.name.padEnd(50),
      String(r.p50).padStart(7),
      String(r.p99).padStart(7),
      r.rps.toFixed(0).padStart(8),
      `  ${(r.p99 / TARGET_P99_MS).toFixed(2)}`.padStart(11),
      `  ${(r.rps / floor.rps).toFixed(2)}`.padStart(15),
      String(r.errors).padStart(7),
    );
  }
  const filtered = results.find((r) => r.name.startsWith('filtered page'));
  if (filtered)
    console.log(
      `\nFiltered page p99 ${filtered.p99} ms = ${(filtered.p99 / TARGET_P99_MS).toFixed(2)} x the 50 ms target; ` +
        `mean service time ${(1000 / filtered.rps).toFixed(2)} ms = ${(1000 / filtered.rps / rawMs).toFixed(1)} x the raw query`,
    );
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
}
