import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, createUser, PERMISSION_TABLE, sharedPassword } from '../../src/modules/auth/index.ts';
import { createApp } from '../../src/server/app.ts';
import {
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

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Auth A');
  other = await createTestWorkspace(t.deps, 'Auth B');
});
afterAll(async () => t?.close());

async function login(email: string, password: string) {
  const res = await t.app.request('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  return { res, body: (await res.json()) as any, cookie: cookie.split(';')[0]!, raw: cookie };
}

describe('sessions', () => {
  it('signs in with email and password, sets an HttpOnly SameSite cookie and returns a CSRF token', async () => {
    const { res, body, raw } = await login(ws.users.csm.email, ws.users.csm.password);
    expect(res.status).toBe(200);
    expect(body.user.email).toBe(ws.users.csm.email);
    expect(body.user.role).toBe('csm');
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);
    expect(raw).toMatch(/steward_session=/);
    expect(raw).toMatch(/HttpOnly/i);
    expect(raw).toMatch(/SameSite=Lax/i);
    expect(body.user).not.toHaveProperty('passwordHash');
  });

  it('signs in users made with one shared password hash (the demo staff), each with that password only', async () => {
    const shared = await sharedPassword();
    const made = [];
    for (const n of [1, 2]) {
      made.push(
        await createUser({
          ctx: ws.ctx,
          shared,
          input: {
            email: `shared${n}@auth.test`,
            name: `Shared ${n}`,
            role: 'csm',
            locale: 'en',
            password: shared.password,
          },
        }),
      );
    }
    // A password other than the shared one is hashed for itself, not given the shared hash.
    await createUser({
      ctx: ws.ctx,
      shared,
      input: { email: 'own@auth.test', name: 'Own', role: 'csm', locale: 'en', password: 'own-password-123' },
    });
    for (const u of made) expect((await login(u.email, shared.password)).res.status).toBe(200);
    expect((await login('own@auth.test', 'own-password-123')).res.status).toBe(200);
    expect((await login('own@auth.test', shared.password)).res.status).toBe(401);
  });

  it('rejects a wrong password with 401 in the error shape', async () => {
    const { res, body } = await login(ws.users.csm.email, 'wrong-password');
    expect(res.status).toBe(401);
    expect(body.error.code).toBe('unauthenticated');
    expect(body.error.requestId).toBeTruthy();
  });

  it('rejects a malformed login body naming the field', async () => {
    const res = await client(t.app, null).post('/api/v1/auth/login', {
      email: 'not-an-email',
      password: 'x',
    });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(res.body.error.details.issues[0].path).toBe('email');
  });

  it('reads with the cookie, and requires the CSRF header for cookie-authenticated writes', async () => {
    const { body, cookie } = await login(ws.users.manager.email, ws.users.manager.password);
    const me = await client(t.app, null, { cookie }).get('/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(ws.users.manager.id);
    expect(me.body.csrfToken).toBe(body.csrfToken);

    const without = await client(t.app, null, { cookie }).post('/api/v1/accounts', {
      externalId: 'csrf-1',
      name: 'X',
    });
    expect(without.status).toBe(403);
    expect(errorCode(without)).toBe('csrf_failed');

    const wrong = await client(t.app, null, { cookie, 'x-csrf-token': 'nope' }).post('/api/v1/accounts', {
      externalId: 'csrf-1',
      name: 'X',
    });
    expect(wrong.status).toBe(403);

    const ok = await client(t.app, null, { cookie, 'x-csrf-token': body.csrfToken }).post(
      '/api/v1/accounts',
      {
        externalId: 'csrf-1',
        name: 'X',
      },
    );
    expect(ok.status).toBe(201);
  });

  it('logs out: the cookie no longer authenticates', async () => {
    const { cookie } = await login(ws.users.viewer.email, ws.users.viewer.password);
    const out = await t.app.request('/api/v1/auth/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    const me = await client(t.app, null, { cookie }).get('/api/v1/auth/me');
    expect(me.status).toBe(401);
  });

  it('expires sessions after the configured lifetime', async () => {
    const { cookie } = await login(ws.users.viewer.email, ws.users.viewer.password);
    const later = {
      ...t.deps,
      now: () => new Date(Date.now() + (t.deps.config.sessionTtlHours + 1) * 3_600_000),
    };
    const res = await createApp(later).request('/api/v1/auth/me', {
      headers: { cookie, 'accept-language': 'en' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.message).toMatch(/expired/);
  });

  it('after five failures for an email, delays further tries with a growing Retry-After', async () => {
    // A clock the test moves, so the delays are exact whatever the machine's speed.
    let clock = new Date();
    const app = createApp({ ...t.deps, now: () => clock });
    const email = other.users.viewer.email;
    const tryLogin = async (password: string) => {
      const res = await app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: (await res.json()) as any,
      };
    };
    for (let i = 0; i < 5; i++) expect((await tryLogin(`bad-${i}`)).status).toBe(401);
    const blocked = await tryLogin(other.users.viewer.password);
    expect(blocked).toMatchObject({ status: 429, retryAfter: '1' });
    expect(blocked.body.error.code).toBe('rate_limited');
    for (const wait of [1, 2, 4, 8]) {
      clock = new Date(clock.getTime() + wait * 1000);
      expect((await tryLogin('still-wrong')).status).toBe(401);
      expect((await tryLogin('still-wrong')).retryAfter).toBe(String(wait * 2));
    }
    // Once the delay has passed, the right password signs in and clears the counter.
    clock = new Date(clock.getTime() + 16_000);
    expect((await tryLogin(other.users.viewer.password)).status).toBe(200);
    expect((await tryLogin('wrong-again')).status).toBe(401);
  });

  it('answers 401 without credentials and with an unknown token', async () => {
    const anon = await client(t.app, null).get('/api/v1/accounts');
    expect(anon.status).toBe(401);
    expect(errorCode(anon)).toBe('unauthenticated');
    const bogus = await client(t.app, 'stw_bogus').get('/api/v1/accounts');
    expect(bogus.status).toBe(401);
  });
});

describe('API tokens', () => {
  it('are created by admins, shown once, stored hashed, and act with their scope', async () => {
    const admin = client(t.app, ws.users.admin.token);
    const created = await admin.post('/api/v1/tokens', { name: 'reporting script', scopes: ['read'] });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^stw_/);
    const stored = await t.deps.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(created.body.token);

    const listed = await admin.get('/api/v1/tokens');
    expect(listed.body.items.find((i: any) => i.id === created.body.id)).not.toHaveProperty('token');

    const reader = client(t.app, created.body.token);
    expect((await reader.get('/api/v1/accounts')).status).toBe(200);
    const write = await reader.post('/api/v1/accounts', { externalId: 'ro-1', name: 'Read only' });
    expect(write.status).toBe(403);
    expect(write.body.error.message).toMatch(/read scope/);

    const revoked = await admin.delete(`/api/v1/tokens/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toBeTruthy();
    expect((await reader.get('/api/v1/accounts')).status).toBe(401);
  });

  it('cannot be managed by managers (403) nor revoked across workspaces (404)', async () => {
    expect((await client(t.app, ws.users.manager.token).post('/api/v1/tokens', { name: 'x' })).status).toBe(
      403,
    );
    expect((await client(t.app, ws.users.manager.token).get('/api/v1/tokens')).status).toBe(403);
    const mine = await client(t.app, ws.users.admin.token).post('/api/v1/tokens', { name: 'mine' });
    const theirs = await client(t.app, other.users.admin.token).delete(`/api/v1/tokens/${mine.body.id}`);
    expect(theirs.status).toBe(404);
    expect((await client(t.app, ws.users.admin.token).post('/api/v1/tokens', { name: '' })).status).toBe(400);
  });
});

describe('write keys', () => {
  it('are created once, listed without the secret, revoked, and resolve to their workspace', async () => {
    const admin = client(t.app, ws.users.admin.token);
    const created = await admin.post('/api/v1/write-keys', { name: 'web app' });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^wk_/);
    const { findWorkspaceByWriteKey } = await import('../../src/modules/auth/index.ts');
    expect(await findWorkspaceByWriteKey(t.deps, created.body.key)).toBe(ws.workspace.id);
    const list = await admin.get('/api/v1/write-keys');
    expect(list.body.items.map((k: any) => k.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(
      (await client(t.app, other.users.admin.token).delete(`/api/v1/write-keys/${created.body.id}`)).status,
    ).toBe(404);
    expect((await client(t.app, ws.users.csm.token).post('/api/v1/write-keys', { name: 'x' })).status).toBe(
      403,
    );
    expect((await admin.post('/api/v1/write-keys', {})).status).toBe(400);
    expect((await admin.delete(`/api/v1/write-keys/${created.body.id}`)).status).toBe(200);
    expect(await findWorkspaceByWriteKey(t.deps, created.body.key)).toBeUndefined();
  });
});

describe('users', () => {
  it('admins create users; duplicates conflict; others are refused', async () => {
    const admin = client(t.app, ws.users.admin.token);
    const email = `new.${Date.now()}@test.steward.dev`;
    const created = await admin.post('/api/v1/users', {
      email,
      name: 'New CSM',
      role: 'csm',
      password: 'long-enough',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, role: 'csm', active: true, locale: 'zh-CN' });
    expect(
      (await admin.post('/api/v1/users', { email, name: 'Again', role: 'csm', password: 'long-enough' }))
        .status,
    ).toBe(409);
    const bad = await admin.post('/api/v1/users', {
      email: 'bad@example.com',
      name: 'Bad',
      role: 'boss',
      password: 'long-enough',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('role');
    expect(
      (
        await client(t.app, ws.users.manager.token).post('/api/v1/users', {
          email: 'a@b.cd',
          name: 'A',
          role: 'csm',
          password: 'long-enough',
        })
      ).status,
    ).toBe(403);
    expect((await client(t.app, null).get('/api/v1/users')).status).toBe(401);
  });

  it('lists and reads only the own workspace', async () => {
    const list = await client(t.app, ws.users.viewer.token).get('/api/v1/users?role=csm');
    expect(list.status).toBe(200);
    expect(list.body.items.every((u: any) => u.role === 'csm')).toBe(true);
    expect(list.body.items.map((u: any) => u.id)).not.toContain(other.users.csm.id);
    expect(
      (await client(t.app, ws.users.viewer.token).get(`/api/v1/users/${other.users.csm.id}`)).status,
    ).toBe(404);
    expect(
      (
        await client(t.app, other.users.admin.token).patch(`/api/v1/users/${ws.users.csm.id}`, {
          name: 'Hijack',
        })
      ).status,
    ).toBe(404);
  });

  it('deactivating a user ends their sessions and tokens; the last admin cannot be demoted', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Deactivate');
    const admin = client(t.app, fresh.users.admin.token);
    const { cookie } = await login(fresh.users.csm.email, fresh.users.csm.password);
    const off = await admin.patch(`/api/v1/users/${fresh.users.csm.id}`, { active: false });
    expect(off.status).toBe(200);
    expect((await client(t.app, null, { cookie }).get('/api/v1/auth/me')).status).toBe(401);
    expect((await client(t.app, fresh.users.csm.token).get('/api/v1/accounts')).status).toBe(401);
    const demote = await admin.patch(`/api/v1/users/${fresh.users.admin.id}`, { role: 'manager' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/at least one active admin/);
  });

  it('lets any user change their own language, even a viewer', async () => {
    const res = await client(t.app, ws.users.viewer.token).patch('/api/v1/auth/me', { locale: 'zh-CN' });
    expect(res.status).toBe(200);
    expect(res.body.locale).toBe('zh-CN');
    expect(
      (await client(t.app, ws.users.viewer.token).patch('/api/v1/auth/me', { locale: 'fr' })).status,
    ).toBe(400);
  });
});

describe('GET /auth/me permissions', () => {
  it("returns the caller's row of the permission table, so the web app copies none of it", async () => {
    for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) {
      const res = await client(t.app, ws.users[role].token).get('/api/v1/auth/me');
      expect(res.status).toBe(200);
      expect(res.body.permissions).toEqual(PERMISSION_TABLE[role]);
    }
    const csm = (await client(t.app, ws.users.csm.token).get('/api/v1/auth/me')).body.permissions;
    expect(csm['accounts:update']).toBe('team');
    expect(csm['settings:write']).toBe('none');
  });

  it('grants a read-only token nothing but read, whatever its role', async () => {
    const { token } = await createToken({
      ctx: ws.ctx,
      input: { name: 'read only', scopes: ['read'], userId: ws.users.admin.id },
    });
    const res = await client(t.app, token).get('/api/v1/auth/me');
    expect(res.status).toBe(200);
    expect(res.body.permissions.read).toBe('all');
    expect(res.body.permissions['settings:write']).toBe('none');
    expect(Object.entries(res.body.permissions).filter(([, g]) => g !== 'none')).toEqual([['read', 'all']]);
  });
});

describe('audit log', () => {
  it('records who changed what with before and after; managers read it, CSMs cannot', async () => {
    const admin = client(t.app, ws.users.admin.token);
    const created = await admin.post('/api/v1/accounts', {
      externalId: `aud-${Date.now()}`,
      name: 'Audited',
    });
    await admin.patch(`/api/v1/accounts/${created.body.id}`, { name: 'Audited Ltd' });
    const log = await client(t.app, ws.users.manager.token).get(
      `/api/v1/audit-log?entityId=${created.body.id}`,
    );
    expect(log.status).toBe(200);
    const [update, create] = log.body.items;
    expect(create.action).toBe('account.created');
    expect(update.action).toBe('account.updated');
    expect(update.actorId).toBe(ws.users.admin.id);
    expect(update.actorType).toBe('token');
    expect(update.before.name).toBe('Audited');
    expect(update.after.name).toBe('Audited Ltd');
    expect((await client(t.app, ws.users.csm.token).get('/api/v1/audit-log')).status).toBe(403);
    const foreign = await client(t.app, other.users.admin.token).get(
      `/api/v1/audit-log?entityId=${created.body.id}`,
    );
    expect(foreign.body.items).toEqual([]);
  });
});

describe('login limiter', () => {
  let proxied: TestApp;
  let pws: TestWorkspace;
  beforeAll(async () => {
    proxied = await createTestApp({ STEWARD_TRUST_PROXY: '1' });
    pws = await createTestWorkspace(proxied.deps, 'Auth limiter');
  });
  afterAll(async () => proxied?.close());

  function attempt(email: string, password: string, ip: string) {
    return proxied.app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.9, ${ip}` },
      body: JSON.stringify({ email, password }),
    });
  }

  it('lets at most five of 100 parallel wrong passwords for one email reach the password check', async () => {
    // A stopped clock, so a slow machine cannot let the 1 s delay pass in the middle of the burst.
    const stopped = new Date();
    const app = createApp({ ...proxied.deps, now: () => stopped });
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        app.request('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7' },
          body: JSON.stringify({ email: pws.users.csm.email, password: `wrong-${i}` }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    // The fifth failure blocks the key for 2^0 s: every refused attempt is told to wait that long.
    const waits = new Set(responses.filter((r) => r.status === 429).map((r) => r.headers.get('retry-after')));
    expect([...waits]).toEqual(['1']);
  });

  it('does not lock other users behind the same address out', async () => {
    const ip = '198.51.100.8';
    for (let i = 0; i < 30; i++)
      expect((await attempt(`nobody-${i}@example.com`, 'wrong-password', ip)).status).toBe(401);
    expect((await attempt(pws.users.manager.email, pws.users.manager.password, ip)).status).toBe(200);
  });

  it('takes the client address from X-Forwarded-For only when the proxy is trusted', async () => {
    // Untrusted (the default app): every attempt counts against the socket address, so a forged
    // header does not give an attacker fresh counters.
    const email = ws.users.admin.email;
    for (let i = 0; i < 5; i++) {
      const res = await t.app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `192.0.2.${i}` },
        body: JSON.stringify({ email, password: `bad-${i}` }),
      });
      expect(res.status).toBe(401);
    }
    const sixth = await t.app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.99' },
      body: JSON.stringify({ email, password: ws.users.admin.password }),
    });
    expect(sixth.status).toBe(429);
  });

  it('resets the email counter on a successful sign-in', async () => {
    const { email, password } = pws.users.viewer;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++)
        expect((await attempt(email, 'wrong-password', '198.51.100.9')).status).toBe(401);
      expect((await attempt(email, password, '198.51.100.9')).status).toBe(200);
    }
  });
});

describe('password changes and policy', () => {
  it('needs the current password to change your own: 400 when missing, 403 when wrong', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Password change');
    const me = client(t.app, fresh.users.csm.token);
    const missing = await me.patch('/api/v1/auth/me', { password: 'a-new-long-secret' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.issues[0].path).toBe('currentPassword');
    const wrong = await me.patch('/api/v1/auth/me', {
      password: 'a-new-long-secret',
      currentPassword: 'not-my-password',
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.details.issues[0].path).toBe('currentPassword');
    expect((await login(fresh.users.csm.email, 'a-new-long-secret')).res.status).toBe(401);
    const ok = await me.patch('/api/v1/auth/me', {
      password: 'a-new-long-secret',
      currentPassword: fresh.users.csm.password,
    });
    expect(ok.status).toBe(200);
    expect((await login(fresh.users.csm.email, 'a-new-long-secret')).res.status).toBe(200);
  });

  it('throttles guesses of the current password like sign-ins', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Password guess');
    const stopped = new Date();
    const me = client(createApp({ ...t.deps, now: () => stopped }), fresh.users.viewer.token);
    for (let i = 0; i < 5; i++) {
      const res = await me.patch('/api/v1/auth/me', {
        password: 'a-new-long-secret',
        currentPassword: `guess-${i}`,
      });
      expect(res.status).toBe(403);
    }
    const sixth = await me.patch('/api/v1/auth/me', {
      password: 'a-new-long-secret',
      currentPassword: fresh.users.viewer.password,
    });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).toBe('1');
  });

  it('refuses weak passwords on change, creation and reset, naming the field and the rule', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Password policy');
    const me = client(t.app, fresh.users.viewer.token);
    const cases: Array<[string, RegExp]> = [
      ['password', /at least 10/],
      ['aaaaaaaa', /at least 10/],
      ['12345678', /at least 10/],
      ['password1234', /too common/],
      ['aaaaaaaaaaaa', /repeated/],
      ['1234567890', /sequence/],
      [fresh.users.viewer.email, /email/],
    ];
    for (const [password, rule] of cases) {
      const res = await me.patch('/api/v1/auth/me', {
        password,
        currentPassword: fresh.users.viewer.password,
      });
      expect(res.status, password).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.issues[0].path).toBe('password');
      expect(res.body.error.details.issues[0].message).toMatch(rule);
    }
    const admin = client(t.app, fresh.users.admin.token);
    const created = await admin.post('/api/v1/users', {
      email: 'weak.person@test.steward.dev',
      name: 'Weak',
      role: 'viewer',
      password: 'weak.person',
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details.issues[0]).toEqual({
      path: 'password',
      message: 'must not be your email address or its name part',
    });
    const reset = await admin.patch(`/api/v1/users/${fresh.users.csm.id}`, { password: 'qwertyuiop' });
    expect(reset.status).toBe(400);
    expect(reset.body.error.details.issues[0].path).toBe('password');
  });
});

describe('revocation on password change, reset and deactivation', () => {
  it('an admin reset ends every session and revokes every token of the user', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Revoke reset');
    const { cookie } = await login(fresh.users.csm.email, fresh.users.csm.password);
    const reset = await client(t.app, fresh.users.admin.token).patch(`/api/v1/users/${fresh.users.csm.id}`, {
      password: 'reset-by-the-admin',
    });
    expect(reset.status).toBe(200);
    expect((await client(t.app, null, { cookie }).get('/api/v1/auth/me')).status).toBe(401);
    expect((await client(t.app, fresh.users.csm.token).get('/api/v1/accounts')).status).toBe(401);
    const tokens = (await client(t.app, fresh.users.admin.token).get('/api/v1/tokens')).body.items as Array<{
      userId: string;
      revokedAt: string | null;
    }>;
    const csmTokens = tokens.filter((tk) => tk.userId === fresh.users.csm.id);
    expect(csmTokens.length).toBeGreaterThan(0);
    expect(csmTokens.every((tk) => tk.revokedAt !== null)).toBe(true);
    // The admin's own token is untouched.
    expect((await client(t.app, fresh.users.admin.token).get('/api/v1/accounts')).status).toBe(200);
  });

  it('changing your own password keeps the session you changed it from, ends the others, revokes tokens', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Revoke change');
    const { email, password, token } = fresh.users.manager;
    const here = await login(email, password);
    const elsewhere = await login(email, password);
    const res = await client(t.app, null, { cookie: here.cookie, 'x-csrf-token': here.body.csrfToken }).patch(
      '/api/v1/auth/me',
      { password: 'my-brand-new-secret', currentPassword: password },
    );
    expect(res.status).toBe(200);
    expect((await client(t.app, null, { cookie: here.cookie }).get('/api/v1/auth/me')).status).toBe(200);
    expect((await client(t.app, null, { cookie: elsewhere.cookie }).get('/api/v1/auth/me')).status).toBe(401);
    expect((await client(t.app, token).get('/api/v1/accounts')).status).toBe(401);
  });

  it('a deactivated user’s sessions and tokens stay dead after reactivation', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Revoke deactivate');
    const admin = client(t.app, fresh.users.admin.token);
    const { cookie } = await login(fresh.users.viewer.email, fresh.users.viewer.password);
    expect((await admin.patch(`/api/v1/users/${fresh.users.viewer.id}`, { active: false })).status).toBe(200);
    expect((await admin.patch(`/api/v1/users/${fresh.users.viewer.id}`, { active: true })).status).toBe(200);
    expect((await client(t.app, fresh.users.viewer.token).get('/api/v1/accounts')).status).toBe(401);
    expect((await client(t.app, null, { cookie }).get('/api/v1/auth/me')).status).toBe(401);
    // Signing in again works: only the old credentials are gone.
    expect((await login(fresh.users.viewer.email, fresh.users.viewer.password)).res.status).toBe(200);
  });
});

describe('sign-in audit', () => {
  it('records sign-in, failure and sign-out with the address and the server’s request id, the client’s beside it', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Auth audit');
    const { email, password, id } = fresh.users.csm;
    const post = (path: string, body: unknown, extra: Record<string, string> = {}) =>
      t.app.request(`/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'client-chosen-id', ...extra },
        body: JSON.stringify(body),
      });
    const failed = await post('/auth/login', { email, password: 'not-the-password' });
    expect(failed.status).toBe(401);
    const ok = await post('/auth/login', { email, password });
    expect(ok.status).toBe(200);
    const serverId = ok.headers.get('x-request-id');
    expect(serverId).not.toBe('client-chosen-id');
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await post('/auth/logout', {}, { cookie })).status).toBe(204);

    const log = await client(t.app, fresh.users.admin.token).get(`/api/v1/audit-log?entityId=${id}`);
    const byAction = Object.fromEntries(
      (log.body.items as Array<{ action: string }>).map((e) => [e.action, e]),
    ) as Record<string, any>;
    expect(byAction['auth.login_failed']).toMatchObject({
      actorType: 'anonymous',
      actorId: null,
      after: { email, ip: 'unknown', reason: 'wrong_password' },
      clientRequestId: 'client-chosen-id',
    });
    expect(byAction['auth.login']).toMatchObject({
      actorType: 'session',
      actorId: id,
      requestId: serverId,
      clientRequestId: 'client-chosen-id',
    });
    expect(byAction['auth.logout']).toMatchObject({ actorId: id, after: { ip: 'unknown' } });
    expect(byAction['auth.login_failed'].requestId).not.toBe('client-chosen-id');
  });
});
