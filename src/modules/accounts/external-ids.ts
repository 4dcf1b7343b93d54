// Read helpers for modules that name accounts and contacts by the ids of another system (ingest's
// groupId and userId), so they never query these tables themselves. No authorization: callers
// are system code already scoped to ctx.workspace.
import type { Ctx } from '../../context.ts';

const CHUNK = 400;

/** Account ids by external id, for those of `externalIds` that exist in the workspace. */
export async function accountIdsByExternalId(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
  externalIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < externalIds.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('accounts')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('external_id', 'in', externalIds.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) found.set(r.external_id, r.id);
  }
  return found;
}

/** The contact that a product user id (Segment userId, PostHog distinct_id) belongs to. */
export async function findContactByExternalUserId(ctx: Pick<Ctx, 'db' | 'workspace'>, userId: string) {
  return ctx.db
    .selectFrom('contacts')
    .select(['id', 'account_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('external_user_id', '=', userId)
    .executeTakeFirst();
}
