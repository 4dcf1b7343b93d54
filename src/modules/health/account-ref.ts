import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';

/** The account (id and name) or a 404: health's verbs answer for accounts of this workspace only. */
export async function requireAccount(ctx: Ctx, accountId: string) {
  const row = await ctx.db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!row) throw notFound('Account', accountId);
  return row;
}
