// Events out: subscriptions to Steward's own events, delivered to local receivers that check each
// platform's format and signature as the platform would (the expected signatures are computed here,
// independently of the code under test), retried with backoff, and logged with the answer.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDueWebhooks, verifyWebhookSignature } from '../../src/modules/automation/index.ts';
import {
  dingCheck as dingSigned,
  feishuCheck as feishuSigned,
  type Hit,
  type Receiver,
  receiver,
  sendJson,
  wecomFits as wecomCheck,
} from '../helpers/receivers.ts';
import { client, createTestApp, createTestWorkspace, type TestApp } from '../helpers/test-app.ts';

const FEISHU_SECRET = 'feishu-secret-1';
const DING_SECRET = 'SECdingtalk-secret-1';

// Each receiver checks what its platform checks, and answers as the platform does.
const feishuCheck = (h: Hit) => feishuSigned(h, FEISHU_SECRET);
const dingCheck = (h: Hit) => {
  const { sign, format } = dingSigned(h, DING_SECRET);
  return { sign, token: new URL(h.url, 'http://x').searchParams.get('access_token') === 'tok', format };
};

let t: TestApp;
let hook: Receiver;
let wecom: Receiver;
let feishu: Receiver;
let ding: Receiver;
let flaky: Receiver;
let flakyFails = 1;

beforeAll(async () => {
  t = await createTestApp({ STEWARD_OUTBOUND_ALLOW: '127.0.0.1' });
  hook = await receiver((_, res) => res.writeHead(204).end());
  wecom = await receiver((h, res) =>
    wecomCheck(h)
      ? sendJson(res, 200, { errcode: 0, errmsg: 'ok' })
      : sendJson(res, 200, { errcode: 40008, errmsg: 'invalid message type' }),
  );
  feishu = await receiver((h, res) => {
    const c = feishuCheck(h);
    if (!c.sign)
      return sendJson(res, 200, {
        code: 19021,
        msg: 'sign match fail or timestamp is not within one hour from current time',
      });
    sendJson(
      res,
      200,
      c.format ? { code: 0, msg: 'success', data: {} } : { code: 9499, msg: 'Bad Request', data: {} },
    );
  });
  ding = await receiver((h, res) => {
    const c = dingCheck(h);
    if (!c.sign || !c.token) return sendJson(res, 200, { errcode: 310000, errmsg: 'sign not match' });
    sendJson(
      res,
      200,
      c.format ? { errcode: 0, errmsg: 'ok' } : { errcode: 40035, errmsg: 'missing parameter' },
    );
  });
  flaky = await receiver((_, res) =>
    flakyFails-- > 0 ? res.writeHead(503).end('busy') : res.writeHead(200).end('ok'),
  );
}, 60_000);

afterAll(async () => {
  for (const r of [hook, wecom, feishu, ding, flaky]) await r?.close();
  await t?.close();
});

async function workspace(name: string) {
  const ws = await createTestWorkspace(t.deps, name);
  const admin = client(t.app, ws.users.admin.token);
  const manager = client(t.app, ws.users.manager.token);
  const acc = await manager.post('/api/v1/accounts', {
    externalId: `EO-${name}`,
    name: `北辰科技 ${name}`,
    ownerId: ws.users.csm.id,
  });
  expect(acc.status, JSON.stringify(acc.body)).toBe(201);
  return { ws, admin, manager, accountId: acc.body.id as string };
}

describe('event subscriptions', () => {
  it('sends a task.created event to a webhook, signed over timestamp and body, and logs the answer', async () => {
    const s = await workspace('hook');
    const sub = await s.admin.post('/api/v1/subscriptions', {
      name: 'CRM sync',
      kind: 'webhook',
      url: hook.url('/steward'),
      events: ['task.created', 'task.completed'],
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    expect(sub.body.secret).toMatch(/^whsec_/);
    const task = await s.manager.post('/api/v1/tasks', {
      accountId: s.accountId,
      title: 'Call about onboarding',
      type: 'call',
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const pending = (await s.admin.get(`/api/v1/subscriptions/${sub.body.id}/deliveries`)).body.items;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ eventType: 'task.created', status: 'pending', attempts: 0 });

    const before = hook.hits.length;
    expect(await deliverDueWebhooks(t.deps, { workspaceId: s.ws.workspace.id })).toMatchObject({
      attempted: 1,
      delivered: 1,
    });
    const hit = hook.hits[before]!;
    expect(
      verifyWebhookSignature(
        sub.body.secret,
        {
          signature: hit.headers['x-steward-signature'] as string,
          timestamp: hit.headers['x-steward-timestamp'] as string,
        },
        hit.body,
      ),
    ).toBe(true);
    // Checked by hand too: sha256=HMAC(secret, "<timestamp>.<body>").
    const ts = hit.headers['x-steward-timestamp'] as string;
    expect(hit.headers['x-steward-signature']).toBe(
      `sha256=${createHmac('sha256', sub.body.secret).update(`${ts}.${hit.body}`).digest('hex')}`,
    );
    expect(hit.headers['x-steward-event']).toBe('task.created');
    const body = JSON.parse(hit.body);
    expect(body).toMatchObject({
      type: 'task.created',
      account: { id: s.accountId, externalId: 'EO-hook' },
      entity: { type: 'task', id: task.body.id },
    });
    expect(body.title).toContain('Call about onboarding');

    // Completing it is the second event; other changes are not.
    await s.manager.patch(`/api/v1/tasks/${task.body.id}`, { priority: 'P1' });
    await s.manager.patch(`/api/v1/tasks/${task.body.id}`, { status: 'done' });
    await deliverDueWebhooks(t.deps, { workspaceId: s.ws.workspace.id });
    const log = (await s.admin.get(`/api/v1/subscriptions/${sub.body.id}/deliveries`)).body.items;
    expect(log.map((d: { eventType: string }) => d.eventType)).toEqual(['task.completed', 'task.created']);
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
    expect(log[0].log[0]).toMatchObject({ statusCode: 204, outcome: 'ok' });
  });

  it('writes WeCom markdown in the subscription’s language and records the bot’s answer', async () => {
    const s = await workspace('wecom');
    const sub = await s.admin.post('/api/v1/subscriptions', {
      name: '客户成功群',
      kind: 'wecom',
      url: wecom.url('/cgi-bin/webhook/send?key=abc'),
      events: ['account.tier_changed'],
      locale: 'zh-CN',
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    expect(sub.body).toMatchObject({ secret: null, hasSecret: false });
    const set = await s.manager.post(`/api/v1/accounts/${s.accountId}/tier-override`, {
      tier: 'strategic',
      reason: '大客户',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const before = wecom.hits.length;
    await deliverDueWebhooks(t.deps, { workspaceId: s.ws.workspace.id });
    const hit = wecom.hits[before]!;
    expect(wecomCheck(hit)).toBe(true);
    const content = JSON.parse(hit.body).markdown.content as string;
    expect(content).toContain('**分层变化**');
    expect(content).toContain('北辰科技 wecom');
    expect(content).toContain('战略型');
    expect(content).not.toMatch(/Tier|Strategic/);
    const d = (await s.admin.get(`/api/v1/subscriptions/${sub.body.id}/deliveries`)).body.items[0];
    expect(d).toMatchObject({
      status: 'delivered',
      lastStatusCode: 200,
      lastResponse: '{"errcode":0,"errmsg":"ok"}',
    });
  });

  it('signs Feishu in the body and DingTalk in the query as each platform checks; a refused signature is retried, not delivered', async () => {
    const s = await workspace('bots');
    const fs = await s.admin.post('/api/v1/subscriptions', {
      name: '飞书群',
      kind: 'feishu',
      url: feishu.url('/open-apis/bot/v2/hook/xyz'),
      events: ['task.created'],
      secret: FEISHU_SECRET,
      locale: 'en',
    });
    const dt = await s.admin.post('/api/v1/subscriptions', {
      name: '钉钉群',
      kind: 'dingtalk',
      url: ding.url('/robot/send?access_token=tok'),
      events: ['task.created'],
      secret: DING_SECRET,
      locale: 'zh-CN',
    });
    const wrong = await s.admin.post('/api/v1/subscriptions', {
      name: 'wrong secret',
      kind: 'feishu',
      url: feishu.url('/open-apis/bot/v2/hook/other'),
      events: ['task.created'],
      secret: 'not-the-bot-secret',
    });
    for (const r of [fs, dt, wrong]) expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(fs.body).toMatchObject({ secret: null, hasSecret: true });
    await s.manager.post('/api/v1/tasks', { accountId: s.accountId, title: 'QBR prep', type: 'qbr' });
    const f0 = feishu.hits.length;
    const d0 = ding.hits.length;
    expect(await deliverDueWebhooks(t.deps, { workspaceId: s.ws.workspace.id })).toMatchObject({
      attempted: 3,
      delivered: 2,
    });
    const fh = feishu.hits.slice(f0).find((h) => h.url.endsWith('/xyz'))!;
    expect(feishuCheck(fh)).toEqual({ sign: true, format: true });
    expect(JSON.parse(fh.body).card.header.title.content).toBe('Task created');
    const dh = ding.hits[d0]!;
    expect(dingCheck(dh)).toEqual({ sign: true, token: true, format: true });
    expect(JSON.parse(dh.body).markdown.title).toBe('新建任务');

    const bad = (await s.admin.get(`/api/v1/subscriptions/${wrong.body.id}/deliveries`)).body.items[0];
    expect(bad).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 200 });
    expect(bad.log[0].outcome).toBe('rejected');
    expect(bad.lastResponse).toContain('19021');
  });

  it('retries with exponential backoff through the job and logs every attempt', async () => {
    const s = await workspace('retry');
    const sub = await s.admin.post('/api/v1/subscriptions', {
      name: 'flaky',
      kind: 'webhook',
      url: flaky.url('/in'),
      events: ['request.logged'],
    });
    flakyFails = 2;
    const req = await s.manager.post('/api/v1/requests', {
      accountId: s.accountId,
      title: 'SSO with WeCom login',
    });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const start = Date.now();
    const at = (ms: number) => ({ ...t.deps, now: () => new Date(start + ms) });
    expect(await deliverDueWebhooks(at(0), { subscriptionId: sub.body.id })).toMatchObject({
      attempted: 1,
      delivered: 0,
    });
    // The first retry is due 30 s later, the next 60 s after that: nothing before.
    expect(await deliverDueWebhooks(at(29_000), { subscriptionId: sub.body.id })).toMatchObject({
      attempted: 0,
    });
    expect(await deliverDueWebhooks(at(31_000), { subscriptionId: sub.body.id })).toMatchObject({
      attempted: 1,
      delivered: 0,
    });
    let d = (await s.admin.get(`/api/v1/subscriptions/${sub.body.id}/deliveries`)).body.items[0];
    expect(Date.parse(d.nextAttemptAt) - (start + 31_000)).toBe(60_000);
    expect(await deliverDueWebhooks(at(92_000), { subscriptionId: sub.body.id })).toMatchObject({
      attempted: 1,
      delivered: 1,
    });
    d = (await s.admin.get(`/api/v1/subscriptions/${sub.body.id}/deliveries`)).body.items[0];
    expect(d.status).toBe('delivered');
    expect(d.log.map((l: { statusCode: number; outcome: string }) => [l.statusCode, l.outcome])).toEqual([
      [503, 'http_5xx'],
      [503, 'http_5xx'],
      [200, 'ok'],
    ]);
    expect(d.lastResponse).toBe('ok');
  });

  it('test-sends at once, cancels pending deliveries when disabled, refuses local addresses and non-admins', async () => {
    const s = await workspace('manage');
    const sub = await s.admin.post('/api/v1/subscriptions', {
      name: 'ding test',
      kind: 'dingtalk',
      url: ding.url('/robot/send?access_token=tok'),
      events: ['task.created'],
      secret: DING_SECRET,
      locale: 'en',
    });
    const test = await s.admin.post(`/api/v1/subscriptions/${sub.body.id}/test`);
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body).toMatchObject({
      eventType: 'test',
      status: 'delivered',
      lastResponse: '{"errcode":0,"errmsg":"ok"}',
    });
    expect(JSON.parse(test.body.payload).markdown.text).toContain('ding test');

    await s.manager.post('/api/v1/tasks', { accountId: s.accountId, title: 'Follow up', type: 'call' });
    const off = await s.admin.patch(`/api/v1/subscriptions/${sub.body.id}`, { enabled: false });
    expect(off.body.enabled).toBe(false);
    const items = (await s.admin.get(`/api/v1/subscriptions/${sub.body.id}/deliveries`)).body.items;
    expect(items.find((d: { eventType: string }) => d.eventType === 'task.created').status).toBe('cancelled');
    await s.manager.post('/api/v1/tasks', { accountId: s.accountId, title: 'Not sent', type: 'call' });
    expect((await s.admin.get(`/api/v1/subscriptions/${sub.body.id}/deliveries`)).body.items).toHaveLength(2);

    const blocked = await s.admin.post('/api/v1/subscriptions', {
      name: 'x',
      kind: 'webhook',
      url: 'http://10.1.2.3/hook',
      events: ['task.created'],
    });
    expect(blocked.status).toBe(400);
    expect(blocked.body.error.details.issues[0].path).toBe('url');
    const badEvent = await s.admin.post('/api/v1/subscriptions', {
      name: 'x',
      kind: 'webhook',
      url: hook.url('/'),
      events: ['account.exploded'],
    });
    expect(badEvent.status).toBe(400);
    expect(JSON.stringify(badEvent.body)).toContain('events');
    expect((await s.manager.get('/api/v1/subscriptions')).status).toBe(403);
    expect(
      (await client(t.app, s.ws.users.viewer.token).post(`/api/v1/subscriptions/${sub.body.id}/test`)).status,
    ).toBe(403);
    expect((await s.admin.delete(`/api/v1/subscriptions/${sub.body.id}`)).status).toBe(204);
    expect((await s.admin.get(`/api/v1/subscriptions/${sub.body.id}`)).status).toBe(404);
  });
});
