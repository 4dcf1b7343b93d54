import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

type Member = { userId: string; role: string };
type Account = {
  id: string;
  externalId: string;
  name: string;
  parentId: string | null;
  ownerId: string | null;
  region: string | null;
  industry: string | null;
  productLines: string[];
  licensedSeats: number | null;
  goLiveDate: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  team: Member[];
  arr: number;
  mrr: number;
  currency: string;
  renewalDate: string | null;
  createdAt: string;
  updatedAt: string;
};
type Issue = { path: string; message: string };

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
/** A workspace holding only the accounts the list tests seed, so counts are exact. */
let lw: TestWorkspace;

let n = 0;
const ext = (prefix: string) => `${prefix}-${Date.now()}-${n++}`;
const issues = (res: ApiResponse): Issue[] => res.body.error.details.issues;
const paths = (res: ApiResponse) => issues(res).map((i) => i.path);

const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);
const anon = () => client(t.app, null);

async function defineFields(c: Client) {
  const fields = [
    { key: 'tier', label: 'Tier', type: 'single_select', options: ['gold', 'silver', 'bronze'] },
    { key: 'score', label: 'Score', type: 'number' },
    { key: 'vip', label: 'VIP', type: 'boolean' },
    { key: 'kickoff', label: 'Kickoff', type: 'date' },
    { key: 'modules', label: 'Modules', type: 'multi_select', options: ['crm', 'billing', 'analytics'] },
    { key: 'remarks', label: 'Remarks', type: 'text' },
  ];
  for (const f of fields) expect((await c.post('/api/v1/custom-fields', f)).status).toBe(201);
}

async function createAccount(c: Client, body: Record<string, unknown> = {}): Promise<Account> {
  const res = await c.post('/api/v1/accounts', { externalId: ext('acc'), name: 'Account', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Accounts A');
  other = await createTestWorkspace(t.deps, 'Accounts B');
  lw = await createTestWorkspace(t.deps, 'Accounts list');
  await defineFields(as(ws, 'manager'));
  await defineFields(as(lw, 'manager'));
});
afterAll(async () => t?.close());

describe('creating and reading accounts', () => {
  it('creates an account with every field as a manager and reads it back by id and by external id', async () => {
    const externalId = ext('full');
    const res = await as(ws, 'manager').post('/api/v1/accounts', {
      externalId,
      name: '  Acme Robotics  ',
      ownerId: ws.users.csm.id,
      region: 'East',
      industry: 'Manufacturing',
      productLines: ['crm', 'bi', 'crm'],
      licensedSeats: 250,
      goLiveDate: '2024-02-29',
      tags: ['key', 'beta', 'key'],
      customFields: { tier: 'gold', score: 72.5, vip: true, kickoff: '2024-01-10', modules: ['crm'] },
      team: [
        { userId: ws.users.csm.id, role: 'csm' },
        { userId: ws.users.admin.id, role: 'executive_sponsor' },
      ],
    });
    expect(res.status).toBe(201);
    const a: Account = res.body;
    expect(a).toMatchObject({
      externalId,
      name: 'Acme Robotics',
      parentId: null,
      ownerId: ws.users.csm.id,
      region: 'East',
      industry: 'Manufacturing',
      productLines: ['crm', 'bi'],
      licensedSeats: 250,
      goLiveDate: '2024-02-29',
      tags: ['key', 'beta'],
      customFields: { tier: 'gold', score: 72.5, vip: true, kickoff: '2024-01-10', modules: ['crm'] },
      arr: 0,
      mrr: 0,
      currency: 'CNY',
      renewalDate: null,
    });
    expect(a.team).toEqual([
      { userId: ws.users.csm.id, role: 'csm' },
      { userId: ws.users.admin.id, role: 'executive_sponsor' },
    ]);
    expect(a.createdAt).toBe(a.updatedAt);
    expect(Number.isNaN(Date.parse(a.createdAt))).toBe(false);

    const byId = await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(a);

    const byExternal = await as(ws, 'viewer').get(
      `/api/v1/accounts/by-external-id/${encodeURIComponent(externalId)}`,
    );
    expect(byExternal.status).toBe(200);
    expect(byExternal.body).toEqual(a);
  });

  it('lets an admin create an account with only an external id and a name, filling defaults', async () => {
    const externalId = ext('min');
    const res = await as(ws, 'admin').post('/api/v1/accounts', { externalId, name: 'Minimal' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      externalId,
      name: 'Minimal',
      ownerId: null,
      region: null,
      industry: null,
      productLines: [],
      licensedSeats: null,
      goLiveDate: null,
      tags: [],
      customFields: {},
      team: [],
      arr: 0,
      mrr: 0,
    });
  });

  it('finds an account by an external id with spaces and slashes when it is URL-encoded', async () => {
    const externalId = `crm/eu ${Date.now()}#1`;
    const created = await createAccount(as(ws, 'manager'), { externalId, name: 'Slashed' });
    const res = await as(ws, 'csm').get(`/api/v1/accounts/by-external-id/${encodeURIComponent(externalId)}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(created.id);
    expect(res.body.externalId).toBe(externalId);
  });

  it('answers 404 for an unknown external id and for another workspace’s external id', async () => {
    const mine = await createAccount(as(ws, 'manager'));
    const unknown = await as(ws, 'viewer').get('/api/v1/accounts/by-external-id/no-such-external-id');
    expect(unknown.status).toBe(404);
    expect(errorCode(unknown)).toBe('not_found');
    expect(unknown.body.error.message).toContain('no-such-external-id');
    const foreign = await as(other, 'admin').get(`/api/v1/accounts/by-external-id/${mine.externalId}`);
    expect(foreign.status).toBe(404);
    expect((await anon().get(`/api/v1/accounts/by-external-id/${mine.externalId}`)).status).toBe(401);
  });

  it('answers 404 for another workspace’s account id and for an unknown id', async () => {
    const mine = await createAccount(as(ws, 'manager'));
    const foreign = await as(other, 'admin').get(`/api/v1/accounts/${mine.id}`);
    expect(foreign.status).toBe(404);
    expect(errorCode(foreign)).toBe('not_found');
    const unknown = await as(ws, 'admin').get('/api/v1/accounts/01900000-0000-7000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('01900000-0000-7000-8000-000000000000');
  });

  it('rejects a duplicate external id with 409 conflict, but allows it in another workspace', async () => {
    const externalId = ext('dup');
    await createAccount(as(ws, 'manager'), { externalId });
    const again = await as(ws, 'admin').post('/api/v1/accounts', { externalId, name: 'Again' });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('conflict');
    expect(again.body.error.message).toContain(externalId);
    const elsewhere = await as(other, 'manager').post('/api/v1/accounts', { externalId, name: 'Elsewhere' });
    expect(elsewhere.status).toBe(201);
  });

  it('rejects invalid fields with 400, naming each field path', async () => {
    const m = as(ws, 'manager');
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'No external id' }, 'externalId'],
      [{ externalId: ext('v') }, 'name'],
      [{ externalId: ext('v'), name: '   ' }, 'name'],
      [{ externalId: ext('v'), name: 'X', goLiveDate: '2024-02-30' }, 'goLiveDate'],
      [{ externalId: ext('v'), name: 'X', licensedSeats: -1 }, 'licensedSeats'],
      [{ externalId: ext('v'), name: 'X', licensedSeats: 1.5 }, 'licensedSeats'],
      [{ externalId: ext('v'), name: 'X', tags: ['ok', ''] }, 'tags.1'],
      [{ externalId: ext('v'), name: 'X', team: [{ userId: ws.users.csm.id, role: 'boss' }] }, 'team.0.role'],
      [{ externalId: ext('v'), name: 'X', productLines: 'crm' }, 'productLines'],
    ];
    for (const [body, path] of cases) {
      const res = await m.post('/api/v1/accounts', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res)).toContain(path);
      expect(res.body.error.message).toContain(path);
    }
  });

  it('rejects an owner or team member who is not an active user of this workspace', async () => {
    const res = await as(ws, 'manager').post('/api/v1/accounts', {
      externalId: ext('users'),
      name: 'Foreign people',
      ownerId: other.users.csm.id,
      team: [
        { userId: ws.users.csm.id, role: 'csm' },
        { userId: other.users.manager.id, role: 'ae' },
      ],
    });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(paths(res)).toEqual(['ownerId', 'team.1.userId']);
    expect(issues(res)[0]!.message).toContain(other.users.csm.id);
  });

  it('allows only managers and admins to create accounts (CSM and viewer 403, no token 401)', async () => {
    for (const role of ['csm', 'viewer'] as const) {
      const res = await as(ws, role).post('/api/v1/accounts', { externalId: ext('role'), name: 'Nope' });
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
      expect(res.body.error.message.toLowerCase()).toContain(role);
    }
    const none = await anon().post('/api/v1/accounts', { externalId: ext('anon'), name: 'Nope' });
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('unauthenticated');
    expect((await anon().get('/api/v1/accounts')).status).toBe(401);
    expect((await anon().get('/api/v1/accounts/whatever')).status).toBe(401);
  });
});

describe('updating accounts', () => {
  it('changes only the given fields and moves updatedAt forward', async () => {
    const a = await createAccount(as(ws, 'manager'), {
      name: 'Before',
      region: 'East',
      tags: ['one'],
      licensedSeats: 10,
    });
    await new Promise((r) => setTimeout(r, 5));
    const res = await as(ws, 'manager').patch(`/api/v1/accounts/${a.id}`, {
      name: 'After',
      industry: 'Retail',
      licensedSeats: null,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: a.id,
      externalId: a.externalId,
      name: 'After',
      region: 'East',
      industry: 'Retail',
      tags: ['one'],
      licensedSeats: null,
      createdAt: a.createdAt,
    });
    expect(res.body.updatedAt > a.updatedAt).toBe(true);
    expect((await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}`)).body).toEqual(res.body);
  });

  it('merges customFields on update and removes a key set to null', async () => {
    const a = await createAccount(as(ws, 'manager'), {
      customFields: { tier: 'silver', score: 10, remarks: 'hello' },
    });
    const res = await as(ws, 'manager').patch(`/api/v1/accounts/${a.id}`, {
      customFields: { score: '42', remarks: null, modules: 'crm|billing', vip: 'yes' },
    });
    expect(res.status).toBe(200);
    expect(res.body.customFields).toEqual({
      tier: 'silver',
      score: 42,
      modules: ['crm', 'billing'],
      vip: true,
    });
  });

  it('lets a CSM update an account they own or are on the team of, and refuses one they are not on', async () => {
    const owned = await createAccount(as(ws, 'manager'), { ownerId: ws.users.csm.id });
    const member = await createAccount(as(ws, 'manager'), {
      team: [{ userId: ws.users.csm.id, role: 'support' }],
    });
    const stranger = await createAccount(as(ws, 'manager'), { name: 'Not yours' });
    const csm = as(ws, 'csm');

    const a = await csm.patch(`/api/v1/accounts/${owned.id}`, { tags: ['owned'] });
    expect(a.status).toBe(200);
    expect(a.body.tags).toEqual(['owned']);
    const b = await csm.patch(`/api/v1/accounts/${member.id}`, { region: 'South' });
    expect(b.status).toBe(200);
    expect(b.body.region).toBe('South');

    const c = await csm.patch(`/api/v1/accounts/${stranger.id}`, { name: 'Mine now' });
    expect(c.status).toBe(403);
    expect(errorCode(c)).toBe('forbidden');
    expect(c.body.error.message).toMatch(/team/);
    expect((await as(ws, 'viewer').get(`/api/v1/accounts/${stranger.id}`)).body.name).toBe('Not yours');
  });

  it('refuses viewers (403), callers without a token (401) and other workspaces (404)', async () => {
    const a = await createAccount(as(ws, 'manager'), { name: 'Guarded', ownerId: ws.users.viewer.id });
    const viewer = await as(ws, 'viewer').patch(`/api/v1/accounts/${a.id}`, { name: 'X' });
    expect(viewer.status).toBe(403);
    expect(errorCode(viewer)).toBe('forbidden');
    expect((await anon().patch(`/api/v1/accounts/${a.id}`, { name: 'X' })).status).toBe(401);
    const foreign = await as(other, 'admin').patch(`/api/v1/accounts/${a.id}`, { name: 'X' });
    expect(foreign.status).toBe(404);
    expect(errorCode(foreign)).toBe('not_found');
    expect((await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}`)).body.name).toBe('Guarded');
  });

  it('rejects invalid updates naming the field, and an external id already in use with 409', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const b = await createAccount(as(ws, 'manager'));
    const m = as(ws, 'manager');
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'name'],
      [{ goLiveDate: '20240101' }, 'goLiveDate'],
      [{ team: [{ userId: '', role: 'csm' }] }, 'team.0.userId'],
      [{ ownerId: 'no-such-user' }, 'ownerId'],
      [{ customFields: 'tier=gold' }, 'customFields'],
    ];
    for (const [body, path] of cases) {
      const res = await m.patch(`/api/v1/accounts/${a.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(paths(res)).toContain(path);
    }
    const clash = await m.patch(`/api/v1/accounts/${a.id}`, { externalId: b.externalId });
    expect(clash.status).toBe(409);
    expect(errorCode(clash)).toBe('conflict');
  });

  it('replaces the team with the given members, keeps one user in several roles, and clears it with []', async () => {
    const a = await createAccount(as(ws, 'manager'), { team: [{ userId: ws.users.admin.id, role: 'ae' }] });
    const res = await as(ws, 'manager').patch(`/api/v1/accounts/${a.id}`, {
      team: [
        { userId: ws.users.csm.id, role: 'csm' },
        { userId: ws.users.csm.id, role: 'support' },
        { userId: ws.users.csm.id, role: 'csm' },
        { userId: ws.users.viewer.id, role: 'analyst' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.team).toEqual([
      { userId: ws.users.viewer.id, role: 'analyst' },
      { userId: ws.users.csm.id, role: 'csm' },
      { userId: ws.users.csm.id, role: 'support' },
    ]);
    const list = await as(ws, 'viewer').get(`/api/v1/accounts?memberId=${ws.users.viewer.id}&limit=500`);
    expect(list.body.items.map((i: Account) => i.id)).toContain(a.id);

    const cleared = await as(ws, 'manager').patch(`/api/v1/accounts/${a.id}`, { team: [] });
    expect(cleared.body.team).toEqual([]);
    const after = await as(ws, 'viewer').get(`/api/v1/accounts?memberId=${ws.users.viewer.id}&limit=500`);
    expect(after.body.items.map((i: Account) => i.id)).not.toContain(a.id);
  });

  it('lets a CSM who is only on the team (not owner) edit the team of that account', async () => {
    const a = await createAccount(as(ws, 'manager'), { team: [{ userId: ws.users.csm.id, role: 'csm' }] });
    const res = await as(ws, 'csm').patch(`/api/v1/accounts/${a.id}`, {
      team: [
        { userId: ws.users.csm.id, role: 'csm' },
        { userId: ws.users.manager.id, role: 'ae' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.team).toHaveLength(2);
  });
});

describe('deleting accounts', () => {
  it('deletes an account with its contacts and contracts as a manager', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const contact = await as(ws, 'manager').post('/api/v1/contacts', { accountId: a.id, name: 'Gone Soon' });
    const contract = await as(ws, 'manager').post('/api/v1/contracts', {
      accountId: a.id,
      startDate: '2020-01-01',
      amount: 1000,
    });
    expect(contact.status).toBe(201);
    expect(contract.status).toBe(201);

    const res = await as(ws, 'manager').delete(`/api/v1/accounts/${a.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}`)).status).toBe(404);
    expect((await as(ws, 'viewer').get(`/api/v1/contacts/${contact.body.id}`)).status).toBe(404);
    expect((await as(ws, 'viewer').get(`/api/v1/contracts/${contract.body.id}`)).status).toBe(404);
    expect((await as(ws, 'viewer').get(`/api/v1/accounts/by-external-id/${a.externalId}`)).status).toBe(404);
    expect((await as(ws, 'admin').delete(`/api/v1/accounts/${a.id}`)).status).toBe(404);
  });

  it('refuses CSMs even on their own account, viewers, and other workspaces; needs a token', async () => {
    const a = await createAccount(as(ws, 'manager'), { ownerId: ws.users.csm.id });
    for (const role of ['csm', 'viewer'] as const) {
      const res = await as(ws, role).delete(`/api/v1/accounts/${a.id}`);
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
    }
    const foreign = await as(other, 'admin').delete(`/api/v1/accounts/${a.id}`);
    expect(foreign.status).toBe(404);
    expect((await anon().delete(`/api/v1/accounts/${a.id}`)).status).toBe(401);
    expect((await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}`)).status).toBe(200);
  });

  it('refuses to delete an account that still has child accounts (409)', async () => {
    const parent = await createAccount(as(ws, 'manager'), { name: 'Parent' });
    const child = await createAccount(as(ws, 'manager'), { name: 'Child', parentId: parent.id });
    const res = await as(ws, 'manager').delete(`/api/v1/accounts/${parent.id}`);
    expect(res.status).toBe(409);
    expect(errorCode(res)).toBe('conflict');
    expect(res.body.error.message).toMatch(/child accounts/);
    expect((await as(ws, 'manager').delete(`/api/v1/accounts/${child.id}`)).status).toBe(204);
    expect((await as(ws, 'manager').delete(`/api/v1/accounts/${parent.id}`)).status).toBe(204);
  });
});

describe('account hierarchy', () => {
  it('links a child to its parent and lists children by parentId, or top-level accounts with none', async () => {
    const group = await createAccount(as(ws, 'manager'), { name: 'Group' });
    const sub1 = await createAccount(as(ws, 'manager'), { name: 'Sub 1', parentId: group.id });
    const sub2 = await createAccount(as(ws, 'manager'), { name: 'Sub 2' });
    const moved = await as(ws, 'manager').patch(`/api/v1/accounts/${sub2.id}`, { parentId: group.id });
    expect(moved.status).toBe(200);
    expect(moved.body.parentId).toBe(group.id);
    expect(sub1.parentId).toBe(group.id);

    const children = await as(ws, 'viewer').get(`/api/v1/accounts?parentId=${group.id}`);
    expect(children.body.items.map((a: Account) => a.name)).toEqual(['Sub 1', 'Sub 2']);
    const top = await as(ws, 'viewer').get('/api/v1/accounts?parentId=none&limit=500');
    const topIds = top.body.items.map((a: Account) => a.id);
    expect(topIds).toContain(group.id);
    expect(topIds).not.toContain(sub1.id);

    const detached = await as(ws, 'manager').patch(`/api/v1/accounts/${sub2.id}`, { parentId: null });
    expect(detached.body.parentId).toBeNull();
  });

  it('rejects a parent that would create a cycle with 400 naming parentId', async () => {
    const a = await createAccount(as(ws, 'manager'), { name: 'Top' });
    const b = await createAccount(as(ws, 'manager'), { name: 'Middle', parentId: a.id });
    const c = await createAccount(as(ws, 'manager'), { name: 'Bottom', parentId: b.id });

    const cycle = await as(ws, 'manager').patch(`/api/v1/accounts/${a.id}`, { parentId: c.id });
    expect(cycle.status).toBe(400);
    expect(errorCode(cycle)).toBe('validation_failed');
    expect(paths(cycle)).toEqual(['parentId']);
    expect(issues(cycle)[0]!.message).toMatch(/cycle/);

    const self = await as(ws, 'manager').patch(`/api/v1/accounts/${b.id}`, { parentId: b.id });
    expect(self.status).toBe(400);
    expect(paths(self)).toEqual(['parentId']);

    expect((await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}`)).body.parentId).toBeNull();
  });

  it('rejects a parent that does not exist in the workspace with 400 naming parentId', async () => {
    const foreign = await createAccount(as(other, 'manager'));
    for (const parentId of [foreign.id, 'no-such-account']) {
      const res = await as(ws, 'manager').post('/api/v1/accounts', {
        externalId: ext('orphan'),
        name: 'Orphan',
        parentId,
      });
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual(['parentId']);
      expect(issues(res)[0]!.message).toContain(parentId);
    }
  });
});

describe('custom field values', () => {
  it('rejects an unknown custom field key naming customFields.<key>', async () => {
    const res = await as(ws, 'manager').post('/api/v1/accounts', {
      externalId: ext('cf'),
      name: 'X',
      customFields: { nope: 1 },
    });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(paths(res)).toEqual(['customFields.nope']);
    expect(issues(res)[0]!.message).toMatch(/no custom field named "nope"/);
  });

  it('rejects values of the wrong type, naming each field', async () => {
    const res = await as(ws, 'manager').post('/api/v1/accounts', {
      externalId: ext('cf'),
      name: 'X',
      customFields: { score: 'lots', vip: 'maybe', kickoff: '2024-13-01', remarks: 12 },
    });
    expect(res.status).toBe(400);
    expect(Object.fromEntries(issues(res).map((i) => [i.path, i.message]))).toEqual({
      'customFields.score': 'must be a number',
      'customFields.vip': 'must be true or false',
      'customFields.kickoff': 'must be a date as YYYY-MM-DD',
      'customFields.remarks': 'must be text',
    });
  });

  it('rejects select values outside the defined options', async () => {
    const single = await as(ws, 'manager').post('/api/v1/accounts', {
      externalId: ext('cf'),
      name: 'X',
      customFields: { tier: 'platinum' },
    });
    expect(single.status).toBe(400);
    expect(paths(single)).toEqual(['customFields.tier']);
    expect(issues(single)[0]!.message).toBe('must be one of: gold, silver, bronze');

    const a = await createAccount(as(ws, 'manager'));
    const multi = await as(ws, 'manager').patch(`/api/v1/accounts/${a.id}`, {
      customFields: { modules: ['crm', 'erp'] },
    });
    expect(multi.status).toBe(400);
    expect(paths(multi)).toEqual(['customFields.modules']);
    expect(issues(multi)[0]!.message).toBe('must be a list of: crm, billing, analytics');
  });

  it('requires a required custom field on create and refuses to clear it on update', async () => {
    const strict = await createTestWorkspace(t.deps, 'Strict fields');
    const m = as(strict, 'manager');
    const def = await m.post('/api/v1/custom-fields', {
      key: 'segment',
      label: 'Segment',
      type: 'single_select',
      options: ['smb', 'enterprise'],
      required: true,
    });
    expect(def.status).toBe(201);

    const missing = await m.post('/api/v1/accounts', { externalId: ext('req'), name: 'No segment' });
    expect(missing.status).toBe(400);
    expect(issues(missing)).toEqual([{ path: 'customFields.segment', message: 'is required' }]);

    const ok = await m.post('/api/v1/accounts', {
      externalId: ext('req'),
      name: 'Segmented',
      customFields: { segment: 'smb' },
    });
    expect(ok.status).toBe(201);

    const cleared = await m.patch(`/api/v1/accounts/${ok.body.id}`, { customFields: { segment: null } });
    expect(cleared.status).toBe(400);
    expect(paths(cleared)).toEqual(['customFields.segment']);

    const renamed = await m.patch(`/api/v1/accounts/${ok.body.id}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.customFields).toEqual({ segment: 'smb' });
  });

  it('no longer returns values of a deleted custom field definition', async () => {
    const scratch = await createTestWorkspace(t.deps, 'Deleted fields');
    const m = as(scratch, 'manager');
    const def = await m.post('/api/v1/custom-fields', { key: 'legacy', label: 'Legacy', type: 'text' });
    const keep = await m.post('/api/v1/custom-fields', { key: 'kept', label: 'Kept', type: 'text' });
    expect(keep.status).toBe(201);
    const a = await createAccount(m, { customFields: { legacy: 'old', kept: 'yes' } });
    expect(a.customFields).toEqual({ legacy: 'old', kept: 'yes' });

    expect((await m.delete(`/api/v1/custom-fields/${def.body.id}`)).status).toBe(204);
    const read = await m.get(`/api/v1/accounts/${a.id}`);
    expect(read.body.customFields).toEqual({ kept: 'yes' });
    const listed = await m.get('/api/v1/accounts');
    expect(listed.body.items.find((i: Account) => i.id === a.id).customFields).toEqual({ kept: 'yes' });
    const filtered = await m.get('/api/v1/accounts?cf.legacy=old');
    expect(filtered.status).toBe(400);
    expect(paths(filtered)).toEqual(['cf.legacy']);
  });
  it('filters a number field only on numbers, ignoring values left from an earlier definition of the key', async () => {
    const scratch = await createTestWorkspace(t.deps, 'Redefined fields');
    const m = as(scratch, 'manager');
    const text = await m.post('/api/v1/custom-fields', { key: 'size', label: 'Size', type: 'text' });
    const stale = await createAccount(m, { name: 'Stale', customFields: { size: 'big' } });
    expect(stale.customFields).toEqual({ size: 'big' });
    expect((await m.delete(`/api/v1/custom-fields/${text.body.id}`)).status).toBe(204);
    expect(
      (await m.post('/api/v1/custom-fields', { key: 'size', label: 'Size', type: 'number' })).status,
    ).toBe(201);
    await createAccount(m, { name: 'Numeric', customFields: { size: 5 } });

    for (const query of ['cf.size.gte=1', 'cf.size.lte=10', 'cf.size=5']) {
      const res = await m.get(`/api/v1/accounts?${query}`);
      expect(res.status, query).toBe(200);
      expect(
        res.body.items.map((a: Account) => a.name),
        query,
      ).toEqual(['Numeric']);
    }
  });
});

describe('bulk update', () => {
  it('sets the owner and adds and removes tags on many accounts at once', async () => {
    const m = as(ws, 'manager');
    const a = await createAccount(m, { tags: ['old', 'keep'] });
    const b = await createAccount(m, { tags: ['keep'] });
    const c = await createAccount(m, { tags: [] });
    const res = await m.post('/api/v1/accounts/bulk-update', {
      ids: [a.id, b.id, c.id],
      ownerId: ws.users.csm.id,
      addTags: ['renewal-q3', 'keep'],
      removeTags: ['old'],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ updated: 3, ownerChanged: 3, tagsAdded: 3, tagsRemoved: 1 });
    const read = async (id: string) => (await m.get(`/api/v1/accounts/${id}`)).body as Account;
    expect(await read(a.id)).toMatchObject({ ownerId: ws.users.csm.id, tags: ['keep', 'renewal-q3'] });
    expect(await read(b.id)).toMatchObject({ ownerId: ws.users.csm.id, tags: ['keep', 'renewal-q3'] });
    expect(await read(c.id)).toMatchObject({ ownerId: ws.users.csm.id, tags: ['renewal-q3', 'keep'] });

    const unassign = await as(ws, 'admin').post('/api/v1/accounts/bulk-update', {
      ids: [a.id, b.id],
      ownerId: null,
    });
    expect(unassign.body).toMatchObject({ updated: 2 });
    expect((await read(a.id)).ownerId).toBeNull();
    expect((await read(c.id)).ownerId).toBe(ws.users.csm.id);

    const removeOnly = await m.post('/api/v1/accounts/bulk-update', { ids: [c.id], removeTags: ['keep'] });
    expect(removeOnly.status).toBe(200);
    expect((await read(c.id)).tags).toEqual(['renewal-q3']);
  });

  it('changes nothing and answers 404 listing the missing ids when one id is unknown or foreign', async () => {
    const m = as(ws, 'manager');
    const a = await createAccount(m, { tags: ['before'] });
    const foreign = await createAccount(as(other, 'manager'));
    const res = await m.post('/api/v1/accounts/bulk-update', {
      ids: [a.id, foreign.id],
      addTags: ['after'],
    });
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('not_found');
    expect(res.body.error.details.missing).toEqual([foreign.id]);
    expect((await m.get(`/api/v1/accounts/${a.id}`)).body.tags).toEqual(['before']);
    expect((await as(other, 'viewer').get(`/api/v1/accounts/${foreign.id}`)).body.tags).toEqual([]);
  });

  it('rejects invalid bulk updates naming the field', async () => {
    const m = as(ws, 'manager');
    const a = await createAccount(m);
    const empty = await m.post('/api/v1/accounts/bulk-update', { ids: [], addTags: ['x'] });
    expect(empty.status).toBe(400);
    expect(paths(empty)).toEqual(['ids']);
    const tooMany = await m.post('/api/v1/accounts/bulk-update', {
      ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`),
      addTags: ['x'],
    });
    expect(tooMany.status).toBe(400);
    expect(paths(tooMany)).toEqual(['ids']);
    const nothing = await m.post('/api/v1/accounts/bulk-update', { ids: [a.id] });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.message).toMatch(/set at least one of ownerId, addTags, removeTags/);
    expect(issues(nothing)).toHaveLength(1);
    const badTag = await m.post('/api/v1/accounts/bulk-update', { ids: [a.id], addTags: [''] });
    expect(paths(badTag)).toEqual(['addTags.0']);
    const badOwner = await m.post('/api/v1/accounts/bulk-update', {
      ids: [a.id],
      ownerId: other.users.csm.id,
    });
    expect(badOwner.status).toBe(400);
    expect(paths(badOwner)).toEqual(['ownerId']);
  });

  it('is for managers and admins only: CSMs and viewers get 403, anonymous 401', async () => {
    const a = await createAccount(as(ws, 'manager'), { ownerId: ws.users.csm.id });
    for (const role of ['csm', 'viewer'] as const) {
      const res = await as(ws, role).post('/api/v1/accounts/bulk-update', { ids: [a.id], addTags: ['x'] });
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
    }
    const none = await anon().post('/api/v1/accounts/bulk-update', { ids: [a.id], addTags: ['x'] });
    expect(none.status).toBe(401);
    expect((await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}`)).body.tags).toEqual([]);
  });
});

describe('listing accounts', () => {
  /** name -> account, seeded once in the list workspace. */
  const seeded = new Map<string, Account>();
  let run = '';

  beforeAll(async () => {
    const m = as(lw, 'manager');
    const u = lw.users;
    run = `l${Date.now()}`;
    type Seed = Record<string, unknown> & { name: string; contract?: Record<string, unknown> };
    const seeds: Seed[] = [
      {
        name: 'Aurora',
        ownerId: u.csm.id,
        region: 'East',
        industry: 'Retail',
        tags: ['key', 'beta'],
        productLines: ['crm'],
        licensedSeats: 50,
        goLiveDate: '2023-01-15',
        customFields: {
          tier: 'gold',
          score: 80,
          vip: true,
          kickoff: '2023-02-01',
          modules: ['crm', 'billing'],
        },
        contract: { amount: 120000, billingPeriod: 'annual', endDate: '2098-03-31' },
      },
      {
        name: 'Beacon',
        ownerId: u.csm.id,
        team: [{ userId: u.admin.id, role: 'ae' }],
        region: 'West',
        industry: 'Finance',
        tags: ['key'],
        productLines: ['crm', 'bi'],
        licensedSeats: 200,
        goLiveDate: '2023-06-01',
        customFields: { tier: 'silver', score: 40, vip: false },
        contract: { amount: 60000, billingPeriod: 'annual', endDate: '2098-01-31' },
      },
      {
        name: 'Cobalt',
        ownerId: u.manager.id,
        team: [{ userId: u.csm.id, role: 'support' }],
        region: 'East',
        industry: 'Finance',
        tags: ['beta'],
        productLines: ['bi'],
        customFields: { tier: 'gold', score: 55, modules: ['analytics'] },
        contract: { amount: 1000, billingPeriod: 'monthly', endDate: '2098-12-31' },
      },
      {
        name: 'Delta_Works',
        region: 'North',
        industry: 'Retail',
        licensedSeats: 10,
        goLiveDate: '2024-03-01',
      },
      {
        name: 'Ember',
        ownerId: u.manager.id,
        tags: ['key', 'beta', 'churn-risk'],
        productLines: ['crm'],
        licensedSeats: 75,
        goLiveDate: '2022-11-30',
        customFields: { tier: 'bronze', score: 99.5 },
        contract: { amount: 5000, billingPeriod: 'quarterly', endDate: null },
      },
      { name: 'Fjord', region: 'West', industry: 'Retail' },
      {
        name: 'Garnet',
        ownerId: u.csm.id,
        region: 'East',
        industry: 'Tech',
        tags: ['key'],
        productLines: ['analytics'],
        licensedSeats: 500,
        goLiveDate: '2024-07-01',
        customFields: { score: 10 },
        contract: { amount: 240000, billingPeriod: 'annual', endDate: '2099-06-30' },
      },
      {
        name: 'Harbor',
        ownerId: u.admin.id,
        region: 'South',
        industry: 'Tech',
        productLines: ['bi'],
        licensedSeats: 5,
        goLiveDate: '2021-01-01',
        contract: { amount: 90000, billingPeriod: 'annual', endDate: '2098-05-05', status: 'churned' },
      },
      { name: 'Ivory' },
      { name: 'Jade', region: 'East' },
    ];
    for (const [i, { contract, ...seed }] of seeds.entries()) {
      const externalId = `${run}-${String(i + 1).padStart(2, '0')}`;
      const a = await createAccount(m, { externalId, ...seed });
      if (contract) {
        const c = await m.post('/api/v1/contracts', {
          accountId: a.id,
          startDate: '2020-01-01',
          ...contract,
        });
        expect(c.status, JSON.stringify(c.body)).toBe(201);
      }
      seeded.set(seed.name, (await m.get(`/api/v1/accounts/${a.id}`)).body);
    }
  });

  const list = async (query: string) => {
    const res = await as(lw, 'viewer').get(`/api/v1/accounts?limit=500&${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Account[];
  };
  const names = async (query: string) => (await list(query)).map((a) => a.name);

  it('derives ARR, MRR and renewal date on each seeded account from its contracts', () => {
    expect(seeded.get('Aurora')).toMatchObject({ arr: 120000, mrr: 10000, renewalDate: '2098-03-31' });
    expect(seeded.get('Cobalt')).toMatchObject({ arr: 12000, mrr: 1000, renewalDate: '2098-12-31' });
    expect(seeded.get('Ember')).toMatchObject({ arr: 20000, mrr: 1666.67, renewalDate: null });
    expect(seeded.get('Harbor')).toMatchObject({ arr: 0, mrr: 0, renewalDate: null });
  });

  it('lists every account of the workspace sorted by name by default, with nextCursor null', async () => {
    const res = await as(lw, 'csm').get('/api/v1/accounts');
    expect(res.status).toBe(200);
    expect(res.body.items.map((a: Account) => a.name)).toEqual([
      'Aurora',
      'Beacon',
      'Cobalt',
      'Delta_Works',
      'Ember',
      'Fjord',
      'Garnet',
      'Harbor',
      'Ivory',
      'Jade',
    ]);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body).not.toHaveProperty('total');
    // Each row also carries the account's current state: none before its first recompute.
    expect(res.body.items[0]).toEqual({ ...seeded.get('Aurora'), state: null });
  });

  it('searches name and external id case-insensitively with q, treating % and _ literally', async () => {
    expect(await names('q=AR')).toEqual(['Garnet', 'Harbor']);
    expect(await names('q=%20aurora%20')).toEqual(['Aurora']);
    expect(await names('q=aurora')).toEqual(['Aurora']);
    expect(await names(`q=${run.toUpperCase()}-07`)).toEqual(['Garnet']);
    expect(await names(`q=${run}`)).toHaveLength(10);
    expect(await names('q=_')).toEqual(['Delta_Works']);
    expect(await names('q=%25')).toEqual([]);
    expect(await names('q=zzz-nothing')).toEqual([]);
  });

  it('finds one account with externalId=', async () => {
    expect(await names(`externalId=${run}-04`)).toEqual(['Delta_Works']);
  });

  it('filters by owner, by ownerId=none, and by team membership with memberId', async () => {
    expect(await names(`ownerId=${lw.users.csm.id}`)).toEqual(['Aurora', 'Beacon', 'Garnet']);
    expect(await names('ownerId=none')).toEqual(['Delta_Works', 'Fjord', 'Ivory', 'Jade']);
    expect(await names(`memberId=${lw.users.csm.id}`)).toEqual(['Aurora', 'Beacon', 'Cobalt', 'Garnet']);
    expect(await names(`memberId=${lw.users.admin.id}`)).toEqual(['Beacon', 'Harbor']);
    expect(await names(`ownerId=${ws.users.csm.id}`)).toEqual([]);
  });

  it('filters by region and industry, each accepting a comma-separated list', async () => {
    expect(await names('region=East')).toEqual(['Aurora', 'Cobalt', 'Garnet', 'Jade']);
    expect(await names('region=West,North')).toEqual(['Beacon', 'Delta_Works', 'Fjord']);
    expect(await names('industry=Finance')).toEqual(['Beacon', 'Cobalt']);
    expect(await names('industry=Tech&region=South')).toEqual(['Harbor']);
  });

  it('filters by tags, requiring every listed tag, and by product lines, matching any', async () => {
    expect(await names('tag=key')).toEqual(['Aurora', 'Beacon', 'Ember', 'Garnet']);
    expect(await names('tag=key,beta')).toEqual(['Aurora', 'Ember']);
    expect(await names('tag=key,beta,churn-risk')).toEqual(['Ember']);
    expect(await names('tag=nope')).toEqual([]);
    expect(await names('productLine=bi')).toEqual(['Beacon', 'Cobalt', 'Harbor']);
    expect(await names('productLine=crm,analytics')).toEqual(['Aurora', 'Beacon', 'Ember', 'Garnet']);
  });

  it('filters by ARR range in base currency, licensed seats, renewal and go-live dates (bounds inclusive)', async () => {
    expect(await names('arrMin=20000')).toEqual(['Aurora', 'Beacon', 'Ember', 'Garnet']);
    expect(await names('arrMax=12000')).toEqual([
      'Cobalt',
      'Delta_Works',
      'Fjord',
      'Harbor',
      'Ivory',
      'Jade',
    ]);
    expect(await names('arrMin=20000&arrMax=100000')).toEqual(['Beacon', 'Ember']);
    expect(await names('arrMin=11999.99&arrMax=12000')).toEqual(['Cobalt']);
    expect(await names('seatsMin=50&seatsMax=200')).toEqual(['Aurora', 'Beacon', 'Ember']);
    expect(await names('renewalFrom=2098-02-01&renewalTo=2098-12-31')).toEqual(['Aurora', 'Cobalt']);
    expect(await names('renewalTo=2098-01-31')).toEqual(['Beacon']);
    expect(await names('goLiveFrom=2023-01-01&goLiveTo=2023-12-31')).toEqual(['Aurora', 'Beacon']);
    expect(await names('goLiveFrom=2024-01-01')).toEqual(['Delta_Works', 'Garnet']);
    expect(await names('goLiveTo=2021-01-01')).toEqual(['Harbor']);
  });

  it('filters by custom fields: equality, number ranges, booleans, dates and multi-select membership', async () => {
    expect(await names('cf.tier=gold')).toEqual(['Aurora', 'Cobalt']);
    expect(await names('cf.score=80')).toEqual(['Aurora']);
    expect(await names('cf.score.gte=55')).toEqual(['Aurora', 'Cobalt', 'Ember']);
    expect(await names('cf.score.lte=40')).toEqual(['Beacon', 'Garnet']);
    expect(await names('cf.score.gte=40&cf.score.lte=80')).toEqual(['Aurora', 'Beacon', 'Cobalt']);
    expect(await names('cf.vip=true')).toEqual(['Aurora']);
    expect(await names('cf.vip=false')).toEqual(['Beacon']);
    expect(await names('cf.kickoff.gte=2023-01-01')).toEqual(['Aurora']);
    expect(await names('cf.kickoff.lte=2022-12-31')).toEqual([]);
    expect(await names('cf.modules=crm')).toEqual(['Aurora']);
    expect(await names('cf.modules=analytics')).toEqual(['Cobalt']);
    expect(await names('cf.modules=billing&cf.tier=gold')).toEqual(['Aurora']);
  });

  it('combines filters with AND', async () => {
    expect(await names('region=East&tag=key&arrMin=100000')).toEqual(['Aurora', 'Garnet']);
    expect(await names(`memberId=${lw.users.csm.id}&cf.tier=gold&industry=Finance`)).toEqual(['Cobalt']);
  });

  it('rejects invalid filters naming the query parameter', async () => {
    const v = as(lw, 'viewer');
    const cases: [string, string][] = [
      ['cf.nope=1', 'cf.nope'],
      ['cf.score.gte=many', 'cf.score.gte'],
      ['cf.modules.gte=crm', 'cf.modules.gte'],
      ['sort=color', 'sort'],
      ['sort=-', 'sort'],
      ['renewalFrom=2024-02-30', 'renewalFrom'],
      ['goLiveTo=tomorrow', 'goLiveTo'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['arrMin=lots', 'arrMin'],
      ['includeTotal=yes', 'includeTotal'],
      ['cursor=not-a-cursor', 'cursor'],
    ];
    for (const [query, path] of cases) {
      const res = await v.get(`/api/v1/accounts?${query}`);
      expect(res.status, query).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res), query).toContain(path);
    }
  });

  /** The order the API promises: the sort key (NULLs last ascending for dates), then id. */
  const SORT_KEYS: Record<string, (a: Account) => string | number> = {
    name: (a) => a.name,
    externalId: (a) => a.externalId,
    arr: (a) => a.arr,
    renewalDate: (a) => a.renewalDate ?? '9999-12-31',
    goLiveDate: (a) => a.goLiveDate ?? '9999-12-31',
    licensedSeats: (a) => a.licensedSeats ?? -1,
    region: (a) => a.region ?? '',
    industry: (a) => a.industry ?? '',
    createdAt: (a) => a.createdAt,
    updatedAt: (a) => a.updatedAt,
  };
  const expectedOrder = (sort: string) => {
    const desc = sort.startsWith('-');
    const key = SORT_KEYS[sort.replace(/^-/, '')]!;
    const cmp = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
    const sorted = [...seeded.values()].sort((a, b) => cmp(key(a), key(b)) || cmp(a.id, b.id));
    return (desc ? sorted.reverse() : sorted).map((a) => a.name);
  };

  it('sorts ascending and descending on every sort key, ties broken by id', async () => {
    expect(await names('sort=-name')).toEqual([...expectedOrder('name')].reverse());
    expect((await names('sort=arr')).slice(-5)).toEqual(['Cobalt', 'Ember', 'Beacon', 'Aurora', 'Garnet']);
    expect((await names('sort=renewalDate')).slice(0, 4)).toEqual(['Beacon', 'Aurora', 'Cobalt', 'Garnet']);
    expect((await names('sort=-licensedSeats')).slice(0, 3)).toEqual(['Garnet', 'Beacon', 'Ember']);
    for (const key of Object.keys(SORT_KEYS)) {
      for (const sort of [key, `-${key}`]) {
        expect(await names(`sort=${sort}`), sort).toEqual(expectedOrder(sort));
      }
    }
  });

  it('walks every page with the cursor, without duplicates or missing rows, for several sorts', async () => {
    for (const sort of [
      'name',
      '-name',
      'arr',
      '-arr',
      'region',
      '-licensedSeats',
      'renewalDate',
      '-createdAt',
    ]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `sort=${sort}&limit=3&includeTotal=true${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await as(lw, 'viewer').get(`/api/v1/accounts?${query}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        expect(res.body.total).toBe(10);
        seen.push(...res.body.items.map((a: Account) => a.name));
        cursor = res.body.nextCursor;
        pages++;
        expect(pages).toBeLessThanOrEqual(4);
      } while (cursor);
      expect(pages, sort).toBe(4);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen, sort).toEqual(expectedOrder(sort));
    }
  });

  it('pages a filtered list one row at a time and reports the filtered total', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await as(lw, 'viewer').get(
        `/api/v1/accounts?tag=key&sort=-arr&limit=1&includeTotal=true${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.body.total).toBe(4);
      expect(res.body.items).toHaveLength(1);
      seen.push(res.body.items[0].name);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Garnet', 'Aurora', 'Beacon', 'Ember']);
  });

  it('reports the total only when includeTotal=true', async () => {
    const withTotal = await as(lw, 'viewer').get('/api/v1/accounts?limit=2&includeTotal=true&region=East');
    expect(withTotal.body.total).toBe(4);
    expect(withTotal.body.items).toHaveLength(2);
    expect(withTotal.body.nextCursor).toEqual(expect.any(String));
    const without = await as(lw, 'viewer').get('/api/v1/accounts?limit=2&includeTotal=false');
    expect(without.body).not.toHaveProperty('total');
  });

  it('never lists accounts of another workspace', async () => {
    const res = await as(other, 'admin').get(`/api/v1/accounts?q=${run}&limit=500`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    const mine = await list('');
    expect(mine.every((a) => a.externalId.startsWith(run))).toBe(true);
  });
});
