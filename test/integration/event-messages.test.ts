// Event texts are stored as message keys with parameters and rendered in the reader's language:
// the same timeline entry, task, notification and rule run read in English or Chinese depending on
// Accept-Language, and rows written before messages existed keep their text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import { newId } from '../../src/ids.ts';
import { runRules } from '../../src/modules/automation/index.ts';
import { addDays, today } from '../../src/time.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let en: Client;
let zh: Client;
let csmEn: Client;
let csmZh: Client;
let accountId: string;
const NAME = 'Acct EM-1';
const HAN = /\p{Script=Han}/u;

const at = (days: number): Ctx => {
  const instant = new Date(`${addDays(today(ws.ctx), days)}T10:00:00+08:00`);
  return { ...ws.ctx, now: () => instant };
};

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Event messages');
  // The users' profiles say English; the header decides, as the web app sends the language on screen.
  en = client(t.app, ws.users.manager.token, { 'accept-language': 'en' });
  zh = client(t.app, ws.users.manager.token, { 'accept-language': 'zh-CN' });
  csmEn = client(t.app, ws.users.csm.token, { 'accept-language': 'en' });
  csmZh = client(t.app, ws.users.csm.token, { 'accept-language': 'zh-CN,zh;q=0.9' });
  const d0 = today(ws.ctx);
  const a = await en.post('/api/v1/accounts', {
    externalId: 'EM-1',
    name: NAME,
    ownerId: ws.users.csm.id,
    goLiveDate: addDays(d0, -200),
  });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  accountId = a.body.id;
  const c = await en.post('/api/v1/contracts', {
    accountId,
    startDate: addDays(d0, -200),
    endDate: addDays(d0, 300),
    amount: 1_500_000,
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
});
afterAll(async () => t?.close());

const timeline = async (c: Client, type: string) => {
  const res = await c.get(`/api/v1/accounts/${accountId}/timeline?type=${type}&limit=200`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as { id: string; title: string; titleMessage: { key: string } | null }[];
};

describe('timeline entries', () => {
  it('read the same entry in English or Chinese, enum values included, and return the key', async () => {
    const set = await en.post(`/api/v1/accounts/${accountId}/tier-override`, {
      tier: 'strategic',
      reason: 'board decision',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const [inEn] = await timeline(en, 'tier.overridden');
    const [inZh] = await timeline(zh, 'tier.overridden');
    expect(inEn!.id).toBe(inZh!.id);
    expect(inEn!.title).toBe('Tier set by hand to Strategic: board decision');
    expect(inZh!.title).toBe('分层手动设为 战略型：board decision');
    expect(inEn!.titleMessage).toMatchObject({ key: 'event.overrideSet' });

    const [createdEn] = await timeline(en, 'account.created');
    const [createdZh] = await timeline(zh, 'account.created');
    expect(createdEn!.title).toBe(`Account ${NAME} created`);
    expect(createdZh!.title).toBe(`创建了客户 ${NAME}`);
  });

  it('keeps the text of entries stored before messages, in every language', async () => {
    const now = new Date().toISOString();
    await t.deps.db
      .insertInto('timeline_entries')
      .values({
        id: newId(),
        workspace_id: ws.workspace.id,
        account_id: accountId,
        type: 'health.status.changed',
        title: 'Health status fair → danger',
        title_message: null,
        body: null,
        body_message: null,
        actor_id: null,
        entity_type: null,
        entity_id: null,
        data: null,
        occurred_at: now,
        created_at: now,
      })
      .execute();
    for (const c of [en, zh]) {
      const [old] = await timeline(c, 'health.status.changed');
      expect(old).toMatchObject({ title: 'Health status fair → danger', titleMessage: null });
    }
  });
});

describe('playbook tasks', () => {
  it('title a never-touched account’s touch task in one language, saying "never" in words', async () => {
    expect((await en.post('/api/v1/playbooks/defaults', {})).status).toBe(200);
    await runRules({ ctx: at(1), input: {} });
    const rows = await t.deps.db
      .selectFrom('tasks')
      .select(['id', 'type'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('account_id', '=', accountId)
      .where('source', '=', 'playbook')
      .orderBy('type')
      .execute();
    expect(rows.map((r) => r.type)).toEqual(['call', 'qbr']);
    const touch = rows[0]!.id;
    const inEn = (await en.get(`/api/v1/tasks/${touch}`)).body;
    const inZh = (await zh.get(`/api/v1/tasks/${touch}`)).body;
    expect(inEn.title).toBe(`${NAME}: never contacted`);
    expect(inZh.title).toBe(`${NAME}：从未联系`);
    expect(inEn.titleMessage).toMatchObject({ key: 'automation.touch.titleNever' });
    for (const title of [inEn.title, inZh.title]) {
      expect(title).not.toContain('—');
      expect(title).not.toContain(' / ');
    }
    expect(HAN.test(inEn.description)).toBe(false);
    expect(inEn.description).toContain('The Strategic tier expects a touch');
    expect(inEn.description).toContain('Playbook');
    expect(inZh.description).toContain('战略型客户至少每 30 天需要一次触达');
    expect(inZh.description).toContain('每日检查');

    const qbr = rows[1]!.id;
    expect((await en.get(`/api/v1/tasks/${qbr}`)).body.title).toBe(`${NAME} quarterly business review (QBR)`);
    expect((await zh.get(`/api/v1/tasks/${qbr}`)).body.title).toBe(`${NAME} 季度业务回顾（QBR）`);

    const created = (await timeline(zh, 'task.created')).map((e) => e.title);
    expect(created).toContain(`创建任务：${NAME}：从未联系`);
    expect((await timeline(en, 'task.created')).map((e) => e.title)).toContain(
      `Task created: ${NAME}: never contacted`,
    );
  });

  it('keep a template title a person sends back unchanged, and take an edit as the person’s words', async () => {
    const [row] = await t.deps.db
      .selectFrom('tasks')
      .select('id')
      .where('workspace_id', '=', ws.workspace.id)
      .where('account_id', '=', accountId)
      .where('type', '=', 'call')
      .execute();
    const shown = (await zh.get(`/api/v1/tasks/${row!.id}`)).body;
    await zh.patch(`/api/v1/tasks/${row!.id}`, { title: shown.title, priority: 'P1' });
    expect((await en.get(`/api/v1/tasks/${row!.id}`)).body.title).toBe(`${NAME}: never contacted`);
    await zh.patch(`/api/v1/tasks/${row!.id}`, { title: '本周电话回访' });
    const edited = (await en.get(`/api/v1/tasks/${row!.id}`)).body;
    expect(edited).toMatchObject({ title: '本周电话回访', titleMessage: null });
  });
});

describe('notifications', () => {
  it('read in the reader’s language: the assignee of a playbook task, in English and Chinese', async () => {
    const inEn = (await csmEn.get('/api/v1/notifications?limit=50')).body.items;
    const inZh = (await csmZh.get('/api/v1/notifications?limit=50')).body.items;
    const enTitles = inEn.map((n: { title: string }) => n.title);
    const zhTitles = inZh.map((n: { title: string }) => n.title);
    expect(enTitles).toContain(`New task: ${NAME}: never contacted`);
    expect(zhTitles).toContain(`新任务：${NAME}：从未联系`);
    const touchZh = inZh.find((n: { title: string }) => n.title === `新任务：${NAME}：从未联系`);
    expect(touchZh.body).toMatch(new RegExp(`^${NAME} · P2，截止 \\d{4}年\\d{1,2}月\\d{1,2}日$`));
    expect(touchZh.titleMessage).toMatchObject({ key: 'notification.taskAssigned' });
  });
});

describe('rule runs', () => {
  it('name the account and the task in run details, in the reader’s language, with no id fragment', async () => {
    const rule = await en.post('/api/v1/rules', {
      key: 'em_rule',
      name: 'Big accounts',
      trigger: { type: 'daily' },
      condition: 'arr >= 100000',
      actions: [
        {
          type: 'create_task',
          title: '{{name}} check-in ({{nope_missing | round}})',
          taskType: 'call',
          assignee: { role: 'owner' },
          priority: 'P2',
        },
      ],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(400); // unknown fact is refused on save
    const ok = await en.post('/api/v1/rules', {
      key: 'em_rule',
      name: 'Big accounts',
      trigger: { type: 'daily' },
      condition: 'arr >= 100000',
      actions: [
        {
          type: 'create_task',
          title: '{{name}} check-in, renewal in {{days_to_renewal}} days',
          taskType: 'call',
          assignee: { role: 'owner' },
          priority: 'P2',
        },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    await runRules({ ctx: at(2), input: {} });
    const runs = (await en.get(`/api/v1/rules/${ok.body.id}/runs`)).body.items;
    expect(runs).toHaveLength(1);
    const detailEn = (await en.get(`/api/v1/rules/${ok.body.id}/runs/${runs[0].id}`)).body;
    const detailZh = (await zh.get(`/api/v1/rules/${ok.body.id}/runs/${runs[0].id}`)).body;
    const [a] = detailEn.actions;
    const [b] = detailZh.actions;
    expect(a).toMatchObject({
      accountId,
      accountName: NAME,
      action: 'create_task',
      actionLabel: 'Create a task',
    });
    expect(a.summary).toMatch(
      new RegExp(`^Created task "${NAME} check-in, renewal in \\d+ days" on ${NAME}$`),
    );
    expect(a.reason).toBe('daily check');
    expect(b.actionLabel).toBe('创建任务');
    expect(b.summary).toMatch(new RegExp(`^为 ${NAME} 创建任务「${NAME} check-in, renewal in \\d+ days」$`));
    expect(b.reason).toBe('每日检查');
    expect(a.summary).not.toContain(accountId.slice(-8));
  });
});

describe('errors of tasks and automation', () => {
  it('answer in the reader’s language', async () => {
    const missing = '00000000-0000-7000-8000-000000000000';
    expect((await en.get(`/api/v1/tasks/${missing}`)).body.error.message).toBe(`Task ${missing} not found`);
    expect((await zh.get(`/api/v1/tasks/${missing}`)).body.error.message).toBe(`未找到任务 ${missing}`);
    const task = await en.post('/api/v1/tasks', { accountId, title: 'Close me', type: 'call' });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    await en.patch(`/api/v1/tasks/${task.body.id}`, { status: 'done' });
    const wrongEn = await en.patch(`/api/v1/tasks/${task.body.id}`, { status: 'in_progress' });
    const wrongZh = await zh.patch(`/api/v1/tasks/${task.body.id}`, { status: 'in_progress' });
    expect(wrongEn.status).toBe(400);
    expect(wrongEn.body.error.message).toBe('A done task cannot become in_progress: reopen it first');
    expect(wrongZh.body.error.message).toBe('已完成的任务不能改为进行中：请先重新打开');
    const dup = await zh.post('/api/v1/rules', {
      key: 'em_rule',
      name: 'Again',
      trigger: { type: 'daily' },
      actions: [{ type: 'add_tag', tag: 'x' }],
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe('键为 em_rule 的规则已存在');
  });
});
