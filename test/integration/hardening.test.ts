// Issue 15, item 5 (the rest): token creation limited like sign-in, recompute and rule runs audited
// with the token, write keys not renaming existing accounts unless allowed, no cross-workspace
// email disclosure. On both engines (STEWARD_TEST_DATABASE_URL for PostgreSQL).
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
let a: TestWorkspace;
let b: TestWorkspace;
let adminA: Client;
let adminB: Client;
const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  t = await createTestApp();
  a = await createTestWorkspace(t.deps, 'Hardening A');
  b = await createTestWorkspace(t.deps, 'Hardening B');
  adminA = client(t.app, a.users.admin.token);
  adminB = client(t.app, b.users.admin.token);
});
afterAll(async () => t?.close());

describe('API token creation', () => {
  it('lets 10 through at once and answers the rest 429 with Retry-After, counted before anything is written', async () => {
    const responses = await Promise.all(
      Array.from({ length: 16 }, (_, i) => adminB.post(api('/tokens'), { name: `burst ${i}` })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
    const refused = responses.find((r) => r.status === 429)!;
    expect(errorCode(refused)).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const listed = (await adminB.get(api('/tokens'))).body.items.filter((x: { name: string }) =>
      x.name.startsWith('burst'),
    );
    expect(listed).toHaveLength(10);
    // Another admin's counter is their own.
    expect((await adminA.post(api('/tokens'), { name: 'unaffected' })).status).toBe(201);
  });
});

describe('recompute and rule runs in the audit log', () => {
  it('names the user and the API token that ran them', async () => {
    const tokens = (await adminA.get(api('/tokens'))).body.items as { id: string; name: string }[];
    const tokenId = tokens.find((x) => x.name === 'admin token')!.id;
    expect((await adminA.post(api('/recompute'), {})).status).toBe(200);
    expect((await adminA.post(api('/rules/run'), {})).status).toBe(200);
    const log = (await adminA.get(api('/audit-log?entityType=workspace'))).body.items as {
      action: string;
      actorId: string;
      actorType: string;
      tokenId: string | null;
    }[];
    for (const action of ['recompute.run', 'rules.run']) {
      expect(log.find((e) => e.action === action)).toMatchObject({
        actorId: a.users.admin.id,
        actorType: 'token',
        tokenId,
      });
    }
  });
});

describe('write keys and account names', () => {
  const group = (key: string, name: string) =>
    t.app.request('/v1/group', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId: 'u-1', groupId: 'hard-acme', traits: { name, industry: 'Software' } }),
    });

  it('keeps an existing account’s name by default, applies other traits, and renames once allowed', async () => {
    const key = (await adminA.post(api('/write-keys'), { name: 'hardening' })).body.key as string;
    const created = await adminA.post(api('/accounts'), { externalId: 'hard-acme', name: 'Acme (CRM)' });
    expect(created.status).toBe(201);
    expect((await group(key, '=HYPERLINK("http://evil")')).status).toBe(200);
    const kept = (await adminA.get(api(`/accounts/${created.body.id}`))).body;
    expect(kept).toMatchObject({ name: 'Acme (CRM)', industry: 'Software' });
    expect((await adminA.get(api('/ingest/settings'))).body.writeKeyRenames).toBe(false);

    const allowed = await adminA.patch(api('/ingest/settings'), { writeKeyRenames: true });
    expect(allowed.status).toBe(200);
    expect((await group(key, 'Acme Corporation')).status).toBe(200);
    expect((await adminA.get(api(`/accounts/${created.body.id}`))).body.name).toBe('Acme Corporation');
  });

  it('names a new account from the group call either way', async () => {
    await adminA.patch(api('/ingest/settings'), { writeKeyRenames: false });
    const key = (await adminA.post(api('/write-keys'), { name: 'hardening 2' })).body.key as string;
    const res = await t.app.request('/v1/group', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      },
      body: JSON.stringify({ userId: 'u-2', groupId: 'hard-new', traits: { name: 'Brand New Ltd' } }),
    });
    expect(res.status).toBe(200);
    expect((await adminA.get(api('/accounts/by-external-id/hard-new'))).body.name).toBe('Brand New Ltd');
  });
});

describe('creating a user with an email that is taken', () => {
  it('gives the same neutral 409 whether the email is used here or in another workspace', async () => {
    const body = (email: string) => ({
      email,
      name: 'Dup',
      role: 'viewer',
      password: 'a-long-unusual-passphrase',
    });
    const elsewhere = await adminB.post(api('/users'), body(a.users.csm.email));
    const here = await adminB.post(api('/users'), body(b.users.csm.email));
    for (const res of [elsewhere, here]) {
      expect(res.status).toBe(409);
      expect(errorCode(res)).toBe('conflict');
      expect(res.body.error.message).toBe('This email cannot be used for a new user here');
      expect(res.body.error.details).toEqual({ issues: [{ path: 'email', message: 'unavailable' }] });
    }
    // Nothing about the other workspace's user changed.
    expect((await adminA.get(api(`/users/${a.users.csm.id}`))).body).toMatchObject({
      active: true,
      role: 'csm',
    });
  });
});
