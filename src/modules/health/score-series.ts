// Stored health snapshots for other modules to read (automation's effectiveness report) instead
// of querying health_scores.
import type { Ctx } from '../../context.ts';

/** Every scored snapshot from `fromDay` on, oldest first: { account, day, score }. */
export async function scoredSnapshotsSince(
  ctx: Ctx,
  fromDay: string,
): Promise<{ accountId: string; day: string; score: number }[]> {
  const rows = await ctx.db
    .selectFrom('health_scores')
    .select(['account_id', 'day', 'score'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('day', '>=', fromDay)
    .where('score', 'is not', null)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, day: r.day, score: Number(r.score) }));
}
