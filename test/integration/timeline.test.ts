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

type Entry = {
  id: string;
  accountId: string;
  type: string;
  title: string;
  body: string | null;
  actorId: string | null;
  entityType: string | null;
  entityId: string | null;
  data: { changes?: Record<string, [unknown, unknown]> } | null;
  occurredAt: string;
  createdAt: string;
};
type Issue = { path: string; message: string };

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;

let n = 0;
const ext = (prefix: string) => `${prefix}-${Date.now()}-${n++}`;
const paths = (res: ApiResponse) => (res.body.error.details.issues as Issue[]).map((i) => i.path);
const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);
const anon = () => client(t.app, null);

async function createAccount(c: Client, body: Record<string, unknown> = {}) {
  const res = await c.post('/api/v1/accounts', { externalId: ext('acc'), name: 'Account', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; name: string };
}

async function timeline(accountId: string, query = '', c: Client = as(ws, 'viewer')): Promise<Entry[]> {
  const res = await c.get(`/api/v1/accounts/${accountId}/timeline?limit=200&${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items;
}
const types = async (accountId: string, query = '') => (await timeline(accountId, query)).map((e) => e.type);

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Timeline A');
  other = await createTestWorkspace(t.deps, 'Timeline B');
  const field = await as(ws, 'manager').post('/api/v1/custom-fields', {
    key: 'tier',
    label: 'Tier',
    type: 'single_select',
    options: ['gold', 'silver'],
  });
  expect(field.status).toBe(201);
});
afterAll(async () => t?.close());

describe('recorded changes', () => {
  it('records account.created with the acting user when an account is created', async () => {
    const a = await createAccount(as(ws, 'manager'), { name: 'Created Co' });
    const [entry, ...rest] = await timeline(a.id);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      accountId: a.id,
      type: 'account.created',
      title: 'Account Created Co created',
      body: null,
      actorId: ws.users.manager.id,
      entityType: 'account',
      entityId: a.id,
      data: null,
    });
    expect(entry!.occurredAt).toBe(entry!.createdAt);
  });

  it('records account.updated with data.changes as [before, after] per changed field only', async () => {
    const a = await createAccount(as(ws, 'manager'), { name: 'Old Name', region: 'East' });
    const res = await as(ws, 'admin').patch(`/api/v1/accounts/${a.id}`, {
      name: 'New Name',
      region: 'East',
      tags: ['key'],
      customFields: { tier: 'gold' },
      team: [{ userId: ws.users.csm.id, role: 'csm' }],
    });
    expect(res.status).toBe(200);
    const [update, create] = await timeline(a.id);
    expect(create!.type).toBe('account.created');
    expect(update).toMatchObject({
      type: 'account.updated',
      title: 'Account New Name updated',
      actorId: ws.users.admin.id,
      entityType: 'account',
      entityId: a.id,
    });
    expect(update!.data).toEqual({
      changes: {
        name: ['Old Name', 'New Name'],
        tags: [[], ['key']],
        customFields: [{}, { tier: 'gold' }],
        team: [[], [{ userId: ws.users.csm.id, role: 'csm' }]],
      },
    });
  });

  it('writes no entry for an update that changes nothing', async () => {
    const a = await createAccount(as(ws, 'manager'), { name: 'Steady', tags: ['x'] });
    const res = await as(ws, 'manager').patch(`/api/v1/accounts/${a.id}`, { name: 'Steady', tags: ['x'] });
    expect(res.status).toBe(200);
    expect(await types(a.id)).toEqual(['account.created']);
  });

  it('records a CSM’s own update as account.updated by that CSM', async () => {
    const a = await createAccount(as(ws, 'manager'), { ownerId: ws.users.csm.id });
    await as(ws, 'csm').patch(`/api/v1/accounts/${a.id}`, { industry: 'Logistics' });
    const [update] = await timeline(a.id);
    expect(update).toMatchObject({
      type: 'account.updated',
      actorId: ws.users.csm.id,
      data: { changes: { industry: [null, 'Logistics'] } },
    });
  });

  it('records a bulk update as account.updated on each account', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const b = await createAccount(as(ws, 'manager'), { tags: ['old'] });
    const res = await as(ws, 'manager').post('/api/v1/accounts/bulk-update', {
      ids: [a.id, b.id],
      ownerId: ws.users.csm.id,
      addTags: ['q3'],
      removeTags: ['old'],
    });
    expect(res.body).toMatchObject({ updated: 2, ownerChanged: 2 });
    const [ua] = await timeline(a.id);
    expect(ua).toMatchObject({
      type: 'account.updated',
      actorId: ws.users.manager.id,
      data: { changes: { ownerId: [null, ws.users.csm.id], tags: [[], ['q3']] } },
    });
    const [ub] = await timeline(b.id);
    expect(ub!.data).toEqual({ changes: { ownerId: [null, ws.users.csm.id], tags: [['old'], ['q3']] } });
  });

  it('records contact.created, contact.updated with changes and contact.deleted on the account', async () => {
    const a = await createAccount(as(ws, 'manager'), { team: [{ userId: ws.users.csm.id, role: 'csm' }] });
    const csm = as(ws, 'csm');
    const contact = await csm.post('/api/v1/contacts', { accountId: a.id, name: 'Wang Fang' });
    expect(contact.status).toBe(201);
    await csm.patch(`/api/v1/contacts/${contact.body.id}`, { title: 'CTO', role: 'decision_maker' });
    await csm.delete(`/api/v1/contacts/${contact.body.id}`);

    const entries = await timeline(a.id);
    expect(entries.map((e) => e.type)).toEqual([
      'contact.deleted',
      'contact.updated',
      'contact.created',
      'account.created',
    ]);
    const [deleted, updated, created] = entries;
    for (const e of [deleted, updated, created]) {
      expect(e).toMatchObject({ entityType: 'contact', entityId: contact.body.id, actorId: ws.users.csm.id });
    }
    expect(created!.title).toBe('Contact Wang Fang added');
    expect(created!.data).toBeNull();
    expect(updated!.title).toBe('Contact Wang Fang updated');
    expect(updated!.data).toEqual({ changes: { title: [null, 'CTO'], role: [null, 'decision_maker'] } });
    expect(deleted!.title).toBe('Contact Wang Fang removed');
    expect(deleted!.data).toBeNull();
  });

  it('records a contact moved to another account on both accounts', async () => {
    const from = await createAccount(as(ws, 'manager'));
    const to = await createAccount(as(ws, 'manager'));
    const contact = (await as(ws, 'manager').post('/api/v1/contacts', { accountId: from.id, name: 'Mover' }))
      .body;
    await as(ws, 'manager').patch(`/api/v1/contacts/${contact.id}`, { accountId: to.id });
    const [moved] = await timeline(to.id);
    expect(moved).toMatchObject({
      type: 'contact.updated',
      entityId: contact.id,
      data: { changes: { accountId: [from.id, to.id] } },
    });
    const [left] = await timeline(from.id);
    expect(left).toMatchObject({
      type: 'contact.moved',
      entityId: contact.id,
      data: { changes: { accountId: [from.id, to.id] } },
    });
  });

  it('records contract.created, contract.updated with figure changes and contract.deleted', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const m = as(ws, 'manager');
    const contract = await m.post('/api/v1/contracts', {
      accountId: a.id,
      externalId: 'C-100',
      startDate: '2020-01-01',
      endDate: '2098-12-31',
      amount: 1200,
    });
    expect(contract.status).toBe(201);
    await m.patch(`/api/v1/contracts/${contract.body.id}`, { amount: 2400 });
    await as(ws, 'admin').patch(`/api/v1/contracts/${contract.body.id}`, { status: 'churned' });
    await m.delete(`/api/v1/contracts/${contract.body.id}`);

    const entries = await timeline(a.id, 'kind=system');
    expect(entries.map((e) => e.type)).toEqual([
      'contract.deleted',
      'contract.updated',
      'contract.updated',
      'contract.created',
      'account.created',
    ]);
    const [deleted, churned, repriced, created] = entries;
    expect(created).toMatchObject({
      title: 'Contract C-100 2020-01-01–2098-12-31 (CN¥1,200 annual) added',
      entityType: 'contract',
      entityId: contract.body.id,
      actorId: ws.users.manager.id,
    });
    expect(repriced!.data).toEqual({ changes: { amount: [1200, 2400], arr: [1200, 2400], mrr: [100, 200] } });
    expect(churned).toMatchObject({
      actorId: ws.users.admin.id,
      data: { changes: { status: ['active', 'churned'] } },
    });
    expect(deleted!.title).toBe('Contract C-100 2020-01-01–2098-12-31 (CN¥2,400 annual) removed');
  });

  it('removes an account’s timeline with the account', async () => {
    const a = await createAccount(as(ws, 'manager'));
    await as(ws, 'csm').post(`/api/v1/accounts/${a.id}/timeline`, { body: 'About to go' });
    expect((await as(ws, 'manager').delete(`/api/v1/accounts/${a.id}`)).status).toBe(204);
    const res = await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}/timeline`);
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('not_found');
  });
});

describe('notes, calls, meetings and emails', () => {
  it('lets a CSM who is not on the team add a note, titled by its first line', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const before = new Date().toISOString();
    const res = await as(ws, 'csm').post(`/api/v1/accounts/${a.id}/timeline`, {
      body: 'Kickoff went well\nThey want SSO by March.',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accountId: a.id,
      type: 'note',
      title: 'Kickoff went well',
      body: 'Kickoff went well\nThey want SSO by March.',
      actorId: ws.users.csm.id,
      entityType: null,
      entityId: null,
      data: null,
    });
    expect(res.body.occurredAt >= before).toBe(true);
    expect((await timeline(a.id))[0]).toEqual(res.body);
  });

  it('adds calls, meetings and emails with a title and a back-dated occurredAt normalised to UTC', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const m = as(ws, 'manager');
    const call = await m.post(`/api/v1/accounts/${a.id}/timeline`, {
      type: 'call',
      title: 'QBR prep call',
      body: 'Discussed usage.',
      occurredAt: '2024-03-01T10:00:00+08:00',
    });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({
      type: 'call',
      title: 'QBR prep call',
      occurredAt: '2024-03-01T02:00:00.000Z',
    });
    const meeting = await as(ws, 'admin').post(`/api/v1/accounts/${a.id}/timeline`, {
      type: 'meeting',
      body: 'Onsite',
      occurredAt: '2024-02-01T09:00:00Z',
    });
    expect(meeting.body).toMatchObject({ type: 'meeting', title: 'Onsite', actorId: ws.users.admin.id });
    const email = await m.post(`/api/v1/accounts/${a.id}/timeline`, { type: 'email', body: 'Sent the deck' });
    expect(email.body.type).toBe('email');

    expect(await types(a.id)).toEqual(['email', 'account.created', 'call', 'meeting']);
  });

  it('shortens a long first line to 80 characters for the title', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const line = 'x'.repeat(100);
    const res = await as(ws, 'csm').post(`/api/v1/accounts/${a.id}/timeline`, { body: `${line}\nmore` });
    expect(res.body.title).toBe(`${'x'.repeat(79)}…`);
    expect(res.body.title).toHaveLength(80);
  });

  it('rejects invalid notes naming the field', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'body'],
      [{ body: '   ' }, 'body'],
      [{ body: 'x'.repeat(20_001) }, 'body'],
      [{ type: 'sms', body: 'Hi' }, 'type'],
      [{ body: 'Hi', title: '' }, 'title'],
      [{ body: 'Hi', occurredAt: 'yesterday' }, 'occurredAt'],
      [{ body: 'Hi', occurredAt: '2024-03-01' }, 'occurredAt'],
    ];
    for (const [body, path] of cases) {
      const res = await as(ws, 'csm').post(`/api/v1/accounts/${a.id}/timeline`, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res)).toEqual([path]);
    }
    expect(await types(a.id)).toEqual(['account.created']);
  });

  it('refuses viewers (403), anonymous callers (401), other workspaces and unknown accounts (404)', async () => {
    const a = await createAccount(as(ws, 'manager'), { ownerId: ws.users.viewer.id });
    const viewer = await as(ws, 'viewer').post(`/api/v1/accounts/${a.id}/timeline`, { body: 'Hi' });
    expect(viewer.status).toBe(403);
    expect(errorCode(viewer)).toBe('forbidden');
    expect(viewer.body.error.message).toContain('notes:write');
    const none = await anon().post(`/api/v1/accounts/${a.id}/timeline`, { body: 'Hi' });
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('unauthenticated');
    const foreign = await as(other, 'admin').post(`/api/v1/accounts/${a.id}/timeline`, { body: 'Hi' });
    expect(foreign.status).toBe(404);
    expect(errorCode(foreign)).toBe('not_found');
    const unknown = await as(ws, 'admin').post('/api/v1/accounts/no-such-account/timeline', { body: 'Hi' });
    expect(unknown.status).toBe(404);
    expect(await types(a.id)).toEqual(['account.created']);
  });
});

describe('reading the timeline', () => {
  let a: { id: string };
  let all: Entry[];

  beforeAll(async () => {
    a = await createAccount(as(ws, 'manager'), {
      name: 'Busy',
      team: [{ userId: ws.users.csm.id, role: 'csm' }],
    });
    const csm = as(ws, 'csm');
    const m = as(ws, 'manager');
    await csm.post(`/api/v1/accounts/${a.id}/timeline`, { type: 'call', body: 'Call 1' });
    await m.patch(`/api/v1/accounts/${a.id}`, { region: 'North' });
    const contact = await csm.post('/api/v1/contacts', { accountId: a.id, name: 'Contact' });
    await csm.post(`/api/v1/accounts/${a.id}/timeline`, { type: 'meeting', body: 'Meeting 1' });
    await m.post('/api/v1/contracts', { accountId: a.id, startDate: '2020-01-01', amount: 10 });
    await csm.post(`/api/v1/accounts/${a.id}/timeline`, {
      type: 'email',
      body: 'Old email',
      occurredAt: '2019-05-05T05:05:05.000Z',
    });
    await csm.patch(`/api/v1/contacts/${contact.body.id}`, { title: 'VP' });
    await csm.post(`/api/v1/accounts/${a.id}/timeline`, { body: 'Note 1' });
    all = await timeline(a.id);
  });

  it('returns entries newest first, ordered by when they occurred', async () => {
    expect(all.map((e) => e.type)).toEqual([
      'note',
      'contact.updated',
      'contract.created',
      'meeting',
      'contact.created',
      'account.updated',
      'call',
      'account.created',
      'email',
    ]);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.occurredAt >= all[i]!.occurredAt).toBe(true);
  });

  it('walks every page with the cursor without duplicates or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResponse = await as(ws, 'viewer').get(
        `/api/v1/accounts/${a.id}/timeline?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((e: Entry) => e.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('filters to what people wrote with kind=people and to recorded changes with kind=system', async () => {
    expect(await types(a.id, 'kind=people')).toEqual(['note', 'meeting', 'call', 'email']);
    expect(await types(a.id, 'kind=system')).toEqual([
      'contact.updated',
      'contract.created',
      'contact.created',
      'account.updated',
      'account.created',
    ]);
  });

  it('filters by one or more types, alone or with kind', async () => {
    expect(await types(a.id, 'type=call')).toEqual(['call']);
    expect(await types(a.id, 'type=contact.created,contract.created')).toEqual([
      'contract.created',
      'contact.created',
    ]);
    expect(await types(a.id, 'type=call,account.updated&kind=people')).toEqual(['call']);
    expect(await types(a.id, 'type=nothing.like.this')).toEqual([]);
  });

  it('pages a filtered timeline with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResponse = await as(ws, 'csm').get(
        `/api/v1/accounts/${a.id}/timeline?kind=people&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.items.map((e: Entry) => e.type));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['note', 'meeting', 'call', 'email']);
  });

  it('shows only the account’s own entries', async () => {
    const b = await createAccount(as(ws, 'manager'));
    await as(ws, 'csm').post(`/api/v1/accounts/${b.id}/timeline`, { body: 'Other account' });
    expect(all.every((e) => e.accountId === a.id)).toBe(true);
    expect((await timeline(a.id)).map((e) => e.id)).toEqual(all.map((e) => e.id));
  });

  it('rejects invalid queries naming the parameter', async () => {
    for (const [query, path] of [
      ['kind=robots', 'kind'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['cursor=abc', 'cursor'],
    ] as const) {
      const res = await as(ws, 'viewer').get(`/api/v1/accounts/${a.id}/timeline?${query}`);
      expect(res.status, query).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res)).toEqual([path]);
    }
  });

  it('answers 401 without credentials and 404 to another workspace or for an unknown account', async () => {
    const none = await anon().get(`/api/v1/accounts/${a.id}/timeline`);
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('unauthenticated');
    const foreign = await as(other, 'admin').get(`/api/v1/accounts/${a.id}/timeline`);
    expect(foreign.status).toBe(404);
    expect(errorCode(foreign)).toBe('not_found');
    expect((await as(ws, 'viewer').get('/api/v1/accounts/no-such-account/timeline')).status).toBe(404);
  });
});
