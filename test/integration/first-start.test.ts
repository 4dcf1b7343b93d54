// Issue 12, item 7: the first start serves at once and builds the demo in a worker beside it.
// The status endpoint answers without a session (the sign-in page polls it); the worker reports a
// progress that only goes up and ends at 100; unsent mail is one summary line, not one per message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoInWorker } from '../../src/demo/build-worker.ts';
import { DEMO_PHASES, type DemoProgress } from '../../src/demo/progress.ts';
import { flushUnsentMail, sendMail } from '../../src/mail.ts';
import { demoStatus } from '../../src/server/demo-status.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'First start');
});
afterAll(async () => {
  demoStatus.reset();
  await t?.close();
});

describe('GET /api/v1/demo/status', () => {
  const anonymous = () => client(t.app, null);

  it('answers without signing in: nothing is being prepared by default', async () => {
    const res = await anonymous().get('/api/v1/demo/status');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      state: 'none',
      percent: null,
      phase: null,
      startedAt: null,
      finishedAt: null,
      error: null,
    });
  });

  it('reports the build while it runs, then ready, or the reason it failed', async () => {
    demoStatus.start(new Date('2026-12-06T01:00:00.000Z'));
    demoStatus.progress(43, 'usage');
    const during = await anonymous().get('/api/v1/demo/status');
    expect(during.body).toMatchObject({
      state: 'preparing',
      percent: 43,
      phase: 'usage',
      startedAt: '2026-12-06T01:00:00.000Z',
    });
    demoStatus.finish(new Date('2026-12-06T01:02:00.000Z'));
    const after = await anonymous().get('/api/v1/demo/status');
    expect(after.body).toMatchObject({
      state: 'ready',
      percent: 100,
      finishedAt: '2026-12-06T01:02:00.000Z',
    });
    demoStatus.fail('disk full');
    expect((await anonymous().get('/api/v1/demo/status')).body).toMatchObject({
      state: 'failed',
      error: 'disk full',
    });
    demoStatus.reset();
  });
});

describe('the demo build in a worker', () => {
  it.skipIf(!!process.env.STEWARD_TEST_DATABASE_URL)(
    'builds the workspace on its own connection, reporting rising progress up to 100%',
    async () => {
      const seen: DemoProgress[] = [];
      const made = await buildDemoInWorker(
        {
          config: t.deps.config,
          workspace: { id: ws.workspace.id, baseCurrency: 'CNY', timeZone: ws.workspace.timeZone },
          options: { accounts: 12, days: 14, seed: 5 },
          actor: 'test:first-start',
        },
        (p) => seen.push(p),
      );
      expect(made.accounts).toBe(12);
      const percents = seen.map((p) => p.percent);
      expect(percents.at(-1)).toBe(100);
      expect([...percents].sort((a, b) => a - b)).toEqual(percents);
      // Phases in build order (a phase too short to move the percentage is not reported).
      const order = seen.map((p) => DEMO_PHASES.indexOf(p.phase));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(seen.map((p) => p.phase)).toEqual(expect.arrayContaining(['accounts', 'usage', 'history']));
      const accounts = await client(t.app, ws.users.admin.token).get('/api/v1/accounts?limit=100');
      expect(accounts.body.items).toHaveLength(12);
    },
    240_000,
  );
});

describe('mail without STEWARD_SMTP_URL', () => {
  it('logs one summary line for every unsent message, not one line each', async () => {
    const info: string[] = [];
    const logger = {
      info: (_o: unknown, m: string) => info.push(m),
      debug: () => {},
    } as unknown as typeof t.deps.logger;
    const deps = { config: { ...t.deps.config, smtpUrl: undefined }, logger };
    for (let i = 0; i < 25; i++) {
      const r = await sendMail(deps, { to: `a${i}@example.com`, subject: 'Hi', text: 'x' });
      expect(r.sent).toBe(false);
    }
    expect(info).toEqual([]);
    flushUnsentMail(logger);
    expect(info).toEqual(['25 emails not sent: STEWARD_SMTP_URL is not set']);
    await sendMail(deps, { to: 'b@example.com', subject: 'Hi', text: 'x' });
    // Without a flush, the line comes on its own after a quiet spell of two seconds.
    await new Promise((r) => setTimeout(r, 2300));
    expect(info).toEqual([
      '25 emails not sent: STEWARD_SMTP_URL is not set',
      '1 email not sent: STEWARD_SMTP_URL is not set',
    ]);
  });
});
