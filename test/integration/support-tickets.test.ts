// Support tickets: the inbound webhook (write key or API token), the CSV import and its re-import,
// the timeline, the facts as of a day, the default model's support dimension, and the events out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFacts } from '../../src/modules/facts/index.ts';
import { addDays, today } from '../../src/time.ts';
import { client, createTestApp, createTestWorkspace, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

async function workspace(name: string) {
  const ws = await createTestWorkspace(t.deps, name);
  const admin = client(t.app, ws.users.admin.token);
  const manager = client(t.app, ws.users.manager.token);
  const key = (await admin.post('/api/v1/write-keys', { name: 'help desk' })).body.key as string;
  const ids: string[] = [];
  for (const ext of ['ACME', 'BETA']) {
    const a = await manager.post('/api/v1/accounts', {
      externalId: `${ext}-${name}`,
      name: `${ext} ${name}`,
      ownerId: ws.users.csm.id,
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    ids.push(a.body.id);
  }
  const webhook = (body: unknown, auth: Record<string, string>) =>
    t.app.request('/api/v1/tickets/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en', ...auth },
      body: JSON.stringify(body),
    });
  return { ws, admin, manager, key, ids, webhook };
}

describe('the ticket webhook', () => {
  it('creates and updates by external id with a write key, and writes the timeline once per happening', async () => {
    const s = await workspace('hook');
    const opened = new Date(Date.now() - 5 * 3600_000).toISOString();
    const r1 = await s.webhook(
      {
        externalId: 'Z-100',
        accountExternalId: 'ACME-hook',
        subject: 'Export fails',
        priority: 'high',
        channel: 'email',
        createdAt: opened,
      },
      { authorization: basic(s.key) },
    );
    expect(r1.status, await r1.clone().text()).toBe(200);
    expect(await r1.json()).toMatchObject({
      created: 1,
      updated: 0,
      tickets: [{ externalId: 'Z-100', status: 'new', openedAt: opened }],
    });
    const solved = new Date(Date.now() - 3600_000).toISOString();
    const r2 = await s.webhook(
      {
        externalId: 'Z-100',
        accountExternalId: 'ACME-hook',
        status: 'solved',
        solvedAt: solved,
        satisfaction: 'bad',
        escalated: true,
      },
      { 'x-steward-write-key': s.key },
    );
    expect(await r2.json()).toMatchObject({
      created: 0,
      updated: 1,
      tickets: [
        {
          status: 'solved',
          solvedAt: solved,
          satisfaction: 1,
          escalated: true,
          subject: 'Export fails',
          priority: 'high',
        },
      ],
    });
    // The same update again changes nothing on the timeline.
    await s.webhook(
      {
        externalId: 'Z-100',
        accountExternalId: 'ACME-hook',
        status: 'solved',
        solvedAt: solved,
        satisfaction: 'bad',
        escalated: true,
      },
      { 'x-steward-write-key': s.key },
    );
    const tl = (await s.manager.get(`/api/v1/accounts/${s.ids[0]}/timeline`)).body.items as {
      type: string;
      title: string;
    }[];
    const types = tl
      .filter((e) => e.type.startsWith('ticket.'))
      .map((e) => e.type)
      .sort();
    expect(types).toEqual(['ticket.created', 'ticket.escalated', 'ticket.low_satisfaction', 'ticket.solved']);
    expect(tl.find((e) => e.type === 'ticket.created')!.title).toBe('Ticket #Z-100 opened: Export fails');
    const zh = await client(t.app, s.ws.users.manager.token, { 'accept-language': 'zh-CN' }).get(
      `/api/v1/accounts/${s.ids[0]}/timeline`,
    );
    expect(zh.body.items.find((e: { type: string }) => e.type === 'ticket.solved').title).toBe(
      '工单 #Z-100 已解决：Export fails',
    );
  });

  it('accepts an API token, refuses no key, an unknown key, a viewer, and names bad fields', async () => {
    const s = await workspace('auth');
    const body = {
      tickets: [
        { externalId: 'T1', accountExternalId: 'ACME-auth', subject: 'Login' },
        { externalId: 'T2', accountExternalId: 'BETA-auth', subject: 'SSO' },
      ],
    };
    const ok = await s.webhook(body, { authorization: `Bearer ${s.ws.users.manager.token}` });
    expect(await ok.json()).toMatchObject({ created: 2 });
    expect((await s.webhook(body, {})).status).toBe(401);
    expect((await s.webhook(body, { authorization: basic('wk_nope') })).status).toBe(401);
    expect((await s.webhook(body, { authorization: `Bearer ${s.ws.users.viewer.token}` })).status).toBe(403);
    const noAccount = await s.webhook(
      { tickets: [body.tickets[0], { externalId: 'T3', accountExternalId: 'NOPE', subject: 'x' }] },
      { authorization: basic(s.key) },
    );
    expect(noAccount.status).toBe(400);
    const err = (
      (await noAccount.json()) as { error: { message: string; details: { issues: { path: string }[] } } }
    ).error;
    expect(err.details.issues[0].path).toBe('tickets.1.accountExternalId');
    expect(err.message).toContain('NOPE');
    const badTime = await s.webhook(
      { externalId: 'T9', accountExternalId: 'ACME-auth', subject: 'x', createdAt: 'yesterday' },
      { authorization: basic(s.key) },
    );
    expect(badTime.status).toBe(400);
    expect(
      ((await badTime.json()) as { error: { details: { issues: unknown[] } } }).error.details.issues[0],
    ).toMatchObject({ path: 'createdAt' });
    const badStatus = await s.webhook(
      { externalId: 'T9', accountExternalId: 'ACME-auth', subject: 'x', status: 'resolved' },
      { authorization: basic(s.key) },
    );
    expect(badStatus.status).toBe(400);
    expect(JSON.stringify(await badStatus.json())).toContain('status');
  });
});

describe('the ticket CSV import and the facts', () => {
  it('imports a help desk export, re-imports it without change, and computes the facts as of a day', async () => {
    const s = await workspace('csv');
    const day = today(s.ws.ctx);
    const d = (n: number) => addDays(day, n);
    // Local times in the workspace zone; bad rows are reported with their line.
    const file = [
      'Ticket ID,Customer,Subject,Status,Priority,Created,Solved,CSAT,Escalated',
      `1001,ACME-csv,Cannot export,solved,high,${d(-10)} 09:00,${d(-10)} 21:00,good,false`,
      `1002,ACME-csv,Slow dashboard,solved,normal,${d(-40)} 09:00,${d(-38)} 09:00,2,true`,
      `1003,ACME-csv,SSO question,open,low,${d(-2)} 10:30,,,false`,
      `1004,ACME-csv,Old issue,closed,normal,${d(-200)} 10:00,${d(-199)} 10:00,5,true`,
      `1005,BETA-csv,Billing,pending,urgent,${d(-1)} 08:00,,,true`,
    ].join('\n');
    const map =
      '?map=Ticket%20ID=externalId,Customer=accountExternalId,Subject=subject,Status=status,Priority=priority,Created=createdAt,Solved=solvedAt,CSAT=satisfaction,Escalated=escalated';
    const csv = client(t.app, s.ws.users.manager.token, { 'content-type': 'text/csv' });
    const dry = await csv.request('POST', `/api/v1/imports/tickets${map}&dryRun=true`, file);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ committed: false, valid: 5, invalid: 0 });
    const res = await csv.request('POST', `/api/v1/imports/tickets${map}`, file);
    expect(res.body).toMatchObject({ committed: true, created: 5, updated: 0 });
    const timelineCount = async () =>
      (await s.manager.get(`/api/v1/accounts/${s.ids[0]}/timeline?limit=200`)).body.items.length;
    const before = await timelineCount();
    const again = await csv.request('POST', `/api/v1/imports/tickets${map}`, file);
    expect(again.body).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 5 });
    expect(await timelineCount()).toBe(before);

    const bad = await csv.request(
      'POST',
      `/api/v1/imports/tickets${map}`,
      `${file.split('\n')[0]}\n2001,ACME-csv,X,open,normal,03/05 9am,,,false\n2002,NOPE,Y,open,normal,${d(-1)} 08:00,,,false`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors).toEqual([
      expect.objectContaining({ line: 2, field: 'createdAt' }),
      expect.objectContaining({ line: 3, field: 'accountExternalId' }),
    ]);

    const facts = await buildFacts(s.ws.ctx, s.ids, day);
    const acme = facts.get(s.ids[0]!)!;
    expect(acme).toMatchObject({
      tickets_open: 1,
      tickets_30d: 2,
      tickets_90d: 3,
      ticket_escalations_90d: 1,
      // 1001 took 12 h and 1002 48 h: the median of two is their mean.
      ticket_resolution_hours_90d: 30,
      ticket_satisfaction_90d: 3.5,
    });
    expect(facts.get(s.ids[1]!)).toMatchObject({
      tickets_open: 1,
      tickets_30d: 1,
      ticket_escalations_90d: 1,
      ticket_resolution_hours_90d: null,
    });
    // As of 20 days ago: 1002 was open, 1001 and 1003 did not exist yet.
    const past = (await buildFacts(s.ws.ctx, [s.ids[0]!], d(-20))).get(s.ids[0]!)!;
    expect(past).toMatchObject({ tickets_open: 0, tickets_30d: 1, ticket_resolution_hours_90d: 48 });
    const summary = (await s.manager.get(`/api/v1/accounts/${s.ids[0]}/tickets/summary`)).body;
    expect(summary).toEqual({
      open: 1,
      last30d: 2,
      last90d: 3,
      medianResolutionHours90d: 30,
      escalations90d: 1,
      satisfaction90d: 3.5,
    });
    const list = (await s.manager.get(`/api/v1/accounts/${s.ids[0]}/tickets?status=open`)).body.items;
    expect(list.map((x: { externalId: string }) => x.externalId)).toEqual(['1003']);

    // Ticket facts are in the catalogue and the default model scores support where tickets exist.
    const cat = (await s.manager.get('/api/v1/facts/catalogue')).body;
    const keys = (cat.items ?? cat).map((f: { key: string }) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['tickets_open', 'ticket_satisfaction_90d']));
    const health = await s.manager.get(`/api/v1/accounts/${s.ids[0]}/health`);
    expect(health.status, JSON.stringify(health.body)).toBe(200);
    expect(JSON.stringify(health.body)).toContain('ticket_satisfaction');
  });

  it('leaves the default model without a support dimension in a workspace without tickets', async () => {
    const s = await workspace('none');
    const health = await s.manager.get(`/api/v1/accounts/${s.ids[0]}/health`);
    expect(health.status).toBe(200);
    expect(JSON.stringify(health.body)).not.toContain('tickets_open');
  });
});
