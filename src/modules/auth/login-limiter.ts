import { sql } from 'kysely';
import type { Deps } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { type Message, msg } from '../../i18n/index.ts';

/**
 * Sign-in throttling. Every attempt is counted by one upsert *before* the password is checked;
 * the upsert only increments when the key is not blocked, and blocks it for 2^(n-free) seconds
 * (capped) once n reaches the key's free allowance. Parallel attempts therefore serialise on the
 * row: of 100 parallel wrong passwords for one email from one address, 5 reach the password check.
 * A success clears the email's counters. The address-only key is a much higher ceiling, so failures
 * for made-up emails cannot lock out everyone behind one NAT or proxy.
 */
export const LIMITS = {
  emailIp: { prefix: 'ei:', free: 5 },
  email: { prefix: 'e:', free: 20 },
  ip: { prefix: 'i:', free: 200 },
} as const;
export const LOGIN_MAX_DELAY_S = 15 * 60;
/** A key with no attempt for this long starts again from zero. */
export const LOGIN_COUNTER_TTL_MS = 24 * 3_600_000;

/**
 * `ip` null: a signed-in user confirming their current password (no address in a Ctx); counted
 * against the email, never against a shared address key.
 */
// Under the free allowance a key's block is left as it was, not set to this node's "now": a node
// whose clock runs ahead would otherwise block the key for everyone else until they catch up.
const NEVER_BLOCKED = '1970-01-01T00:00:00.000Z';

function keysFor(email: string, ip: string | null) {
  if (ip === null)
    return [
      { key: `${LIMITS.emailIp.prefix}${email}|current-password`, free: LIMITS.emailIp.free },
      { key: `${LIMITS.email.prefix}${email}`, free: LIMITS.email.free },
    ];
  return [
    { key: `${LIMITS.emailIp.prefix}${email}|${ip}`, free: LIMITS.emailIp.free },
    { key: `${LIMITS.email.prefix}${email}`, free: LIMITS.email.free },
    { key: `${LIMITS.ip.prefix}${ip}`, free: LIMITS.ip.free },
  ];
}

/** The delay after the n-th counted attempt: none before the free allowance, then 1, 2, 4 … s. */
export function delaySeconds(n: number, free: number): number {
  if (n < free) return 0;
  return Math.min(2 ** (n - free), LOGIN_MAX_DELAY_S);
}

/**
 * Counts one attempt against each key, or throws 429 with Retry-After when a key is still
 * blocked. One statement per key, so the count and the check cannot be split by a parallel request.
 */
export async function countLoginAttempt(deps: Deps, email: string, ip: string | null): Promise<void> {
  await countAttempts(deps, keysFor(email, ip), (wait) => msg('error.loginThrottled', { seconds: wait }));
}

/**
 * API token creation, per user: 10 free, then the same growing delays (a stolen session cannot
 * mint tokens by the thousand; the counter starts again after a day without one).
 */
export const TOKEN_CREATION_FREE = 10;
export async function countTokenCreation(deps: Deps, workspaceId: string, userId: string): Promise<void> {
  await countAttempts(deps, [{ key: `t:${workspaceId}|${userId}`, free: TOKEN_CREATION_FREE }], (wait) =>
    msg('sec.tokenThrottled', { seconds: wait }),
  );
}

/** Counts one attempt against each key, or throws 429 with Retry-After while one is blocked. */
async function countAttempts(
  deps: Deps,
  keys: readonly { key: string; free: number }[],
  message: (waitSeconds: number) => string | Message,
): Promise<void> {
  const now = deps.now();
  const nowIso = now.toISOString();
  const at = (s: number) => new Date(now.getTime() + s * 1000).toISOString();
  await deps.db
    .deleteFrom('login_throttle')
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .where('updated_at', '<', new Date(now.getTime() - LOGIN_COUNTER_TTL_MS).toISOString())
    .execute();
  for (const { key, free } of keys) {
    // blocked_until for the new count, as a CASE over every count up to the cap (no date
    // arithmetic in SQL, which differs between the engines).
    const steps: number[] = [];
    for (let n = free; delaySeconds(n, free) < LOGIN_MAX_DELAY_S; n++) steps.push(n);
    const next = sql<string>`case ${sql.join(
      [
        sql`when login_throttle.failures + 1 < ${free} then login_throttle.blocked_until`,
        ...steps.map((n) => sql`when login_throttle.failures + 1 = ${n} then ${at(delaySeconds(n, free))}`),
      ],
      sql` `,
    )} else ${at(LOGIN_MAX_DELAY_S)} end`;
    const counted = await deps.db
      .insertInto('login_throttle')
      .values({
        key,
        failures: 1,
        blocked_until: free <= 1 ? at(1) : NEVER_BLOCKED,
        updated_at: nowIso,
      })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({
            failures: sql`login_throttle.failures + 1`,
            blocked_until: next,
            updated_at: nowIso,
          })
          .where('login_throttle.blocked_until', '<=', nowIso),
      )
      .returning('failures')
      .executeTakeFirst();
    if (counted) continue;
    const row = await deps.db
      .selectFrom('login_throttle')
      .select('blocked_until')
      .where('key', '=', key)
      .executeTakeFirst();
    const wait = Math.max(1, Math.ceil((Date.parse(row?.blocked_until ?? nowIso) - now.getTime()) / 1000));
    throw new AppError('rate_limited', message(wait), undefined, { 'Retry-After': String(wait) });
  }
}

/** After a successful sign-in: the email's counters start again; the address's loses this attempt. */
export async function clearLoginFailures(deps: Deps, email: string, ip: string | null): Promise<void> {
  const [emailIp, byEmail, byIp] = keysFor(email, ip);
  await deps.db.deleteFrom('login_throttle').where('key', 'in', [emailIp!.key, byEmail!.key]).execute();
  if (!byIp) return;
  await deps.db
    .updateTable('login_throttle')
    .set({ failures: sql`failures - 1` })
    .where('key', '=', byIp.key)
    .where('failures', '>', 0)
    .execute();
}

/** Hourly: counters idle past their lifetime. */
export async function pruneLoginThrottle(deps: Deps): Promise<number> {
  const res = await deps.db
    .deleteFrom('login_throttle')
    .where('updated_at', '<', new Date(deps.now().getTime() - LOGIN_COUNTER_TTL_MS).toISOString())
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
