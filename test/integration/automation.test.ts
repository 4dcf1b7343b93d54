import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import {
  deliverDueWebhooks,
  runDueSchedules,
  runRules,
  runRulesAfterRecompute,
  verifyWebhookSignature,
} from '../../src/modules/automation/index.ts';
import { updateTask } from '../../src/modules/tasks/index.ts';
import { addDays, today } from '../../src/time.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let manager: Client;
let csm: Client;
let viewer: Client;
let big: string;
let mid: string;
let small: string;
const d0 = () => today(ws.ctx);
/** The workspace's ctx with the clock at 10:00 Shanghai time `days` from today. */
const at = (days: number, hour = 10): Ctx => {
  const day = addDays(d0(), days);
  const instant = new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);
  return { ...ws.ctx, now: () => instant };
};

async function tasksOf(ruleId: string) {
  return t.deps.db
    .selectFrom('tasks')
    .selectAll()
    .where('workspace_id', '=', ws.workspace.id)
    .where('rule_id', '=', ruleId)
    .orderBy('created_at')
    .execute();
}

async function account(
  externalId: string,
  arr: number,
  renewalIn: number,
  extra: Record<string, unknown> = {},
) {
  const a = await manager.post('/api/v1/accounts', {
    externalId,
    name: `Acct ${externalId}`,
    ownerId: ws.users.csm.id,
    goLiveDate: addDays(d0(), -200),
    ...extra,
  });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  const c = await manager.post('/api/v1/contracts', {
    accountId: a.body.id,
    startDate: addDays(d0(), -200),
    endDate: addDays(d0(), renewalIn),
    amount: arr,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  return a.body.id as string;
}

const taskRule = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  name: `Rule ${key}`,
  trigger: { type: 'daily' },
  condition: 'arr >= 100000',
  actions: [
    {
      type: 'create_task',
      title: '{{name}} ARR {{arr | money}} renews in {{days_to_renewal}} days',
      taskType: 'renewal',
      assignee: { role: 'owner' },
      priority: 'P1',
      dueInDays: 5,
    },
  ],
  ...extra,
});

beforeAll(async () => {
  // The webhook receivers below listen on loopback, which the outbound guard refuses unless listed.
  t = await createTestApp({ STEWARD_OUTBOUND_ALLOW: '127.0.0.1' });
  ws = await createTestWorkspace(t.deps, 'Automation');
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  big = await account('AU-BIG', 1_500_000, 60);
  mid = await account('AU-MID', 200_000, 300);
  small = await account('AU-SMALL', 20_000, 30);
});
afterAll(async () => t?.close());

describe('rules API and roles', () => {
  it('lets a manager create a rule, returning its secret once, and others read it without the secret', async () => {
    const res = await manager.post('/api/v1/rules', taskRule('roles_rule'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(res.body.conditionText).toBe('arr >= 100000');
    expect(res.body).toMatchObject({ enabled: true, cooldownDays: 7, dedupe: true, maxActionsPerRun: 200 });
    for (const c of [csm, viewer]) {
      const got = await c.get(`/api/v1/rules/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body.secret).toBeUndefined();
      expect((await c.get('/api/v1/rules')).body.items.map((r: { key: string }) => r.key)).toContain(
        'roles_rule',
      );
    }
  });

  it('rejects a CSM or a viewer who tries to create, change, enable or run rules', async () => {
    const rule = (await manager.get('/api/v1/rules/roles_rule')).body;
    for (const c of [csm, viewer]) {
      expect((await c.post('/api/v1/rules', taskRule('nope'))).status).toBe(403);
      expect((await c.patch(`/api/v1/rules/${rule.id}`, { name: 'x' })).status).toBe(403);
      expect((await c.post(`/api/v1/rules/${rule.id}/disable`)).status).toBe(403);
      expect((await c.post('/api/v1/rules/run', {})).status).toBe(403);
      expect((await c.delete(`/api/v1/rules/${rule.id}`)).status).toBe(403);
    }
  });

  it('names the field of every problem: unknown fact, unknown metric, bad template, bad cron, duplicate key', async () => {
    const bad = await manager.post('/api/v1/rules', {
      ...taskRule('bad_rule', { condition: 'arrr >= 1' }),
      trigger: { type: 'metric_change', metric: 'nope', period: 'mom', cmp: '<=', value: -0.3 },
      actions: [{ type: 'create_task', title: '{{nmae}}', taskType: 'risk' }],
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(['condition', 'trigger.metric', 'actions.0.title']);
    expect(bad.body.error.details.issues[0].message).toMatch(/Unknown fact "arrr".*did you mean arr/);
    const cron = await manager.post(
      '/api/v1/rules',
      taskRule('bad_cron', { trigger: { type: 'schedule', cron: 'every monday' } }),
    );
    expect(cron.status).toBe(400);
    expect(cron.body.error.details.issues[0].path).toBe('trigger.cron');
    const dup = await manager.post('/api/v1/rules', taskRule('roles_rule'));
    expect(dup.status).toBe(409);
    expect(errorCode(dup)).toBe('conflict');
  });

  it('enables and disables a rule; a disabled rule does not run', async () => {
    const rule = (await manager.post('/api/v1/rules', taskRule('toggle_rule', { enabled: false }))).body;
    const report = await runRules({ ctx: at(0), input: {} });
    expect(report.rules.map((r) => r.ruleId)).not.toContain(rule.id);
    const on = await manager.post(`/api/v1/rules/${rule.id}/enable`);
    expect(on.status).toBe(200);
    expect(on.body.enabled).toBe(true);
    expect((await manager.post(`/api/v1/rules/${rule.id}/disable`)).body.enabled).toBe(false);
    await manager.delete(`/api/v1/rules/${rule.id}`);
    expect((await manager.get(`/api/v1/rules/${rule.id}`)).status).toBe(404);
  });
});

describe('dry run, runs and limits', () => {
  let ruleId: string;

  it('shows in a dry run which accounts match and what would happen, creating nothing', async () => {
    ruleId = (await manager.post('/api/v1/rules', taskRule('renewal_big'))).body.id;
    // The other test rules stay out of the way of the run counts below.
    await manager.post('/api/v1/rules/roles_rule/disable');
    expect((await csm.post(`/api/v1/rules/${ruleId}/dry-run`, {})).status).toBe(403);
    const dry = await manager.post(`/api/v1/rules/${ruleId}/dry-run`, {});
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({
      accounts: 3,
      matched: 2,
      wouldAct: 2,
      skipped: { dedupe: 0, cooldown: 0, limit: 0 },
    });
    expect(dry.body.items.map((i: { accountId: string }) => i.accountId)).toEqual([big, mid]);
    expect(dry.body.items[0].actions[0].summary).toBe(
      'P1 renewal task "Acct AU-BIG ARR 1,500,000 renews in 60 days" for the owner, due in 5 days',
    );
    expect(await tasksOf(ruleId)).toHaveLength(0);
    expect((await manager.get(`/api/v1/rules/${ruleId}/runs`)).body.items).toHaveLength(0);
  });

  it('creates tasks on a run, logs it, and a rerun of the same day creates nothing', async () => {
    const first = await manager.post('/api/v1/rules/run', {});
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const mine = first.body.rules.find((r: { ruleId: string }) => r.ruleId === ruleId);
    expect(mine).toMatchObject({ ran: true, matched: 2, acted: 2, errors: 0 });
    const tasks = await tasksOf(ruleId);
    expect(tasks.map((x) => [x.account_id, x.source, x.priority, x.type, x.assignee_id, x.status])).toEqual([
      [big, 'rule', 'P1', 'renewal', ws.users.csm.id, 'open'],
      [mid, 'rule', 'P1', 'renewal', ws.users.csm.id, 'open'],
    ]);
    expect(tasks[0]!.title).toBe('Acct AU-BIG ARR 1,500,000 renews in 60 days');
    expect(tasks[0]!.due_date).toBe(addDays(d0(), 5));
    const again = await manager.post('/api/v1/rules/run', {});
    expect(again.body.rules.find((r: { ruleId: string }) => r.ruleId === ruleId)).toMatchObject({
      ran: false,
      acted: 0,
    });
    expect(await tasksOf(ruleId)).toHaveLength(2);
    const runs = await viewer.get(`/api/v1/rules/${ruleId}/runs`);
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0]).toMatchObject({
      slot: d0(),
      cause: 'manual',
      status: 'succeeded',
      matched: 2,
      acted: 2,
    });
    const detail = await viewer.get(`/api/v1/rules/${ruleId}/runs/${runs.body.items[0].id}`);
    expect(detail.status).toBe(200);
    expect(
      detail.body.actions.map((a: { accountId: string; action: string }) => [a.accountId, a.action]),
    ).toEqual([
      [big, 'create_task'],
      [mid, 'create_task'],
    ]);
    expect(tasks[0]!.rule_run_id).toBe(runs.body.items[0].id);
  });

  it('skips accounts with an open task (dedupe), then those in cooldown, and acts again after it', async () => {
    const task = (await tasksOf(ruleId)).find((x) => x.account_id === mid)!;
    const next = await runRules({ ctx: at(1), input: {} });
    expect(next.rules.find((r) => r.ruleId === ruleId)).toMatchObject({
      ran: true,
      matched: 2,
      acted: 0,
      skipped: { dedupe: 2 },
    });
    await updateTask({ ctx: at(1), id: task.id, input: { status: 'done' } });
    const cooling = await runRules({ ctx: at(2), input: {} });
    expect(cooling.rules.find((r) => r.ruleId === ruleId)).toMatchObject({
      acted: 0,
      skipped: { dedupe: 1, cooldown: 1 },
    });
    const free = await runRules({ ctx: at(7), input: {} });
    expect(free.rules.find((r) => r.ruleId === ruleId)).toMatchObject({
      acted: 1,
      skipped: { dedupe: 1, cooldown: 0 },
    });
    expect((await tasksOf(ruleId)).filter((x) => x.account_id === mid)).toHaveLength(2);
  });

  it('acts on at most maxActionsPerRun accounts, largest ARR first', async () => {
    const rule = (
      await manager.post('/api/v1/rules', {
        key: 'tag_capped',
        name: 'Tag capped',
        trigger: { type: 'daily' },
        actions: [{ type: 'add_tag', tag: 'capped' }],
        maxActionsPerRun: 1,
      })
    ).body;
    const report = await runRules({ ctx: at(8), input: {} });
    expect(report.rules.find((r) => r.ruleId === rule.id)).toMatchObject({
      matched: 3,
      acted: 1,
      skipped: { limit: 2 },
    });
    expect((await manager.get(`/api/v1/accounts/${big}`)).body.tags).toContain('capped');
    expect((await manager.get(`/api/v1/accounts/${small}`)).body.tags).not.toContain('capped');
    await manager.post(`/api/v1/rules/${rule.id}/disable`);
  });

  it('reports per rule in a dry run of all rules, changing nothing', async () => {
    const before = (await tasksOf(ruleId)).length;
    expect((await viewer.post('/api/v1/rules/run', { dryRun: true })).status).toBe(403);
    const dry = await manager.post('/api/v1/rules/run', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.rules.find((r: { ruleId: string }) => r.ruleId === ruleId)).toMatchObject({ matched: 2 });
    expect(await tasksOf(ruleId)).toHaveLength(before);
    await manager.post(`/api/v1/rules/${ruleId}/disable`);
  });
});

describe('triggers run by the recompute and by schedule', () => {
  it('runs daily rules after the recompute of the current day once the working day has started, once', async () => {
    const rule = (
      await manager.post('/api/v1/rules', taskRule('after_recompute', { condition: 'arr >= 1000000' }))
    ).body;
    expect(await runRulesAfterRecompute(at(0, 7), d0())).toEqual([]); // before 09:00
    expect(await runRulesAfterRecompute(at(0), addDays(d0(), -3))).toEqual([]); // a backfilled day
    const ran = await runRulesAfterRecompute(at(0), d0());
    expect(ran.find((r) => r.ruleId === rule.id)).toMatchObject({ ran: true, acted: 1 });
    const runs = (await manager.get(`/api/v1/rules/${rule.id}/runs`)).body.items;
    expect(runs.map((r: { cause: string }) => r.cause)).toEqual(['recompute']);
    const again = await runRulesAfterRecompute(at(0, 11), d0());
    expect(again.find((r) => r.ruleId === rule.id)).toMatchObject({ ran: false });
    expect(await tasksOf(rule.id)).toHaveLength(1);
    await manager.post(`/api/v1/rules/${rule.id}/disable`);
  });

  it('runs a schedule rule once per cron tick', async () => {
    const rule = (
      await manager.post('/api/v1/rules', {
        key: 'scheduled_tag',
        name: 'Scheduled tag',
        trigger: { type: 'schedule', cron: '0 9 * * *' },
        condition: 'days_to_renewal <= 40',
        actions: [{ type: 'add_tag', tag: 'renewing' }],
      })
    ).body;
    // The rule exists from now: today's 09:00 tick (already past or not) does not count before it.
    const tomorrow = at(1, 9);
    const first = await runDueSchedules({
      ...tomorrow,
      now: () => new Date(tomorrow.now().getTime() + 120_000),
    });
    expect(first.find((r) => r.ruleId === rule.id)).toMatchObject({ ran: true, matched: 1, acted: 1 });
    const runs = (await manager.get(`/api/v1/rules/${rule.id}/runs`)).body.items;
    expect(runs[0].slot).toBe(new Date(`${addDays(d0(), 1)}T09:00:00+08:00`).toISOString());
    expect(
      await runDueSchedules({ ...tomorrow, now: () => new Date(tomorrow.now().getTime() + 600_000) }),
    ).toEqual([]);
    expect((await manager.get(`/api/v1/accounts/${small}`)).body.tags).toContain('renewing');
    await manager.post(`/api/v1/rules/${rule.id}/disable`);
  });
});

describe('outbound webhooks', () => {
  let server: Server;
  let url: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let failFirst = 1;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failFirst > 0) {
          failFirst--;
          res.writeHead(500).end('boom');
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('signs each delivery with HMAC-SHA256 over timestamp and body, retries with backoff, and logs status codes', async () => {
    const created = await manager.post('/api/v1/rules', {
      key: 'hook_rule',
      name: 'Hook rule',
      trigger: { type: 'daily' },
      condition: 'arr >= 1000000',
      actions: [{ type: 'webhook', url }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { id, secret } = created.body;
    const report = await runRules({ ctx: at(0), input: {} });
    expect(report.rules.find((r) => r.ruleId === id)).toMatchObject({ acted: 1 });
    expect(received).toHaveLength(1);
    const first = received[0]!;
    const payload = JSON.parse(first.body);
    expect(payload).toMatchObject({
      event: 'rule.matched',
      rule: { id },
      account: { id: big, externalId: 'AU-BIG' },
    });
    const sig = {
      signature: first.headers['x-steward-signature'] as string,
      timestamp: first.headers['x-steward-timestamp'] as string,
    };
    expect(verifyWebhookSignature(secret, sig, first.body, at(0).now())).toBe(true);
    expect(verifyWebhookSignature(secret, sig, `${first.body} `, at(0).now())).toBe(false);
    expect(verifyWebhookSignature('whsec_other', sig, first.body, at(0).now())).toBe(false);

    let deliveries = (await viewer.get(`/api/v1/rules/${id}/deliveries`)).body.items;
    expect(deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    const retryAt = Date.parse(deliveries[0].nextAttemptAt);
    expect(retryAt - at(0).now().getTime()).toBe(30_000);
    // Not due yet: nothing is sent. This workspace's deliveries only: test files share the database,
    // and another's may be due at these instants (seen on PostgreSQL, stop 23).
    const own = { workspaceId: at(0).workspace.id };
    expect(
      (await deliverDueWebhooks({ ...t.deps, now: () => new Date(retryAt - 1000) }, own)).attempted,
    ).toBe(0);
    expect(await deliverDueWebhooks({ ...t.deps, now: () => new Date(retryAt + 1000) }, own)).toMatchObject({
      attempted: 1,
      delivered: 1,
    });
    expect(received).toHaveLength(2);
    expect(received[1]!.headers['x-steward-delivery']).toBe(deliveries[0].id);
    deliveries = (await viewer.get(`/api/v1/rules/${id}/deliveries`)).body.items;
    expect(deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 204 });
    expect(deliveries[0].log.map((l: { statusCode: number }) => l.statusCode)).toEqual([500, 204]);
    await manager.post(`/api/v1/rules/${id}/disable`);
  });

  it('gives up after the last attempt and marks the delivery failed', async () => {
    failFirst = 100;
    const { id } = (
      await manager.post('/api/v1/rules', {
        key: 'hook_failing',
        name: 'Hook failing',
        trigger: { type: 'daily' },
        condition: 'arr >= 1000000',
        actions: [{ type: 'webhook', url }],
      })
    ).body;
    await runRules({ ctx: at(0), input: {} });
    let clock = at(0).now().getTime();
    for (let i = 0; i < 10; i++) {
      clock += 3_600_000;
      await deliverDueWebhooks(
        { ...t.deps, now: () => new Date(clock) },
        { workspaceId: at(0).workspace.id },
      );
    }
    const d = (await viewer.get(`/api/v1/rules/${id}/deliveries`)).body.items[0];
    expect(d).toMatchObject({ status: 'failed', attempts: 6, nextAttemptAt: null, lastStatusCode: 500 });
    await manager.post(`/api/v1/rules/${id}/disable`);
  });
});

describe('inbound webhook trigger', () => {
  it('authenticates by the rule secret, evaluates the named account, and ignores a repeated event id', async () => {
    const created = await manager.post('/api/v1/rules', {
      key: 'inbound',
      name: 'Inbound',
      trigger: { type: 'webhook' },
      actions: [
        {
          type: 'create_task',
          title: '{{name}}: ticket {{webhook.ticket}}',
          taskType: 'support',
          priority: 'P2',
        },
      ],
    });
    const { id, secret } = created.body;
    const anon = client(t.app, null);
    const path = `/api/v1/rules/${id}/webhook`;
    expect((await anon.post(path, { externalId: 'AU-MID' })).status).toBe(401);
    const wrong = await client(t.app, null, { 'x-steward-secret': 'whsec_wrong' }).post(path, {
      externalId: 'AU-MID',
    });
    expect(wrong.status).toBe(401);
    expect(errorCode(wrong)).toBe('unauthenticated');
    const hook = client(t.app, null, { 'x-steward-secret': secret });
    const res = await hook.post(path, { externalId: 'AU-MID', eventId: 'evt-1', data: { ticket: 'T-42' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ran: true, matched: 1, acted: 1 });
    expect((await tasksOf(id)).map((x) => x.title)).toEqual(['Acct AU-MID: ticket T-42']);
    expect((await hook.post(path, { externalId: 'AU-MID', eventId: 'evt-1' })).body.ran).toBe(false);
    expect((await hook.post(path, { externalId: 'NOPE' })).status).toBe(404);
    expect(
      (
        await client(t.app, null, { 'x-steward-secret': secret }).post(
          '/api/v1/rules/01900000-0000-7000-8000-00000000dead/webhook',
          {},
        )
      ).status,
    ).toBe(404);
    expect(await tasksOf(id)).toHaveLength(1);
    // A rotated secret replaces the old one at once.
    expect((await csm.post(`/api/v1/rules/${id}/rotate-secret`)).status).toBe(403);
    const rotated = await manager.post(`/api/v1/rules/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect((await hook.post(path, { externalId: 'AU-MID', eventId: 'evt-2' })).status).toBe(401);
    const fresh = client(t.app, null, { 'x-steward-secret': rotated.body.secret });
    expect((await fresh.post(path, { externalId: 'AU-MID', eventId: 'evt-2' })).body.ran).toBe(true);
  });
});

describe('email actions', () => {
  let smtp: SMTPServer;
  const mails: { to: string[]; data: string }[] = [];
  let mailApp: TestApp;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c) => {
          data += c;
        });
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    mailApp = await createTestApp({ STEWARD_SMTP_URL: `smtp://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await mailApp?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the templated email to the account owner through SMTP and logs it', async () => {
    const w = await createTestWorkspace(mailApp.deps, 'Mail');
    const admin = client(mailApp.app, w.users.admin.token);
    const acct = await admin.post('/api/v1/accounts', {
      externalId: 'M-1',
      name: '云帆科技',
      ownerId: w.users.csm.id,
    });
    const rule = await admin.post('/api/v1/rules', {
      key: 'mail_owner',
      name: 'Mail owner',
      trigger: { type: 'daily' },
      actions: [
        {
          type: 'email',
          to: { role: 'owner' },
          subject: '{{name}} needs you',
          body: 'Account {{external_id}}.',
        },
      ],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const report = await runRules({ ctx: { ...w.ctx, now: () => new Date() }, input: {} });
    expect(report.rules[0]).toMatchObject({ acted: 1, errors: 0 });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual([w.users.csm.email]);
    expect(mails[0]!.data).toContain('Account M-1.');
    const run = (await admin.get(`/api/v1/rules/${rule.body.id}/runs`)).body.items[0];
    const detail = (await admin.get(`/api/v1/rules/${rule.body.id}/runs/${run.id}`)).body;
    expect(detail.actions[0]).toMatchObject({ accountId: acct.body.id, action: 'email', status: 'done' });
  });
});

describe('playbooks', () => {
  it('installs the seed playbooks, lets managers edit cadences, and CSMs only read', async () => {
    const installed = await manager.post('/api/v1/playbooks/defaults', {});
    expect(installed.status).toBe(200);
    expect(installed.body.items.map((p: { key: string }) => p.key)).toEqual([
      'strategic',
      'growth',
      'nurture',
    ]);
    expect((await manager.post('/api/v1/playbooks/defaults', {})).body.items).toEqual([]);
    const strategic = (await csm.get('/api/v1/playbooks/strategic')).body;
    expect(strategic).toMatchObject({ tier: 'strategic', touchEveryDays: 30 });
    expect(strategic.plays[0]).toMatchObject({ key: 'qbr', everyDays: 90 });
    expect((await csm.patch('/api/v1/playbooks/strategic', { touchEveryDays: 20 })).status).toBe(403);
    const edited = await manager.patch('/api/v1/playbooks/strategic', { touchEveryDays: 20 });
    expect(edited.status).toBe(200);
    expect(edited.body.touchEveryDays).toBe(20);
    const bad = await manager.patch('/api/v1/playbooks/growth', {
      plays: [{ key: 'x', name: 'X', when: 'breadthh < 0.3', action: { type: 'add_tag', tag: 'x' } }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('plays.0.condition');
  });

  it('raises QBR and touch tasks for covered accounts, once per cadence', async () => {
    // Tier and stage come from the state the recompute stores; set the tier by hand.
    await manager.post(`/api/v1/accounts/${big}/tier-override`, { tier: 'strategic', reason: 'test' });
    const report = await runRules({ ctx: at(30), input: {} });
    const qbr = report.rules.find((r) => r.name.includes('QBR'))!;
    const touch = report.rules.find((r) => r.name.startsWith('战略型') && r.name.includes('touch every'))!;
    expect(qbr).toMatchObject({ source: 'playbook', matched: 1, acted: 1 });
    expect(touch).toMatchObject({ matched: 1, acted: 1 }); // never touched
    const tasks = await t.deps.db
      .selectFrom('tasks')
      .select(['type', 'source', 'rule_id', 'due_date'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('source', '=', 'playbook')
      .where('account_id', '=', big)
      .orderBy('type')
      .execute();
    expect(tasks.map((x) => x.type)).toEqual(['call', 'qbr']);
    const later = await runRules({ ctx: at(45), input: {} });
    expect(later.rules.find((r) => r.name.includes('QBR'))).toMatchObject({ acted: 0 });
    const runs = await viewer.get('/api/v1/playbooks/strategic/runs');
    expect(runs.status).toBe(200);
    expect(runs.body.items.length).toBeGreaterThanOrEqual(2);
  });

  it('reports effectiveness per rule and playbook with accounts and actions counted', async () => {
    const res = await viewer.get('/api/v1/automation/effectiveness');
    expect(res.status).toBe(200);
    const renewal = res.body.items.find((r: { name: string }) => r.name === 'Rule renewal_big');
    expect(renewal).toMatchObject({ source: 'rule', accounts: 2, actions: 3 });
    const playbook = res.body.items.find((r: { name: string }) => r.name.startsWith('战略型'));
    expect(playbook).toMatchObject({ source: 'playbook', accounts: 1 });
    expect(playbook.after30).toMatchObject({ n: 0, acted: null });
  });
});
