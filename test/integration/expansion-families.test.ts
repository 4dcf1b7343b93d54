// Expansion opportunities in the account and the renewal forecast, expansion signals and the
// milestone_late trigger as facts, account-family roll-ups (facts, conditions, the family view),
// and work-content groups taking rule tasks of their types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createContract } from '../../src/modules/accounts/index.ts';
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
let T: string;
const ids: Record<string, string> = {};
const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Expansion');
  admin = client(t.app, ws.users.admin.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const make = async (key: string, parentId: string | null, seats: number, amount: number, endIn: number) => {
    const a = await createAccount({
      ctx: ws.ctx,
      input: { externalId: key, name: key, parentId, licensedSeats: seats, ownerId: ws.users.csm.id },
    });
    await createContract({
      ctx: ws.ctx,
      input: { accountId: a.id, startDate: addDays(T, -200), endDate: addDays(T, endIn), amount },
    });
    ids[key] = a.id;
  };
  await make('group', null, 10, 100_000, 300);
  await make('east', ids.group!, 30, 300_000, 60);
  await make('plant', ids.east!, 5, 50_000, 200);
}, 60_000);
afterAll(async () => t.close());

describe('expansion opportunities', () => {
  it('records opportunities on the account and adds expansion ARR to the renewal forecast', async () => {
    const close = addDays(T, 20);
    const made = await admin.post(api(`/accounts/${ids.east}/opportunities`), {
      kind: 'up_sell',
      title: '升级到企业版',
      amount: 80_000,
      stage: 'proposal',
      closeDate: close,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ kind: 'up_sell', amount: 80_000, stage: 'proposal', probability: 0.5 });
    const list = await admin.get(api(`/accounts/${ids.east}/opportunities`));
    expect(list.body.items).toHaveLength(1);
    const forecast = await admin.get(api('/revenue/forecast?months=3'));
    expect(forecast.status, JSON.stringify(forecast.body)).toBe(200);
    const month = forecast.body.items.find((m: { month: string }) => m.month === close.slice(0, 7));
    expect(month).toMatchObject({
      expansionOpportunities: 1,
      expansionArr: 80_000,
      expansionWeightedArr: 40_000,
    });
    const bad = await admin.post(api(`/accounts/${ids.east}/opportunities`), {
      kind: 'more',
      title: 'x',
      amount: 1,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('kind');
    const won = await admin.patch(api(`/opportunities/${made.body.id}`), { stage: 'won' });
    expect(won.body.closedAt).not.toBeNull();
    const f = (await admin.get(api(`/accounts/${ids.east}/facts`))).body;
    const facts = f.facts ?? f;
    expect(facts.opportunities_won).toBe(1);
    expect(facts.opportunities_open).toBe(0);
    expect(facts.expansion_signals).toEqual([]);
    // The top ARR of three accounts (quintile score 4), no value behaviour: high-value, slipping (seed 003's RFM).
    expect(facts.rfm_m).toBe(4);
    expect(facts.recency_days).toBeNull();
    expect(facts.rfm_segment).toBe('high_value_at_risk');
  });
});

describe('account families', () => {
  it('rolls facts up from children to parents, and conditions read them', async () => {
    const f = (await admin.get(api(`/accounts/${ids.group}/facts`))).body;
    const facts = f.facts ?? f;
    expect(facts['family.accounts']).toBe(3);
    expect(facts['family.arr']).toBe(450_000);
    expect(facts['family.licensed_seats']).toBe(45);
    expect(facts['family.renewals_90d']).toBe(1);
    expect(facts['family.renewal_arr_90d']).toBe(300_000);
    const east = (await admin.get(api(`/accounts/${ids.east}/facts`))).body;
    expect((east.facts ?? east)['family.arr']).toBe(350_000);
    const list = await admin.get(api(`/accounts?where=${encodeURIComponent('family.arr >= 400000')}`));
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([ids.group]);
  });

  it('shows the family from its top ancestor with each account and the totals', async () => {
    const res = await admin.get(api(`/accounts/${ids.plant}/family`));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.rootId).toBe(ids.group);
    expect(res.body.accounts.map((a: { name: string; depth: number }) => [a.name, a.depth])).toEqual([
      ['group', 0],
      ['east', 1],
      ['plant', 2],
    ]);
    expect(res.body.totals).toMatchObject({ accounts: 3, arr: 450_000, licensedSeats: 45, renewals90d: 1 });
  });
});

describe('work-content groups', () => {
  it('routes rule tasks of a group’s task types to its least-loaded member', async () => {
    const group = await admin.post(api('/team/groups'), {
      key: 'onboarding_team',
      name: '实施组',
      members: [{ userId: ws.users.manager.id }],
      scope: 'tags contains "nobody"',
      taskTypes: ['onboarding'],
    });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    expect(group.body.taskTypes).toEqual(['onboarding']);
    const clash = await admin.post(api('/team/groups'), {
      key: 'other',
      name: 'Other',
      scope: 'tags contains "nobody"',
      taskTypes: ['support', 'onboarding'],
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error.details.issues[0].path).toBe('taskTypes.1');
    const rule = await admin.post(api('/rules'), {
      key: 'family_onboarding',
      name: 'Onboard families',
      trigger: { type: 'daily' },
      condition: `external_id = "plant"`,
      actions: [{ type: 'create_task', title: 'Onboard {{name}}', taskType: 'onboarding' }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const run = await admin.post(api('/rules/run'), {});
    expect(run.status, JSON.stringify(run.body)).toBeLessThan(300);
    const tasks = (await admin.get(api(`/tasks?accountId=${ids.plant}`))).body.items;
    const task = tasks.find((x: { type: string }) => x.type === 'onboarding');
    expect(task?.assigneeId).toBe(ws.users.manager.id);
  });
});
