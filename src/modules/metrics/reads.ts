// Small read helpers over the rollups for other modules (automation's value triggers), so they
// need not query metric_daily themselves.
import type { Ctx } from '../../context.ts';

/**
 * Each account's last day in (after, upTo] with a positive value of any of the metrics, for the
 * accounts that have one: one grouped query over the rollups' primary key.
 */
export async function lastPositiveDays(
  ctx: Ctx,
  range: { metricIds: readonly string[]; after: string; upTo: string },
): Promise<Map<string, string>> {
  if (range.metricIds.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('metric_daily')
    .select(['account_id', (eb) => eb.fn.max('day').as('last')])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('metric_id', 'in', range.metricIds)
    .where('value', '>', 0)
    .where('day', '>', range.after)
    .where('day', '<=', range.upTo)
    .groupBy('account_id')
    .execute();
  return new Map(rows.map((r) => [r.account_id, String(r.last)]));
}
