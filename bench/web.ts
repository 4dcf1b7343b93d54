// npm run bench:web — the web app's size and speed.
//
// 1. Bundle: the production build's JavaScript, gzip-compressed (level 9, as a server or CDN would
//    send it): everything, and per route the initial JS a browser must load before the route can
//    render (entry + the route's chunk + their static imports, from Vite's manifest). The charts
//    library is loaded on demand and reported separately. Target: initial JS under 500 KB gzip.
// 2. Time to interactive in headless Chromium (Debian's /usr/bin/chromium) against a Steward server
//    on the 20,000-account demo database: from navigation start to the moment the page's primary
//    content is on screen and clickable (workbench: the health-status counts and the renewals
//    figures; account 360: name, health explanation and the drawn 90-day chart). Each is measured
//    cold (new browser context: empty cache, first API calls) three times; the median is printed,
//    with the time until every card (charts, stage and tier counts, health drops) has loaded.
//    Target: workbench usable within 1.5 s locally. The manager's screens (team, revenue, renewals,
//    scorecards, playbooks' effect, risk, audit log) are timed the same way on the local network,
//    each until its primary table has rows. BENCH_CASES (a regular expression) picks cases by name.
// 3. Bytes on the wire: every file of the build fetched from the running server with a browser's
//    Accept-Encoding and with identity, per asset class (JavaScript, CSS, HTML, SVG), as sent
//    (Content-Length of the raw response, not decoded).
// 4. Throttled: the same cold loads over an emulated 4 Mbit/s link with 100 ms RTT (CDP
//    Network.emulateNetworkConditions), once as Chromium asks (br, gzip) and once with
//    Accept-Encoding: identity (what the server sent before it compressed): time to usable and the
//    bytes transferred (encodedDataLength of every response, API calls included).
//
// The database: BENCH_DATABASE_URL (default ./data/bench-20k.db), made once with
//   DATABASE_URL=./data/bench-20k.db STEWARD_ADMIN_PASSWORD=... nice node bin/steward.mjs demo --accounts 20000
// (several minutes). The bench signs in as BENCH_EMAIL (default bench@example.com), creating that
// manager with `steward user create` on first use.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';
import { freePort } from '../test/helpers/free-port.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'web', 'dist');
const DATABASE = process.env.BENCH_DATABASE_URL ?? join(root, 'data', 'bench-20k.db');
const EMAIL = process.env.BENCH_EMAIL ?? 'bench@example.com';
const PASSWORD = process.env.BENCH_PASSWORD ?? 'bench-password-1';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ---- 1. bundle
interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
function bundleReport() {
  if (!existsSync(join(dist, 'index.html'))) {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const gz = new Map<string, number>();
  const size = (file: string) => {
    let s = gz.get(file);
    if (s === undefined) {
      s = gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
      gz.set(file, s);
    }
    return s;
  };
  const closure = (keys: string[]) => {
    const seen = new Set<string>();
    const visit = (k: string) => {
      if (seen.has(k)) return;
      seen.add(k);
      for (const i of manifest[k]?.imports ?? []) visit(i);
    };
    for (const k of keys) visit(k);
    return [...seen].map((k) => manifest[k]!.file).filter((f) => f.endsWith('.js'));
  };
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry)!;
  const route = (name: string) => Object.keys(manifest).find((k) => k.endsWith(`/${name}.tsx`))!;
  const sum = (files: string[]) => files.reduce((s, f) => s + size(f), 0);
  const allJs = Object.values(manifest)
    .map((c) => c.file)
    .filter((f) => f.endsWith('.js'));
  const charts = closure([route('EChart')]).filter((f) => !closure([entry]).includes(f));
  const rows = [
    ['sign in (shell)', sum(closure([entry]))],
    ['workbench', sum(closure([entry, route('Workbench')]))],
    ['accounts list', sum(closure([entry, route('AccountsPage')]))],
    ['account 360', sum(closure([entry, route('Account360')]))],
    ['configuration', sum(closure([entry, route('ConfigPage')]))],
    ['revenue', sum(closure([entry, route('RevenuePage')]))],
    ['playbooks', sum(closure([entry, route('PlaybooksPage')]))],
    ['admin', sum(closure([entry, route('AdminPage')]))],
    ['team', sum(closure([entry, route('TeamPage')]))],
    ['scorecards', sum(closure([entry, route('ScorecardsPage')]))],
  ] as const;
  console.log('\nBundle (gzip -9)');
  console.log(`  all JavaScript: ${kb(sum([...new Set(allJs)]))} in ${new Set(allJs).size} files`);
  for (const [name, bytes] of rows) {
    console.log(
      `  initial JS, ${name.padEnd(16)} ${kb(bytes).padStart(10)}  ${bytes < 500 * 1024 ? 'under' : 'OVER'} 500 KB`,
    );
  }
  console.log(`  charts (loaded on demand by workbench, account 360, configuration): ${kb(sum(charts))}`);
}

// ---- 2. time to interactive
async function login(base: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  return res;
}

type Network = { throttled: boolean; identity: boolean };
const PLAIN: Network = { throttled: false, identity: false };
/** 4 Mbit/s both ways and 100 ms round trips, as on a cross-province VPN. */
const THROTTLE = { offline: false, latency: 100, downloadThroughput: 4e6 / 8, uploadThroughput: 4e6 / 8 };

async function timeRoute(
  browser: Browser,
  base: string,
  path: string,
  ready: string[],
  full: string[],
  network: Network = PLAIN,
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const res = await context.request.post(`${base}/api/v1/auth/login`, {
    data: { email: EMAIL, password: PASSWORD },
  });
  if (!res.ok()) throw new Error(`bench sign-in failed: ${res.status()}`);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  let wire = 0;
  cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => {
    wire += e.encodedDataLength;
  });
  if (network.throttled) await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  if (network.identity)
    await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  const start = Date.now();
  await page.goto(`${base}${path}`, { waitUntil: 'commit' });
  for (const s of ready) await page.locator(s).first().waitFor({ timeout: 120_000 });
  const interactive = Date.now() - start;
  const wireAtInteractive = wire;
  for (const s of full) await page.locator(s).first().waitFor({ timeout: 300_000 });
  const complete = Date.now() - start;
  await context.close();
  return { interactive, complete, wire: wireAtInteractive };
}

/** The raw bytes one GET sends (no decoding), and its Content-Encoding. */
function rawGet(url: string, acceptEncoding: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('end', () =>
        resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function wireReport(base: string) {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.vite') walk(path);
      } else if (!/\.(br|gz)$/.test(e.name)) files.push(path);
    }
  };
  walk(dist);
  const classes = new Map<
    string,
    { files: number; identity: number; sent: number; encodings: Set<string> }
  >();
  for (const file of files) {
    const url = `${base}/${relative(dist, file)}`;
    const kind = extname(file).slice(1) || 'other';
    const plain = await rawGet(url, 'identity');
    const sent = await rawGet(url, 'gzip, deflate, br, zstd');
    const c = classes.get(kind) ?? { files: 0, identity: 0, sent: 0, encodings: new Set<string>() };
    c.files++;
    c.identity += plain.bytes;
    c.sent += sent.bytes;
    c.encodings.add(sent.encoding);
    classes.set(kind, c);
  }
  console.log(
    '\nBytes on the wire: every file of the build, as the server sends it (Accept-Encoding of Chromium vs identity)',
  );
  let identity = 0;
  let sent = 0;
  for (const [kind, c] of [...classes].sort((a, b) => b[1].identity - a[1].identity)) {
    identity += c.identity;
    sent += c.sent;
    console.log(
      `  ${kind.padEnd(5)} ${String(c.files).padStart(3)} files  ${kb(c.identity).padStart(10)} -> ${kb(c.sent).padStart(10)}  (${((c.sent / c.identity) * 100).toFixed(0)}%, ${[...c.encodings].join('/')})`,
    );
  }
  console.log(
    `  all   ${String(files.length).padStart(3)} files  ${kb(identity).padStart(10)} -> ${kb(sent).padStart(10)}  (${((sent / identity) * 100).toFixed(0)}%)`,
  );
  const apiPlain = await rawGet(`${base}/api/v1/openapi.json`, 'identity');
  const apiSent = await rawGet(`${base}/api/v1/openapi.json`, 'gzip, deflate, br');
  console.log(
    `  API JSON (openapi.json): ${kb(apiPlain.bytes)} -> ${kb(apiSent.bytes)} (${apiSent.encoding})`,
  );
}

async function ttiReport() {
  if (!existsSync(DATABASE.replace(/^sqlite:/, ''))) {
    console.log(`\nTime to interactive: skipped, ${DATABASE} does not exist. Make it once with:`);
    console.log(`  DATABASE_URL=${DATABASE} nice node bin/steward.mjs demo --accounts 20000`);
    return;
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: DATABASE,
    STEWARD_DEMO: '0',
    LOG_LEVEL: 'warn',
  };
  const server = spawn(process.execPath, [join(root, 'bin', 'steward.mjs'), 'serve', '--no-jobs'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let browser: Browser | undefined;
  try {
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error('the server exited');
      if (i > 600) throw new Error('the server did not start in 5 minutes');
      if ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if ((await login(base)).status === 401) {
      const made = spawnSync(
        process.execPath,
        [
          join(root, 'bin', 'steward.mjs'),
          'user',
          'create',
          '--email',
          EMAIL,
          '--role',
          'manager',
          '--password',
          PASSWORD,
          '--name',
          'Bench',
        ],
        { cwd: root, env, stdio: 'inherit' },
      );
      if (made.status !== 0) throw new Error('could not create the bench user');
    }
    await wireReport(base);
    const res = await login(base);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const get = async <T>(p: string) =>
      (await (await fetch(`${base}/api/v1${p}`, { headers: { cookie } })).json()) as T;
    const total = (await get<{ total: number }>('/accounts?limit=1&includeTotal=true')).total;
    const biggest = (await get<{ items: { id: string; name: string }[] }>('/accounts?sort=-arr&limit=1'))
      .items[0]!;
    // The CSM with the most accounts: their workbench is the busiest "my accounts" view.
    const users = (await get<{ items: { id: string; name: string; role: string }[] }>('/users?role=csm'))
      .items;
    let csm = users[0]!;
    let most = -1;
    for (const u of users) {
      const n = (await get<{ total: number }>(`/accounts?ownerId=${u.id}&limit=1&includeTotal=true`)).total;
      if (n > most) {
        most = n;
        csm = u;
      }
    }

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const workbenchReady = ['[data-testid^="health-count-"]', '[data-testid="renewals-count"]'];
    const workbenchFull = [
      '[data-testid="stage-distribution"] canvas',
      '[data-testid="tier-mix"] canvas',
      '[data-testid="dropped-list"], .ant-empty',
    ];
    const a360Ready = [
      '[data-testid="account-name"]',
      '[data-testid="health-explanation"]',
      '[data-testid="health-trend"] canvas',
    ];
    const a360Full = ['[data-testid="timeline"]'];
    const cases = [
      {
        name: `workbench, ${csm.name}'s ${most} accounts`,
        path: `/workbench?owner=${csm.id}`,
        ready: workbenchReady,
        full: workbenchFull,
      },
      {
        name: `workbench, all ${total} accounts`,
        path: '/workbench',
        ready: workbenchReady,
        full: workbenchFull,
      },
      {
        name: `account 360, ${biggest.name}`,
        path: `/accounts/${biggest.id}`,
        ready: a360Ready,
        full: a360Full,
      },
    ];
    // The manager's screens (issue 16), each as it opens: the first rows of its primary table.
    const rows = (id: string) => [`[data-testid="${id}"] .ant-table-row`];
    const screens = [
      { name: 'team: load per CSM', path: '/team', ready: rows('load-table') },
      { name: 'team: capacity planner', path: '/team?tab=capacity', ready: rows('planner-table') },
      { name: 'revenue: ARR by tier', path: '/revenue', ready: rows('arr-table') },
      {
        name: 'revenue: GRR/NRR and cohorts',
        path: '/revenue?tab=retention',
        ready: rows('retention-table'),
      },
      { name: 'revenue: ARR movement', path: '/revenue?tab=movement', ready: rows('movement-table') },
      { name: 'revenue: churn reasons', path: '/revenue?tab=churn', ready: ['[data-testid="churn-table"]'] },
      { name: 'revenue: renewal forecast', path: '/revenue?tab=forecast', ready: rows('forecast-table') },
      { name: 'renewals', path: '/renewals', ready: rows('renewals-table') },
      { name: 'scorecards', path: '/scorecards', ready: rows('scorecards-table') },
      { name: 'playbooks: effect', path: '/playbooks?tab=effect', ready: rows('effect-table') },
      {
        name: 'risk',
        path: '/risk',
        ready: ['[data-testid="risk-model-card"], [data-testid="risk-not-trained"]'],
      },
      { name: 'admin: audit log', path: '/admin', ready: rows('audit-table') },
    ].map((c) => ({ ...c, full: [], only: PLAIN }));
    const only = process.env.BENCH_CASES ? new RegExp(process.env.BENCH_CASES, 'i') : undefined;
    const all = [...cases, ...screens].filter((c) => !only || only.test(c.name));
    const passes: { title: string; network: Network }[] = [
      { title: 'local network', network: PLAIN },
      {
        title: 'throttled 4 Mbit/s, 100 ms RTT, compressed (br/gzip)',
        network: { throttled: true, identity: false },
      },
      {
        title: 'throttled 4 Mbit/s, 100 ms RTT, Accept-Encoding: identity',
        network: { throttled: true, identity: true },
      },
    ];
    for (const pass of passes) {
      console.log(
        `\nTime to usable, headless Chromium, ${total} accounts, ${pass.title} (median of ${RUNS} cold loads)`,
      );
      for (const c of all) {
        if ('only' in c && c.only !== pass.network) continue;
        const runs = [];
        let failed = 0;
        for (let i = 0; i < RUNS; i++) {
          try {
            runs.push(await timeRoute(browser, base, c.path, c.ready, c.full, pass.network));
          } catch (error) {
            // A load that never became usable (2 minutes) is reported, not fatal to the other figures.
            failed++;
            console.log(
              `  ${c.name}: a load did not become usable: ${(error as Error).message.split('\n')[0]}`,
            );
          }
        }
        if (!runs.length) continue;
        const tti = median(runs.map((r) => r.interactive));
        console.log(
          `  ${c.name.padEnd(44)} usable ${String(tti).padStart(6)} ms   all cards ${String(median(runs.map((r) => r.complete))).padStart(6)} ms   ${kb(median(runs.map((r) => r.wire))).padStart(10)} sent   [${runs.map((r) => r.interactive).join(', ')}]${failed ? `, ${failed} failed` : ''}`,
        );
      }
    }
  } finally {
    await browser?.close();
    server.kill('SIGTERM');
  }
}

bundleReport();
await ttiReport();
