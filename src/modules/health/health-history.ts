// An account's stored daily scores over a range of days (the health chart).
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { invalidField } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
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
  if (from > to) throw invalidField('from', msg('error.mustNotBeAfterTo'), 'query');
  if (daysBetween(from, to) > MAX_HISTORY_DAYS) {
    throw invalidField('from', msg('error.atMostDaysAtATime', { days: MAX_HISTORY_DAYS }), 'query');
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
