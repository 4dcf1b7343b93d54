import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../context.ts';
import type { AppEnv } from './env.ts';

/**
 * The read-only routes served from the read replica (DATABASE_READ_URL): lists, reports and
 * analytics, whose readers accept a lag of the replica's delay (milliseconds on a streaming
 * replica). Everything else reads the primary: sign-in and sessions, one record's page (what a
 * caller opens right after changing it), settings, and every write. A route here must never write;
 * test/integration/read-replica.test.ts calls each one on a connection that refuses writes.
 */
export const REPLICA_READS: readonly RegExp[] = [
  // lists
  /^\/api\/v1\/accounts$/,
  /^\/api\/v1\/accounts\/facets$/,
  /^\/api\/v1\/account-states(\/summary)?$/,
  /^\/api\/v1\/renewals(\/window)?$/,
  /^\/api\/v1\/requests\/ranked$/,
  /^\/api\/v1\/segments\/[^/]+\/members$/,
  /^\/api\/v1\/churn\/accounts$/,
  /^\/api\/v1\/audit-log$/,
  /^\/api\/v1\/search$/,
  // reports
  /^\/api\/v1\/reports\/(scorecards|stages)$/,
  /^\/api\/v1\/revenue\/(arr|churn|forecast|movement|retention)$/,
  /^\/api\/v1\/automation\/effectiveness$/,
  /^\/api\/v1\/team\/load$/,
  // analytics
  /^\/api\/v1\/metrics\/[^/]+\/(series|percentile)$/,
  /^\/api\/v1\/accounts\/[^/]+\/metrics\/[^/]+\/series$/,
];

export const isReplicaRead = (method: string, path: string) =>
  (method === 'GET' || method === 'HEAD') && REPLICA_READS.some((r) => r.test(path));

/**
 * After authentication and read access are resolved (on the primary): a named read-only route runs
 * with the replica as its `db`. Without a replica this is a no-op.
 */
export function replicaReads(deps: Deps): MiddlewareHandler<AppEnv> {
  const replica = deps.readDb;
  return async (c, next) => {
    const ctx = c.get('ctx');
    if (replica && ctx && isReplicaRead(c.req.method, c.req.path)) c.set('ctx', { ...ctx, db: replica });
    await next();
  };
}
