// GET /accounts filtered and sorted by the accounts' current state (health, tier, stage, segment),
// renewal window and a free condition over today's facts: the one list the web app's accounts page
// reads, with read permission only.
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
let csm: Client;
let viewer: Client;
let T: string;
const ids: Record<string, string> = {};
const api = (path: string) => `/api/v1${path}`;

type Seed = {
  mine: boolean;
  region: string;
  amount: number;
  renewsIn: number;
  state?: [string, number, string, string, string[]];
};
// name -> owner is the CSM?, region, annual amount, renewal in N days, [status, score, tier, stage, segments]
const SEEDS: Record<string, Seed> = {
  acme: {
    mine: true,
    region: 'East',
    amount: 500000,
    renewsIn: 30,
    state: ['danger', 20, 'strategic', 'renewal', ['at_risk']],
  },
  beta: {
    mine: true,
    region: 'West',
    amount: 120000,
    renewsIn: 200,
    state: ['danger', 35, 'growth', 'adoption', ['at_risk']],
  },
  delta: {
    mine: true,
    region: 'West',
    amount: 50000,
    renewsIn: 10,
    state: ['fair', 55, 'nurture', 'onboarding', []],
  },
  epsilon: {
    mine: false,
    region: 'East',
    amount: 80000,
    renewsIn: 45,
    state: ['danger', 10, 'nurture', 'onboarding', ['at_risk']],
  },
  gamma: {
    mine: false,
    region: 'East',
    amount: 300000,
    renewsIn: 60,
    state: ['excellent', 88, 'growth', 'adoption', []],
  },
  // Never recomputed: no state.
  zeta: { mine: true, region: 'North', amount: 20000, renewsIn: 20 },
};

const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((a) => a.name);

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Filters A');
  other = await createTestWorkspace(t.deps, 'Filters B');
  admin = client(t.app, ws.users.admin.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const now = new Date().toISOString();
  for (const [name, seed] of Object.entries(SEEDS)) {
    const res = await admin.post(api('/accounts'), {
      externalId: name,
      name,
      region: seed.region,
      ownerId: seed.mine ? ws.users.csm.id : ws.users.manager.id,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[name] = res.body.id;
    const contract = await admin.post(api('/contracts'), {
      accountId: res.body.id,
      startDate: addDays(T, -300),
      endDate: addDays(T, seed.renewsIn),
      amount: seed.amount,
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
    if (!seed.state) continue;
    const [status, score, tier, stage, segments] = seed.state;
    // What the recompute stores.
    await t.deps.db
      .insertInto('account_states')
      .values({
        workspace_id: ws.workspace.id,
        account_id: res.body.id,
        day: T,
        health_score: score,
        health_status: status,
        health_model_id: 'default',
        health_trend_7d: null,
        health_trend_30d: null,
        tier,
        tier_since: T,
        stage,
        stage_since: addDays(T, -3),
        segments: JSON.stringify(segments),
        updated_at: now,
      })
      .execute();
  }
});

afterAll(async () => {
  await t.close();
});

describe('GET /accounts with state filters', () => {
  it('returns each account with its current state, null before its first recompute', async () => {
    const res = await viewer.get(api('/accounts'));
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['acme', 'beta', 'delta', 'epsilon', 'gamma', 'zeta']);
    const acme = res.body.items[0];
    expect(acme.state).toEqual({
      day: T,
      healthScore: 20,
      healthStatus: 'danger',
      healthTrend7d: null,
      tier: 'strategic',
      stage: 'renewal',
      stageSince: addDays(T, -3),
      segments: ['at_risk'],
    });
    expect(acme.arr).toBe(500000);
    expect(acme.renewalDate).toBe(addDays(T, 30));
    expect(res.body.items[5].state).toBeNull();
  });

  it('filters by health status, tier, stage and segment, any of the listed values', async () => {
    expect(names(await admin.get(api('/accounts?health=danger')))).toEqual(['acme', 'beta', 'epsilon']);
    expect(names(await admin.get(api('/accounts?health=fair,excellent')))).toEqual(['delta', 'gamma']);
    expect(names(await admin.get(api('/accounts?tier=growth')))).toEqual(['beta', 'gamma']);
    expect(names(await admin.get(api('/accounts?stage=onboarding,renewal')))).toEqual([
      'acme',
      'delta',
      'epsilon',
    ]);
    expect(names(await admin.get(api('/accounts?segment=at_risk')))).toEqual(['acme', 'beta', 'epsilon']);
    expect(names(await admin.get(api('/accounts?segment=at_risk&tier=nurture&region=East')))).toEqual([
      'epsilon',
    ]);
    expect(names(await admin.get(api('/accounts?tier=none_such')))).toEqual([]);
  });

  it('filters by renewal within N days of today and by ARR range', async () => {
    expect(names(await admin.get(api('/accounts?renewalWithinDays=30')))).toEqual(['acme', 'delta', 'zeta']);
    expect(names(await admin.get(api('/accounts?renewalWithinDays=9')))).toEqual([]);
    expect(names(await admin.get(api('/accounts?arrMin=80000&arrMax=300000')))).toEqual([
      'beta',
      'epsilon',
      'gamma',
    ]);
  });

  it('lets a CSM list their own at-risk accounts renewing within 90 days, by filters or by a condition', async () => {
    const byFilters = await csm.get(
      api(`/accounts?ownerId=${ws.users.csm.id}&health=danger&renewalWithinDays=90&includeTotal=true`),
    );
    expect(byFilters.status).toBe(200);
    expect(names(byFilters)).toEqual(['acme']);
    expect(byFilters.body.total).toBe(1);
    const where = encodeURIComponent('health.status = "danger" and days_to_renewal <= 90');
    const byCondition = await csm.get(
      api(`/accounts?ownerId=${ws.users.csm.id}&where=${where}&includeTotal=true`),
    );
    expect(byCondition.status, JSON.stringify(byCondition.body)).toBe(200);
    expect(names(byCondition)).toEqual(['acme']);
    expect(byCondition.body.total).toBe(1);
    // Everyone's: epsilon (the manager's) renews in 45 days too.
    expect(names(await viewer.get(api(`/accounts?where=${where}`)))).toEqual(['acme', 'epsilon']);
  });

  it('accepts the condition as its JSON tree', async () => {
    const tree = {
      and: [
        { fact: 'tier', op: '=', value: 'growth' },
        { fact: 'arr', op: '>=', value: 200000 },
      ],
    };
    const res = await viewer.get(api(`/accounts?where=${encodeURIComponent(JSON.stringify(tree))}`));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(names(res)).toEqual(['gamma']);
  });

  it('answers a bad condition with a 400 naming the problem', async () => {
    const unknown = await csm.get(api(`/accounts?where=${encodeURIComponent('arrr >= 5')}`));
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('validation_failed');
    expect(unknown.body.error.message).toContain('where');
    expect(unknown.body.error.message).toContain('arrr');
    const wrongType = await csm.get(api(`/accounts?where=${encodeURIComponent('arr >= "big"')}`));
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.message).toContain('arr');
    const badJson = await csm.get(api(`/accounts?where=${encodeURIComponent('{"and": [')}`));
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.message).toContain('JSON');
  });

  it('sorts by health score either way with unscored accounts last', async () => {
    expect(names(await admin.get(api('/accounts?sort=healthScore')))).toEqual([
      'epsilon',
      'acme',
      'beta',
      'delta',
      'gamma',
      'zeta',
    ]);
    expect(names(await admin.get(api('/accounts?sort=-healthScore')))).toEqual([
      'gamma',
      'delta',
      'beta',
      'acme',
      'epsilon',
      'zeta',
    ]);
  });

  it('pages state filters, conditions and state sorts with cursors', async () => {
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: {
          status: number;
          body: { items: { name: string }[]; nextCursor: string | null; total?: number };
        } = await admin.get(
          api(`/accounts?${query}&limit=2&includeTotal=true${cursor ? `&cursor=${cursor}` : ''}`),
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...names(res));
        cursor = res.body.nextCursor;
        pages++;
        if (pages === 1) expect(res.body.total).toBe(query.includes('where') ? 4 : 3);
      } while (cursor && pages < 10);
      return seen;
    };
    expect(await walk('health=danger')).toEqual(['acme', 'beta', 'epsilon']);
    expect(await walk(`where=${encodeURIComponent('arr >= 80000')}&sort=-arr`)).toEqual([
      'acme',
      'gamma',
      'beta',
      'epsilon',
    ]);
    expect(await walk('segment=at_risk&sort=-healthScore')).toEqual(['beta', 'acme', 'epsilon']);
  });

  it("never shows another workspace's accounts", async () => {
    const theirs = client(t.app, other.users.admin.token);
    const res = await theirs.get(api(`/accounts?includeTotal=true&where=${encodeURIComponent('arr >= 0')}`));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(res.body.total).toBe(0);
    expect((await theirs.get(api('/accounts?health=danger'))).body.items).toEqual([]);
  });
});
