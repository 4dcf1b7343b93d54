import { type FactUsers, factUsersAmong } from '../../fact-users.ts';

/** Lifecycle stages whose conditions read the facts. */
export const stagesReadingFacts: FactUsers = async (ctx, reads) =>
  factUsersAmong(
    'stage',
    await ctx.db
      .selectFrom('lifecycle_stages')
      .select(['id', 'name', 'condition'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('condition', 'like', reads.like)
      .execute(),
    ['condition'],
    reads,
  );
