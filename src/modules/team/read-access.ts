import type { Ctx, ReadAccess } from '../../context.ts';
import { loadTeamSettings } from './settings.ts';

/**
 * What the caller may read (ctx.readAccess, applied by accounts' readableAccounts), resolved once
 * per request:
 * - admins, and everyone when the workspace's `csmReadScope` is `all`: every account;
 * - managers: the accounts of the groups they lead or belong to (owned by, or with a team role
 *   for, any member or lead), and their own book; a manager in no group oversees the whole team
 *   and reads every account (managers already write to every account);
 * - CSMs and viewers: `book`, their own accounts (owner or any team role, so a sales viewer on an
 *   account's team reads it); `group`, their groups' accounts as for a manager, or their own
 *   book when they are in no group.
 */
export async function resolveReadAccess(ctx: Ctx): Promise<ReadAccess> {
  const { actor } = ctx;
  if (actor.kind !== 'user' || actor.role === 'admin') return { kind: 'all' };
  const settings = await loadTeamSettings(ctx);
  if (settings.csmReadScope === 'all') return { kind: 'all' };
  if (actor.role !== 'manager' && settings.csmReadScope === 'book') {
    return { kind: 'users', userIds: [actor.userId] };
  }
  const peers = await groupPeers(ctx, actor.userId);
  if (peers === null)
    return actor.role === 'manager' ? { kind: 'all' } : { kind: 'users', userIds: [actor.userId] };
  return { kind: 'users', userIds: [...new Set([actor.userId, ...peers])].sort() };
}

/** Members and leads of the groups the user leads or belongs to; null when in no group. */
async function groupPeers(ctx: Ctx, userId: string): Promise<string[] | null> {
  const groups = await ctx.db
    .selectFrom('csm_groups as g')
    .select('g.id')
    .where('g.workspace_id', '=', ctx.workspace.id)
    .where((eb) =>
      eb.or([
        eb('g.lead_id', '=', userId),
        eb(
          'g.id',
          'in',
          eb
            .selectFrom('csm_group_members as m')
            .select('m.group_id')
            .where('m.workspace_id', '=', ctx.workspace.id)
            .where('m.user_id', '=', userId),
        ),
      ]),
    )
    .execute();
  if (groups.length === 0) return null;
  const ids = groups.map((g) => g.id);
  const [members, leads] = await Promise.all([
    ctx.db
      .selectFrom('csm_group_members')
      .select('user_id')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('group_id', 'in', ids)
      .execute(),
    ctx.db
      .selectFrom('csm_groups')
      .select('lead_id')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', 'in', ids)
      .execute(),
  ]);
  return [...members.map((m) => m.user_id), ...leads.flatMap((l) => (l.lead_id ? [l.lead_id] : []))];
}
