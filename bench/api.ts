// npm run bench:api — REST API latency under 20 concurrent clients on loopback.
//
// Loads (or reuses) a demo workspace of BENCH_ACCOUNTS accounts (default 20,000) in an SQLite file
// (or DATABASE_URL), starts the real server, and drives it with autocannon. Each figure is printed
// next to limits measured in the same run: the server's own floor (GET /healthz, no database) and the
// engine's raw time for the same filtered query, so the numbers read as ratios, not absolute claims.
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
  const file = `./data/bench-${ACCOUNTS}.db`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? file,
    LOG_LEVEL: 'warn',
  });
  const reuse = config.database.kind === 'sqlite' && existsSync(file);
  const { deps, close } = await openDeps(config);

  let workspace = reuse ? await resolveWorkspace(deps, 'bench').catch(() => undefined) : undefined;
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
  ];

  const results: { name: string; p50: number; p99: number; rps: number; errors: number }[] = [];
  for (const s of scenarios) {
    const r = await autocannon({
      url: base + s.path,
      connections: CONNECTIONS,
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
  const filtered = results[2]!;
  console.log(
    `\nFiltered page p99 ${filtered.p99} ms = ${(filtered.p99 / TARGET_P99_MS).toFixed(2)} x the 50 ms target; ` +
      `mean service time ${(1000 / filtered.rps).toFixed(2)} ms = ${(1000 / filtered.rps / rawMs).toFixed(1)} x the raw query`,
  );
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
}
