// CSM groups, capacity and the headcount planner, assignment and offboarding, the load view,
// through app.request() on a small fixture whose numbers are worked out by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reassignInactiveOwnersJob } from '../../src/modules/team/index.ts';
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
let admin: Client;
let manager: Client;
let csm: Client;
let viewer: Client;
let T: string;
const api = (path: string) => `/api/v1${path}`;
const users: Record<string, string> = {};
const accounts: Record<string, string> = {};

async function makeCsm(name: string) {
  const res = await admin.post(api('/users'), {
    email: `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 6)}@test.steward.dev`,
    name,
    role: 'csm',
    password: 'long-enough-pw',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  users[name] = res.body.id;
}

async function makeAccount(name: string, region: string, arr: number, extra: Record<string, unknown> = {}) {
  const res = await admin.post(api('/accounts'), { externalId: `team-${name}`, name, region, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  accounts[name] = res.body.id;
  if (arr > 0) {
    const c = await admin.post(api('/contracts'), {
      accountId: res.body.id,
      startDate: addDays(T, -30),
      endDate: addDays(T, 300),
      amount: arr,
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
  }
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Team');
  admin = client(t.app, ws.users.admin.token);
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  for (const n of ['Li', 'Wang', 'Zhao']) await makeCsm(n);
  // Seed 002's ARR bands: four small accounts (< 100k) and one very large one (>= 1M) in 华东,
  // one small account in 华北.
  const templates = await admin.get(api('/tiering-schemes/templates'));
  const bands = templates.body.items.find((x: { key: string }) => x.key === 'arr_bands');
  const scheme = await admin.post(api('/tiering-schemes'), {
    key: 'bands',
    name: 'Bands',
    rules: bands.rules.map(({ whenText: _w, ...r }: Record<string, unknown>) => r),
    defaultTier: bands.defaultTier,
    active: true,
  });
  expect(scheme.status, JSON.stringify(scheme.body)).toBe(201);
  await makeAccount('s1', '华东', 10_000, { ownerId: users.Li });
  await makeAccount('s2', '华东', 20_000);
  await makeAccount('s3', '华东', 30_000);
  await makeAccount('parent', '华东', 40_000);
  await makeAccount('child', '华东', 0, { parentId: accounts.parent });
  await makeAccount('big', '华东', 2_000_000);
  await makeAccount('north', '华北', 50_000);
  const recompute = await admin.post(api('/recompute'), {});
  expect(recompute.status, JSON.stringify(recompute.body)).toBe(200);
});
afterAll(async () => t?.close());

describe('team settings and groups', () => {
  it('starts from seed 002 capacities and lets a manager change them; a CSM may not', async () => {
    const s = await viewer.get(api('/team/settings'));
    expect(s.status).toBe(200);
    expect(s.body.capacities.small).toEqual({ accountsPerCsm: 80 });
    expect(s.body.capacities.very_large).toEqual({ accountsPerCsm: 5 });
    expect(s.body.scorecardWeights).toEqual({ outcome: 0.6, process: 0.4 });
    expect((await csm.patch(api('/team/settings'), { groupSize: 5 })).status).toBe(403);
    const bad = await manager.patch(api('/team/settings'), {
      scorecardWeights: { outcome: 0.7, process: 0.4 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('scorecardWeights');
    // Small fixture: 2 small accounts and 1 very large account per CSM.
    const ok = await manager.patch(api('/team/settings'), {
      capacities: {
        small: { accountsPerCsm: 2 },
        medium: { accountsPerCsm: 2 },
        very_large: { accountsPerCsm: 1 },
      },
      groupSize: 2,
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.capacities.small.accountsPerCsm).toBe(2);
  });

  it('creates groups with a scope over account facts and refuses an unknown fact, naming the field', async () => {
    const bad = await manager.post(api('/team/groups'), {
      key: 'bad',
      name: 'Bad',
      scope: 'regoin = "华东"',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('scope');
    expect(bad.body.error.message).toMatch(/regoin/);
    const east = await manager.post(api('/team/groups'), {
      key: 'east',
      name: '华东组',
      leadId: ws.users.manager.id,
      scope: 'region = "华东"',
      members: [{ userId: users.Li }, { userId: users.Wang }],
    });
    expect(east.status, JSON.stringify(east.body)).toBe(201);
    expect(east.body.scopeText).toBe('region = "华东"');
    expect(east.body.members.map((m: { name: string }) => m.name)).toEqual(['Li', 'Wang']);
    const north = await manager.post(api('/team/groups'), {
      key: 'north',
      name: '华北组',
      scope: { fact: 'region', op: '=', value: '华北' },
      members: [{ userId: users.Zhao }],
    });
    expect(north.status).toBe(201);
    expect(north.body.position).toBe(east.body.position + 1);
    const twice = await manager.post(api('/team/groups'), {
      key: 'twice',
      name: 'Twice',
      members: [{ userId: users.Li }],
    });
    expect(twice.status).toBe(409);
    expect(errorCode(twice)).toBe('conflict');
    expect((await csm.post(api('/team/groups'), { key: 'x', name: 'X' })).status).toBe(403);
    const list = await viewer.get(api('/team/groups'));
    expect(list.body.items.map((g: { key: string }) => g.key)).toEqual(['east', 'north']);
  });
});

describe('headcount planner', () => {
  it('counts CSMs and groups needed per tier, and today’s team against it', async () => {
    const res = await viewer.get(api('/team/capacity'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byTier = Object.fromEntries(res.body.plan.tiers.map((x: { tier: string }) => [x.tier, x]));
    // 6 small accounts (child has no ARR) at 2 per CSM -> 3 CSMs, group size 2 -> 2 groups of 2 and 1.
    expect(byTier.small).toMatchObject({ accounts: 6, csmsNeeded: 3, groups: 2, groupSizes: [2, 1] });
    expect(byTier.very_large).toMatchObject({ accounts: 1, csmsNeeded: 1, groups: 1 });
    expect(byTier.medium).toMatchObject({ accounts: 0, csmsNeeded: 0 });
    // Only Li owns an account (small): Li is one small CSM; Wang and Zhao carry nothing yet.
    expect(byTier.small.currentCsms).toBe(1);
    expect(res.body.team).toMatchObject({
      activeCsms: 3,
      fte: 3,
      unallocatedFte: 2,
      groups: 2,
      unownedAccounts: 6,
    });
    const grown = await viewer.get(api('/team/capacity?growth=0.5'));
    expect(grown.body.plan.tiers.find((x: { tier: string }) => x.tier === 'small')).toMatchObject({
      projectedAccounts: 9,
      csmsNeeded: 5,
    });
  });

  it('answers a what-if with other capacities and tier rules beside today’s plan (managers only)', async () => {
    expect((await viewer.post(api('/team/capacity/what-if'), { growth: 1 })).status).toBe(403);
    const res = await manager.post(api('/team/capacity/what-if'), {
      capacities: { small: { accountsPerCsm: 6 }, very_large: { accountsPerCsm: 1 } },
      tiering: { rules: [{ tier: 'very_large', when: 'arr >= 40000' }], defaultTier: 'small' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const w = Object.fromEntries(res.body.whatIf.plan.tiers.map((x: { tier: string }) => [x.tier, x]));
    // parent (40k), north (50k) and big (2M) become very large; 4 small remain at 6 per CSM.
    expect(w.very_large).toMatchObject({ accounts: 3, csmsNeeded: 3 });
    expect(w.small).toMatchObject({ accounts: 4, csmsNeeded: 1 });
    const change = Object.fromEntries(res.body.change.map((x: { tier: string }) => [x.tier, x]));
    expect(change.small).toMatchObject({ accounts: -2, csmsNeeded: -2 });
    expect(change.very_large).toMatchObject({ accounts: 2, csmsNeeded: 2 });
  });
});

describe('assignment', () => {
  it('previews moves within each group, respecting capacity and keeping families together', async () => {
    const res = await manager.post(api('/team/assignment/preview'), { mode: 'unowned' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const to = Object.fromEntries(
      res.body.moves.map((m: { accountName: string; toName: string }) => [m.accountName, m.toName]),
    );
    // 华东 costs: small 1/2, very large 1/1. Li carries s1 (0.5). Largest first, ties by id: the
    // family parent + child (1.0, created before big) fills Wang; big (1.0) fits nobody; s2 (0.5)
    // fills Li; s3 fits nobody. 华北: north -> Zhao.
    expect(to).toEqual({ parent: 'Wang', child: 'Wang', s2: 'Li', north: 'Zhao' });
    expect(
      res.body.unplaced.map((u: { accountName: string; reason: string }) => [u.accountName, u.reason]).sort(),
    ).toEqual([
      ['big', 'no_capacity'],
      ['s3', 'no_capacity'],
    ]);
    expect(res.body.summary.moves).toBe(Object.keys(to).length);
    expect(res.body.summary.unplaced.no_capacity).toBeGreaterThan(0);
    for (const l of res.body.loads) expect(l.loadAfter).toBeLessThanOrEqual(l.capacity + 1e-9);
    const again = await manager.post(api('/team/assignment/preview'), { mode: 'unowned' });
    expect(again.body.fingerprint).toBe(res.body.fingerprint);
  });

  it('applies the plan with a timeline entry per move, refuses a stale fingerprint, and then has nothing to do', async () => {
    const preview = await manager.post(api('/team/assignment/preview'), { mode: 'unowned' });
    const stale = await manager.post(api('/team/assignment/apply'), { fingerprint: 'not-the-plan' });
    expect(stale.status).toBe(409);
    expect((await csm.post(api('/team/assignment/apply'), {})).status).toBe(403);
    const applied = await manager.post(api('/team/assignment/apply'), {
      fingerprint: preview.body.fingerprint,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.applied).toBe(true);
    const parent = await admin.get(api(`/accounts/${accounts.parent}`));
    expect(parent.body.ownerId).toBe(users.Wang);
    expect(parent.body.team).toContainEqual({ userId: users.Wang, role: 'csm' });
    expect((await admin.get(api(`/accounts/${accounts.big}`))).body.ownerId).toBeNull();
    const timeline = await admin.get(api(`/accounts/${accounts.parent}/timeline`));
    const entry = timeline.body.items.find((e: { title: string }) => /Owner changed/.test(e.title));
    expect(entry.title).toBe('Owner changed from nobody to Wang (assignment: unowned accounts)');
    expect(entry.data.changes.ownerId).toEqual([null, users.Wang]);
    const next = await manager.post(api('/team/assignment/preview'), { mode: 'unowned' });
    expect(next.body.summary.moves).toBe(0);
  });

  it('rebalances after capacities grow: nobody is moved who need not be', async () => {
    await manager.patch(api('/team/settings'), {
      capacities: { small: { accountsPerCsm: 10 }, very_large: { accountsPerCsm: 2 } },
    });
    const before = await admin.get(api(`/accounts/${accounts.s1}`));
    const res = await manager.post(api('/team/assignment/apply'), { mode: 'rebalance' });
    expect(res.status).toBe(200);
    expect(res.body.summary.unplaced).toEqual({});
    expect(
      res.body.moves.map((m: { accountName: string; from: string | null }) => [m.accountName, m.from]),
    ).toEqual(
      [
        ['s3', null],
        ['big', null],
      ].sort((a, b) => (accounts[a[0]!]! < accounts[b[0]!]! ? -1 : 1)),
    );
    expect((await admin.get(api(`/accounts/${accounts.s1}`))).body.ownerId).toBe(before.body.ownerId);
    const parent = await admin.get(api(`/accounts/${accounts.parent}`));
    const child = await admin.get(api(`/accounts/${accounts.child}`));
    expect(child.body.ownerId).toBe(parent.body.ownerId);
  });
});

describe('load view and offboarding', () => {
  it('shows each CSM’s accounts and ARR by tier and the share of capacity used', async () => {
    const res = await viewer.get(api('/team/load'));
    expect(res.status).toBe(200);
    // After the rebalance (small 1/10, very large 1/2): big (0.5) went to Li (0.2, tie with Wang
    // broken by id), then s3 (0.1) to Wang. Li: s1, s2, big; Wang: parent, child, s3.
    const li = res.body.items.find((r: { userId: string }) => r.userId === users.Li);
    expect(li.groupName).toBe('华东组');
    expect(li.byTier).toEqual([
      { tier: 'small', accounts: 2, arr: 30_000 },
      { tier: 'very_large', accounts: 1, arr: 2_000_000 },
    ]);
    expect(li.load).toBeCloseTo(0.7, 6);
    expect(li.capacityUsed).toBeCloseTo(0.7, 6);
    const wang = res.body.items.find((r: { userId: string }) => r.userId === users.Wang);
    expect(wang).toMatchObject({ accounts: 3, arr: 70_000, openTasks: 0, overdueTasks: 0 });
    expect(res.body.unowned.accounts).toBe(0);
    const total = res.body.items.reduce((s: number, r: { accounts: number }) => s + r.accounts, 0);
    expect(total).toBe(7);
  });

  it('moves a leaving CSM’s accounts to teammates (or the lead), and only an admin may also deactivate them', async () => {
    const task = await admin.post(api('/tasks'), {
      accountId: accounts.s1,
      title: 'Follow up',
      type: 'call',
      assignee: { userId: users.Li },
    });
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const load = await viewer.get(api('/team/load'));
    expect(load.body.items.find((r: { userId: string }) => r.userId === users.Li).openTasks).toBe(1);
    const preview = await manager.post(api(`/team/members/${users.Li}/offboard/preview`), {});
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.openTasks).toBe(1);
    expect(preview.body.applied).toBe(false);
    expect(preview.body.moves.every((m: { to: string }) => m.to !== users.Li)).toBe(true);
    expect(preview.body.moves.length).toBe(preview.body.accounts);
    const denied = await manager.post(api(`/team/members/${users.Li}/offboard`), { deactivate: true });
    expect(denied.status).toBe(403);
    const done = await admin.post(api(`/team/members/${users.Li}/offboard`), {
      deactivate: true,
      fingerprint: preview.body.fingerprint,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.deactivated).toBe(true);
    expect(done.body.tasksReassigned).toBe(1);
    const s1 = await admin.get(api(`/accounts/${accounts.s1}`));
    expect((await admin.get(api(`/tasks/${task.body.id}`))).body.assigneeId).toBe(s1.body.ownerId);
    expect((await admin.get(api(`/users/${users.Li}`))).body.active).toBe(false);
    const owned = await admin.get(api(`/accounts?ownerId=${users.Li}`));
    expect(owned.body.items).toEqual([]);
    const groups = await admin.get(api('/team/groups/east'));
    expect(groups.body.members.map((m: { name: string }) => m.name)).toEqual(['Wang']);
    expect((await manager.post(api('/team/members/nobody/offboard/preview'), {})).status).toBe(404);
  });

  it('hands the accounts of a user deactivated without offboarding to the group lead in the hourly job', async () => {
    const owned = (await admin.get(api(`/accounts?ownerId=${users.Wang}`))).body.items.length;
    expect(owned).toBeGreaterThan(0);
    expect((await admin.patch(api(`/users/${users.Wang}`), { active: false })).status).toBe(200);
    const load = await viewer.get(api('/team/load'));
    expect(load.body.unowned.accounts).toBe(owned);
    const result = await reassignInactiveOwnersJob(t.deps);
    expect(result.accounts).toBeGreaterThanOrEqual(owned);
    expect((await admin.get(api(`/accounts?ownerId=${users.Wang}`))).body.items).toEqual([]);
    // Wang was the last member of 华东组, so the lead (the manager) takes them.
    const lead = await admin.get(api(`/accounts?ownerId=${ws.users.manager.id}`));
    expect(lead.body.items.length).toBe(owned);
  });
});
