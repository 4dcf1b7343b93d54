// Heavy reads (server/fair-load.ts) answered by the heavy-read processes: the same answers as
// in-process, bodies of POST previews passed through, the caller's language kept, and the per-user
// limit answering 429 while the main thread stays free. On both engines.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/modules/accounts/index.ts';
import { createApp } from '../../src/server/app.ts';
import { answeredInWorkers } from '../../src/server/heavy-pool.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
} from '../helpers/test-app.ts';

let t: TestApp;
let pooled: Client;
let inProcess: Client;
let other: Client;
let managerToken: string;
const api = (path: string) => `/api/v1${path}`;

/** This process's heavy-read children (Linux). */
const heavyProcesses = () =>
  readdirSync('/proc/self/task')
    .flatMap((tid) => readFileSync(`/proc/self/task/${tid}/children`, 'utf8').split(' ').filter(Boolean))
    .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('heavy-worker-entry.mjs'));

beforeAll(async () => {
  t = await createTestApp({ STEWARD_HEAVY_WORKERS: '1', STEWARD_HEAVY_PER_USER: '1' });
  const ws = await createTestWorkspace(t.deps, 'Heavy reads');
  for (let i = 0; i < 12; i++) {
    await createAccount({ ctx: ws.ctx, input: { name: `Heavy ${i}`, externalId: `H${i}` } });
  }
  managerToken = ws.users.manager.token;
  pooled = client(t.app, managerToken);
  other = client(t.app, ws.users.admin.token);
  const here = createApp({ ...t.deps, config: { ...t.deps.config, heavyWorkers: 0 } });
  inProcess = client(here, ws.users.manager.token);
}, 60_000);
afterAll(async () => t?.close());

describe('heavy reads in heavy-read processes', () => {
  it('answer a large list page as the in-process app does', async () => {
    const before = answeredInWorkers();
    const res = await pooled.get(api('/accounts?limit=200&sort=name'));
    expect(res.status).toBe(200);
    expect(answeredInWorkers()).toBe(before + 1);
    const here = await inProcess.get(api('/accounts?limit=200&sort=name'));
    expect(res.body).toEqual(here.body);
    expect(res.body.items).toHaveLength(12);
    expect(res.headers.get('content-type')).toMatch(/json/);
  }, 60_000);

  // V8's garbage collection helpers of a worker thread's heap ran at the normal priority and took
  // a third of a core from the main thread under bench:fairness: every thread of the process is lowered.
  it.runIf(existsSync('/proc/self/task'))(
    'run in a child process whose every thread is at the lowest priority',
    async () => {
      expect((await pooled.get(api('/accounts?limit=200'))).status).toBe(200);
      const heavy = heavyProcesses();
      expect(heavy.length).toBeGreaterThan(0);
      for (const pid of heavy) {
        const nice = readdirSync(`/proc/${pid}/task`).map((tid) => {
          const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
          // Field 19 (nice), counted after the command name's closing parenthesis.
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        });
        expect(nice.length).toBeGreaterThan(4);
        expect(new Set(nice)).toEqual(new Set([19]));
      }
    },
    60_000,
  );

  // They loaded the app on the first heavy request: the first report after a restart took ~2 s more.
  it.runIf(existsSync('/proc/self/task'))('start with the app, before any heavy request', async () => {
    const before = heavyProcesses().length;
    createApp({ ...t.deps, config: { ...t.deps.config, heavyWorkers: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heavyProcesses().length).toBe(before + 2);
  });

  it('pass a POST preview body through and answer in the caller’s language', async () => {
    const before = answeredInWorkers();
    const body = { condition: 'arr >= 0' };
    const res = await pooled.post(api('/segments/preview'), body);
    expect(answeredInWorkers()).toBe(before + 1);
    expect(res.body).toEqual((await inProcess.post(api('/segments/preview'), body)).body);
    const bad = await client(t.app, null).get(api('/accounts?limit=200'));
    expect(bad.status).toBe(401);
    const zh = client(t.app, managerToken, { 'accept-language': 'zh-CN' });
    const wrong = await zh.post(api('/segments/preview'), { condition: 'arr >>= 1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain(
      '此处不应出现 ">="（第 1 行第 6 列；此处应为数字或 "字符串"）',
    );
  }, 60_000);

  it('answer a second heavy read of the same user 429 while the first runs, and others meanwhile', async () => {
    const [first, second, cheap] = await Promise.all([
      pooled.get(api('/accounts?limit=150')),
      pooled.get(api('/accounts?limit=160')),
      other.get(api('/accounts?limit=10')),
    ]);
    // Whichever of the two reaches the limit second is refused (their order is the engine's).
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 429]);
    expect((first.status === 429 ? first : second).headers.get('retry-after')).toBe('2');
    expect(cheap.status).toBe(200);
  }, 60_000);
});
