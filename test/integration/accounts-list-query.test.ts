// The one accounts query every role runs (issue 12): any mix of own-field filters, state filters and
// a condition, sorted by health, tier (scheme order), stage (stage order) or renewal date, and the
// pickers' options. A CSM used to be refused ("settings:write") for a mixed filter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDefaultStages } from '../../src/modules/lifecycle/index.ts';
import { installDefaultScheme } from '../../src/modules/segments/index.ts';
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
let clients: Record<'admin' | 'manager' | 'csm' | 'viewer', Client>;
let T: string;
const api = (path: string) => `/api/v1${path}`;
const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((a) => a.name);

// name -> [mine, region, industry, tags, renews in N days, status, score, tier, stage]
const SEEDS: Record<string, [boolean, string, string, string[], number, string, number, string, string]> = {
  anhui: [true, 'East', 'Retail', ['vip'], 30, 'danger', 20, 'nurture', 'renewal'],
  beijing: [true, 'North', 'Finance', ['vip', 'pilot'], 80, 'danger', 30, 'strategic', 'adoption'],
  chengdu: [true, 'West', 'Retail', [], 200, 'danger', 25, 'growth', 'onboarding'],
  dalian: [false, 'North', 'Finance', ['pilot'], 40, 'danger', 15, 'growth', 'renewal'],
  enshi: [true, 'East', 'Energy', [], 60, 'excellent', 90, 'strategic', 'churned'],
};

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'List query');
  clients = {
    admin: client(t.app, ws.users.admin.token),
    manager: client(t.app, ws.users.manager.token),
    csm: client(t.app, ws.users.csm.token),
    viewer: client(t.app, ws.users.viewer.token),
  };
  await installDefaultScheme(ws.ctx);
  await installDefaultStages(ws.ctx);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const now = new Date().toISOString();
  for (const [name, [mine, region, industry, tags, renewsIn, status, score, tier, stage]] of Object.entries(
    SEEDS,
  )) {
    const res = await clients.admin.post(api('/accounts'), {
      externalId: `ext-${name}`,
      name,
      region,
      industry,
      tags,
      ownerId: mine ? ws.users.csm.id : ws.users.manager.id,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const contract = await clients.admin.post(api('/contracts'), {
      accountId: res.body.id,
      startDate: addDays(T, -300),
      endDate: addDays(T, renewsIn),
      amount: 100000,
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
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
        stage_since: T,
        segments: '[]',
        updated_at: now,
      })
      .execute();
  }
});

afterAll(async () => {
  await t.close();
});

describe('the accounts query', () => {
  it.each(['viewer', 'csm', 'manager', 'admin'] as const)(
    'lets a %s mix owner, health, renewal window, picker filters and a condition',
    async (role) => {
      const c = clients[role];
      const mine = `ownerId=${ws.users.csm.id}&health=danger&renewalWithinDays=90`;
      const res = await c.get(api(`/accounts?${mine}&includeTotal=true`));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(names(res)).toEqual(['anhui', 'beijing']);
      expect(res.body.total).toBe(2);
      const where = encodeURIComponent('tier = "strategic" or arr >= 1');
      const mixed = await c.get(api(`/accounts?${mine}&tag=pilot&industry=Finance&where=${where}`));
      expect(mixed.status, JSON.stringify(mixed.body)).toBe(200);
      expect(names(mixed)).toEqual(['beijing']);
      const regions = await c.get(api('/accounts?region=East,North&sort=-renewalDate'));
      expect(names(regions)).toEqual(['beijing', 'enshi', 'dalian', 'anhui']);
    },
  );

  it('sorts by tier in the active scheme order and by stage in the stage order, both directions', async () => {
    const c = clients.csm;
    // strategic, growth, nurture; ties by id (creation order).
    expect(names(await c.get(api('/accounts?sort=tier')))).toEqual([
      'beijing',
      'enshi',
      'chengdu',
      'dalian',
      'anhui',
    ]);
    expect(names(await c.get(api('/accounts?sort=-tier')))).toEqual([
      'anhui',
      'dalian',
      'chengdu',
      'enshi',
      'beijing',
    ]);
    // churned, renewal, expansion, onboarding, adoption, advanced (the stages' order).
    expect(names(await c.get(api('/accounts?sort=stage')))).toEqual([
      'enshi',
      'anhui',
      'dalian',
      'chengdu',
      'beijing',
    ]);
    expect(names(await c.get(api('/accounts?sort=renewalDate')))).toEqual([
      'anhui',
      'dalian',
      'enshi',
      'beijing',
      'chengdu',
    ]);
    expect(names(await c.get(api('/accounts?sort=-healthScore&health=danger')))).toEqual([
      'beijing',
      'chengdu',
      'anhui',
      'dalian',
    ]);
  });

  it('pages a tier sort with cursors without losing or repeating rows', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { name: string }[]; nextCursor: string | null } } =
        await clients.viewer.get(api(`/accounts?sort=-stage&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(res.status).toBe(200);
      seen.push(...names(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['beijing', 'chengdu', 'dalian', 'anhui', 'enshi']);
  });

  it('answers a bad condition with a 400 naming the problem, in the reader’s language', async () => {
    const en = await clients.csm.get(
      api(`/accounts?where=${encodeURIComponent('health.stauts = "danger"')}`),
    );
    expect(en.status).toBe(400);
    expect(errorCode(en)).toBe('validation_failed');
    expect(en.body.error.message).toMatch(/^Invalid condition in where/);
    expect(en.body.error.message).toContain('health.stauts');
    const zh = client(t.app, ws.users.csm.token, { 'accept-language': 'zh-CN' });
    const res = await zh.get(api(`/accounts?where=${encodeURIComponent('health.stauts = "danger"')}`));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('中的条件无效');
    expect(res.body.error.message).toContain('health.stauts');
    const sort = await clients.csm.get(api('/accounts?sort=colour'));
    expect(sort.status).toBe(400);
  });

  it('offers the pickers the regions, industries, tags and owners the accounts have', async () => {
    const res = await clients.viewer.get(api('/accounts/facets'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.regions).toEqual(['East', 'North', 'West']);
    expect(res.body.industries).toEqual(['Energy', 'Finance', 'Retail']);
    expect(res.body.tags).toEqual(['pilot', 'vip']);
    expect(res.body.owners.map((o: { id: string }) => o.id).sort()).toEqual(
      [ws.users.csm.id, ws.users.manager.id].sort(),
    );
    expect(res.body.owners.find((o: { id: string }) => o.id === ws.users.csm.id).name).toBe('csm user');
  });
});
