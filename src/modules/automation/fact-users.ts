import { type FactUsers, factUsersAmong } from '../../fact-users.ts';

/** Rules whose trigger or condition reads the facts. */
export const rulesReadingFacts: FactUsers = async (ctx, reads) =>
  factUsersAmong(
    'rule',
    await ctx.db
      .selectFrom('automation_rules')
      .select(['id', 'name', 'trigger', 'condition'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where((eb) => eb.or([eb('trigger', 'like', reads.like), eb('condition', 'like', reads.like)]))
      .execute(),
    ['trigger', 'condition'],
    reads,
  );
