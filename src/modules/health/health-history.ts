// An account's stored daily scores over a range of days (the health chart).
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { invalid } from '../../errors.ts';
import { addDays, daysBetween, isValidDay, today } from '../../time.ts';
import { getAccountRef } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';

const Day = z.string().refine(isValidDay, 'must be a day YYYY-MM-DD');
export const HealthHistoryQuery = z.object({
  /** Default: 89 days before `to`. */
  from: Day.optional(),
  /** Default: today. */
  to: Day.optional(),
});
export type HealthHistoryQuery = z.infer<typeof HealthHistoryQuery>;
export const HealthHistory = z.object({
  accountId: z.string(),
  from: z.string(),
  to: z.string(),
  items: z.array(
    z.object({
      day: z.string(),
      score: z.number().nullable(),
      status: z.string().nullable(),
      modelId: z.string(),
    }),
  ),
});

const MAX_HISTORY_DAYS = 3660;

/** Daily stored scores, oldest first; days without a snapshot are simply absent. */
export async function getAccountHealthHistory({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: HealthHistoryQuery;
}) {
  await authorize(ctx, 'read');
  const data = HealthHistoryQuery.parse(input);
  await getAccountRef(ctx, accountId);
  const to = data.to ?? today(ctx);
  const from = data.from ?? addDays(to, -89);
  if (from > to)
    throw invalid('Invalid query: from: must not be after to', {
      issues: [{ path: 'from', message: 'must not be after to' }],
    });
  if (daysBetween(from, to) > MAX_HISTORY_DAYS) {
    throw invalid(`Invalid query: from: at most ${MAX_HISTORY_DAYS} days at a time`, {
      issues: [{ path: 'from', message: `at most ${MAX_HISTORY_DAYS} days at a time` }],
    });
  }
  const rows = await ctx.db
    .selectFrom('health_scores')
    .select(['day', 'score', 'status', 'model_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
  return {
    accountId,
    from,
    to,
    items: rows.map((r) => ({
      day: r.day,
      score: r.score === null ? null : Number(r.score),
      status: r.status,
      modelId: r.model_id,
    })),
  };
}
