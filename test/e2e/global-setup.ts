import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../helpers/free-port.ts';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'e2e-admin-password';
export const VIEWER_EMAIL = 'viewer@example.com';
export const VIEWER_PASSWORD = 'e2e-viewer-password';

async function waitForHealthz(base: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Steward exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Steward did not start within 150 s:\n${output()}`);
}

/** The server answers at once and builds the demo beside it: the tests read the finished demo. */
export async function waitForDemo(base: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Steward exited (${child.exitCode}):\n${output()}`);
    const status = (await (await fetch(`${base}/api/v1/demo/status`)).json()) as {
      state: string;
      error?: string;
    };
    if (status.state === 'ready' || status.state === 'none') return;
    if (status.state === 'failed') throw new Error(`the demo failed: ${status.error}\n${output()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the demo was not ready within 600 s:\n${output()}`);
}

/**
 * Builds the web app if needed, starts `steward serve` on a free loopback port with a temp SQLite
 * database and a 200-account demo, and creates a viewer through the API. Stops it afterwards.
 */
export default async function setup(project: TestProject) {
  // STEWARD_E2E_URL: a Steward already running (started with this file's environment), for
  // running the browser tests again and again while working on the web app.
  const external = process.env.STEWARD_E2E_URL;
  if (external) {
    await createViewer(external);
    project.provide('baseUrl', external);
    return () => {};
  }
  const root = join(import.meta.dirname, '..', '..');
  if (!existsSync(join(root, 'web', 'dist', 'index.html'))) {
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-'));
  // STEWARD_E2E_PORT pins the port (machines shared by several runs hand out port ranges).
  const port = Number(process.env.STEWARD_E2E_PORT) || (await freePort());
  const base = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(process.execPath, [join(root, 'bin', 'steward.mjs'), 'serve', '--no-jobs'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: join(dir, 'e2e.db'),
      STEWARD_ADMIN_EMAIL: ADMIN_EMAIL,
      STEWARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
      STEWARD_DEMO: '1',
      STEWARD_DEMO_ACCOUNTS: '200',
      // The integrations test delivers to a receiver on this machine.
      STEWARD_OUTBOUND_ALLOW: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString();
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForHealthz(base, child, () => log);
    await waitForDemo(base, child, () => log);
    await createViewer(base);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('baseUrl', base);
  return stop;
}

/** The viewer, made the way an admin would: through the API (already there on a reused server). */
async function createViewer(base: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const made = await fetch(`${base}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({
      email: VIEWER_EMAIL,
      name: 'Vivian Viewer',
      role: 'viewer',
      locale: 'en',
      password: VIEWER_PASSWORD,
    }),
  });
  if (!made.ok && made.status !== 409)
    throw new Error(`creating the viewer: ${made.status} ${await made.text()}`);
  // The browser tests are about screens, not record-level read access (its own integration tests
  // cover it): every role reads every account, as the integration fixture sets it.
  const scope = await fetch(`${base}/api/v1/team/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ csmReadScope: 'all' }),
  });
  if (!scope.ok) throw new Error(`setting the read scope: ${scope.status} ${await scope.text()}`);
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
