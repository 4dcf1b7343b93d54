// Record-level read access (issue 15 item 4): the workspace setting "CSMs see: their book / their
// group's accounts / all accounts", applied by accounts' readableAccounts to lists, reads by id
// (404), reports and analytics; managers see their groups, admins everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../src/modules/auth/index.ts';
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
let csm2: Client;
let csm3: Client;
const ids: Record<string, string> = {};
const api = (path: string) => `/api/v1${path}`;

async function addCsm(name: string): Promise<{ id: string; client: Client }> {
  const user = await createUser({
    ctx: ws.ctx,
    input: {
      email: `${name}.${Date.now()}@test.steward.dev`,
      name,
      role: 'csm',
      locale: 'en',
      password: `pw-${name}-longer`,
    },
  });
  const { token } = await createToken({
    ctx: ws.ctx,
    input: { name, scopes: ['read', 'write'], userId: user.id },
  });
  return { id: user.id, client: client(t.app, token) };
}

async function addAccount(key: string, body: Record<string, unknown>, amount: number) {
  const res = await admin.post(api('/accounts'), { externalId: `ra-${key}`, name: `RA ${key}`, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  ids[key] = res.body.id;
  const contract = await admin.post(api('/contracts'), {
    accountId: res.body.id,
    startDate: '2024-01-01',
    // Ends within the renewal pipeline's window.
    endDate: new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10),
    amount,
  });
  expect(contract.status, JSON.stringify(contract.body)).toBe(201);
  const contact = await admin.post(api('/contacts'), { accountId: res.body.id, name: `Contact ${key}` });
  ids[`contact-${key}`] = contact.body.id;
  const task = await admin.post(api('/tasks'), {
    accountId: res.body.id,
    title: `Task ${key}`,
    type: 'call',
  });
  expect(task.status, JSON.stringify(task.body)).toBe(201);
}

const listed = async (c: Client, path = '/accounts?limit=100') =>
  ((await c.get(api(path))).body.items as { id: string; name?: string }[]).map((a) => a.id).sort();
const only = (...keys: string[]) => keys.map((k) => ids[k]!).sort();

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Read access', { readScope: 'group' });
  admin = client(t.app, ws.users.admin.token);
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  const two = await addCsm('csm-two');
  const three = await addCsm('csm-three');
  csm2 = two.client;
  csm3 = three.client;
  // Group North: the CSM and CSM two, led by the manager. Group South: CSM three.
  const north = await admin.post(api('/team/groups'), {
    key: 'north',
    name: 'North',
    leadId: ws.users.manager.id,
    members: [{ userId: ws.users.csm.id }, { userId: two.id }],
  });
  const south = await admin.post(api('/team/groups'), {
    key: 'south',
    name: 'South',
    members: [{ userId: three.id }],
  });
  for (const g of [north, south]) expect(g.status, JSON.stringify(g.body)).toBe(201);
  await addAccount('mine', { ownerId: ws.users.csm.id }, 1000);
  await addAccount('peer', { ownerId: two.id }, 2000);
  await addAccount('south', { ownerId: three.id }, 4000);
  // Unowned, but the viewer holds a team role on it (an AE seat that follows its accounts).
  await addAccount('sales', { team: [{ userId: ws.users.viewer.id, role: 'ae' }] }, 8000);
  await addAccount('nobody', {}, 16000);
});
afterAll(async () => t?.close());

describe('the default: CSMs see their group’s accounts', () => {
  it('lists to each role only the accounts it may read', async () => {
    expect(await listed(csm)).toEqual(only('mine', 'peer'));
    expect(await listed(csm2)).toEqual(only('mine', 'peer'));
    expect(await listed(csm3)).toEqual(only('south'));
    // The manager leads North; the viewer is in no group and sees their own book (a team role).
    expect(await listed(manager)).toEqual(only('mine', 'peer'));
    expect(await listed(viewer)).toEqual(only('sales'));
    expect(await listed(admin)).toEqual(only('mine', 'peer', 'south', 'sales', 'nobody'));
  });

  it('answers 404, not 403, for an account outside access, by id, external id and every sub-resource', async () => {
    for (const path of [
      `/accounts/${ids.south}`,
      '/accounts/by-external-id/ra-south',
      `/accounts/${ids.south}/timeline`,
      `/accounts/${ids.south}/health`,
      `/accounts/${ids.south}/facts`,
      `/accounts/${ids.south}/metrics`,
      `/contacts/${ids['contact-south']}`,
    ]) {
      const res = await csm.get(api(path));
      expect(res.status, path).toBe(404);
      expect(errorCode(res)).toBe('not_found');
    }
    expect((await csm3.get(api(`/accounts/${ids.south}`))).status).toBe(200);
    // A write to it is a 404 too: the answer does not tell that the account exists.
    const write = await csm.patch(api(`/accounts/${ids.south}`), { name: 'Mine now' });
    expect(write.status).toBe(404);
  });

  it('keeps other accounts’ contacts, contracts, tasks and renewals out of lists', async () => {
    const contacts = (await csm.get(api('/contacts'))).body.items.map(
      (c: { accountId: string }) => c.accountId,
    );
    expect([...new Set(contacts)].sort()).toEqual(only('mine', 'peer'));
    const contracts = (await csm.get(api('/contracts'))).body.items.map(
      (c: { accountId: string }) => c.accountId,
    );
    expect([...new Set(contracts)].sort()).toEqual(only('mine', 'peer'));
    const tasks = (await csm.get(api('/tasks'))).body.items.map((x: { accountId: string }) => x.accountId);
    expect([...new Set(tasks)].sort()).toEqual(only('mine', 'peer'));
    const renewals = (await csm.get(api('/renewals?months=12'))).body.items.map(
      (r: { accountId: string }) => r.accountId,
    );
    expect([...new Set(renewals)].sort()).toEqual(only('mine', 'peer'));
    const search = (await csm.get(api('/accounts?q=RA'))).body.items.map((a: { id: string }) => a.id).sort();
    expect(search).toEqual(only('mine', 'peer'));
  });

  it('sums revenue reports over readable accounts only', async () => {
    const csmArr = await csm.get(api('/revenue/arr?by=owner'));
    expect(csmArr.status).toBe(200);
    const adminArr = await admin.get(api('/revenue/arr?by=owner'));
    // Annual amounts: 1000 + 2000 for North; 31000 for the whole workspace.
    expect(csmArr.body.total).toEqual({ accounts: 2, arr: 3000 });
    expect(adminArr.body.total).toEqual({ accounts: 5, arr: 31000 });
    expect((await viewer.get(api('/revenue/arr?by=owner'))).body.total).toEqual({ accounts: 1, arr: 8000 });
  });

  it('shows the load view only for readable people and accounts', async () => {
    const load = await csm.get(api('/team/load'));
    expect(load.status).toBe(200);
    const people = load.body.items.map((r: { userId: string; accounts: number }) => [r.userId, r.accounts]);
    expect(people).toHaveLength(2);
    expect(people.map((p: [string, number]) => p[1]).sort()).toEqual([1, 1]);
  });
});

describe('changing the setting', () => {
  it('is an admin’s decision: a manager gets 403, and the setting is unchanged', async () => {
    const res = await manager.patch(api('/team/settings'), { csmReadScope: 'all' });
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('forbidden');
    expect((await admin.get(api('/team/settings'))).body.csmReadScope).toBe('group');
  });

  it('narrows CSMs to their own book, managers keep their groups', async () => {
    expect((await admin.patch(api('/team/settings'), { csmReadScope: 'book' })).status).toBe(200);
    try {
      expect(await listed(csm)).toEqual(only('mine'));
      expect(await listed(csm2)).toEqual(only('peer'));
      expect(await listed(manager)).toEqual(only('mine', 'peer'));
      expect(await listed(viewer)).toEqual(only('sales'));
      expect((await csm.get(api(`/accounts/${ids.peer}`))).status).toBe(404);
    } finally {
      await admin.patch(api('/team/settings'), { csmReadScope: 'group' });
    }
  });

  it('opens every account to everyone with "all"', async () => {
    expect((await admin.patch(api('/team/settings'), { csmReadScope: 'all' })).status).toBe(200);
    try {
      const every = only('mine', 'peer', 'south', 'sales', 'nobody');
      for (const c of [csm, csm3, manager, viewer]) expect(await listed(c)).toEqual(every);
    } finally {
      await admin.patch(api('/team/settings'), { csmReadScope: 'group' });
    }
  });

  it('refuses an unknown scope naming the field', async () => {
    const res = await admin.patch(api('/team/settings'), { csmReadScope: 'everyone' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toBe('csmReadScope');
  });
});
