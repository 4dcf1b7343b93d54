// Saved views on the server: private to their owner or shared with the workspace; anyone keeps
// their own, only managers and admins share, only the owner changes or deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let manager: Client;
let csm: Client;
let viewer: Client;
const api = (path: string) => `/api/v1${path}`;

const view = (name: string, visibility = 'private') => ({
  name,
  visibility,
  filters: { health: 'danger', renewalWithin: '90' },
  condition: 'arr >= 100000',
  columns: ['name', 'health', 'renewalDate'],
  sort: '-healthScore',
});

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Views A');
  other = await createTestWorkspace(t.deps, 'Views B');
  manager = client(t.app, ws.users.manager.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
});
afterAll(async () => t.close());

describe('saved views', () => {
  it('keeps a CSM’s private view with its filters, condition, columns and sort, seen by them only', async () => {
    const created = await csm.post(api('/saved-views'), view('My at-risk renewals'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      list: 'accounts',
      name: 'My at-risk renewals',
      visibility: 'private',
      filters: { health: 'danger', renewalWithin: '90' },
      condition: 'arr >= 100000',
      columns: ['name', 'health', 'renewalDate'],
      sort: '-healthScore',
      ownerId: ws.users.csm.id,
      ownerName: 'csm user',
      mine: true,
    });
    const mine = await csm.get(api('/saved-views'));
    expect(mine.body.items.map((v: { name: string }) => v.name)).toEqual(['My at-risk renewals']);
    expect((await manager.get(api('/saved-views'))).body.items).toEqual([]);
    const peek = await manager.get(api(`/saved-views/${created.body.id}`));
    expect(peek.status).toBe(404);
    expect(errorCode(peek)).toBe('not_found');
    expect(peek.body.error.message).toContain(created.body.id);
  });

  it('refuses a CSM sharing a view, in either language', async () => {
    const res = await csm.post(api('/saved-views'), view('Team view', 'shared'));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('Only managers and admins may share a view with the workspace');
    const zh = client(t.app, ws.users.csm.token, { 'accept-language': 'zh-CN' });
    const own = (await csm.get(api('/saved-views'))).body.items[0];
    const patch = await zh.patch(api(`/saved-views/${own.id}`), { visibility: 'shared' });
    expect(patch.status).toBe(403);
    expect(patch.body.error.message).toBe('只有经理和管理员可以把视图共享给整个工作区');
  });

  it('shows a manager’s shared view to everyone, who may use but not change or delete it', async () => {
    const shared = await manager.post(api('/saved-views'), view('Renewals this quarter', 'shared'));
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    for (const c of [csm, viewer]) {
      const list = await c.get(api('/saved-views'));
      const found = list.body.items.find((v: { id: string }) => v.id === shared.body.id);
      expect(found).toMatchObject({ visibility: 'shared', mine: false, ownerName: 'manager user' });
    }
    // Shared first.
    expect((await csm.get(api('/saved-views'))).body.items.map((v: { name: string }) => v.name)).toEqual([
      'Renewals this quarter',
      'My at-risk renewals',
    ]);
    const edit = await csm.patch(api(`/saved-views/${shared.body.id}`), { name: 'Mine now' });
    expect(edit.status).toBe(403);
    expect(edit.body.error.message).toBe('Only the owner of a saved view may change or delete it');
    expect((await csm.delete(api(`/saved-views/${shared.body.id}`))).status).toBe(403);
    expect(
      (await client(t.app, ws.users.admin.token).delete(api(`/saved-views/${shared.body.id}`))).status,
    ).toBe(403);
    // The owner may unshare and rename it.
    const unshared = await manager.patch(api(`/saved-views/${shared.body.id}`), {
      visibility: 'private',
      name: 'Renewals (mine)',
    });
    expect(unshared.status).toBe(200);
    expect(unshared.body).toMatchObject({ visibility: 'private', name: 'Renewals (mine)' });
    expect((await csm.get(api(`/saved-views/${shared.body.id}`))).status).toBe(404);
  });

  it('lets a viewer keep a private view and delete it', async () => {
    const created = await viewer.post(api('/saved-views'), view('Viewer view'));
    expect(created.status).toBe(201);
    expect((await viewer.delete(api(`/saved-views/${created.body.id}`))).status).toBe(204);
    expect((await viewer.get(api(`/saved-views/${created.body.id}`))).status).toBe(404);
  });

  it('answers a second view of the same name with a 409, and a bad body with a 400 naming the field', async () => {
    const again = await csm.post(api('/saved-views'), view('My at-risk renewals'));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('My at-risk renewals');
    const bad = await csm.post(api('/saved-views'), { ...view('x'), name: '' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('name');
    const badVis = await csm.post(api('/saved-views'), { ...view('y'), visibility: 'public' });
    expect(badVis.status).toBe(400);
  });

  it('never shows another workspace’s shared views', async () => {
    const theirs = client(t.app, other.users.admin.token);
    expect((await theirs.get(api('/saved-views'))).body.items).toEqual([]);
  });
});
