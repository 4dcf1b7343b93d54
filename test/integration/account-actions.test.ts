import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mail } from '../../src/mail.ts';
import { notify, sendDigests } from '../../src/modules/notifications/index.ts';
import { installDefaultScheme } from '../../src/modules/segments/index.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let n = 0;
const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Actions A');
  await installDefaultScheme(ws.ctx);
});
afterAll(async () => t?.close());

describe('GET /accounts/{id}/state-overrides', () => {
  it('lists the manual tier and stage with reason and expiry, and nothing once removed', async () => {
    const manager = as(ws, 'manager');
    const acc = (await manager.post('/api/v1/accounts', { externalId: `ov-${n++}`, name: 'Override' })).body;
    expect((await manager.get(`/api/v1/accounts/${acc.id}/state-overrides`)).body.items).toEqual([]);
    const set = await manager.post(`/api/v1/accounts/${acc.id}/tier-override`, {
      tier: 'growth',
      reason: 'signed an expansion',
      expiresOn: '2099-12-31',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const list = (await as(ws, 'viewer').get(`/api/v1/accounts/${acc.id}/state-overrides`)).body;
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      kind: 'tier',
      value: 'growth',
      reason: 'signed an expansion',
      expiresOn: '2099-12-31',
    });
    expect(list.today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await manager.delete(`/api/v1/accounts/${acc.id}/tier-override`)).status).toBe(204);
    expect((await manager.get(`/api/v1/accounts/${acc.id}/state-overrides`)).body.items).toEqual([]);
    expect((await manager.get('/api/v1/accounts/nope/state-overrides')).status).toBe(404);
  });
});

describe('POST /users/{id}/reset-password', () => {
  it('sets a temporary password, ends the user’s sessions and revokes their tokens', async () => {
    const admin = as(ws, 'admin');
    const email = `reset-${Date.now()}@example.com`;
    const user = (
      await admin.post('/api/v1/users', {
        email,
        name: 'Reset Me',
        role: 'csm',
        password: 'first-Secret-42x',
      })
    ).body;
    const login = await client(t.app, null).post('/api/v1/auth/login', {
      email,
      password: 'first-Secret-42x',
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const session = client(t.app, null, { cookie });
    expect((await session.get('/api/v1/auth/me')).status).toBe(200);

    const res = await admin.post(`/api/v1/users/${user.id}/reset-password`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const temporary = res.body.temporaryPassword as string;
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    expect(res.body.user.id).toBe(user.id);
    // The old session is gone; the old password no longer works; the temporary one does.
    expect((await session.get('/api/v1/auth/me')).status).toBe(401);
    expect(
      (await client(t.app, null).post('/api/v1/auth/login', { email, password: 'first-Secret-42x' })).status,
    ).toBe(401);
    expect(
      (await client(t.app, null).post('/api/v1/auth/login', { email, password: temporary })).status,
    ).toBe(200);

    const chosen = await admin.post(`/api/v1/users/${user.id}/reset-password`, {
      password: 'chosen-Secret-77y',
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.temporaryPassword).toBeNull();
    const audit = (await admin.get(`/api/v1/audit-log?entityType=user`)).body.items.filter(
      (e: { action: string; entityId: string }) =>
        e.action === 'user.password_reset' && e.entityId === user.id,
    );
    expect(audit).toHaveLength(2);
  });

  it('refuses a weak chosen password, a non-admin, and an admin resetting their own', async () => {
    const admin = as(ws, 'admin');
    const weak = await admin.post(`/api/v1/users/${ws.users.csm.id}/reset-password`, {
      password: 'password',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.issues[0].path).toBe('password');
    expect((await as(ws, 'manager').post(`/api/v1/users/${ws.users.csm.id}/reset-password`, {})).status).toBe(
      403,
    );
    const self = await admin.post(`/api/v1/users/${ws.users.admin.id}/reset-password`, {});
    expect(self.status).toBe(400);
  });
});

describe('the notification centre', () => {
  it('filters by kind, unread and day, counts the matches and pages through them', async () => {
    const w = await createTestWorkspace(t.deps, 'Centre');
    const userId = w.users.csm.id;
    for (let i = 0; i < 5; i++) await notify(w.ctx, { userId, kind: 'task_assigned', title: `Task ${i}` });
    for (let i = 0; i < 3; i++) await notify(w.ctx, { userId, kind: 'account_danger', title: `Danger ${i}` });
    const csm = as(w, 'csm');
    const danger = (await csm.get('/api/v1/notifications?kind=account_danger&includeTotal=true')).body;
    expect(danger.total).toBe(3);
    expect(danger.items.map((x: { kind: string }) => x.kind)).toEqual([
      'account_danger',
      'account_danger',
      'account_danger',
    ]);
    const first = (await csm.get('/api/v1/notifications?limit=4&includeTotal=true')).body;
    expect(first.total).toBe(8);
    expect(first.items).toHaveLength(4);
    const second = (await csm.get(`/api/v1/notifications?limit=4&cursor=${first.nextCursor}`)).body;
    expect(second.items).toHaveLength(4);
    expect(second.nextCursor).toBeNull();
    await csm.post(`/api/v1/notifications/${first.items[0].id}/read`);
    expect((await csm.get('/api/v1/notifications?unread=true&includeTotal=true')).body.total).toBe(7);
    const todayUtc = new Date().toISOString().slice(0, 10);
    const future = (await csm.get('/api/v1/notifications?from=2099-01-01&includeTotal=true')).body;
    expect(future.total).toBe(0);
    const past = (await csm.get('/api/v1/notifications?to=2000-01-01&includeTotal=true')).body;
    expect(past.total).toBe(0);
    const around = await csm.get(`/api/v1/notifications?from=2000-01-01&to=2099-12-31&includeTotal=true`);
    expect(around.body.total, todayUtc).toBe(8);
    expect((await csm.get('/api/v1/notifications?from=2026-13-01')).status).toBe(400);
  });

  it('stores digest on/off, frequency and muted kinds per user; a muted kind is not notified', async () => {
    const w = await createTestWorkspace(t.deps, 'Settings');
    const csm = as(w, 'csm');
    const initial = (await csm.get('/api/v1/notifications/settings')).body;
    expect(initial).toMatchObject({ dailyDigest: false, digestFrequency: 'daily', mutedKinds: [] });
    expect(initial.kinds).toContain('task_assigned');
    const put = await csm.put('/api/v1/notifications/settings', {
      dailyDigest: true,
      digestFrequency: 'weekly',
      mutedKinds: ['renewal_upcoming'],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({
      dailyDigest: true,
      digestFrequency: 'weekly',
      mutedKinds: ['renewal_upcoming'],
    });
    // A partial change keeps the rest.
    const partial = (await csm.put('/api/v1/notifications/settings', { digestFrequency: 'daily' })).body;
    expect(partial).toMatchObject({
      dailyDigest: true,
      digestFrequency: 'daily',
      mutedKinds: ['renewal_upcoming'],
    });
    // The manager's settings are their own.
    expect((await as(w, 'manager').get('/api/v1/notifications/settings')).body.dailyDigest).toBe(false);
    expect((await csm.put('/api/v1/notifications/settings', { mutedKinds: ['nope'] })).status).toBe(400);

    const muted = await notify(w.ctx, { userId: w.users.csm.id, kind: 'renewal_upcoming', title: 'Renewal' });
    expect(muted).toBeUndefined();
    const kept = await notify(w.ctx, { userId: w.users.csm.id, kind: 'task_assigned', title: 'Task' });
    expect(kept?.kind).toBe('task_assigned');
    expect((await csm.get('/api/v1/notifications')).body.items.map((x: { kind: string }) => x.kind)).toEqual([
      'task_assigned',
    ]);
  });

  it('sends a weekly digest on Mondays only', async () => {
    const w = await createTestWorkspace(t.deps, 'Weekly');
    await as(w, 'csm').put('/api/v1/notifications/settings', {
      dailyDigest: true,
      digestFrequency: 'weekly',
    });
    await notify(w.ctx, { userId: w.users.csm.id, kind: 'task_assigned', title: 'Task' });
    const sent: Mail[] = [];
    const send = async (m: Mail) => {
      sent.push(m);
      return { sent: true };
    };
    // 2030-01-08 is a Tuesday, 2030-01-07 a Monday (noon in Shanghai).
    const tuesday = await sendDigests({ ...w.ctx, now: () => new Date('2030-01-08T04:00:00Z') }, send);
    expect(tuesday.users).toBe(0);
    const monday = await sendDigests({ ...w.ctx, now: () => new Date('2030-01-07T04:00:00Z') }, send);
    expect(monday.users).toBe(1);
    expect(sent).toHaveLength(1);
  });
});
