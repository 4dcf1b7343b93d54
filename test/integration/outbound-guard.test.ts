// The outbound address guard on rule webhooks: local and private destinations are refused before
// any connection (literal addresses and names that resolve to one), redirects are not followed, the
// allowlist admits exactly what it lists, and the delivery log holds categories only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.ts';
import { deliverDueWebhooks, runRules } from '../../src/modules/automation/index.ts';
import { queueWebhook } from '../../src/modules/automation/webhooks.ts';
import { guardedLookup, postOutbound } from '../../src/outbound.ts';
import { addDays, today } from '../../src/time.ts';
import { client, createTestApp, createTestWorkspace, type TestApp } from '../helpers/test-app.ts';

/** A loopback receiver that counts TCP connections (not just requests) and answers `answer`. */
async function receiver(answer: (res: import('node:http').ServerResponse) => void) {
  let connections = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof receiver>>;
let target: Receiver;
let listed: Receiver;
let redirector: Receiver;

async function setup(t: TestApp, name: string) {
  const ws = await createTestWorkspace(t.deps, name);
  const manager = client(t.app, ws.users.manager.token);
  const a = await manager.post('/api/v1/accounts', {
    externalId: `OG-${name}`,
    name: `Outbound ${name}`,
    ownerId: ws.users.csm.id,
    goLiveDate: addDays(today(ws.ctx), -100),
  });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const c = await manager.post('/api/v1/contracts', {
    accountId: a.body.id,
    startDate: addDays(today(ws.ctx), -100),
    endDate: addDays(today(ws.ctx), 200),
    amount: 50_000,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  return { ws, manager, accountId: a.body.id as string };
}

/** Creates a daily webhook rule for `url`, runs the rules, and returns its deliveries' logs. */
async function deliver(s: Awaited<ReturnType<typeof setup>>, key: string, url: string) {
  const created = await s.manager.post('/api/v1/rules', {
    key,
    name: key,
    trigger: { type: 'daily' },
    condition: 'arr >= 1',
    actions: [{ type: 'webhook', url }],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  // Every other rule of the workspace is disabled once delivered: only this one acts.
  await runRules({ ctx: s.ws.ctx, input: {} });
  const items = (await s.manager.get(`/api/v1/rules/${created.body.id}/deliveries`)).body.items;
  await s.manager.post(`/api/v1/rules/${created.body.id}/disable`);
  return items;
}

beforeAll(async () => {
  target = await receiver((res) => res.writeHead(204).end());
  listed = await receiver((res) => res.writeHead(204).end());
  redirector = await receiver((res) =>
    res.writeHead(302, { location: `http://127.0.0.1:${target.port}/hook` }).end(),
  );
});
afterAll(async () => {
  await Promise.all([target.close(), listed.close(), redirector.close()]);
});

describe('with no allowlist', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    t = await createTestApp();
    s = await setup(t, 'Guarded');
  });
  afterAll(async () => t?.close());

  it.each([
    ['http://127.1:8080/hook', 'loopback'],
    ['http://2130706433/hook', 'loopback'],
    ['http://0x7f000001/hook', 'loopback'],
    ['http://127.0.0.1:5432/', 'loopback'],
    ['http://[::1]:22/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://10.0.0.5/', 'private'],
    ['http://100.64.0.1/', 'cgnat'],
  ])('refuses to save a rule posting to %s (400 naming the field)', async (url, why) => {
    const res = await s.manager.post('/api/v1/rules', {
      key: 'refused',
      name: 'Refused',
      trigger: { type: 'daily' },
      condition: 'arr >= 0',
      actions: [
        { type: 'create_task', title: 'x', taskType: 'renewal', assignee: { role: 'owner' } },
        { type: 'webhook', url },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([
      expect.objectContaining({ path: 'actions.1.url', message: expect.stringContaining(`${why} address`) }),
    ]);
  });

  it('refuses the same on update', async () => {
    const created = await s.manager.post('/api/v1/rules', {
      key: 'to_update',
      name: 'To update',
      trigger: { type: 'daily' },
      condition: 'arr >= 0',
      actions: [{ type: 'webhook', url: 'https://hooks.example.com/x' }],
      enabled: false,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const res = await s.manager.patch(`/api/v1/rules/${created.body.id}`, {
      actions: [{ type: 'webhook', url: 'http://169.254.169.254/' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toBe('actions.0.url');
  });

  it('logs blocked_address for a name resolving to loopback and never connects', async () => {
    const before = target.connections();
    const items = await deliver(s, 'via_localhost', `http://localhost:${target.port}/hook`);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(items[0].log).toEqual([{ at: expect.any(String), statusCode: null, outcome: 'blocked_address' }]);
    expect(target.connections()).toBe(before);
  });

  it('logs blocked_address for stored deliveries to literal local addresses (saved before the guard)', async () => {
    const rule = await s.manager.post('/api/v1/rules', {
      key: 'legacy',
      name: 'Legacy',
      trigger: { type: 'daily' },
      condition: 'arr >= 0',
      actions: [{ type: 'webhook', url: 'https://hooks.example.com/x' }],
      enabled: false,
    });
    const urls = [
      `http://127.1:${target.port}/hook`,
      `http://[::1]:${target.port}/hook`,
      `http://2130706433:${target.port}/hook`,
      `http://0x7f000001:${target.port}/hook`,
      `http://[::ffff:127.0.0.1]:${target.port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
    ];
    // A fresh run id: the PostgreSQL test database keeps earlier runs' deliveries.
    const runId = newId();
    for (const url of urls)
      await queueWebhook(s.ws.ctx, { ruleId: rule.body.id, runId, accountId: s.accountId, url, payload: {} });
    const before = target.connections();
    expect(await deliverDueWebhooks(t.deps, { runId, workspaceId: s.ws.workspace.id })).toMatchObject({
      attempted: urls.length,
      delivered: 0,
    });
    const items = (await s.manager.get(`/api/v1/rules/${rule.body.id}/deliveries`)).body.items;
    expect(items.map((d: { log: { outcome: string }[] }) => d.log.map((l) => l.outcome))).toEqual(
      urls.map(() => ['blocked_address']),
    );
    expect(target.connections()).toBe(before);
  });

  it('shows rows logged before the guard without their error text and timings', async () => {
    const rule = await s.manager.post('/api/v1/rules', {
      key: 'old_log',
      name: 'Old log',
      trigger: { type: 'daily' },
      condition: 'arr >= 0',
      actions: [{ type: 'webhook', url: 'https://hooks.example.com/x' }],
      enabled: false,
    });
    const id = await queueWebhook(s.ws.ctx, {
      ruleId: rule.body.id,
      runId: newId(),
      accountId: s.accountId,
      url: 'https://hooks.example.com/x',
      payload: {},
    });
    const old = [
      {
        at: '2026-12-01T00:00:00.000Z',
        statusCode: null,
        error: 'connect ECONNREFUSED 127.0.0.1:5432',
        ms: 1,
      },
      { at: '2026-12-01T00:01:00.000Z', statusCode: 503, error: null, ms: 12 },
      { at: '2026-12-01T00:02:00.000Z', statusCode: 200, error: null, ms: 9 },
    ];
    await t.deps.db
      .updateTable('webhook_deliveries')
      .set({ log: JSON.stringify(old), status: 'failed' })
      .where('id', '=', id)
      .execute();
    const items = (await s.manager.get(`/api/v1/rules/${rule.body.id}/deliveries`)).body.items;
    expect(items[0].log).toEqual([
      { at: '2026-12-01T00:00:00.000Z', statusCode: null, outcome: 'connection_failed' },
      { at: '2026-12-01T00:01:00.000Z', statusCode: 503, outcome: 'http_5xx' },
      { at: '2026-12-01T00:02:00.000Z', statusCode: 200, outcome: 'ok' },
    ]);
  });

  it('the guard itself refuses every form before connecting, and reports no raw error text', async () => {
    const before = target.connections();
    for (const host of ['127.1', '[::1]', 'localhost', '2130706433', '0x7f000001', '[::ffff:7f00:1]']) {
      const r = await postOutbound(`http://${host}:${target.port}/`, {
        headers: {},
        body: '{}',
        timeoutMs: 2000,
        allow: [],
      });
      expect(r, host).toMatchObject({ outcome: 'blocked_address', statusCode: null });
    }
    expect(target.connections()).toBe(before);
  });
});

describe('with an allowlist', () => {
  let t: TestApp;
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    t = await createTestApp({
      STEWARD_OUTBOUND_ALLOW: `127.0.0.1:${listed.port},127.0.0.1:${redirector.port}`,
    });
    s = await setup(t, 'Allowed');
  });
  afterAll(async () => t?.close());

  it('admits the listed host and port', async () => {
    const before = listed.connections();
    const items = await deliver(s, 'listed', `http://127.0.0.1:${listed.port}/hook`);
    expect(items[0]).toMatchObject({ status: 'delivered', lastStatusCode: 204 });
    expect(items[0].log).toEqual([{ at: expect.any(String), statusCode: 204, outcome: 'ok' }]);
    expect(listed.connections()).toBe(before + 1);
  });

  it('refuses another port on the same host, and a name for the listed address', async () => {
    const res = await s.manager.post('/api/v1/rules', {
      key: 'other_port',
      name: 'Other port',
      trigger: { type: 'daily' },
      condition: 'arr >= 0',
      actions: [{ type: 'webhook', url: `http://127.0.0.1:${target.port}/hook` }],
    });
    expect(res.status).toBe(400);
    const before = listed.connections();
    const items = await deliver(s, 'by_name', `http://localhost:${listed.port}/hook`);
    expect(items[0].log.map((l: { outcome: string }) => l.outcome)).toEqual(['blocked_address']);
    expect(listed.connections()).toBe(before);
  });

  it('does not follow a redirect, even from a listed receiver to a listed address', async () => {
    const before = target.connections();
    const items = await deliver(s, 'redirected', `http://127.0.0.1:${redirector.port}/hook`);
    expect(items[0]).toMatchObject({ status: 'pending', lastStatusCode: 302 });
    expect(items[0].log.map((l: { outcome: string }) => l.outcome)).toEqual(['redirect_refused']);
    expect(target.connections()).toBe(before);
  });
});

describe('outcome categories', () => {
  const post = (url: string, allow = [{ host: '127.0.0.1', port: null }], timeoutMs = 2000) =>
    postOutbound(url, { headers: {}, body: '{}', timeoutMs, allow });

  it('maps status codes, refused connections and silence to categories without error text', async () => {
    const answers = new Map<string, number>([
      ['/404', 404],
      ['/503', 503],
    ]);
    const hung: import('node:http').ServerResponse[] = [];
    const server = createServer((req, res) => {
      req.resume();
      if (req.url === '/hang') hung.push(res);
      else res.writeHead(answers.get(req.url ?? '') ?? 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      expect(await post(`http://127.0.0.1:${port}/ok`)).toEqual({
        outcome: 'ok',
        statusCode: 200,
        detail: null,
      });
      expect(await post(`http://127.0.0.1:${port}/404`)).toMatchObject({
        outcome: 'http_4xx',
        statusCode: 404,
      });
      expect(await post(`http://127.0.0.1:${port}/503`)).toMatchObject({
        outcome: 'http_5xx',
        statusCode: 503,
      });
      expect(await post(`http://127.0.0.1:${port}/hang`, undefined, 200)).toMatchObject({
        outcome: 'timeout',
        statusCode: null,
      });
    } finally {
      for (const res of hung) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    // The port is closed now: a refused connection is one category, whatever the OS said.
    expect(await post(`http://127.0.0.1:${port}/ok`)).toMatchObject({
      outcome: 'connection_failed',
      statusCode: null,
    });
  });

  it('the connect-time lookup refuses a name resolving to loopback in both callback forms', async () => {
    const one = await new Promise<Error | null>((resolve) =>
      guardedLookup('localhost', { family: 0 }, (err) => resolve(err)),
    );
    const all = await new Promise<Error | null>((resolve) =>
      guardedLookup('localhost', { all: true }, (err) => resolve(err)),
    );
    expect((one as NodeJS.ErrnoException | null)?.code).toBe('EBLOCKEDADDRESS');
    expect((all as NodeJS.ErrnoException | null)?.code).toBe('EBLOCKEDADDRESS');
  });
});
