// npm run bench:start — the first start on a fresh database, as a newcomer runs it (`npm start`).
//
// Starts `npm start` on an empty SQLite file in a temporary directory and a free port, then
// measures from the spawn:
// 1. until the sign-in page answers (GET / returns the app's HTML) — target: under 15 s;
// 2. until the demo workspace is ready (GET /api/v1/demo/status says `ready`);
// and, while the demo is still being prepared, how long signing in takes (POST /api/v1/auth/login).
// It also counts the server's output lines and those about unsent email (the first start used to
// print 1,766 "email not sent" lines). STEWARD_DEMO_ACCOUNTS (default 2,000) sets the demo's size.
// The server is stopped (SIGINT to the process group it started) and the directory removed at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/free-port.ts';

const root = join(import.meta.dirname, '..');
const PASSWORD = 'bench-start-password-1';
const EMAIL = 'admin@example.com';

type Status = {
  state: string;
  percent: number | null;
  phase: string | null;
  startedAt: string | null;
  error: string | null;
};
const getStatus = async (): Promise<Status> =>
  (await fetch(`${base}/api/v1/demo/status`)).json() as Promise<Status>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const dir = mkdtempSync(join(tmpdir(), 'steward-start-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const lines: string[] = [];
const t0 = Date.now();
const child = spawn('npm', ['start'], {
  cwd: root,
  detached: true,
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: join(dir, 'steward.db'),
    STEWARD_ADMIN_EMAIL: EMAIL,
    STEWARD_ADMIN_PASSWORD: PASSWORD,
    STEWARD_SMTP_URL: '',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
for (const stream of [child.stdout, child.stderr]) {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      process.stdout.write(`  | ${line}\n`);
    }
  });
}
let exited = false;
child.on('exit', () => {
  exited = true;
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, limitMs: number): Promise<T> {
  for (;;) {
    if (exited) throw new Error(`the server exited before ${what}`);
    if (Date.now() - t0 > limitMs) throw new Error(`no ${what} after ${secs(limitMs)}`);
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(100);
  }
}

try {
  await until(
    'sign-in page',
    async () => {
      const res = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
      const html = await res.text();
      return res.ok && html.includes('<div id="root">') ? true : undefined;
    },
    120_000,
  );
  const signInPage = Date.now() - t0;
  console.log(`sign-in page answering: ${secs(signInPage)} after npm start`);

  const status = await getStatus();
  let loginMs: number | undefined;
  if (status.state === 'preparing') {
    const started = Date.now();
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    loginMs = Date.now() - started;
    console.log(`signing in while the demo is at ${status.percent}%: HTTP ${res.status} in ${loginMs} ms`);
  }
  // When each phase was first seen, to weigh the phases of the progress (src/demo/progress.ts).
  const phases = new Map<string, number>();
  const ready = await until(
    'ready demo',
    async () => {
      const s = await getStatus();
      if (s.phase && !phases.has(s.phase)) phases.set(s.phase, Date.now() - t0);
      if (s.state === 'failed') throw new Error(`the demo failed: ${s.error}`);
      return s.state === 'ready' ? s : undefined;
    },
    30 * 60_000,
  );
  const demoReady = Date.now() - t0;
  // The summary line is logged after 2 s without unsent mail: give it that long.
  await sleep(2500);
  const mailLines = lines.filter((l) => l.includes('not sent'));
  console.log('');
  console.log(`sign-in page answering      ${secs(signInPage)}   (target < 15 s)`);
  console.log(`demo workspace ready        ${secs(demoReady)}   (started ${ready.startedAt})`);
  if (loginMs !== undefined) console.log(`sign-in during the build    ${loginMs} ms`);
  const marks = [...phases, ['ready', demoReady] as const];
  for (let i = 0; i + 1 < marks.length; i++)
    console.log(`  phase ${marks[i]![0].padEnd(12)} ${secs(marks[i + 1]![1] - marks[i]![1])}`);
  console.log(`server output lines         ${lines.length}, about unsent email: ${mailLines.length}`);
} finally {
  if (!exited && child.pid) {
    process.kill(-child.pid, 'SIGINT');
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) process.kill(-child.pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
