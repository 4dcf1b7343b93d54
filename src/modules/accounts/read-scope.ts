// Which accounts the actor may read, for lists and searches: the accounts list, global search
// (accounts, contacts, tasks, requests). Two things limit it: record-level read access (refs.ts'
// readableAccounts: a CSM's book or group, by the workspace setting) and a role whose read grant is
// 'team' (only accounts it owns or is on the team of).
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { forbidden } from '../../errors.ts';
import { can } from '../auth/index.ts';
import { readableAccounts } from './refs.ts';

/**
 * A condition on `accountId` (an account id expression of the caller's query) that keeps the
 * accounts the actor may read, or undefined when they may read every account of the workspace.
 */
export function accountReadFilter(ctx: Ctx, accountId: Expression<string>): Expression<SqlBool> | undefined {
  const grant = can(ctx, 'read');
  if (grant === 'none') return sql<SqlBool>`1 = 0`;
  const readable = readableAccounts(ctx);
  const inScope = readable ? sql<SqlBool>`${accountId} in (${readable})` : undefined;
  if (grant === 'all') return inScope;
  if (ctx.actor.kind !== 'user') return sql<SqlBool>`1 = 0`;
  const onTeam = onAccountTeam(ctx.actor.userId, accountId);
  return inScope ? sql<SqlBool>`(${inScope} and ${onTeam})` : onTeam;
}

/** True for an account `userId` owns or is a team member of. */
export function onAccountTeam(userId: string, accountId: Expression<string>): Expression<SqlBool> {
  const eb = expressionBuilder<Database, never>();
  return eb.or([
    eb.exists(
      eb
        .selectFrom('accounts as owned')
        .select('owned.id')
        .where('owned.id', '=', accountId)
        .where('owned.owner_id', '=', userId),
    ),
    eb.exists(
      eb
        .selectFrom('account_members as m')
        .select('m.account_id')
        .where('m.account_id', '=', accountId)
        .where('m.user_id', '=', userId),
    ),
  ]);
}

/**
 * For lists and searches across accounts: the actor may read some accounts (which ones is
 * `accountReadFilter`'s answer), where `authorize(ctx, 'read')` would refuse a 'team' grant
 * without an account to check.
 */
export function authorizeReadList(ctx: Ctx): void {
  if (can(ctx, 'read') === 'none') throw forbidden();
}
