// Current account state (health status, tier, stage, segment) as lists and counts: what the
// workbench and the accounts list read, through app.request().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayInZone } from '../../src/time.ts';
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
let other: TestWorkspace;
let admin: Client;
let viewer: Client;
let T: string;
const ids: Record<string, string> = {};
const api = (path: string) => `/api/v1${path}`;

// name -> [owner is the CSM?, health status, score, tier, stage, segments]
const STATES: Record<string, [boolean, string | null, number | null, string, string, string[]]> = {
  acme: [true, 'danger', 20, 'strategic', 'renewal', ['at_risk']],
  beta: [true, 'danger', 35, 'growth', 'adoption', ['at_risk']],
  gamma: [false, 'excellent', 88, 'growth', 'adoption', []],
  delta: [true, 'fair', 55, 'nurture', 'onboarding', []],
  epsilon: [false, null, null, 'nurture', 'onboarding', []],
};

const TRENDS: Record<string, number> = { acme: -6, beta: -12, gamma: 3 };

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'States A');
  other = await createTestWorkspace(t.deps, 'States B');
  admin = client(t.app, ws.users.admin.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const seg = await admin.post(api('/segments'), { key: 'at_risk', name: 'At risk', condition: 'arr >= 0' });
  expect(seg.status, JSON.stringify(seg.body)).toBe(201);
  const now = new Date().toISOString();
  for (const [name, [mine, status, score, tier, stage, segments]] of Object.entries(STATES)) {
    const res = await admin.post(api('/accounts'), {
      externalId: name,
      name,
      ownerId: mine ? ws.users.csm.id : ws.users.manager.id,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[name] = res.body.id;
    // What the recompute pipeline stores.
    await t.deps.db
      .insertInto('account_states')
      .values({
        workspace_id: ws.workspace.id,
        account_id: res.body.id,
        day: T,
        health_score: score,
        health_status: status,
        health_model_id: 'default',
        health_trend_7d: TRENDS[name] ?? null,
        health_trend_30d: null,
        tier,
        tier_since: T,
        stage,
        stage_since: T,
        segments: JSON.stringify(segments),
        updated_at: now,
      })
      .execute();
    if (segments.includes('at_risk')) {
      await t.deps.db
        .insertInto('segment_members')
        .values({ workspace_id: ws.workspace.id, segment_id: seg.body.id, account_id: res.body.id, since: T })
        .execute();
    }
  }
  // An account that was never recomputed counts among the accounts but in no status.
  const fresh = await admin.post(api('/accounts'), {
    externalId: 'zeta',
    name: 'zeta',
    ownerId: ws.users.csm.id,
  });
  expect(fresh.status).toBe(201);
});

afterAll(async () => {
  await t?.close();
});

describe('account states', () => {
  it('counts the accounts of each health status, tier and stage', async () => {
    const res = await viewer.get(api('/account-states/summary'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const by = <K extends string>(rows: ({ count: number } & Record<K, string | null>)[], k: K) =>
      Object.fromEntries(rows.map((r) => [r[k] ?? 'none', r.count]));
    expect(res.body.accounts).toBe(6);
    expect(res.body.day).toBe(T);
    expect(by(res.body.health, 'status')).toEqual({ danger: 2, excellent: 1, fair: 1, none: 1 });
    expect(by(res.body.tiers, 'tier')).toEqual({ strategic: 1, growth: 2, nurture: 2 });
    expect(by(res.body.stages, 'stage')).toEqual({ renewal: 1, adoption: 2, onboarding: 2 });
    expect(res.body.bands.map((b: { key: string }) => b.key)).toEqual(['excellent', 'fair', 'danger']);
  });

  it('counts only one owner’s accounts when asked', async () => {
    const res = await admin.get(api(`/account-states/summary?ownerId=${ws.users.csm.id}`));
    expect(res.body.accounts).toBe(4);
    const health = Object.fromEntries(
      res.body.health.map((r: { status: string; count: number }) => [r.status, r.count]),
    );
    expect(health).toEqual({ danger: 2, fair: 1 });
  });

  it('lists the accounts of a status, tier, stage or segment by name with a total', async () => {
    const danger = await admin.get(api('/account-states?health=danger&includeTotal=true'));
    expect(danger.status).toBe(200);
    expect(danger.body.total).toBe(2);
    expect(danger.body.items.map((i: { name: string }) => i.name)).toEqual(['acme', 'beta']);
    expect(danger.body.items[0]).toMatchObject({
      accountId: ids.acme,
      healthStatus: 'danger',
      healthScore: 20,
      tier: 'strategic',
      stage: 'renewal',
      segments: ['at_risk'],
      ownerId: ws.users.csm.id,
    });
    const growth = await admin.get(api('/account-states?tier=growth&stage=adoption'));
    expect(growth.body.items.map((i: { name: string }) => i.name)).toEqual(['beta', 'gamma']);
    const segment = await admin.get(api('/account-states?segment=at_risk&includeTotal=true'));
    expect(segment.body.total).toBe(2);
    const mine = await admin.get(api(`/account-states?ownerId=${ws.users.csm.id}&stage=onboarding`));
    expect(mine.body.items.map((i: { name: string }) => i.name)).toEqual(['delta']);
  });

  it('lists the biggest health drops first', async () => {
    const res = await admin.get(api('/account-states?trendBelow=-5&sort=healthTrend7d&limit=1'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(['beta']);
    const next = await admin.get(
      api(`/account-states?trendBelow=-5&sort=healthTrend7d&cursor=${res.body.nextCursor}`),
    );
    expect(
      next.body.items.map((i: { name: string; healthTrend7d: number }) => [i.name, i.healthTrend7d]),
    ).toEqual([['acme', -6]]);
  });

  it('returns the states of the accounts asked for by id', async () => {
    const res = await admin.get(api(`/account-states?accountIds=${ids.gamma},${ids.acme},${ids.gamma}`));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((i: { tier: string }) => i.tier)).toEqual(['strategic', 'growth']);
    const theirs = client(t.app, other.users.admin.token);
    expect((await theirs.get(api(`/account-states?accountIds=${ids.acme}`))).body.items).toEqual([]);
  });

  it('pages through the list with the cursor it returns', async () => {
    const first = await admin.get(api('/account-states?limit=2'));
    expect(first.body.items.map((i: { name: string }) => i.name)).toEqual(['acme', 'beta']);
    const second = await admin.get(api(`/account-states?limit=2&cursor=${first.body.nextCursor}`));
    expect(second.body.items.map((i: { name: string }) => i.name)).toEqual(['delta', 'epsilon']);
    const third = await admin.get(api(`/account-states?limit=2&cursor=${second.body.nextCursor}`));
    expect(third.body.items.map((i: { name: string }) => i.name)).toEqual(['gamma']);
    expect(third.body.nextCursor).toBeNull();
  });

  it('shows another workspace none of these accounts', async () => {
    const theirs = client(t.app, other.users.admin.token);
    expect((await theirs.get(api('/account-states?includeTotal=true'))).body.total).toBe(0);
    expect((await theirs.get(api('/account-states/summary'))).body.accounts).toBe(0);
  });

  it('refuses a bad cursor with a 400 naming it', async () => {
    const res = await admin.get(api('/account-states?cursor=nonsense'));
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toBe('cursor');
  });
});
