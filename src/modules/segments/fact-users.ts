import { type FactUsers, factUsersAmong } from '../../fact-users.ts';

/** Segments and tiering schemes whose conditions or composites read the facts. */
export const segmentsReadingFacts: FactUsers = async (ctx, reads) => {
  const ws = ctx.workspace.id;
  const segments = await ctx.db
    .selectFrom('segments')
    .select(['id', 'name', 'condition'])
    .where('workspace_id', '=', ws)
    .where('condition', 'like', reads.like)
    .execute();
  const schemes = await ctx.db
    .selectFrom('tiering_schemes')
    .select(['id', 'name', 'rules'])
    .where('workspace_id', '=', ws)
    .where('rules', 'like', reads.like)
    .execute();
  return [
    ...factUsersAmong('segment', segments, ['condition'], reads),
    ...factUsersAmong('tieringScheme', schemes, ['rules'], reads),
  ];
};
