// npm run bench:import [rows] [--dry-run-only]: writes an xlsx of N account rows (default 100,000;
// Chinese headers, dates, a repeated row per 10 and a total row) and imports it through the real
// server, spawned as `steward serve --no-jobs` on a fresh SQLite file (or BENCH_DATABASE_URL, an
// empty PostgreSQL database), while a client polls /healthz every 20 ms. The import runs in the
// server's heavy-read process and writes in short batches (accounts/import.ts), so /healthz
// should stay under 100 ms at p99.
//
// Prints, with ratios to limits measured in the same run:
// - the limit: parsing the same file alone (ExcelJS streaming reader, every record) in this process;
// - /healthz p50/p99/max with the server idle, then during the dry run and the import (target p99 < 100 ms);
// - the dry run's and the import's time, as multiples of the parse-alone time;
// - the server's peak RSS (VmHWM, the server and its heavy-read process, summed), and after the idle start;
// - importing the same file again: nothing changes (created 0, updated 0).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { operatorCtx } from '../src/cli/workspace.ts';
import { loadConfig } from '../src/config.ts';
import { openDeps } from '../src/deps.ts';
import { openImportSource } from '../src/modules/accounts/import-source.ts';
import { createToken, createUser } from '../src/modules/auth/index.ts';
import { createWorkspace } from '../src/modules/workspaces/index.ts';
import { freePort } from '../test/helpers/free-port.ts';

const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 100_000);
const dryOnly = process.argv.includes('--dry-run-only');
const dir = mkdtempSync(join(tmpdir(), 'steward-bench-import-'));
const url = process.env.BENCH_DATABASE_URL ?? join(dir, 'bench.db');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TARGET_P99_MS = 100;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const lat = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(1)} ms, p99 ${pct(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} requests)`;

/** The server's memory with its heavy-read processes (its children): peaks summed, an upper bound. */
function memoryOf(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .split(' ')
    .filter(Boolean)
    .map(Number);
  return children.map(memoryOf).reduce((a, b) => ({ hwm: a.hwm + b.hwm, rss: a.rss + b.rss }), {
    hwm: kb('VmHWM'),
    rss: kb('VmRSS'),
  });
}

async function writeFile(file: string) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = wb.addWorksheet('客户');
  sheet.addRow(['客户编号', '客户名称', '区域', '行业', '席位数', '上线日期', '标签']).commit();
  const regions = ['华东', '华南', '华北', '西南', '华中'];
  for (let i = 1; i <= rows; i++) {
    const n = i % 10 === 0 ? i - 1 : i; // every tenth row repeats the one before: merged
    sheet
      .addRow([
        `B-${n}`,
        `基准客户${n}有限公司`,
        regions[n % 5],
        n % 3 ? '制造' : '软件',
        (n % 500) + 5,
        new Date(Date.UTC(2020 + (n % 5), n % 12, (n % 28) + 1)),
        n % 2 ? '重点|续约' : '',
      ])
      .commit();
  }
  sheet.addRow(['合计', '', '', '', '', '', '']).commit();
  await wb.commit();
}

/** The limit: the same bytes through the import's reader alone, no checks, no database. */
async function parseAlone(bytes: Buffer) {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  let records = 0;
  for await (const _ of openImportSource(bytes).records()) records++;
  const ms = performance.now() - started;
  clearInterval(sample);
  return { ms, records, peak: Math.max(peak, process.memoryUsage().rss) - before };
}

async function prepare() {
  const config = loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', STEWARD_DEMO: '0' });
  const { deps, close } = await openDeps(config);
  const workspace = await createWorkspace(deps, {
    name: 'Import bench',
    slug: `import-bench-${Date.now().toString(36)}`,
    baseCurrency: 'CNY',
    timeZone: 'Asia/Shanghai',
  });
  const ctx = operatorCtx(deps, workspace, 'bench');
  const user = await createUser({
    ctx,
    input: {
      email: `importer.${Date.now()}@bench.example.com`,
      name: 'Importer',
      role: 'manager',
      locale: 'en',
      password: 'bench-password-long',
    },
  });
  const { token } = await createToken({
    ctx,
    input: { name: 'bench', scopes: ['read', 'write'], userId: user.id },
  });
  await close();
  return token;
}

async function startServer(port: number) {
  const child = spawn(process.execPath, ['bin/steward.mjs', 'serve', '--no-jobs'], {
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
  const started = Date.now();
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (Date.now() - started > 60_000) throw new Error('the server did not start in 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { pid: child.pid!, stop };
}

/** Polls /healthz every 20 ms until `until` settles; the latencies it saw. */
async function healthzDuring<T>(
  base: string,
  until: Promise<T>,
): Promise<{ result: T; latencies: number[] }> {
  const latencies: number[] = [];
  let done = false;
  const settled = until.finally(() => {
    done = true;
  });
  const poll = (async () => {
    while (!done) {
      const t0 = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const result = await settled;
  await poll;
  return { result, latencies };
}

type Report = {
  rows: number;
  valid: number;
  created: number;
  updated: number;
  unchanged: number;
  merged: number;
};

/** POST the file (async), then follow the run until it is done; the report and the wall time. */
async function runImport(base: string, token: string, bytes: Buffer, query: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': XLSX };
  const started = performance.now();
  const res = await fetch(`${base}/api/v1/imports/accounts?async=true&${query}`, {
    method: 'POST',
    headers,
    body: new Uint8Array(bytes),
  });
  const body = (await res.json()) as { runId?: string };
  if (res.status !== 202 || !body.runId)
    throw new Error(`import answered ${res.status}: ${JSON.stringify(body)}`);
  let lastPhase = '';
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const run = (await (
      await fetch(`${base}/api/v1/imports/runs/${body.runId}`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as {
      status: string;
      report: Report | null;
      error: unknown;
      progress: { phase: string } | null;
    };
    if (run.progress && run.progress.phase !== lastPhase) {
      lastPhase = run.progress.phase;
      process.stderr.write(`  ${lastPhase} phase at ${sec(performance.now() - started)}\n`);
    }
    if (run.status !== 'running') {
      if (run.status !== 'done' || !run.report)
        throw new Error(`import ${run.status}: ${JSON.stringify(run.error)}`);
      return { report: run.report, ms: performance.now() - started };
    }
  }
}

let stop: (() => Promise<void>) | undefined;
try {
  const file = join(dir, 'accounts.xlsx');
  const t0 = performance.now();
  await writeFile(file);
  const bytes = readFileSync(file);
  console.log(`Wrote ${rows} rows as xlsx (${mb(statSync(file).size)}) in ${sec(performance.now() - t0)}`);

  const limit = await parseAlone(bytes);
  console.log(
    `Limit: parsing the file alone (${limit.records} records): ${sec(limit.ms)}, +${mb(limit.peak)} RSS in this process`,
  );

  const token = await prepare();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(port);
  stop = server.stop;
  // Warm-up: the first import starts the heavy-read process (loading the app there takes seconds).
  const tiny = Buffer.from('客户编号,客户名称\nWARM-1,预热客户\n');
  await fetch(`${base}/api/v1/imports/accounts?dryRun=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: new Uint8Array(tiny),
  }).then((r) => r.arrayBuffer());
  const idle = await healthzDuring(base, new Promise((r) => setTimeout(r, 3000)));
  const idleMemory = memoryOf(server.pid);
  console.log(`Server idle: /healthz ${lat(idle.latencies)}; RSS ${mb(idleMemory.rss)}`);

  const dry = await healthzDuring(base, runImport(base, token, bytes, 'dryRun=true'));
  const dryP99 = pct(dry.latencies, 99);
  console.log(
    `Dry run (read + check ${dry.result.report.rows} rows, ${dry.result.report.merged} merged): ${sec(dry.result.ms)} = ${(dry.result.ms / limit.ms).toFixed(2)}x parse alone; /healthz ${lat(dry.latencies)} = ${(dryP99 / TARGET_P99_MS).toFixed(2)}x the 100 ms target`,
  );
  if (!dryOnly) {
    const done = await healthzDuring(base, runImport(base, token, bytes, 'fileName=bench.xlsx'));
    const p99 = pct(done.latencies, 99);
    const r = done.result.report;
    console.log(
      `Import (read, check, write ${r.created} accounts through the verbs in batches, in the heavy-read process): ${sec(done.result.ms)} = ${(done.result.ms / limit.ms).toFixed(1)}x parse alone; ${((r.created / done.result.ms) * 1000).toFixed(0)} rows/s`,
    );
    console.log(
      `  /healthz during the import: ${lat(done.latencies)} = ${(p99 / TARGET_P99_MS).toFixed(2)}x the 100 ms target, ${(p99 / pct(idle.latencies, 99)).toFixed(1)}x idle p99`,
    );
    const again = await healthzDuring(base, runImport(base, token, bytes, 'fileName=bench-again.xlsx'));
    const a = again.result.report;
    console.log(
      `The same file again: ${sec(again.result.ms)} = ${(again.result.ms / limit.ms).toFixed(2)}x parse alone; created ${a.created}, updated ${a.updated}, unchanged ${a.unchanged}; /healthz ${lat(again.latencies)}`,
    );
  }
  const memory = memoryOf(server.pid);
  console.log(
    `Server peak RSS (VmHWM, the server + its heavy-read process, summed): ${mb(memory.hwm)} (${(memory.hwm / idleMemory.rss).toFixed(1)}x idle RSS ${mb(idleMemory.rss)})`,
  );
} finally {
  await stop?.();
  rmSync(dir, { recursive: true, force: true });
}
