import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Actor, Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { writeAuthEvent } from './audit.ts';
import { clearLoginFailures, countLoginAttempt, pruneLoginThrottle } from './login-limiter.ts';
import { SCOPES, type Scope } from './permissions.ts';
import { DUMMY_PASSWORD_HASH, sha256, verifyPassword } from './secrets.ts';
import { type User, userRowToUser } from './users.ts';

export const Login = z.object({
  email: z.email().transform((e) => e.toLowerCase()),
  password: z.string().min(1).max(200),
});
export type Login = z.infer<typeof Login>;

// Login attempts are kept this long as a record of who tried; the limiter itself is login-limiter.ts.
export const LOGIN_WINDOW_MS = 15 * 60_000;

export type Authenticated = {
  user: User;
  workspaceId: string;
  actor: Actor;
};

export type LoginResult = { user: User; csrfToken: string; cookie: string; expiresAt: string };

/** Where a sign-in or sign-out came from, for the audit log. */
export type RequestMeta = { ip: string; requestId?: string; clientRequestId?: string };

export async function login(deps: Deps, input: Login, meta: RequestMeta): Promise<LoginResult> {
  const { ip } = meta;
  const { db } = deps;
  const now = deps.now();
  // Counted before the password is checked: the count, not the check, is what parallel requests race.
  await countLoginAttempt(deps, input.email, ip);

  const row = await db.selectFrom('users').selectAll().where('email', '=', input.email).executeTakeFirst();
  const ok = await verifyPassword(input.password, row?.password_hash ?? DUMMY_PASSWORD_HASH);
  const succeeded = ok && row !== undefined && row.active === 1;
  await db
    .insertInto('login_attempts')
    .values({
      id: newId(),
      email: input.email,
      ip,
      succeeded: succeeded ? 1 : 0,
      created_at: now.toISOString(),
    })
    .execute();
  const audit = { requestId: meta.requestId, clientRequestId: meta.clientRequestId, at: now.toISOString() };
  if (!succeeded || !row) {
    if (row)
      await writeAuthEvent(deps, {
        ...audit,
        workspaceId: row.workspace_id,
        actorId: null,
        action: 'auth.login_failed',
        userId: row.id,
        after: { email: input.email, ip, reason: ok ? 'inactive' : 'wrong_password' },
      });
    throw new AppError('unauthenticated', msg('error.loginFailed'));
  }
  await writeAuthEvent(deps, {
    ...audit,
    workspaceId: row.workspace_id,
    actorId: row.id,
    action: 'auth.login',
    userId: row.id,
    after: { ip },
  });
  await clearLoginFailures(deps, input.email, ip);

  const cookie = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + deps.config.sessionTtlHours * 3_600_000).toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: sha256(cookie),
        workspace_id: row.workspace_id,
        user_id: row.id,
        csrf_token: csrfToken,
        expires_at: expiresAt,
        created_at: now.toISOString(),
      })
      .execute();
    await trx
      .updateTable('users')
      .set({ last_login_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
  });
  return { user: userRowToUser({ ...row, last_login_at: now.toISOString() }), csrfToken, cookie, expiresAt };
}

export async function logout(deps: Deps, cookie: string, meta: RequestMeta): Promise<void> {
  const ended = await deps.db
    .deleteFrom('sessions')
    .where('id', '=', sha256(cookie))
    .returning(['workspace_id', 'user_id'])
    .executeTakeFirst();
  if (!ended) return;
  await writeAuthEvent(deps, {
    workspaceId: ended.workspace_id,
    actorId: ended.user_id,
    action: 'auth.logout',
    userId: ended.user_id,
    after: { ip: meta.ip },
    requestId: meta.requestId,
    clientRequestId: meta.clientRequestId,
    at: deps.now().toISOString(),
  });
}

export type SessionAuth = Authenticated & { csrfToken: string };

/** Resolves a session cookie; expired sessions are deleted and count as none. */
export async function authenticateSession(deps: Deps, cookie: string): Promise<SessionAuth | undefined> {
  const id = sha256(cookie);
  const row = await deps.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.expires_at <= deps.now().toISOString() || row.active !== 1) {
    await deps.db.deleteFrom('sessions').where('id', '=', id).execute();
    return undefined;
  }
  return {
    user: userRowToUser(row),
    workspaceId: row.workspace_id,
    csrfToken: row.csrf_token,
    actor: { kind: 'user', userId: row.id, role: row.role, via: 'session', scopes: SCOPES, sessionId: id },
  };
}

/** Resolves `Authorization: Bearer <token>`; revoked, expired or deactivated tokens count as none. */
export async function authenticateToken(deps: Deps, token: string): Promise<Authenticated | undefined> {
  const row = await deps.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.scopes',
      'api_tokens.revoked_at',
      'api_tokens.expires_at',
      'api_tokens.last_used_at as token_last_used_at',
    ])
    .where('api_tokens.token_hash', '=', sha256(token))
    .executeTakeFirst();
  const now = deps.now().toISOString();
  if (!row || row.revoked_at !== null || row.active !== 1) return undefined;
  if (row.expires_at !== null && row.expires_at <= now) return undefined;
  // last_used_at is advisory; write it at most once a minute per token so reads stay read-only.
  // Decided here, not in the UPDATE's WHERE: on SQLite even an UPDATE that matches nothing waits
  // for the write lock, which an import's batch may hold for a while.
  const stale = new Date(deps.now().getTime() - 60_000).toISOString();
  if (row.token_last_used_at === null || row.token_last_used_at < stale) {
    await deps.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('id', '=', row.token_id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
      .execute();
  }
  return {
    user: userRowToUser(row),
    workspaceId: row.workspace_id,
    actor: {
      kind: 'user',
      userId: row.id,
      role: row.role,
      via: 'token',
      tokenId: row.token_id,
      scopes: JSON.parse(row.scopes) as Scope[],
    },
  };
}

/** Hourly job: expired sessions, old login attempts and idle limiter counters. */
export async function pruneAuth(
  deps: Deps,
): Promise<{ sessions: number; loginAttempts: number; loginThrottle: number }> {
  const now = deps.now();
  const sessions = await deps.db
    .deleteFrom('sessions')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  const attempts = await deps.db
    .deleteFrom('login_attempts')
    .where('created_at', '<', new Date(now.getTime() - LOGIN_WINDOW_MS).toISOString())
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    loginAttempts: Number(attempts.numDeletedRows),
    loginThrottle: await pruneLoginThrottle(deps),
  };
}
