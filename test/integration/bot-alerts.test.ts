// Rule alerts and the team digest, delivered to local receivers that check each platform's format
// and signature as the platform would (WeCom markdown within 4,096 bytes; Feishu's card with its
// signature in the body; DingTalk's markdown signed in the query), computed here independently of
// the code under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendChannelDigests } from '../../src/modules/notifications/index.ts';
import { addDays, today } from '../../src/time.ts';
import {
  dingCheck as dingSigned,
  feishuCheck as feishuSigned,
  type Hit,
  type Receiver,
  receiver,
  sendJson,
  wecomFits as wecomOk,
} from '../helpers/receivers.ts';
import { client, createTestApp, createTestWorkspace, type TestApp } from '../helpers/test-app.ts';

const FEISHU_SECRET = 'feishu-alert-secret';
const DING_SECRET = 'SECding-alert-secret';

/** The card's first element is plain text (the alert's lines). */
const feishuCheck = (h: Hit) => {
  const c = feishuSigned(h, FEISHU_SECRET);
  return { ...c, format: c.format && JSON.parse(h.body).card?.elements?.[0]?.text?.tag === 'plain_text' };
};
const dingCheck = (h: Hit) => dingSigned(h, DING_SECRET);

let t: TestApp;
let wecom: Receiver;
let feishu: Receiver;
let ding: Receiver;

beforeAll(async () => {
  t = await createTestApp({ STEWARD_OUTBOUND_ALLOW: '127.0.0.1' });
  wecom = await receiver((h, res) =>
    wecomOk(h)
      ? sendJson(res, 200, { errcode: 0, errmsg: 'ok' })
      : sendJson(res, 200, { errcode: 40058, errmsg: 'too long' }),
  );
  feishu = await receiver((h, res) => {
    const c = feishuCheck(h);
    if (!c.sign) return sendJson(res, 200, { code: 19021, msg: 'sign match fail' });
    sendJson(res, 200, c.format ? { code: 0, msg: 'success', data: {} } : { code: 9499, msg: 'Bad Request' });
  });
  ding = await receiver((h, res) => {
    const c = dingCheck(h);
    if (!c.sign) return sendJson(res, 200, { errcode: 310000, errmsg: 'sign not match' });
    sendJson(
      res,
      200,
      c.format ? { errcode: 0, errmsg: 'ok' } : { errcode: 40035, errmsg: 'missing parameter' },
    );
  });
}, 60_000);

afterAll(async () => {
  for (const r of [wecom, feishu, ding]) await r?.close();
  await t?.close();
});

async function setup(name: string) {
  const ws = await createTestWorkspace(t.deps, name);
  const admin = client(t.app, ws.users.admin.token);
  const manager = client(t.app, ws.users.manager.token);
  const csm = client(t.app, ws.users.csm.token);
  const sub = async (body: Record<string, unknown>) => {
    const r = await admin.post('/api/v1/subscriptions', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const wecomId = await sub({
    name: '企微客户成功群',
    kind: 'wecom',
    url: wecom.url(`/send?key=${name}`),
    events: [],
    locale: 'zh-CN',
  });
  const feishuId = await sub({
    name: 'Feishu CS',
    kind: 'feishu',
    url: feishu.url(`/hook/${name}`),
    events: [],
    secret: FEISHU_SECRET,
    locale: 'en',
  });
  const dingId = await sub({
    name: '钉钉续约群',
    kind: 'dingtalk',
    url: ding.url(`/robot/send?access_token=${name}`),
    events: [],
    secret: DING_SECRET,
    locale: 'zh-CN',
  });
  return { ws, admin, manager, csm, wecomId, feishuId, dingId };
}

const hitsFor = (r: { hits: Hit[] }, marker: string) => r.hits.filter((h) => h.url.includes(marker));

describe('rule alerts to chat groups', () => {
  it('sends one message per run and destination listing every matched account, in each platform’s format and signing', async () => {
    const s = await setup('alerts');
    for (const [ext, name, arr] of [
      ['A1', '北辰科技', 500_000],
      ['A2', '南山软件', 300_000],
      ['A3', 'Tiny Co', 1_000],
    ] as const) {
      const a = await s.manager.post('/api/v1/accounts', {
        externalId: ext,
        name,
        ownerId: s.ws.users.csm.id,
      });
      expect(a.status, JSON.stringify(a.body)).toBe(201);
      const c = await s.manager.post('/api/v1/contracts', {
        accountId: a.body.id,
        startDate: addDays(today(s.ws.ctx), -100),
        endDate: addDays(today(s.ws.ctx), 40),
        amount: arr,
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
    }
    const rule = await s.manager.post('/api/v1/rules', {
      key: 'big_renewals',
      name: 'Big renewals',
      trigger: { type: 'daily' },
      condition: 'arr >= 100000',
      actions: [
        { type: 'alert', destinationId: s.wecomId },
        { type: 'alert', destinationId: s.feishuId, text: '{{name}} renews in {{days_to_renewal}} days' },
        { type: 'alert', destinationId: s.dingId },
      ],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const [w0, f0, d0] = [
      hitsFor(wecom, 'alerts').length,
      hitsFor(feishu, 'alerts').length,
      hitsFor(ding, 'alerts').length,
    ];
    const run = await s.manager.post('/api/v1/rules/run', {});
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.rules.find((r: { ruleId: string }) => r.ruleId === rule.body.id)).toMatchObject({
      matched: 2,
      acted: 2,
      errors: 0,
    });
    // Sent when the run finished: one message each, with both accounts.
    const w = hitsFor(wecom, 'alerts').slice(w0);
    const f = hitsFor(feishu, 'alerts').slice(f0);
    const d = hitsFor(ding, 'alerts').slice(d0);
    expect([w.length, f.length, d.length]).toEqual([1, 1, 1]);
    expect(wecomOk(w[0]!)).toBe(true);
    const wc = JSON.parse(w[0]!.body).markdown.content as string;
    expect(wc).toContain('**规则提醒：Big renewals**');
    expect(wc).toContain('2 个客户触发');
    expect(wc).toContain('> 北辰科技：');
    expect(wc).toContain('> 南山软件：');
    expect(wc).not.toContain('Tiny Co');
    expect(feishuCheck(f[0]!)).toEqual({ sign: true, format: true });
    const fb = JSON.parse(f[0]!.body);
    expect(fb.card.header.title.content).toBe('Rule alert: Big renewals');
    expect(fb.card.elements[0].text.content).toContain('- 北辰科技 renews in 40 days');
    expect(dingCheck(d[0]!)).toEqual({ sign: true, format: true });
    expect(JSON.parse(d[0]!.body).markdown.title).toBe('规则提醒：Big renewals');

    // The delivery log of the destination shows it, delivered with the bot's answer.
    const log = (await s.admin.get(`/api/v1/subscriptions/${s.dingId}/deliveries`)).body.items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      eventType: 'rule.alert',
      status: 'delivered',
      lastResponse: '{"errcode":0,"errmsg":"ok"}',
    });
    // The run's log names what was done, per account.
    const runs = (await s.manager.get(`/api/v1/rules/${rule.body.id}/runs`)).body.items;
    const detail = (await s.manager.get(`/api/v1/rules/${rule.body.id}/runs/${runs[0].id}`)).body;
    expect(
      detail.actions.filter(
        (a: { action: string; status: string }) => a.action === 'alert' && a.status === 'done',
      ),
    ).toHaveLength(6);
  });

  it('keeps a WeCom alert of 40 accounts within 4,096 bytes and counts the rest', async () => {
    const s = await setup('many');
    for (let i = 0; i < 40; i++) {
      const a = await s.manager.post('/api/v1/accounts', {
        externalId: `M${i}`,
        name: `华东区域重点客户第${i}号有限责任公司`,
      });
      expect(a.status).toBe(201);
    }
    const rule = await s.manager.post('/api/v1/rules', {
      key: 'all_accounts',
      name: '全部客户',
      trigger: { type: 'daily' },
      actions: [
        {
          type: 'alert',
          destinationId: s.wecomId,
          text: '{{name}}（{{external_id}}）需要本周回访，请负责人确认',
        },
      ],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const w0 = hitsFor(wecom, 'many').length;
    await s.manager.post('/api/v1/rules/run', {});
    const w = hitsFor(wecom, 'many').slice(w0);
    expect(w).toHaveLength(1);
    expect(wecomOk(w[0]!)).toBe(true);
    const content = JSON.parse(w[0]!.body).markdown.content as string;
    expect(content).toContain('40 个客户触发');
    const shown = content.split('\n').filter((l) => l.startsWith('> 华东')).length;
    expect(shown).toBeGreaterThan(5);
    expect(content).toContain(`> …(+${40 - shown})`);
  });

  it('refuses an alert to an unknown destination; destinations are listed to managers without URL or secret', async () => {
    const s = await setup('refuse');
    const bad = await s.manager.post('/api/v1/rules', {
      key: 'bad_alert',
      name: 'Bad',
      trigger: { type: 'daily' },
      actions: [{ type: 'alert', destinationId: 'nope' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('actions.0.destinationId');
    const list = await s.manager.get('/api/v1/alert-destinations');
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: { name: string }) => d.name).sort()).toEqual(
      ['Feishu CS', '企微客户成功群', '钉钉续约群'].sort(),
    );
    expect(JSON.stringify(list.body)).not.toContain('127.0.0.1');
    expect((await s.csm.get('/api/v1/alert-destinations')).status).toBe(403);
  });
});

describe('the team digest to a chat group', () => {
  it('sends the day’s at-risk accounts, overdue tasks and renewals due, once a day, signed', async () => {
    const s = await setup('digest');
    const day = today(s.ws.ctx);
    const make = async (ext: string, name: string, renewIn: number | null) => {
      const a = await s.manager.post('/api/v1/accounts', {
        externalId: ext,
        name,
        ownerId: s.ws.users.csm.id,
      });
      expect(a.status).toBe(201);
      if (renewIn !== null)
        await s.manager.post('/api/v1/contracts', {
          accountId: a.body.id,
          startDate: addDays(day, -300),
          endDate: addDays(day, renewIn),
          amount: 200_000,
        });
      return a.body.id as string;
    };
    const risky = await make('D1', '危险客户甲', null);
    await make('D2', '续约客户乙', 20);
    await make('D3', 'Later Renewal Co', 200);
    // At risk: the recompute's state (written here as the recompute would leave it).
    await t.deps.db
      .insertInto('account_states')
      .values({
        workspace_id: s.ws.workspace.id,
        account_id: risky,
        day,
        health_score: 12,
        health_status: 'danger',
        health_model_id: null,
        health_trend_7d: null,
        health_trend_30d: null,
        tier: null,
        tier_since: null,
        stage: null,
        stage_since: null,
        segments: '[]',
        updated_at: new Date().toISOString(),
      })
      .execute();
    const task = await s.manager.post('/api/v1/tasks', {
      accountId: risky,
      title: '电话回访',
      type: 'call',
      priority: 'P1',
      assignee: { userId: s.ws.users.csm.id },
      dueDate: addDays(day, -3),
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);

    const bad = await s.manager.post('/api/v1/channel-digests', { name: 'x', destinationId: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('destinationId');
    expect((await s.csm.post('/api/v1/channel-digests', { name: 'x', destinationId: s.dingId })).status).toBe(
      403,
    );

    const dg = await s.manager.post('/api/v1/channel-digests', {
      name: '华东团队日报',
      destinationId: s.dingId,
    });
    expect(dg.status, JSON.stringify(dg.body)).toBe(201);
    expect(dg.body).toMatchObject({ renewalDays: 30, ownerIds: [], enabled: true, lastSentDay: null });
    const fdg = await s.manager.post('/api/v1/channel-digests', {
      name: 'Team East',
      destinationId: s.feishuId,
      ownerIds: [s.ws.users.manager.id],
      renewalDays: 365,
    });
    expect(fdg.status, JSON.stringify(fdg.body)).toBe(201);

    const d0 = hitsFor(ding, 'digest').length;
    const f0 = hitsFor(feishu, 'digest').length;
    expect(await sendChannelDigests(s.ws.ctx)).toMatchObject({ digests: 2, sent: 2, failed: 0 });
    const d = hitsFor(ding, 'digest').slice(d0);
    expect(d).toHaveLength(1);
    expect(dingCheck(d[0]!)).toEqual({ sign: true, format: true });
    const md = JSON.parse(d[0]!.body).markdown;
    expect(md.title).toContain('华东团队日报');
    expect(md.text).toContain('高风险客户 1 · 逾期任务 1 · 30 天内续约 1');
    expect(md.text).toContain('> 危险客户甲 · csm user');
    expect(md.text).toContain('电话回访');
    expect(md.text).toContain('续约客户乙');
    expect(md.text).not.toContain('Later Renewal Co');
    // The other team (the manager owns nothing): nothing at risk, in English, signed in the body.
    const f = hitsFor(feishu, 'digest').slice(f0);
    expect(f).toHaveLength(1);
    expect(feishuCheck(f[0]!)).toEqual({ sign: true, format: true });
    expect(JSON.parse(f[0]!.body).card.elements[0].text.content).toContain(
      'At risk: 0 · Overdue tasks: 0 · Renewals in 365 days: 0',
    );

    // Once a day: a rerun (another node) sends nothing; "send now" sends again.
    expect(await sendChannelDigests(s.ws.ctx)).toMatchObject({ sent: 0 });
    expect(hitsFor(ding, 'digest').length).toBe(d0 + 1);
    const now = await s.manager.post(`/api/v1/channel-digests/${dg.body.id}/send`);
    expect(now.status, JSON.stringify(now.body)).toBe(200);
    expect(now.body).toMatchObject({ status: 'delivered', statusCode: 200 });
    expect(hitsFor(ding, 'digest').length).toBe(d0 + 2);
    const listed = await s.manager.get('/api/v1/channel-digests');
    expect(listed.body.items.find((x: { id: string }) => x.id === dg.body.id).lastSentDay).toBe(day);
    expect((await s.manager.delete(`/api/v1/channel-digests/${fdg.body.id}`)).status).toBe(204);
  });
});
