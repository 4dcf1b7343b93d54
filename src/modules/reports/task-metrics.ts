import type { Ctx } from '../../context.ts';

/**
 * Task-based process metrics (tasks done on time; danger accounts with an open plan). Null: the
 * tasks module is not on this branch, so scorecards leave these metrics out and say so.
 */
export async function taskMetrics(
  _ctx: Ctx,
  _range: { from: string; to: string },
): Promise<
  | ((accountIds: string[], dangerIds: string[]) => { onTime: number | null; dangerWithPlan: number | null })
  | null
> {
  return null;
}
