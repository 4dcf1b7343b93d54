// Customer requests through app.request(): logging, automatic grouping of similar asks, merge and
// split, the ranked list (seed 000: 大客看性,小客看量,重续缓用), settings and every role. Accounts
// get their ARR from contracts made through the API and their tier and health from account_states
// rows as the recompute pipeline would store them, so every score is exact.
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

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let admin: Client;
let manager: Client;
let csm: Client;
let viewer: Client;
let T: string;
const acc: Record<string, string> = {};
const api = (path: string) => `/api/v1${path}`;
const issuePaths = (res: { body: { error: { details?: { issues?: { path: string }[] } } } }) =>
  res.body.error.details?.issues?.map((i) => i.path);
const points = (p: { factors: { key: string; points: number }[] }) =>
  Object.fromEntries(p.factors.map((f) => [f.key, f.points]));

async function account(
  name: string,
  o: { arr?: number; tier: string; health?: string; renewIn?: number; tags?: string[] },
) {
  const res = await admin.post(api('/accounts'), { externalId: name, name, tags: o.tags ?? [] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  acc[name] = res.body.id;
  if (o.arr) {
    const contract = await admin.post(api('/contracts'), {
      accountId: res.body.id,
      startDate: addDays(T, -100),
      endDate: addDays(T, o.renewIn ?? 265),
      amount: o.arr,
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
  }
  await t.deps.db
    .insertInto('account_states')
    .values({
      workspace_id: ws.workspace.id,
      account_id: res.body.id,
      day: T,
      health_score: 50,
      health_status: o.health ?? 'good',
      health_model_id: null,
      health_trend_7d: null,
      health_trend_30d: null,
      tier: o.tier,
      tier_since: T,
      stage: null,
      stage_since: null,
      segments: '[]',
      updated_at: new Date().toISOString(),
    })
    .execute();
}

const EXCEL = [
  '希望支持导出Excel报表',
  '能否支持导出Excel报表',
  '我们需要导出Excel报表',
  '报表导出Excel',
  '请问可以导出Excel报表吗',
  '导出Excel报表的功能',
  '建议增加Excel报表导出',
  'Excel报表导出',
  '能不能导出Excel报表',
  '希望支持导出Excel报表。',
];

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Requests A');
  other = await createTestWorkspace(t.deps, 'Requests B');
  admin = client(t.app, ws.users.admin.token);
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  await account('big', { arr: 2_000_000, tier: 'strategic' });
  await account('logo', { arr: 50_000, tier: 'strategic', tags: ['标杆客户'] });
  await account('renewing', { arr: 50_000, tier: 'nurture', renewIn: 30, health: 'danger' });
  await account('steady', { arr: 50_000, tier: 'nurture' });
  for (let i = 0; i < 10; i++) await account(`small${i}`, { arr: 50_000, tier: 'nurture' });
}, 60_000);
afterAll(async () => t?.close());

describe('logging requests', () => {
  it('lets a CSM log a request on an account they are not on, with a number, priority and timeline entry', async () => {
    const contact = await admin.post(api('/contacts'), { accountId: acc.steady, name: '王芳' });
    const res = await csm.post(api('/requests'), {
      accountId: acc.steady,
      contactId: contact.body.id,
      type: 'bug',
      productArea: '移动端',
      title: '移动端App闪退',
      description: 'iOS 17 上打开仪表盘就闪退',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      number: 1,
      accountId: acc.steady,
      accountName: 'steady',
      contactId: contact.body.id,
      type: 'bug',
      productArea: '移动端',
      status: 'new',
      showcase: false,
      groupId: null,
      loggedBy: ws.users.csm.id,
      closedAt: null,
    });
    expect(res.body.priority).toEqual({
      score: 7,
      highValue: false,
      factors: [
        { key: 'asking_accounts', points: 6, detail: '1 account asking at 6 each, at most 60' },
        { key: 'asking_arr', points: 1, detail: 'Combined ARR 50,000 at 2 per 100,000, at most 20' },
      ],
    });
    const timeline = await viewer.get(api(`/accounts/${acc.steady}/timeline`));
    const entry = timeline.body.items.find((e: { type: string }) => e.type === 'request.logged');
    expect(entry).toMatchObject({
      title: 'Request #1 logged: 移动端App闪退',
      body: 'iOS 17 上打开仪表盘就闪退',
      entityType: 'request',
      entityId: res.body.id,
      actorId: ws.users.csm.id,
    });
    expect((await viewer.get(api(`/requests/${res.body.id}`))).body).toEqual(res.body);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const noTitle = await csm.post(api('/requests'), { accountId: acc.steady, title: '  ' });
    expect(noTitle.status).toBe(400);
    expect(issuePaths(noTitle)).toEqual(['title']);
    const badType = await csm.post(api('/requests'), { accountId: acc.steady, title: 'x', type: 'wish' });
    expect(issuePaths(badType)).toEqual(['type']);
    const noAccount = await csm.post(api('/requests'), {
      accountId: '01900000-0000-7000-8000-00000000dead',
      title: 'x',
    });
    expect(noAccount.status).toBe(400);
    expect(issuePaths(noAccount)).toEqual(['accountId']);
    const contact = await admin.post(api('/contacts'), { accountId: acc.big, name: '李明' });
    const wrongContact = await csm.post(api('/requests'), {
      accountId: acc.steady,
      contactId: contact.body.id,
      title: 'x',
    });
    expect(wrongContact.status).toBe(400);
    expect(issuePaths(wrongContact)).toEqual(['contactId']);
    const otherAccount = await client(t.app, other.users.admin.token).post(api('/requests'), {
      accountId: acc.steady,
      title: 'x',
    });
    expect(issuePaths(otherAccount)).toEqual(['accountId']);
    const badStatus = await csm.get(api('/requests?status=done'));
    expect(badStatus.status).toBe(400);
    expect(issuePaths(badStatus)).toEqual(['status.0']);
  });

  it('refuses viewers every write, CSMs deleting and settings, and hides requests from other workspaces', async () => {
    const made = await csm.post(api('/requests'), { accountId: acc.steady, title: 'Okta 单点登录' });
    const id = made.body.id;
    for (const res of [
      await viewer.post(api('/requests'), { accountId: acc.steady, title: 'x' }),
      await viewer.patch(api(`/requests/${id}`), { status: 'planned' }),
      await viewer.delete(api(`/requests/${id}`)),
      await viewer.patch(api('/requests/settings'), { renewalWindowDays: 60 }),
      await csm.patch(api('/requests/settings'), { renewalWindowDays: 60 }),
      await csm.delete(api(`/requests/${id}`)),
    ]) {
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
    }
    const outsider = client(t.app, other.users.admin.token);
    expect((await outsider.get(api(`/requests/${id}`))).status).toBe(404);
    expect((await outsider.patch(api(`/requests/${id}`), { status: 'planned' })).status).toBe(404);
    expect((await outsider.get(api('/requests'))).body.items).toEqual([]);
    expect((await outsider.get(api('/requests/ranked'))).body.items).toEqual([]);
    const similar = await outsider.get(api(`/requests/similar?text=${encodeURIComponent('Okta 单点登录')}`));
    expect(similar.body.items).toEqual([]);
    expect((await viewer.get(api(`/requests/${id}`))).status).toBe(200);
    // A manager may delete it.
    expect((await manager.delete(api(`/requests/${id}`))).status).toBe(204);
    expect((await viewer.get(api(`/requests/${id}`))).status).toBe(404);
  });
});

describe('grouping similar requests', () => {
  const ids: string[] = [];
  let groupId: string;

  it('groups the same ask from ten small accounts, worded differently, automatically', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await csm.post(api('/requests'), {
        accountId: acc[`small${i}`],
        productArea: '报表',
        title: EXCEL[i],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.id);
    }
    const first = (await viewer.get(api(`/requests/${ids[0]}`))).body;
    groupId = first.groupId;
    expect(groupId).toEqual(expect.any(String));
    expect(first.groupedBy).toBe('auto');
    for (const id of ids) expect((await viewer.get(api(`/requests/${id}`))).body.groupId).toBe(groupId);
    const logged = await viewer.get(api(`/accounts/${acc.small1}/timeline`));
    expect(logged.body.items[0].data.similarTo).toMatchObject({ requestId: ids[0] });

    const group = await viewer.get(api(`/requests/groups/${groupId}`));
    expect(group.status).toBe(200);
    expect(group.body).toMatchObject({ title: EXCEL[0], totalArr: 500_000 });
    expect(group.body.requests).toHaveLength(10);
    expect(group.body.accounts).toHaveLength(10);
    // Every small asker now scores the whole group: 10 x 6 + 500,000 / 100,000 x 2.
    expect(group.body.priority.score).toBe(70);
    expect(points(group.body.priority)).toEqual({ asking_accounts: 60, asking_arr: 10 });
  });

  it('leaves a different ask ungrouped', async () => {
    const res = await csm.post(api('/requests'), { accountId: acc.small0, title: '批量导入联系人' });
    expect(res.body.groupId).toBeNull();
  });

  it('suggests similar requests for a draft, marking those above the grouping threshold', async () => {
    const res = await viewer.get(
      api(`/requests/similar?text=${encodeURIComponent('能否导出Excel格式的报表')}&limit=3`),
    );
    expect(res.status).toBe(200);
    expect(res.body.threshold).toBe(0.55);
    expect(res.body.items).toHaveLength(3);
    for (const item of res.body.items) {
      expect(item.groupId).toBe(groupId);
      expect(item.similarity).toBeGreaterThanOrEqual(0.55);
      expect(item.wouldGroup).toBe(true);
    }
    const sorted = [...res.body.items].sort((a, b) => b.similarity - a.similarity);
    expect(res.body.items).toEqual(sorted);
    const none = await viewer.get(
      api(`/requests/similar?text=${encodeURIComponent('Salesforce integration')}`),
    );
    expect(none.body.items).toEqual([]);
    const excluded = await viewer.get(api(`/requests/similar?text=${encodeURIComponent('批量导入联系人')}`));
    expect(excluded.body.items.map((i: { title: string }) => i.title)).toEqual(['批量导入联系人']);
    const self = excluded.body.items[0].requestId;
    const without = await viewer.get(
      api(`/requests/similar?text=${encodeURIComponent('批量导入联系人')}&excludeId=${self}`),
    );
    expect(without.body.items).toEqual([]);
  });

  it('finds an edited request by its new title, and no longer by the old one', async () => {
    const made = await csm.post(api('/requests'), { accountId: acc.small2, title: 'Webhook 重试机制' });
    await csm.patch(api(`/requests/${made.body.id}`), { title: 'Salesforce 双向同步' });
    const found = await viewer.get(
      api(`/requests/similar?text=${encodeURIComponent('Salesforce 双向同步')}`),
    );
    expect(found.body.items.map((i: { requestId: string }) => i.requestId)).toEqual([made.body.id]);
    const old = await viewer.get(api(`/requests/similar?text=${encodeURIComponent('Webhook 重试机制')}`));
    expect(old.body.items).toEqual([]);
  });

  it('splits requests out into a new group, and dissolves a group left with one request', async () => {
    const split = await csm.post(api(`/requests/groups/${groupId}/split`), {
      requestIds: [ids[8], ids[9]],
      newGroup: true,
      title: 'Excel 导出(另一类)',
    });
    expect(split.status, JSON.stringify(split.body)).toBe(200);
    expect(split.body).toMatchObject({ groupId, movedRequestIds: [ids[8], ids[9]] });
    const moved = (await viewer.get(api(`/requests/${ids[8]}`))).body;
    expect(moved).toMatchObject({ groupId: split.body.newGroupId, groupedBy: 'manual' });
    expect((await viewer.get(api(`/requests/groups/${groupId}`))).body.requests).toHaveLength(8);

    const notMember = await csm.post(api(`/requests/groups/${groupId}/split`), { requestIds: [ids[8]] });
    expect(notMember.status).toBe(400);
    expect(issuePaths(notMember)).toEqual(['requestIds']);

    const dissolve = await csm.post(api(`/requests/groups/${split.body.newGroupId}/split`), {
      requestIds: [ids[9]],
    });
    expect(dissolve.body.groupId).toBeNull();
    expect((await viewer.get(api(`/requests/${ids[8]}`))).body.groupId).toBeNull();
    expect((await viewer.get(api(`/requests/groups/${split.body.newGroupId}`))).status).toBe(404);
  });

  it('merges requests and groups back into the first named group', async () => {
    const res = await csm.post(api('/requests/groups/merge'), {
      groupIds: [groupId],
      requestIds: [ids[8], ids[9]],
      title: '报表导出 Excel',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: groupId, title: '报表导出 Excel', totalArr: 500_000 });
    expect(res.body.requests).toHaveLength(10);
    expect((await viewer.get(api(`/requests/${ids[9]}`))).body.groupedBy).toBe('manual');

    // A request taken from another group moves alone; that group keeps its other requests.
    const a1 = await csm.post(api('/requests'), { accountId: acc.small5, title: '客户标签批量编辑' });
    const a2 = await csm.post(api('/requests'), { accountId: acc.small6, title: '客户标签批量编辑' });
    const a3 = await csm.post(api('/requests'), { accountId: acc.small7, title: '客户标签批量编辑' });
    const tagGroup = a1.body.groupId ?? (await viewer.get(api(`/requests/${a1.body.id}`))).body.groupId;
    expect(a3.body.groupId).toBe(tagGroup);
    const pulled = await csm.post(api('/requests/groups/merge'), {
      groupIds: [groupId],
      requestIds: [a3.body.id],
    });
    expect(pulled.body.requests).toHaveLength(11);
    const rest = await viewer.get(api(`/requests/groups/${tagGroup}`));
    expect(rest.body.requests.map((r: { id: string }) => r.id)).toEqual([a1.body.id, a2.body.id]);
    await csm.post(api(`/requests/groups/${groupId}/split`), { requestIds: [a3.body.id] });
    for (const r of [a1, a2, a3]) await manager.delete(api(`/requests/${r.body.id}`));
    expect((await viewer.get(api(`/requests/groups/${tagGroup}`))).status).toBe(404);

    const tooFew = await csm.post(api('/requests/groups/merge'), { requestIds: [ids[0]] });
    expect(tooFew.status).toBe(400);
    expect(issuePaths(tooFew)).toEqual(['requestIds']);
    const unknown = await csm.post(api('/requests/groups/merge'), {
      requestIds: [ids[0], '01900000-0000-7000-8000-00000000dead'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('01900000-0000-7000-8000-00000000dead');
    expect((await viewer.post(api('/requests/groups/merge'), { requestIds: ids.slice(0, 2) })).status).toBe(
      403,
    );
  });
});

describe('the ranked list', () => {
  let bigId: string;
  let logoId: string;
  let renewingId: string;
  let steadyId: string;

  beforeAll(async () => {
    bigId = (
      await csm.post(api('/requests'), {
        accountId: acc.big,
        title: '私有化部署多租户隔离',
        productArea: '平台',
      })
    ).body.id;
    logoId = (
      await csm.post(api('/requests'), {
        accountId: acc.logo,
        title: 'AI 智能客服知识库',
        productArea: '客服云',
        showcase: true,
      })
    ).body.id;
    renewingId = (
      await csm.post(api('/requests'), {
        accountId: acc.renewing,
        title: '工单SLA超时提醒',
        type: 'complaint',
      })
    ).body.id;
    steadyId = (await csm.post(api('/requests'), { accountId: acc.steady, title: '自定义字段排序' })).body.id;
  });

  it('orders by priority: the reference customer’s showcase ask, ten small accounts’ shared ask, the strategic ask, the at-risk renewal', async () => {
    const res = await viewer.get(api('/requests/ranked?limit=200'));
    expect(res.status).toBe(200);
    const items = res.body.items as {
      kind: string;
      requestId: string | null;
      groupId: string | null;
      priority: { score: number; factors: { key: string; points: number }[] };
      accounts: { name: string }[];
      accountCount: number;
      totalArr: number;
      requestCount: number;
    }[];
    const scores = items.map((i) => i.priority.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const [logo, group, big, renewing] = items;
    expect(group).toMatchObject({ kind: 'group', accountCount: 10, requestCount: 10, totalArr: 500_000 });
    expect(group!.priority.score).toBe(70);
    // 40 + 0.5 ARR + 15 flagship + 15 showcase + 1.5 + 0.3 volume.
    expect(logo).toMatchObject({ kind: 'request', requestId: logoId });
    expect(logo!.priority.score).toBe(72.3);
    expect(big).toMatchObject({ kind: 'request', requestId: bigId, totalArr: 2_000_000 });
    expect(points(big!.priority)).toEqual({
      high_value_account: 40,
      account_arr: 20,
      asking_accounts: 1.5,
      asking_arr: 5,
    });
    expect(renewing).toMatchObject({ requestId: renewingId });
    // 7 + 20 renewal window + 10 at risk: ahead of every other small account's single ask (7).
    expect(renewing!.priority.score).toBe(37);
    expect(points(renewing!.priority)).toMatchObject({ renewal_window: 20, renewal_at_risk: 10 });
    const steady = items.find((i) => i.requestId === steadyId)!;
    expect(steady.priority.score).toBe(7);
    expect(items.indexOf(steady)).toBeGreaterThan(items.indexOf(renewing!));
  });

  it('filters by type, product area, tier and status', async () => {
    const complaints = (await viewer.get(api('/requests/ranked?type=complaint'))).body.items;
    expect(complaints.map((i: { requestId: string }) => i.requestId)).toEqual([renewingId]);
    const reports = (await viewer.get(api(`/requests/ranked?productArea=${encodeURIComponent('报表')}`))).body
      .items;
    expect(reports).toHaveLength(1);
    expect(reports[0].kind).toBe('group');
    const strategic = (await viewer.get(api('/requests/ranked?tier=strategic'))).body.items;
    expect(strategic.map((i: { requestId: string }) => i.requestId).sort()).toEqual([bigId, logoId].sort());
    const declined = (await viewer.get(api('/requests/ranked?status=declined'))).body.items;
    expect(declined).toEqual([]);
    const paged = await viewer.get(api('/requests/ranked?limit=2'));
    expect(paged.body.items).toHaveLength(2);
    const next = await viewer.get(api(`/requests/ranked?limit=2&cursor=${paged.body.nextCursor}`));
    expect(next.body.items[0].priority.score).toBeLessThanOrEqual(paged.body.items[1].priority.score);
  });

  it('follows the settings a manager changes, and refuses bad weights naming the field', async () => {
    const before = await viewer.get(api('/requests/settings'));
    expect(before.body).toMatchObject({
      highValueArr: 1_000_000,
      renewalWindowDays: 90,
      groupThreshold: 0.55,
    });
    const bad = await manager.patch(api('/requests/settings'), { weights: { perAskingAccount: -1 } });
    expect(bad.status).toBe(400);
    expect(issuePaths(bad)).toEqual(['weights.perAskingAccount']);
    const res = await manager.patch(api('/requests/settings'), { weights: { renewalWindow: 50 } });
    expect(res.status).toBe(200);
    expect(res.body.weights).toMatchObject({ renewalWindow: 50, perAskingAccount: 6 });
    expect((await viewer.get(api(`/requests/${renewingId}`))).body.priority.score).toBe(67);
    await manager.patch(api('/requests/settings'), { weights: { renewalWindow: 20 }, renewalWindowDays: 20 });
    // Renewal in 30 days is now outside a 20-day window.
    expect((await viewer.get(api(`/requests/${renewingId}`))).body.priority.score).toBe(7);
    await manager.patch(api('/requests/settings'), { renewalWindowDays: 90 });
  });
});

describe('status changes', () => {
  it('writes a status change on the account’s timeline and closes shipped requests', async () => {
    const made = await csm.post(api('/requests'), { accountId: acc.steady, title: '数据看板支持钉钉推送' });
    const res = await csm.patch(api(`/requests/${made.body.id}`), { status: 'shipped', productArea: '集成' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'shipped', productArea: '集成' });
    expect(res.body.closedAt).toEqual(expect.any(String));
    const timeline = await viewer.get(api(`/accounts/${acc.steady}/timeline`));
    expect(timeline.body.items[0]).toMatchObject({
      type: 'request.status_changed',
      title: `Request #${made.body.number} new → shipped: 数据看板支持钉钉推送`,
      data: { changes: { status: ['new', 'shipped'] } },
    });
    const ranked = (await viewer.get(api('/requests/ranked?limit=200'))).body.items;
    expect(ranked.find((i: { requestId: string }) => i.requestId === made.body.id)).toBeUndefined();
    const reopened = await csm.patch(api(`/requests/${made.body.id}`), { status: 'under_review' });
    expect(reopened.body.closedAt).toBeNull();
    // A change without a new status writes no timeline entry.
    const count = (await viewer.get(api(`/accounts/${acc.steady}/timeline`))).body.items.length;
    await csm.patch(api(`/requests/${made.body.id}`), { showcase: true });
    expect((await viewer.get(api(`/accounts/${acc.steady}/timeline`))).body.items.length).toBe(count);
  });

  it('moves every open request of a group to planned, each on its own account’s timeline', async () => {
    const ranked = (await viewer.get(api('/requests/ranked'))).body.items;
    const group = ranked.find((i: { kind: string }) => i.kind === 'group');
    const res = await manager.patch(api(`/requests/groups/${group.groupId}`), { status: 'planned' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.requests.map((r: { status: string }) => r.status)).toEqual(Array(10).fill('planned'));
    const timeline = await viewer.get(api(`/accounts/${acc.small3}/timeline`));
    expect(timeline.body.items[0]).toMatchObject({ type: 'request.status_changed' });
    expect(timeline.body.items[0].title).toMatch(/new → planned/);
    expect((await viewer.patch(api(`/requests/groups/${group.groupId}`), { title: 'x' })).status).toBe(403);
  });
});

describe('the list', () => {
  it('filters and pages newest first, and sorts by priority', async () => {
    const all = await viewer.get(api('/requests?limit=200'));
    const numbers = all.body.items.map((r: { number: number }) => r.number);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    const page1 = await viewer.get(api('/requests?limit=3'));
    const page2 = await viewer.get(api(`/requests?limit=3&cursor=${page1.body.nextCursor}`));
    expect([...page1.body.items, ...page2.body.items].map((r: { number: number }) => r.number)).toEqual(
      numbers.slice(0, 6),
    );
    const byAccount = await viewer.get(api(`/requests?accountId=${acc.small0}&sort=oldest`));
    expect(byAccount.body.items.map((r: { title: string }) => r.title)).toEqual([EXCEL[0], '批量导入联系人']);
    const bugs = await viewer.get(api('/requests?type=bug,complaint'));
    expect(bugs.body.items.map((r: { type: string }) => r.type).sort()).toEqual(['bug', 'complaint']);
    const search = await viewer.get(api(`/requests?q=${encodeURIComponent('excel')}`));
    expect(search.body.items.length).toBe(10);
    const open = await viewer.get(api('/requests?status=open&limit=200'));
    expect(
      open.body.items.every((r: { status: string }) => !['shipped', 'declined'].includes(r.status)),
    ).toBe(true);
    const byPriority = await viewer.get(api('/requests?sort=priority&limit=5'));
    const scores = byPriority.body.items.map((r: { priority: { score: number } }) => r.priority.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(byPriority.body.items[0].accountName).toBe('logo');
    const next = await viewer.get(
      api(`/requests?sort=priority&limit=5&cursor=${byPriority.body.nextCursor}`),
    );
    expect(next.body.items[0].priority.score).toBeLessThanOrEqual(scores[4]);
  });
});

describe('CSV import', () => {
  const csv = (c: Client, body: string, query = '') =>
    c.request('POST', api(`/requests/import${query}`), body);
  const csvClient = (token: string) => client(t.app, token, { 'content-type': 'text/csv' });

  it('logs each row as by hand, on its day, grouped with similar asks, and skips rows already logged', async () => {
    await admin.post(api('/contacts'), { accountId: acc.small4, name: '赵敏', email: 'zhao@small4.cn' });
    const file = [
      '客户编号,需求,类型,产品模块,联系人邮箱,日期',
      'small4,导出Excel报表,feature_request,报表,zhao@small4.cn,2026-01-15',
      'small5,工作流自动化触发器,feature_request,流程,,2026-02-01',
    ].join('\n');
    const map =
      '?map=客户编号=accountExternalId,需求=title,类型=type,产品模块=productArea,联系人邮箱=contactEmail,日期=loggedOn';
    const dry = await csv(csvClient(ws.users.manager.token), file, `${map}&dryRun=true`);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ committed: false, rows: 2, valid: 2, invalid: 0, created: 0 });

    const res = await csv(csvClient(ws.users.manager.token), file, map);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ committed: true, rows: 2, created: 2, skipped: 0 });
    const imported = (
      await viewer.get(api(`/requests?accountId=${acc.small4}&q=${encodeURIComponent('导出excel')}`))
    ).body.items;
    const row = imported.find((r: { title: string }) => r.title === '导出Excel报表');
    expect(row).toMatchObject({ productArea: '报表', createdAt: '2026-01-15T04:00:00.000Z' });
    expect(row.contactId).toEqual(expect.any(String));
    // It joined the Excel group logged earlier.
    const excel = (await viewer.get(api(`/requests?accountId=${acc.small0}`))).body.items.find(
      (r: { title: string }) => r.title === EXCEL[0],
    );
    expect(row.groupId).toBe(excel.groupId);

    const again = await csv(csvClient(ws.users.manager.token), file, map);
    expect(again.body).toMatchObject({ committed: true, created: 0, skipped: 2 });
  });

  it('rejects the whole file with the line and field of each bad row, unless told to skip them', async () => {
    const file = [
      'accountExternalId,title,type,contactEmail',
      'small6,报表订阅邮件,wish,',
      'nobody,报表订阅邮件,,',
      'small6,报表订阅邮件,,nobody@x.cn',
      'small7,报表订阅邮件,,',
    ].join('\n');
    const res = await csv(csvClient(ws.users.manager.token), file);
    expect(res.status).toBe(400);
    expect(
      res.body.error.details.errors.map((e: { line: number; field: string }) => [e.line, e.field]),
    ).toEqual([
      [2, 'type'],
      [3, 'accountExternalId'],
      [4, 'contactEmail'],
    ]);
    expect((await viewer.get(api(`/requests?accountId=${acc.small7}`))).body.items).toHaveLength(1);
    const skip = await csv(csvClient(ws.users.manager.token), file, '?skipInvalid=true');
    expect(skip.body).toMatchObject({ committed: true, created: 1, invalid: 3 });
    expect((await viewer.get(api(`/requests?accountId=${acc.small7}`))).body.items).toHaveLength(2);
  });

  it('is for managers and admins only', async () => {
    const file = 'accountExternalId,title\nsmall8,x\n';
    for (const token of [ws.users.csm.token, ws.users.viewer.token]) {
      const res = await csv(csvClient(token), file);
      expect(res.status).toBe(403);
    }
  });
});
