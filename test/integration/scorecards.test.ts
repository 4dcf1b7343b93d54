// CSM scorecards through app.request(): who sees which cards, and metrics worked out by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayInZone } from '../../src/time.ts';
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
let admin: Client;
let manager: Client;
let csm: Client;
let viewer: Client;
let T: string;
let other: string;
const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Scorecards');
  admin = client(t.app, ws.users.admin.token);
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const second = await admin.post(api('/users'), {
    email: `second.${Date.now()}@test.steward.dev`,
    name: 'Second CSM',
    role: 'csm',
    password: 'long-enough-pw',
  });
  other = second.body.id;
  // The test CSM owns two accounts: one renewed flat 10 days ago, one churned; two notes in the
  // period on the first. The second CSM owns one account and has touched nothing.
  const mk = async (name: string, owner: string) =>
    (await admin.post(api('/accounts'), { externalId: `sc-${name}`, name, ownerId: owner })).body
      .id as string;
  const a = await mk('a', ws.users.csm.id);
  const b = await mk('b', ws.users.csm.id);
  const c = await mk('c', other);
  const ka = await admin.post(api('/contracts'), {
    accountId: a,
    startDate: addDays(T, -375),
    endDate: addDays(T, -10),
    amount: 100_000,
  });
  await admin.post(api('/contracts'), {
    accountId: a,
    startDate: addDays(T, -9),
    endDate: addDays(T, 356),
    amount: 100_000,
    renewsContractId: ka.body.id,
  });
  const kb = await admin.post(api('/contracts'), {
    accountId: b,
    startDate: addDays(T, -385),
    endDate: addDays(T, -20),
    amount: 50_000,
  });
  await admin.patch(api(`/contracts/${kb.body.id}`), { status: 'churned' });
  await admin.post(api('/contracts'), {
    accountId: c,
    startDate: addDays(T, -100),
    endDate: addDays(T, 265),
    amount: 30_000,
  });
  for (const body of ['QBR held', 'Follow-up call']) {
    const n = await csm.post(api(`/accounts/${a}/timeline`), { type: 'call', body });
    expect(n.status, JSON.stringify(n.body)).toBe(201);
  }
});
afterAll(async () => t?.close());

describe('scorecards', () => {
  it('shows managers every CSM with outcome and process metrics and a 60/40 score', async () => {
    const res = await manager.get(api('/reports/scorecards'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.weights).toEqual({ outcome: 0.6, process: 0.4 });
    expect(res.body.from).toBe(addDays(T, -89));
    expect(res.body.unavailable.map((u: { metric: string }) => u.metric)).toContain('nps');
    const mine = res.body.items.find((i: { id: string }) => i.id === ws.users.csm.id);
    expect(mine.metrics).toMatchObject({
      accounts: 2,
      renewalsDue: 2,
      renewalsClosed: 2,
      renewalRateCount: 0.5,
      // 100,000 renewed of 150,000 decided.
      renewalRateArr: 0.6667,
      // 150,000 in force 90 days ago; 100,000 today.
      nrr: 0.6667,
      touches: 2,
      touchesPerAccount: 1,
    });
    // No tier: fallback cadence 60 days -> 1.5 touches expected per account in 90 days; a: 2/1.5
    // capped at 1, b: 0 -> attainment 0.5.
    expect(mine.metrics.cadenceAttainment).toBe(0.5);
    // Outcome parts: renewal rate 0.6667, NRR 0.6667 / 1.1, expansion 0 (none); process: touches 0.5.
    const outcome = (0.6667 + 0.6667 / 1.1 + 0) / 3;
    expect(mine.outcomeScore).toBeCloseTo(outcome * 100, 0);
    expect(mine.processScore).toBe(50);
    expect(mine.score).toBeCloseTo((0.6 * outcome + 0.4 * 0.5) * 100, 0);
    const second = res.body.items.find((i: { id: string }) => i.id === other);
    expect(second.metrics).toMatchObject({ accounts: 1, touches: 0, cadenceAttainment: 0, nrr: 1 });
  });

  it('counts tasks done on time among tasks due in the period, open ones late', async () => {
    const accounts = await admin.get(api(`/accounts?ownerId=${ws.users.csm.id}`));
    const accountId = accounts.body.items[0].id;
    const make = async (dueDate: string) =>
      (
        await admin.post(api('/tasks'), {
          accountId,
          title: 'QBR prep',
          type: 'qbr',
          dueDate,
          assignee: { userId: ws.users.csm.id },
        })
      ).body.id as string;
    const onTime = await make(addDays(T, 1));
    await make(addDays(T, -5));
    expect((await csm.patch(api(`/tasks/${onTime}`), { status: 'done' })).status).toBe(200);
    const res = await manager.get(api(`/reports/scorecards?to=${addDays(T, 1)}`));
    const mine = res.body.items.find((i: { id: string }) => i.id === ws.users.csm.id);
    expect(mine.metrics.tasksOnTime).toBe(0.5);
    expect(mine.parts.process.tasksOnTime).toBe(0.5);
  });

  it('takes other weights from the query', async () => {
    const res = await manager.get(api('/reports/scorecards?outcomeWeight=0'));
    const mine = res.body.items.find((i: { id: string }) => i.id === ws.users.csm.id);
    expect(res.body.weights).toEqual({ outcome: 0, process: 1 });
    expect(mine.score).toBe(mine.processScore);
  });

  it('shows a CSM only their own card, and a viewer none', async () => {
    const res = await csm.get(api('/reports/scorecards'));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([ws.users.csm.id]);
    expect(res.body.groups).toEqual([]);
    expect((await viewer.get(api('/reports/scorecards'))).status).toBe(403);
  });

  it('scores groups over their members’ accounts', async () => {
    await manager.post(api('/team/groups'), {
      key: 'all',
      name: 'Everyone',
      members: [{ userId: ws.users.csm.id }, { userId: other }],
    });
    const res = await manager.get(api('/reports/scorecards'));
    expect(res.body.groups).toHaveLength(1);
    expect(res.body.groups[0].metrics).toMatchObject({ accounts: 3, touches: 2, renewalsClosed: 2 });
  });

  it('drills a card down to the accounts and tasks behind its figures', async () => {
    const cards = await manager.get(api(`/reports/scorecards?to=${addDays(T, 1)}`));
    const card = cards.body.items.find((i: { id: string }) => i.id === ws.users.csm.id);
    const res = await manager.get(
      api(`/reports/scorecards/detail?kind=csm&id=${ws.users.csm.id}&to=${addDays(T, 1)}`),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accounts).toHaveLength(card.metrics.accounts);
    const sum = (k: string) =>
      res.body.accounts.reduce((s: number, a: Record<string, number>) => s + a[k]!, 0);
    // The rows add up to the card.
    expect(sum('touches')).toBe(card.metrics.touches);
    expect(sum('renewalsDue')).toBe(card.metrics.renewalsDue);
    expect(sum('renewalsClosed')).toBe(card.metrics.renewalsClosed);
    expect(sum('renewalsWon') / sum('renewalsClosed')).toBeCloseTo(card.metrics.renewalRateCount, 3);
    expect(sum('startArr')).toBe(card.metrics.startArr);
    expect(res.body.tasksTotal).toBe(2);
    expect(res.body.tasks.filter((x: { onTime: boolean }) => x.onTime)).toHaveLength(1);
    expect(res.body.tasks[0]).toMatchObject({ title: 'QBR prep', assigneeId: ws.users.csm.id });
    // A group's drill-down covers its members' accounts.
    const group = (await manager.get(api('/reports/scorecards'))).body.groups[0];
    const g = await manager.get(api(`/reports/scorecards/detail?kind=group&id=${group.id}`));
    expect(g.body.accounts).toHaveLength(3);
  });

  it('lets a CSM drill into their own card only, and names a wrong id', async () => {
    const own = await csm.get(api(`/reports/scorecards/detail?kind=csm&id=${ws.users.csm.id}`));
    expect(own.status).toBe(200);
    expect((await csm.get(api(`/reports/scorecards/detail?kind=csm&id=${other}`))).status).toBe(403);
    const group = (await manager.get(api('/reports/scorecards'))).body.groups[0];
    expect((await csm.get(api(`/reports/scorecards/detail?kind=group&id=${group.id}`))).status).toBe(403);
    const bad = await manager.get(api('/reports/scorecards/detail?kind=csm&id=nobody'));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('id');
  });

  it('shows a manager their own groups side by side on the team overview', async () => {
    const groups = (await admin.get(api('/team/groups'))).body.items;
    const res = await admin.get(api('/reports/team-overview'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // The admin is in no group: everyone.
    expect(res.body.selected).toBe('all');
    const mine = res.body.csms.find((c: { userId: string }) => c.userId === ws.users.csm.id);
    expect(mine).toMatchObject({ accounts: 2, touches: 2, groupName: 'Everyone' });
    expect(res.body.healthTrend.days).toHaveLength(12);
    expect((await csm.get(api('/reports/team-overview'))).status).toBe(403);
    const one = await admin.get(api(`/reports/team-overview?groupId=${groups[0].id}&weeks=4`));
    expect(one.body.selected).toBe(groups[0].id);
    expect(one.body.csms.map((c: { userId: string }) => c.userId).sort()).toEqual(
      [ws.users.csm.id, other].sort(),
    );
    expect(one.body.healthTrend.days).toHaveLength(4);
  });

  it('serves the default cards kept by the last full recompute, with when, to those who see every card', async () => {
    const live = await manager.get(api('/reports/scorecards'));
    expect(Date.parse(live.body.computedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await admin.post(api('/recompute'), {})).status).toBe(200);
    const kept = await manager.get(api('/reports/scorecards'));
    expect(kept.body.computedAt).not.toBe(live.body.computedAt);
    expect(kept.body.items).toEqual(live.body.items);
    // The page asks for the default period by its days: the same kept cards.
    const asked = await manager.get(api(`/reports/scorecards?from=${addDays(T, -89)}&to=${T}`));
    expect(asked.body.computedAt).toBe(kept.body.computedAt);
    // As of the pass: a touch since moves them at the next pass, not before.
    const accounts = await csm.get(api('/accounts?limit=1'));
    const touch = await csm.post(api(`/accounts/${accounts.body.items[0].id}/timeline`), {
      type: 'call',
      body: 'Kept scorecards',
    });
    expect(touch.status).toBe(201);
    const after = await manager.get(api('/reports/scorecards'));
    expect(after.body).toEqual(kept.body);
    // Another period, and a CSM's own card, are computed on request.
    const other = await manager.get(api(`/reports/scorecards?to=${addDays(T, 1)}`));
    expect(other.body.computedAt).not.toBe(kept.body.computedAt);
    const own = await csm.get(api('/reports/scorecards'));
    expect(own.body.computedAt).not.toBe(kept.body.computedAt);
    expect(own.body.items.map((i: { id: string }) => i.id)).toEqual([ws.users.csm.id]);
    expect((await admin.post(api('/recompute'), {})).status).toBe(200);
    const next = await manager.get(api('/reports/scorecards'));
    const touches = (b: typeof kept.body) => b.items.reduce((n: number, i: any) => n + i.metrics.touches, 0);
    expect(touches(next.body)).toBe(touches(kept.body) + 1);
  });
});
