import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDefaultScheme } from '../../src/modules/segments/index.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

type Issue = { path: string; message: string };

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let n = 0;
const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);

async function createAccounts(c: Client, count: number, body: Record<string, unknown> = {}) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await c.post('/api/v1/accounts', {
      externalId: `bulk-${Date.now()}-${n++}`,
      name: `Bulk ${n}`,
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

const account = async (c: Client, id: string) => (await c.get(`/api/v1/accounts/${id}`)).body;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Bulk A');
  other = await createTestWorkspace(t.deps, 'Bulk B');
  await installDefaultScheme(ws.ctx);
});
afterAll(async () => t?.close());

describe('POST /accounts/bulk', () => {
  it('assigns the owner, adds a tag, sets a tier and creates a task on every account, with a timeline entry each and one audit row', async () => {
    const manager = as(ws, 'manager');
    const ids = await createAccounts(manager, 3, { tags: ['old'] });
    const csm = ws.users.csm.id;
    const res = await manager.post('/api/v1/accounts/bulk', {
      ids,
      actions: [
        { type: 'assignOwner', ownerId: csm },
        { type: 'addTag', tag: 'key-account' },
        { type: 'removeTag', tag: 'old' },
        { type: 'tierOverride', tier: 'strategic', reason: 'board decision', expiresOn: null },
        { type: 'createTasks', title: 'Plan the QBR', dueDate: '2030-01-15', taskType: 'qbr' },
        { type: 'setTeamRole', role: 'ae', userId: ws.users.manager.id },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      accounts: 3,
      ownerChanged: 3,
      teamRoleSet: 3,
      tagsAdded: 3,
      tagsRemoved: 3,
      tierOverridden: 3,
      tasksCreated: 3,
    });
    for (const id of ids) {
      const a = await account(manager, id);
      expect(a.ownerId).toBe(csm);
      expect(a.tags).toEqual(['key-account']);
      expect(a.team).toContainEqual({ userId: ws.users.manager.id, role: 'ae' });
      const state = (await manager.get(`/api/v1/account-states?accountIds=${id}`)).body.items[0];
      expect(state.tier).toBe('strategic');
      const tasks = (await manager.get(`/api/v1/tasks?accountId=${id}`)).body.items;
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({
        title: 'Plan the QBR',
        dueDate: '2030-01-15',
        type: 'qbr',
        assigneeId: csm,
      });
      const timeline = (await manager.get(`/api/v1/accounts/${id}/timeline`)).body.items as {
        type: string;
      }[];
      const types = timeline.map((e) => e.type);
      expect(types).toContain('account.updated');
      expect(types).toContain('tier.overridden');
      expect(types.some((x) => x.startsWith('task.'))).toBe(true);
    }
    const audit = (await as(ws, 'admin').get('/api/v1/audit-log?entityType=bulk_action')).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0].action).toBe('accounts.bulk');
    expect(audit[0].after.accountIds.sort()).toEqual([...ids].sort());
  });

  it('changes nothing when one part is invalid (all or nothing)', async () => {
    const manager = as(ws, 'manager');
    const ids = await createAccounts(manager, 2);
    const unknownTier = await manager.post('/api/v1/accounts/bulk', {
      ids,
      actions: [
        { type: 'addTag', tag: 'should-not-stick' },
        { type: 'tierOverride', tier: 'platinum', reason: 'x' },
      ],
    });
    expect(unknownTier.status).toBe(400);
    expect((unknownTier.body.error.details.issues as Issue[])[0]!.path).toBe('actions.tier');
    const missing = await manager.post('/api/v1/accounts/bulk', {
      ids: [...ids, 'no-such-account'],
      actions: [{ type: 'addTag', tag: 'should-not-stick' }],
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('no-such-account');
    const inactive = await manager.post('/api/v1/accounts/bulk', {
      ids,
      actions: [
        { type: 'addTag', tag: 'should-not-stick' },
        { type: 'createTasks', title: 'x', assignee: { userId: 'nobody' } },
      ],
    });
    expect(inactive.status).toBe(400);
    for (const id of ids) {
      expect((await account(manager, id)).tags).toEqual([]);
      expect((await manager.get(`/api/v1/tasks?accountId=${id}`)).body.items).toHaveLength(0);
    }
  });

  it('refuses more than 500 accounts with a 400 that says how many were selected', async () => {
    const ids = Array.from({ length: 501 }, (_, i) => `id-${i}`);
    const res = await as(ws, 'manager').post('/api/v1/accounts/bulk', {
      ids,
      actions: [{ type: 'addTag', tag: 'x' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('501');
    expect(res.body.error.message).toContain('500');
    const zh = await client(t.app, ws.users.manager.token, { 'accept-language': 'zh-CN' }).post(
      '/api/v1/accounts/bulk',
      { ids, actions: [{ type: 'addTag', tag: 'x' }] },
    );
    expect(zh.body.error.message).toMatch(/一次最多可修改/);
  });

  it('acts on every account a filter matches ("select all N matching")', async () => {
    const manager = as(ws, 'manager');
    const region = `Region-${Date.now()}`;
    const ids = await createAccounts(manager, 4, { region });
    await createAccounts(manager, 1, { region: `${region}-other` });
    const res = await manager.post('/api/v1/accounts/bulk', {
      filter: { region },
      actions: [{ type: 'addTag', tag: 'by-filter' }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accounts).toBe(4);
    const tagged = (await manager.get('/api/v1/accounts?tag=by-filter&limit=50')).body.items.map(
      (a: { id: string }) => a.id,
    );
    expect(tagged.sort()).toEqual([...ids].sort());
    const bad = await manager.post('/api/v1/accounts/bulk', {
      filter: { region },
      ids,
      actions: [{ type: 'addTag', tag: 'x' }],
    });
    expect(bad.status).toBe(400);
  });

  it('is for managers and admins: a CSM and a viewer get 403, another workspace’s ids are not found', async () => {
    const ids = await createAccounts(as(ws, 'manager'), 1);
    for (const role of ['csm', 'viewer'] as const) {
      const res = await as(ws, role).post('/api/v1/accounts/bulk', {
        ids,
        actions: [{ type: 'addTag', tag: 'x' }],
      });
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
    }
    const admin = await as(ws, 'admin').post('/api/v1/accounts/bulk', {
      ids,
      actions: [{ type: 'addTag', tag: 'x' }],
    });
    expect(admin.status).toBe(200);
    const foreign = await as(other, 'manager').post('/api/v1/accounts/bulk', {
      ids,
      actions: [{ type: 'addTag', tag: 'x' }],
    });
    expect(foreign.status).toBe(404);
  });

  it('refuses an unknown user and a repeated action kind with a 400 naming the field', async () => {
    const ids = await createAccounts(as(ws, 'manager'), 1);
    const res = await as(ws, 'manager').post('/api/v1/accounts/bulk', {
      ids,
      actions: [{ type: 'assignOwner', ownerId: 'ghost' }],
    });
    expect(res.status).toBe(400);
    expect((res.body.error.details.issues as Issue[])[0]!.path).toBe('actions.ownerId');
    const twice = await as(ws, 'manager').post('/api/v1/accounts/bulk', {
      ids,
      actions: [
        { type: 'addTag', tag: 'a' },
        { type: 'addTag', tag: 'b' },
      ],
    });
    expect(twice.status).toBe(400);
  });
});
