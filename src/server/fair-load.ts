import type { Context, MiddlewareHandler } from 'hono';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { msg } from '../i18n/index.ts';
import type { AppEnv } from './env.ts';
import type { HeavyPool } from './heavy-pool.ts';

/**
 * Heavy reads: whole-workspace reports, large list pages (the export pages 500 rows at a time),
 * condition filters and previews that evaluate every account's facts, dry runs. Each costs from
 * tens of milliseconds to seconds of the one event loop and SQLite connection; ten clients asking
 * for /automation/effectiveness at once once held /healthz for seconds. Method, path (below
 * /api/v1) and, for lists, the query that makes a page heavy.
 */
const HEAVY: readonly { method: string; path: RegExp; when?: (q: URLSearchParams) => boolean }[] = [
  { method: 'GET', path: /^\/automation\/effectiveness$/ },
  { method: 'GET', path: /^\/revenue\/[a-z]+$/ },
  { method: 'GET', path: /^\/reports\/(scorecards|scorecards\/detail|team-overview)$/ },
  { method: 'GET', path: /^\/team\/(load|capacity)$/ },
  { method: 'GET', path: /^\/health\/calibration$/ },
  { method: 'GET', path: /^\/renewals(\/window)?$/ },
  { method: 'GET', path: /^\/requests\/ranked$/ },
  { method: 'GET', path: /^\/metrics\/[^/]+\/series$/ },
  { method: 'GET', path: /^\/account-states\/summary$/ },
  {
    method: 'GET',
    path: /^\/(accounts|account-states|contacts|contracts|tasks|requests)$/,
    when: (q) => Number(q.get('limit') ?? 0) > 100 || q.has('where') || q.get('includeTotal') === 'true',
  },
  { method: 'POST', path: /\/preview$/ },
  // Imports: the file is parsed, checked and written in batches in a worker (an async import keeps
  // running there after its 202).
  { method: 'POST', path: /^\/imports\/(accounts|contacts|contracts|tickets)$/ },
  { method: 'POST', path: /^\/rules\/[^/]+\/dry-run$/ },
  { method: 'POST', path: /^\/team\/(capacity\/what-if|members\/[^/]+\/offboard\/preview)$/ },
];

export function isHeavy(method: string, path: string, query: URLSearchParams): boolean {
  const rest = path.replace(/^\/api\/v1/, '');
  return HEAVY.some((h) => h.method === method && h.path.test(rest) && (h.when?.(query) ?? true));
}

/** How long a refused client should wait: about one heavy request's time. */
const RETRY_AFTER_SECONDS = 2;

/** How long a repeated refusal is held before it is sent. */
const REPEAT_REFUSAL_DELAY_MS = 250;
/** Credentials remembered as over a limit; past this many, the oldest half is forgotten. */
const REMEMBERED = 10_000;

/**
 * Per-user and per-workspace limits on heavy reads in flight (this node's counters), after
 * authentication: one user's client hammering reports gets 429 with Retry-After, in our error
 * shape, once it has `heavyPerUser` running, and a workspace once it has `heavyPerWorkspace`, so
 * the rest of the workspace and everyone else keep their share of the server. Cheap reads (an
 * account page, Account 360, /healthz) are never counted.
 *
 * `early` goes before authentication: a credential refused a heavy read is remembered with its user
 * and workspace, and its next heavy reads are refused at once while that user or workspace is still
 * at its limit, without authenticating again. A client retrying at once, as a hostile one does,
 * made ~570 refusals a second, each with its token lookup and access resolution, and held the
 * main thread at 100% (bench:fairness); such a repeated refusal is also held 250 ms before it is
 * sent, so the client cannot make up in numbers what each refusal no longer costs. `limit` goes
 * after authentication.
 */
export function fairLoad(
  config: Pick<Config, 'heavyPerUser' | 'heavyPerWorkspace'>,
  pool?: HeavyPool,
): { early: MiddlewareHandler<AppEnv>; limit: MiddlewareHandler<AppEnv> } {
  const byUser = new Map<string, number>();
  const byWorkspace = new Map<string, number>();
  const refused = new Map<string, { user: string; workspace: string }>();
  const take = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const give = (m: Map<string, number>, k: string) => {
    const n = (m.get(k) ?? 1) - 1;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
  };
  const headers = { 'Retry-After': String(RETRY_AFTER_SECONDS) };
  /** The refusal for this user or workspace if either is at its limit, else undefined. */
  const busy = (user: string, workspace: string) => {
    const running = byUser.get(user) ?? 0;
    if (running >= config.heavyPerUser) {
      return new AppError(
        'rate_limited',
        msg('sec.busyUser', { running, seconds: RETRY_AFTER_SECONDS }),
        { limit: config.heavyPerUser, scope: 'user' },
        headers,
      );
    }
    const inWorkspace = byWorkspace.get(workspace) ?? 0;
    if (inWorkspace >= config.heavyPerWorkspace) {
      return new AppError(
        'rate_limited',
        msg('sec.busyWorkspace', { running: inWorkspace, seconds: RETRY_AFTER_SECONDS }),
        { limit: config.heavyPerWorkspace, scope: 'workspace' },
        headers,
      );
    }
    return undefined;
  };
  const credential = (c: Context<AppEnv>) => c.req.header('authorization') ?? c.req.header('cookie');
  const heavy = (c: Context<AppEnv>) => isHeavy(c.req.method, c.req.path, new URL(c.req.url).searchParams);

  const early: MiddlewareHandler<AppEnv> = async (c, next) => {
    const key = credential(c);
    const known = key === undefined ? undefined : refused.get(key);
    if (!known || !heavy(c)) return next();
    const refusal = busy(known.user, known.workspace);
    if (!refusal) {
      refused.delete(key!);
      return next();
    }
    // Held a moment (a timer, no work): a client that ignores Retry-After and asks again at once
    // is slowed to a few requests a second per connection instead of as fast as it can send.
    await new Promise((r) => setTimeout(r, REPEAT_REFUSAL_DELAY_MS));
    throw refusal;
  };

  const limit: MiddlewareHandler<AppEnv> = async (c, next) => {
    const ctx = c.get('ctx');
    if (!ctx || !heavy(c)) return next();
    const user = ctx.actor.kind === 'user' ? ctx.actor.userId : `system:${ctx.actor.name}`;
    const workspace = ctx.workspace.id;
    const refusal = busy(user, workspace);
    if (refusal) {
      const key = credential(c);
      if (key !== undefined) {
        if (refused.size >= REMEMBERED)
          for (const k of [...refused.keys()].slice(0, REMEMBERED / 2)) refused.delete(k);
        refused.set(key, { user, workspace });
      }
      throw refusal;
    }
    take(byUser, user);
    take(byWorkspace, workspace);
    try {
      // In a worker when there are workers (the same app answers there), else here.
      if (pool) {
        const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? null : await c.req.arrayBuffer();
        return await pool.run(c.req.raw, body);
      }
      await next();
    } finally {
      give(byUser, user);
      give(byWorkspace, workspace);
    }
  };
  return { early, limit };
}
