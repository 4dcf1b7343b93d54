import type { Config } from './config.ts';
import type { Engine } from './db/dialect.ts';
import type { Db } from './db/index.ts';
import type { Locale } from './i18n/index.ts';
import type { Logger } from './logger.ts';
import type { Role, Scope } from './modules/auth/permissions.ts';

export type WorkspaceRef = Readonly<{ id: string; baseCurrency: string; timeZone: string }>;

/**
 * Which accounts the caller may read (record-level access, resolved once per request from the
 * workspace's read-access setting and the caller's groups): every account, or the accounts those
 * users own or hold a team role on. Absent for system actors (jobs, CLI): every account.
 */
export type ReadAccess = Readonly<{ kind: 'all' }> | Readonly<{ kind: 'users'; userIds: readonly string[] }>;

export type Actor =
  | Readonly<{
      kind: 'user';
      userId: string;
      role: Role;
      via: 'session' | 'token';
      scopes: readonly Scope[];
      /** The session's id (hash) when via is 'session'. */
      sessionId?: string;
      /** The API token's id when via is 'token' (audited beside the user). */
      tokenId?: string;
    }>
  | Readonly<{ kind: 'system'; name: string }>;

/** Everything a verb needs, built per request, job run or CLI call. Plain data, no container. */
export type Ctx = Readonly<{
  db: Db;
  engine: Engine;
  config: Config;
  workspace: WorkspaceRef;
  actor: Actor;
  now: () => Date;
  logger: Logger;
  requestId?: string;
  clientRequestId?: string;
  /** The reader's language for texts rendered in this call (requests: Accept-Language, else the user's). */
  locale?: Locale;
  /** Record-level read access (accounts' readableAccounts applies it); absent: every account. */
  readAccess?: ReadAccess;
}>;

/**
 * Process-wide dependencies shared by every Ctx. `readDb` is the read replica (DATABASE_READ_URL):
 * only the read-only routes named in server/read-replica.ts use it; absent, they read `db`.
 */
export type Deps = Readonly<{
  db: Db;
  engine: Engine;
  config: Config;
  logger: Logger;
  now: () => Date;
  readDb?: Db;
}>;

export function systemCtx(deps: Deps, workspace: WorkspaceRef, name = 'system'): Ctx {
  return { ...deps, workspace, actor: { kind: 'system', name } };
}

export const actorId = (ctx: Ctx): string | null => (ctx.actor.kind === 'user' ? ctx.actor.userId : null);

/** Runs `fn` in a transaction, or inside the caller's when ctx.db already is one (verbs compose). */
export async function inTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.db.isTransaction) return fn(ctx);
  return ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx }));
}
