import { type FactUsers, factUsersAmong } from '../../fact-users.ts';

/** Health models whose selector or components read the facts. */
export const healthModelsReadingFacts: FactUsers = async (ctx, reads) =>
  factUsersAmong(
    'healthModel',
    await ctx.db
      .selectFrom('health_models')
      .select(['id', 'name', 'selector', 'dimensions'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where((eb) => eb.or([eb('selector', 'like', reads.like), eb('dimensions', 'like', reads.like)]))
      .execute(),
    ['selector', 'dimensions'],
    reads,
  );
