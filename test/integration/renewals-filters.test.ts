// Issue 12, item 3: the renewals page's filters (one value or many), its chart scoped the same
// as its table, and the workbench's "renewals in 90 days" counting open renewals only.
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
let csm: Client;
let T: string;
const api = (path: string) => `/api/v1${path}`;
const con: Record<string, string> = {};

type Renewal = {
  contractId: string;
  accountName: string;
  arr: number;
  ownerId: string | null;
  closed: boolean;
};
const names = (items: Renewal[]) => items.map((r) => r.accountName).sort();

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Renewal filters');
  admin = client(t.app, ws.users.admin.token);
  csm = client(t.app, ws.users.csm.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  // mine-1 and mine-2 belong to the CSM; other-1 to nobody. All end within 90 days.
  const plan: [string, string | null, number, number][] = [
    ['mine-1', ws.users.csm.id, 20, 100_000],
    ['mine-2', ws.users.csm.id, 50, 40_000],
    ['other-1', null, 40, 900_000],
  ];
  for (const [name, owner, days, amount] of plan) {
    const a = await admin.post(api('/accounts'), { externalId: `rf-${name}`, name, ownerId: owner });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const c = await admin.post(api('/contracts'), {
      accountId: a.body.id,
      startDate: addDays(T, days - 365),
      endDate: addDays(T, days),
      amount,
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    con[name] = c.body.id;
  }
});
afterAll(async () => t?.close());

describe('renewals list filters', () => {
  it('accepts one health status (the page sent risk=danger and got a 400)', async () => {
    const res = await csm.get(api('/renewals?risk=danger'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toEqual([]);
    const none = await csm.get(api('/renewals?risk=none'));
    expect(none.status).toBe(200);
    expect(names(none.body.items)).toEqual(['mine-1', 'mine-2', 'other-1']);
  });

  it('accepts several values as repeated keys or a comma list', async () => {
    const repeated = await csm.get(api('/renewals?risk=danger&risk=none'));
    expect(repeated.status, JSON.stringify(repeated.body)).toBe(200);
    expect(names(repeated.body.items)).toEqual(['mine-1', 'mine-2', 'other-1']);
    const comma = await csm.get(api('/renewals?risk=danger,none&forecastCategory=probable,commit'));
    expect(comma.status, JSON.stringify(comma.body)).toBe(200);
    expect(names(comma.body.items)).toEqual(['mine-1', 'mine-2', 'other-1']);
    const stages = await csm.get(api('/renewals?stage=not_started&stage=committed&status=open'));
    expect(stages.status).toBe(200);
    expect(stages.body.items).toHaveLength(3);
    const owner = await csm.get(api(`/renewals?ownerId=${ws.users.csm.id}&risk=none`));
    expect(names(owner.body.items)).toEqual(['mine-1', 'mine-2']);
  });

  it('refuses an unknown stage or forecast category with a 400 naming the field', async () => {
    const res = await csm.get(api('/renewals?stage=won'));
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(JSON.stringify(res.body.error.details)).toContain('stage');
    const cat = await csm.get(api('/renewals?forecastCategory=maybe&forecastCategory=commit'));
    expect(cat.status).toBe(400);
    expect(JSON.stringify(cat.body.error.details)).toContain('forecastCategory');
  });
});

describe('charts scoped like the table', () => {
  it("a CSM's monthly chart adds up to the ARR of their own table, not the company's", async () => {
    const filter = `ownerId=${ws.users.csm.id}&status=open`;
    const table = await csm.get(api(`/renewals?months=6&${filter}`));
    const chart = await csm.get(api(`/revenue/forecast?months=6&${filter}`));
    expect(chart.status, JSON.stringify(chart.body)).toBe(200);
    const tableArr = table.body.items.reduce((s: number, r: Renewal) => s + r.arr, 0);
    const chartArr = chart.body.items.reduce((s: number, m: { arr: number }) => s + m.arr, 0);
    expect(tableArr).toBe(140_000);
    expect(chartArr).toBe(140_000);
    const everyone = await csm.get(api('/revenue/forecast?months=6'));
    expect(everyone.body.items.reduce((s: number, m: { arr: number }) => s + m.arr, 0)).toBe(1_040_000);
  });

  it('the 90-day window counts open renewals only once one is renewed', async () => {
    const before = await csm.get(api(`/renewals/window?days=90&status=open&ownerId=${ws.users.csm.id}`));
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body.totals).toMatchObject({ contracts: 2, accounts: 2, arr: 140_000 });
    const done = await csm.post(api(`/renewals/${con['mine-1']}/outcome`), { outcome: 'renewed' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const after = await csm.get(
      api(`/renewals/window?days=90&status=open&limit=1&ownerId=${ws.users.csm.id}`),
    );
    expect(after.body.totals).toMatchObject({ contracts: 1, accounts: 1, arr: 40_000 });
    expect(after.body.items.map((r: Renewal) => r.accountName)).toEqual(['mine-2']);
    // Without the filter the closed one is still listed (the pipeline's history), marked closed.
    const all = await csm.get(api(`/renewals/window?days=90&ownerId=${ws.users.csm.id}`));
    expect(all.body.totals.contracts).toBe(2);
    expect(all.body.items.find((r: Renewal) => r.contractId === con['mine-1']).closed).toBe(true);
  });

  // The owner filter is applied in the query: a renewal's own owner wins over its account's.
  it('finds a renewal by its own owner when it has one, not its account’s', async () => {
    const handed = await admin.patch(api(`/renewals/${con['mine-2']}`), { ownerId: ws.users.manager.id });
    expect(handed.status, JSON.stringify(handed.body)).toBe(200);
    const manager = await admin.get(api(`/renewals/window?days=90&ownerId=${ws.users.manager.id}`));
    expect(names(manager.body.items)).toEqual(['mine-2']);
    const mine = await admin.get(api(`/renewals?ownerId=${ws.users.csm.id}`));
    expect(names(mine.body.items)).not.toContain('mine-2');
    const unowned = await admin.get(api('/renewals/window?days=90&ownerId=nobody'));
    expect(unowned.body.totals.contracts).toBe(0);
  });
});
