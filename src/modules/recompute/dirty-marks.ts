// Clearing the incremental pass's marks (dirty.ts), apart from it: the full pass (recompute.ts)
// clears them too, and dirty.ts imports the recompute.
import type { Ctx } from '../../context.ts';

/** Deletes the marks of `accountIds` made before `before` (strictly): later marks stay. */
export async function clearDirtyMarks(
  ctx: Ctx,
  before: string,
  accountIds?: readonly string[],
): Promise<number> {
  if (!accountIds) {
    const r = await ctx.db
      .deleteFrom('dirty_accounts')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('marked_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  let n = 0;
  for (let i = 0; i < accountIds.length; i += 500) {
    const r = await ctx.db
      .deleteFrom('dirty_accounts')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('account_id', 'in', accountIds.slice(i, i + 500))
      .where('marked_at', '<', before)
      .executeTakeFirst();
    n += Number(r.numDeletedRows);
  }
  return n;
}
