import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Deps, WorkspaceRef } from '../context.ts';
import { AppError } from '../errors.ts';
import { localeFromHeader, msg } from '../i18n/index.ts';
import { setRequestLocale } from '../i18n/request-locale.ts';
import { authenticateSession, authenticateToken } from '../modules/auth/sessions.ts';
import { getWorkspace, toRef } from '../modules/workspaces/index.ts';
import type { AppEnv } from './env.ts';

export const SESSION_COOKIE = 'steward_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Resolves the caller (bearer token, else session cookie) into `c.var.ctx`. Cookie-authenticated
 * writes must echo the session's CSRF token in `x-csrf-token`; SameSite=Lax alone would still let
 * a same-site page (another app on a sibling subdomain) post forms.
 */
export function authenticate(deps: Deps): MiddlewareHandler<AppEnv> {
  // Workspace base currency and time zone are fixed at creation, so a per-process cache is safe.
  const workspaces = new Map<string, WorkspaceRef>();
  return async (c, next) => {
    const header = c.req.header('authorization');
    let auth: Awaited<ReturnType<typeof authenticateToken>>;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new AppError('unauthenticated', msg('error.bearerFormat'));
      auth = await authenticateToken(deps, m[1]!);
      if (!auth) throw new AppError('unauthenticated', msg('error.tokenUnknown'));
    } else {
      const cookie = getCookie(c, SESSION_COOKIE);
      const session = cookie ? await authenticateSession(deps, cookie) : undefined;
      if (!session) {
        throw new AppError(
          'unauthenticated',
          cookie ? msg('error.sessionExpired') : msg('error.signInOrToken'),
        );
      }
      if (!SAFE_METHODS.has(c.req.method)) {
        const sent = c.req.header('x-csrf-token');
        if (!sent || !sameSecret(sent, session.csrfToken)) {
          throw new AppError('csrf_failed', msg('error.csrf'));
        }
      }
      auth = session;
    }
    let workspace = workspaces.get(auth.workspaceId);
    if (!workspace) {
      workspace = toRef(await getWorkspace(deps, auth.workspaceId));
      workspaces.set(workspace.id, workspace);
    }
    // An explicit Accept-Language (the web app sends the language on screen) wins over the profile.
    const locale = localeFromHeader(c.req.header('accept-language')) ?? auth.user.locale;
    c.set('locale', locale);
    setRequestLocale(locale);
    c.set('ctx', {
      ...deps,
      locale,
      workspace,
      actor: auth.actor,
      requestId: c.get('requestId'),
      clientRequestId: c.get('clientRequestId'),
    });
    await next();
  };
}
