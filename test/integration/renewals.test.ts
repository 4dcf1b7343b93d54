// The renewal pipeline, outcomes and revenue reports through app.request(), on contracts whose
// figures are worked out by hand (base currency CNY; USD at the starter rate 7.1).
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
let admin: Client;
let manager: Client;
let csm: Client;
let viewer: Client;
let T: string;
const api = (path: string) => `/api/v1${path}`;
const acc: Record<string, string> = {};
const con: Record<string, string> = {};

async function account(name: string, owner?: string) {
  const res = await admin.post(api('/accounts'), { externalId: `rn-${name}`, name, ownerId: owner ?? null });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  acc[name] = res.body.id;
}
async function contract(key: string, accountName: string, body: Record<string, unknown>) {
  const res = await admin.post(api('/contracts'), { accountId: acc[accountName], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  con[key] = res.body.id;
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Renewals');
  admin = client(t.app, ws.users.admin.token);
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  await account('alpha', ws.users.csm.id);
  await account('beta');
  await account('gamma');
  // alpha: 100,000 CNY ending in 30 days. beta: 10,000 USD (71,000 CNY) ending in 60 days.
  // gamma: 50,000 ending in 200 days (outside a 6-month window? no: inside; outside 3 months).
  await contract('alpha', 'alpha', { startDate: addDays(T, -335), endDate: addDays(T, 30), amount: 100_000 });
  await contract('beta', 'beta', {
    startDate: addDays(T, -305),
    endDate: addDays(T, 60),
    amount: 10_000,
    currency: 'USD',
  });
  await contract('gamma', 'gamma', { startDate: addDays(T, -165), endDate: addDays(T, 200), amount: 50_000 });
});
afterAll(async () => t?.close());

describe('renewal pipeline', () => {
  it('lists contracts ending in the window with defaults from health, in the base currency', async () => {
    const res = await viewer.get(api('/renewals?months=3'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((r: { accountName: string }) => r.accountName)).toEqual(['alpha', 'beta']);
    const [alpha, beta] = res.body.items;
    expect(alpha).toMatchObject({
      stage: 'not_started',
      closed: false,
      daysToRenewal: 30,
      inWindow: true,
      arr: 100_000,
      probability: 0.6,
      probabilitySource: 'health',
      forecastCategory: 'probable',
      expectedArr: 100_000,
      weightedArr: 60_000,
      ownerId: ws.users.csm.id,
      ownerName: 'csm user',
    });
    expect(beta).toMatchObject({ arr: 71_000, currency: 'CNY', ownerId: null });
    const longer = await viewer.get(api('/renewals?months=12'));
    expect(longer.body.items).toHaveLength(3);
    const paged = await viewer.get(api('/renewals?months=12&limit=2'));
    const rest = await viewer.get(api(`/renewals?months=12&limit=2&cursor=${paged.body.nextCursor}`));
    expect(
      [...paged.body.items, ...rest.body.items].map((r: { accountName: string }) => r.accountName),
    ).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('lets the owning CSM work a renewal with reasons, converting an expected ARR in USD', async () => {
    const noReason = await csm.patch(api(`/renewals/${con.alpha}`), { probability: 0.8 });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.issues[0].path).toBe('probabilityReason');
    const res = await csm.patch(api(`/renewals/${con.alpha}`), {
      stage: 'in_negotiation',
      probability: 0.8,
      probabilityReason: 'Budget approved',
      expectedArr: 15_000,
      expectedCurrency: 'USD',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      stage: 'in_negotiation',
      probability: 0.8,
      probabilitySource: 'manual',
      probabilityReason: 'Budget approved',
      expectedArr: 106_500,
      weightedArr: 85_200,
      forecastCategory: 'probable',
    });
    const timeline = await viewer.get(api(`/accounts/${acc.alpha}/timeline?type=renewal.updated`));
    // The person's reason is the entry's body: the title is the server's, in the reader's language.
    expect(timeline.body.items[0]).toMatchObject({ body: 'Budget approved' });
    expect(timeline.body.items[0].title).toMatch(/^Renewal of .*: stage, probability, .* changed$/);
    expect((await csm.patch(api(`/renewals/${con.beta}`), { stage: 'committed' })).status).toBe(403);
    expect((await viewer.patch(api(`/renewals/${con.beta}`), { stage: 'committed' })).status).toBe(403);
    const reset = await manager.patch(api(`/renewals/${con.alpha}`), { probability: null });
    expect(reset.body).toMatchObject({ probability: 0.6, probabilitySource: 'health' });
  });

  it('records an expansion as the next contract and refuses a second outcome', async () => {
    const tooSmall = await csm.post(api(`/renewals/${con.alpha}/outcome`), {
      outcome: 'expanded',
      amount: 90_000,
    });
    expect(tooSmall.status).toBe(400);
    expect(tooSmall.body.error.details.issues[0].path).toBe('amount');
    const res = await csm.post(api(`/renewals/${con.alpha}/outcome`), {
      outcome: 'expanded',
      amount: 120_000,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ stage: 'expanded', closed: true, probability: 1, expectedArr: 120_000 });
    const next = await viewer.get(api(`/contracts/${res.body.nextContractId}`));
    expect(next.body).toMatchObject({
      renewsContractId: con.alpha,
      startDate: addDays(T, 31),
      endDate: addDays(T, 31 + 365),
      amount: 120_000,
      // The link records what it renews; no English note is written into the people's notes.
      notes: null,
    });
    expect((await viewer.get(api(`/contracts/${con.alpha}`))).body.status).toBe('expanded');
    const again = await csm.post(api(`/renewals/${con.alpha}/outcome`), { outcome: 'renewed' });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('conflict');
  });

  it('needs a reason code for churn, and the churn report and window show it', async () => {
    const noReason = await manager.post(api(`/renewals/${con.beta}/outcome`), { outcome: 'churned' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.issues[0].path).toBe('churnReason');
    const res = await manager.post(api(`/renewals/${con.beta}/outcome`), {
      outcome: 'churned',
      churnReason: 'competitor',
      churnNote: 'Moved to a cheaper tool',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      stage: 'churned',
      probability: 0,
      weightedArr: 0,
      churnReason: 'competitor',
    });
    const report = await viewer.get(api(`/revenue/churn?from=${T}&to=${addDays(T, 365)}`));
    expect(report.body.churn).toEqual([{ reason: 'competitor', contracts: 1, arr: 71_000 }]);
    expect(report.body.expansion).toEqual({ contracts: 1, arr: 20_000 });
    const window = await viewer.get(api('/renewals/window'));
    expect(window.body.totals).toMatchObject({
      contracts: 2,
      arr: 171_000,
      expectedArr: 120_000,
      weightedArr: 120_000,
    });
    expect(window.body.byStage).toEqual([
      { stage: 'churned', contracts: 1, arr: 71_000 },
      { stage: 'expanded', contracts: 1, arr: 100_000 },
    ]);
  });
});

describe('revenue reports', () => {
  it('breaks current ARR down by owner in the base currency', async () => {
    const res = await viewer.get(api('/revenue/arr?by=owner'));
    expect(res.status).toBe(200);
    // alpha 100,000 (csm) + gamma 50,000 (no owner); beta's contract is churned, so not counted.
    expect(res.body.total).toEqual({ accounts: 2, arr: 150_000 });
    expect(res.body.items).toEqual([
      { key: ws.users.csm.id, label: 'csm user', accounts: 1, arr: 100_000 },
      { key: null, label: '(no owner)', accounts: 1, arr: 50_000 },
    ]);
  });

  it('forecasts renewals by month with the weighted amount', async () => {
    const res = await viewer.get(api('/revenue/forecast?months=12'));
    expect(res.status).toBe(200);
    const withRenewals = res.body.items.filter((m: { contracts: number }) => m.contracts > 0);
    const total = withRenewals.reduce((s: number, m: { arr: number }) => s + m.arr, 0);
    expect(total).toBe(100_000 + 71_000 + 50_000);
    const gammaMonth = res.body.items.find((m: { month: string }) => m.month === addDays(T, 200).slice(0, 7));
    expect(gammaMonth.byRisk).toContainEqual({
      risk: 'none',
      contracts: 1,
      arr: 50_000,
      weightedArr: 30_000,
    });
  });

  it('computes retention and movement from contracts in force, per period', async () => {
    const movement = await viewer.get(api(`/revenue/movement?from=${T.slice(0, 7)}&to=${T.slice(0, 7)}`));
    expect(movement.status).toBe(200);
    const m = movement.body.items[0];
    expect(m.startArr + m.new + m.expansion - m.contraction - m.churn).toBeCloseTo(m.endArr, 6);
    const retention = await viewer.get(api('/revenue/retention?period=month&periods=2&cohort=year'));
    expect(retention.status).toBe(200);
    const all = retention.body.items.filter((r: { cohort: string }) => r.cohort === 'all');
    expect(all).toHaveLength(2);
    for (const r of all) if (r.startArr > 0) expect(r.grr).toBeLessThanOrEqual(1);
    expect((await viewer.get(api('/revenue/movement?from=2026-05&to=2026-01'))).status).toBe(400);
  });
});
