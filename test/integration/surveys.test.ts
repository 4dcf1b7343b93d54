// NPS/CSAT surveys through the API: recording (by id and external id), validation naming the field,
// detractor follow-up tasks, the timeline, emailed surveys through a local SMTP catcher with their
// single-use links on the public page, throttling, results per CSM and period, and the facts.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayInZone } from '../../src/time.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

const api = (path: string) => `/api/v1${path}`;
const mails: { to: string[]; data: string }[] = [];
let smtp: SMTPServer;
let t: TestApp;
let ws: TestWorkspace;
let admin: Client;
let csm: Client;
let viewer: Client;
let T: string;

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
  t = await createTestApp({
    STEWARD_SMTP_URL: `smtp://127.0.0.1:${port}`,
    STEWARD_PUBLIC_URL: 'https://cs.example.com',
  });
  ws = await createTestWorkspace(t.deps, 'Surveys');
  admin = client(t.app, ws.users.admin.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function account(externalId: string, ownerId = ws.users.csm.id) {
  const res = await admin.post(api('/accounts'), { externalId, name: `Acme ${externalId}`, ownerId });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function contact(accountId: string, email: string | null, name = 'Li Lei') {
  const res = await admin.post(api('/contacts'), { accountId, name, email });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The survey link in a captured email (quoted-printable soft breaks undone). */
const linkIn = (data: string) => {
  const body = data.replace(/=\r?\n/g, '');
  const m = body.match(/https:\/\/cs\.example\.com\/s\/(svy_[\w-]{32})/);
  if (!m) throw new Error(`no survey link in ${body}`);
  return m[1]!;
};

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const postForm = (token: string, fields: Record<string, string>) =>
  t.app.request(`/s/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(fields),
  });

describe('recording answers', () => {
  it('records an NPS answer by external id, puts it on the timeline and a detractor gets a task for the CSM', async () => {
    const id = await account('REC-1');
    await contact(id, 'Wang@Example.com');
    const res = await csm.post(api('/surveys/responses'), {
      accountExternalId: 'REC-1',
      contactEmail: 'wang@example.com',
      kind: 'nps',
      score: 3,
      comment: '报表太慢',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      accountId: id,
      kind: 'nps',
      score: 3,
      category: 'detractor',
      source: 'api',
    });
    expect(res.body.contactId).not.toBeNull();
    expect(res.body.taskId).toBeTruthy();
    const task = await admin.get(api(`/tasks/${res.body.taskId}`));
    expect(task.body).toMatchObject({
      accountId: id,
      assigneeId: ws.users.csm.id,
      type: 'risk',
      priority: 'P1',
    });
    expect(task.body.title).toContain('wang@example.com');
    const zh = await client(t.app, ws.users.admin.token, { 'accept-language': 'zh-CN' }).get(
      api(`/tasks/${res.body.taskId}`),
    );
    expect(zh.body.title).toContain('贬损者');
    const timeline = await admin.get(api(`/accounts/${id}/timeline`));
    const entry = timeline.body.items.find((e: { type: string }) => e.type === 'survey.response');
    expect(entry.title).toBe('NPS answer 3 from wang@example.com (detractor)');
    expect(entry.body).toBe('报表太慢');
  });

  it('creates no task for a promoter or a CSAT answer', async () => {
    const id = await account('REC-2');
    const promoter = await admin.post(api('/surveys/responses'), { accountId: id, kind: 'nps', score: 10 });
    expect(promoter.body.taskId).toBeNull();
    const csat = await admin.post(api('/surveys/responses'), { accountId: id, kind: 'csat', score: 1 });
    expect(csat.status).toBe(201);
    expect(csat.body).toMatchObject({ category: null, taskId: null });
  });

  it('answers bad input with 400 naming the field', async () => {
    const id = await account('REC-3');
    const out = await admin.post(api('/surveys/responses'), { accountId: id, kind: 'csat', score: 7 });
    expect(out.status).toBe(400);
    expect(errorCode(out)).toBe('validation_failed');
    expect(out.body.error.details.issues[0].path).toBe('score');
    const none = await admin.post(api('/surveys/responses'), { kind: 'nps', score: 5 });
    expect(none.body.error.details.issues[0].path).toBe('accountId');
    const unknown = await admin.post(api('/surveys/responses'), {
      accountExternalId: 'nope',
      kind: 'nps',
      score: 5,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues[0].path).toBe('accountExternalId');
    const future = await admin.post(api('/surveys/responses'), {
      accountId: id,
      kind: 'nps',
      score: 5,
      answeredAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.body.error.details.issues[0].path).toBe('answeredAt');
    const denied = await viewer.post(api('/surveys/responses'), { accountId: id, kind: 'nps', score: 5 });
    expect(denied.status).toBe(403);
  });

  it('imports answers from CSV, all or none', async () => {
    const id = await account('IMP-1');
    const csvClient = client(t.app, ws.users.admin.token, { 'content-type': 'text/csv' });
    const bad = await csvClient.request(
      'POST',
      api('/surveys/responses/import'),
      'accountExternalId,kind,score,answeredOn\nIMP-1,nps,9,2026-01-05\nIMP-1,nps,11,2026-01-06\n',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0]).toMatchObject({ line: 3, field: 'score' });
    const res = await csvClient.request(
      'POST',
      api('/surveys/responses/import?dateFormat=DMY'),
      `accountExternalId,kind,score,comment,answeredOn\nIMP-1,nps,9,great,${addDays(T, -40)}\nIMP-1,nps,6,,${addDays(T, -20)}\nIMP-1,csat,4,,${addDays(T, -2)}\n`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ committed: true, created: 3, invalid: 0 });
    const list = await admin.get(api(`/surveys/responses?accountId=${id}`));
    expect(list.body.items.map((r: { score: number }) => r.score)).toEqual([4, 6, 9]);
    expect(list.body.items[1].taskId).toBeTruthy();
  });
});

describe('emailed surveys', () => {
  it('emails a single-use link that the public page answers once, in the contact language', async () => {
    const id = await account('MAIL-1');
    await contact(id, 'zhang@example.com', '张伟');
    await contact(id, null, 'No Mail');
    const sent = await csm.post(api('/surveys/send'), { accountId: id, kind: 'nps', locale: 'zh-CN' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.sent).toHaveLength(1);
    expect(sent.body.sent[0]).toMatchObject({ email: 'zhang@example.com', delivered: true });
    expect(sent.body.skipped).toMatchObject([{ reason: 'no_email' }]);
    const mail = mails.find((m) => m.to.includes('zhang@example.com'))!;
    expect(mail).toBeDefined();
    const token = linkIn(mail.data);

    const page = await t.app.request(`/s/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('您有多大可能向朋友或同事推荐我们？');
    expect(html).not.toContain('<script');
    const en = await (await t.app.request(`/s/${token}?lang=en`)).text();
    expect(en).toContain('How likely are you to recommend us');

    const noScore = await postForm(token, { lang: 'zh-CN', comment: 'x' });
    expect(noScore.status).toBe(400);
    expect(await noScore.text()).toContain('请选择一个分数');

    const answered = await postForm(token, { lang: 'zh-CN', score: '2', comment: '经常掉线' });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('谢谢！您的回答已记录。');
    const again = await postForm(token, { lang: 'en', score: '10' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('already been used');
    expect((await t.app.request(`/s/${token}`)).status).toBe(410);
    expect((await t.app.request('/s/svy_0123456789abcdefghijklmnopqrstuv')).status).toBe(404);

    const list = await admin.get(api(`/surveys/responses?accountId=${id}`));
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      score: 2,
      source: 'email',
      contactEmail: 'zhang@example.com',
    });
    expect(list.body.items[0].taskId).toBeTruthy();
  });

  it('does not ask a contact twice within the throttle days', async () => {
    const id = await account('MAIL-2');
    const c1 = await contact(id, 'a@example.com');
    const first = await csm.post(api('/surveys/send'), { accountId: id, kind: 'csat', contactIds: [c1] });
    expect(first.body.sent).toHaveLength(1);
    const second = await csm.post(api('/surveys/send'), { accountId: id, kind: 'nps', contactIds: [c1] });
    expect(second.body.sent).toHaveLength(0);
    expect(second.body.skipped[0]).toMatchObject({ reason: 'throttled', email: 'a@example.com' });
    const next = new Date(second.body.skipped[0].nextAskAt).getTime();
    expect(next - Date.now()).toBeGreaterThan(89 * 86_400_000);
    // A recorded answer counts as being asked too.
    const c2 = await contact(id, 'b@example.com');
    await admin.post(api('/surveys/responses'), {
      accountId: id,
      contactEmail: 'b@example.com',
      kind: 'nps',
      score: 8,
    });
    const third = await csm.post(api('/surveys/send'), { accountId: id, kind: 'nps', contactIds: [c2] });
    expect(third.body.skipped[0]).toMatchObject({ reason: 'throttled' });
    const settings = await admin.patch(api('/surveys/settings'), { throttleDays: 0 });
    expect(settings.body.throttleDays).toBe(0);
    const fourth = await csm.post(api('/surveys/send'), { accountId: id, kind: 'nps', contactIds: [c1, c2] });
    expect(fourth.body.sent).toHaveLength(2);
    await admin.patch(api('/surveys/settings'), { throttleDays: 90 });
    const bad = await csm.post(api('/surveys/send'), { accountId: id, kind: 'nps', contactIds: ['nope'] });
    expect(bad.body.error.details.issues[0].path).toBe('contactIds.0');
  });
});

describe('results and facts', () => {
  it('computes NPS per CSM and month with the change from the period before, and the facts', async () => {
    const other = await admin.post(api('/users'), {
      email: `csm2.${Date.now()}@test.steward.dev`,
      name: 'Second CSM',
      role: 'csm',
      password: 'pw-second-csm-1',
    });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const a = await account('RES-1');
    const b = await account('RES-2', other.body.id);
    const at = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    // a: now 10, 9, 6 (2 promoters, 1 detractor: NPS 33.3); earlier (200-300 days ago) 5, 5.
    for (const [score, days] of [
      [10, 5],
      [9, 40],
      [6, 70],
      [5, 200],
      [5, 300],
    ] as const)
      await admin.post(api('/surveys/responses'), { accountId: a, kind: 'nps', score, answeredAt: at(days) });
    // b: one passive, one promoter: NPS 50.
    await admin.post(api('/surveys/responses'), { accountId: b, kind: 'nps', score: 8, answeredAt: at(3) });
    await admin.post(api('/surveys/responses'), { accountId: b, kind: 'nps', score: 10, answeredAt: at(4) });
    await admin.post(api('/surveys/responses'), { accountId: b, kind: 'csat', score: 5, answeredAt: at(3) });
    await admin.post(api('/surveys/responses'), {
      accountId: b,
      kind: 'csat',
      score: 3,
      answeredAt: at(100),
    });

    const res = await admin.get(
      api(`/surveys/results?kind=nps&groupBy=account&from=${addDays(T, -89)}&to=${T}`),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ga = res.body.groups.find((g: { key: string }) => g.key === a);
    expect(ga).toMatchObject({ responses: 3, promoters: 2, detractors: 1, score: 33.3 });
    const gb = res.body.groups.find((g: { key: string }) => g.key === b);
    expect(gb).toMatchObject({ responses: 2, passives: 1, promoters: 1, score: 50, change: null });
    expect(res.body.trend.length).toBeGreaterThanOrEqual(3);
    const byCsm = await admin.get(
      api(`/surveys/results?kind=nps&groupBy=csm&from=${addDays(T, -89)}&to=${T}`),
    );
    expect(byCsm.body.groups.find((g: { key: string }) => g.key === other.body.id)).toMatchObject({
      name: 'Second CSM',
      score: 50,
    });
    // The scorecards report NPS from the answers instead of "unavailable".
    const cards = await admin.get(api('/reports/scorecards'));
    expect(cards.status, JSON.stringify(cards.body)).toBe(200);
    expect(cards.body.unavailable).toEqual([]);
    expect(cards.body.items.find((i: { id: string }) => i.id === other.body.id).metrics.nps).toBe(50);
    const year = await admin.get(
      api(`/surveys/results?kind=nps&groupBy=account&accountId=${a}&interval=quarter`),
    );
    // 365 days: 10, 9, 6, 5, 5 -> 2 promoters, 3 detractors of 5: -20.
    expect(year.body.overall).toMatchObject({ responses: 5, score: -20 });

    const facts = await admin.get(api(`/accounts/${a}/facts`));
    expect(facts.status, JSON.stringify(facts.body)).toBe(200);
    const f = facts.body.facts ?? facts.body;
    expect(f.nps).toBe(-20);
    // Last 180 days 10, 9, 6 (33.3) minus the 180 before 5, 5 (-100).
    expect(f.nps_trend).toBe(133.3);
    const fb = (await admin.get(api(`/accounts/${b}/facts`))).body;
    expect((fb.facts ?? fb).csat_90d).toBe(100);
  });

  it('lists nps facts in the catalogue so conditions and the churn model can use them', async () => {
    const cat = await admin.get(api('/facts/catalogue'));
    const keys = (cat.body.items ?? cat.body).map((f: { key: string }) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['nps', 'nps_trend', 'csat_90d']));
  });
});
