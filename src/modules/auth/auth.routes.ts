import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../../context.ts';
import { SESSION_COOKIE } from '../../server/auth-middleware.ts';
import {
  type AppEnv,
  CONFLICT,
  clientIp,
  createRouter,
  ERRORS,
  IdParam,
  json,
  jsonBody,
  listOf,
  NO_CONTENT,
} from '../../server/env.ts';
import { AuditQuery, auditFacets, listAudit } from './audit.ts';
import { can } from './authorize.ts';
import {
  ApiToken,
  CreateToken,
  CreateWriteKey,
  createToken,
  createWriteKey,
  listTokens,
  listWriteKeys,
  revokeToken,
  revokeWriteKey,
  WriteKey,
} from './keys.ts';
import { GRANTS, type Grant as GrantValue, PERMISSIONS, type Permission } from './permissions.ts';
import { Login, login, logout, type RequestMeta } from './sessions.ts';
import {
  CreateUser,
  createUser,
  getUser,
  ListUsers,
  listUsers,
  PasswordReset,
  ResetPassword,
  resetUserPassword,
  UpdateMe,
  UpdateUser,
  User,
  updateMe,
  updateUser,
} from './users.ts';

const LoginResponse = z.object({ user: User, csrfToken: z.string(), expiresAt: z.string() });

const Grant = z
  .enum(GRANTS)
  .openapi('Grant', { description: '`team`: only on accounts the user owns or is a team member of' });
/** The caller's row of the permission table: what the web app offers (the API still decides). */
const Permissions = z
  .object(Object.fromEntries(PERMISSIONS.map((p) => [p, Grant])) as Record<Permission, typeof Grant>)
  .openapi('Permissions');
const tags = ['Auth and users'];

const requestMeta = (c: Context<AppEnv>, deps: Deps): RequestMeta => ({
  ip: clientIp(c, deps.config.trustProxy),
  requestId: c.get('requestId'),
  clientRequestId: c.get('clientRequestId'),
});

/** Routes reached without a session: sign in and out. */
export function publicAuthRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags,
      summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
      request: { body: jsonBody(Login) },
      responses: {
        200: json(LoginResponse, 'Signed in'),
        400: ERRORS[400],
        401: ERRORS[401],
        429: json(z.object({}), 'Too many failed attempts; see Retry-After'),
      },
    }),
    async (c) => {
      const result = await login(deps, c.req.valid('json'), requestMeta(c, deps));
      setCookie(c, SESSION_COOKIE, result.cookie, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: deps.config.secureCookies,
        path: '/',
        expires: new Date(result.expiresAt),
      });
      return c.json({ user: result.user, csrfToken: result.csrfToken, expiresAt: result.expiresAt }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags,
      summary: 'Sign out: ends the session and clears the cookie',
      responses: NO_CONTENT,
    }),
    async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) await logout(deps, cookie, requestMeta(c, deps));
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );
  return app;
}

export function authRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/auth/me',
      tags,
      summary: 'The signed-in user, their permissions, and (for sessions) the CSRF token',
      responses: {
        200: json(
          z.object({
            user: User,
            csrfToken: z.string().nullable(),
            workspace: z.object({ id: z.string(), baseCurrency: z.string(), timeZone: z.string() }),
            permissions: Permissions,
          }),
          'The caller',
        ),
        401: ERRORS[401],
      },
    }),
    async (c) => {
      const ctx = c.get('ctx');
      const user = await getUser({ ctx, id: ctx.actor.kind === 'user' ? ctx.actor.userId : '' });
      const session =
        ctx.actor.kind === 'user' && ctx.actor.sessionId
          ? await ctx.db
              .selectFrom('sessions')
              .select('csrf_token')
              .where('id', '=', ctx.actor.sessionId)
              .executeTakeFirst()
          : undefined;
      // A read-only token may do nothing but read, whatever its user's role.
      const readOnly = ctx.actor.kind === 'user' && !ctx.actor.scopes.includes('write');
      const grant = (p: Permission) => (readOnly && p !== 'read' ? 'none' : can(ctx, p));
      const permissions = Object.fromEntries(PERMISSIONS.map((p) => [p, grant(p)])) as Record<
        Permission,
        GrantValue
      >;
      return c.json(
        { user, csrfToken: session?.csrf_token ?? null, workspace: ctx.workspace, permissions },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/auth/me',
      tags,
      summary: 'Change your own name, language or password',
      request: { body: jsonBody(UpdateMe) },
      responses: { 200: json(User, 'Updated'), ...ERRORS },
    }),
    async (c) => c.json(await updateMe({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags,
      summary: 'Users of the workspace, by name',
      request: { query: ListUsers },
      responses: { 200: json(listOf(User), 'Users'), ...ERRORS },
    }),
    async (c) => c.json(await listUsers({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags,
      summary: 'Create a user (admin)',
      request: { body: jsonBody(CreateUser) },
      responses: { 201: json(User, 'Created'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createUser({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/users/{id}',
      tags,
      summary: 'One user',
      request: { params: IdParam },
      responses: { 200: json(User, 'The user'), ...ERRORS },
    }),
    async (c) => c.json(await getUser({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags,
      summary: 'Change a user: role, name, language, active, password (admin)',
      request: { params: IdParam, body: jsonBody(UpdateUser) },
      responses: { 200: json(User, 'Updated'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await updateUser({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/users/{id}/reset-password',
      tags,
      summary: 'Reset a user’s password (admin): one you choose, or a temporary one answered once',
      description:
        'The user’s sessions end and their API tokens are revoked at once. Your own password is changed at PATCH /auth/me (it asks for the current one).',
      request: { params: IdParam, body: jsonBody(ResetPassword) },
      responses: { 200: json(PasswordReset, 'The new password is in force'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await resetUserPassword({
          ctx: c.get('ctx'),
          id: c.req.valid('param').id,
          input: c.req.valid('json'),
        }),
        200,
      ),
  );

  const keyTags = ['API tokens and write keys'];
  app.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags: keyTags,
      summary: 'API tokens (admin); secrets are never shown again',
      responses: { 200: json(listOf(ApiToken), 'Tokens'), ...ERRORS },
    }),
    async (c) => c.json(await listTokens({ ctx: c.get('ctx') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags: keyTags,
      summary: 'Create an API token (admin); the token is returned once',
      request: { body: jsonBody(CreateToken) },
      responses: {
        201: json(ApiToken.extend({ token: z.string() }), 'Created; store the token now'),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await createToken({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags: keyTags,
      summary: 'Revoke an API token (admin)',
      request: { params: IdParam },
      responses: { 200: json(ApiToken, 'Revoked'), ...ERRORS },
    }),
    async (c) => c.json(await revokeToken({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/write-keys',
      tags: keyTags,
      summary: 'Ingest write keys (admin)',
      responses: { 200: json(listOf(WriteKey), 'Write keys'), ...ERRORS },
    }),
    async (c) => c.json(await listWriteKeys({ ctx: c.get('ctx') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/write-keys',
      tags: keyTags,
      summary: 'Create an ingest write key (admin); the key is returned once',
      request: { body: jsonBody(CreateWriteKey) },
      responses: { 201: json(WriteKey.extend({ key: z.string() }), 'Created; store the key now'), ...ERRORS },
    }),
    async (c) => c.json(await createWriteKey({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/write-keys/{id}',
      tags: keyTags,
      summary: 'Revoke an ingest write key (admin)',
      request: { params: IdParam },
      responses: { 200: json(WriteKey, 'Revoked'), ...ERRORS },
    }),
    async (c) => c.json(await revokeWriteKey({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit-log',
      tags: ['Audit'],
      summary: 'Every change: who, what, when, before and after (managers and admins), newest first',
      request: { query: AuditQuery },
      responses: {
        200: json(
          listOf(
            z.object({
              id: z.string(),
              actorType: z.string(),
              actorId: z.string().nullable(),
              action: z.string(),
              entityType: z.string(),
              entityId: z.string(),
              before: z.unknown(),
              after: z.unknown(),
              requestId: z.string().nullable(),
              clientRequestId: z.string().nullable(),
              tokenId: z.string().nullable().describe('The API token that made the change, if any'),
              createdAt: z.string(),
            }),
          ),
          'Audit entries',
        ),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await listAudit({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/audit-log/facets',
      tags: ['Audit'],
      summary: 'The actions and entity types in the audit log, for filters (managers and admins)',
      responses: {
        200: json(
          z.object({ actions: z.array(z.string()), entityTypes: z.array(z.string()) }),
          'Distinct values, sorted',
        ),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await auditFacets({ ctx: c.get('ctx') }), 200),
  );

  return app;
}
