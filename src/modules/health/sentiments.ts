// CSM sentiment: each account's latest read (1-5) as of a day, which the score counts until the
// governing model's expiresAfterDays.
import { z } from 'zod';
import type { Ctx } from '../../context.ts';
import { addDays, dayInZone, daysBetween } from '../../time.ts';
import type { SentimentInput } from './score-maths.ts';

export const SentimentOut = z.object({
  id: z.string(),
  accountId: z.string(),
  userId: z.string().nullable(),
  score: z.number(),
  reason: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
});
export const CurrentSentiment = SentimentOut.extend({
  ageDays: z.number(),
  /** Past the model's expiresAfterDays: shown, but no longer part of the score. */
  expired: z.boolean(),
});

export type Sentiment = {
  id: string;
  accountId: string;
  userId: string | null;
  score: number;
  reason: string;
  createdAt: string;
  /** When the sentiment stops counting (set from the account's model when it was recorded). */
  expiresAt: string;
};
export type LoadedSentiment = Sentiment & SentimentInput;

/**
 * Each account's latest sentiment recorded on or before `day` (workspace time zone), with its age
 * in days. Only the latest counts, even once it expires: an older, happier one must not return.
 */
export async function loadSentiments(
  ctx: Ctx,
  day: string,
  accountIds?: readonly string[],
): Promise<Map<string, LoadedSentiment>> {
  // Any instant on `day` somewhere is before the end of the next UTC day; the zone check is exact.
  let q = ctx.db
    .selectFrom('health_sentiments')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('created_at', '<', `${addDays(day, 2)}T00:00:00.000Z`);
  if (accountIds) q = q.where('account_id', 'in', accountIds.length ? accountIds : ['']);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  const out = new Map<string, LoadedSentiment>();
  for (const r of rows) {
    if (out.has(r.account_id)) continue;
    const recorded = dayInZone(new Date(r.created_at), ctx.workspace.timeZone);
    if (recorded > day) continue;
    out.set(r.account_id, {
      id: r.id,
      accountId: r.account_id,
      userId: r.user_id,
      score: r.score,
      reason: r.reason,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      ageDays: daysBetween(recorded, day),
    });
  }
  return out;
}

/**
 * The sentiments recorded in [from, to) (ISO instants), any account, in the order they were
 * recorded: automation's sentiment trigger reads a day's worth.
 */
export async function sentimentsRecordedBetween(
  ctx: Ctx,
  range: { from: string; to: string },
): Promise<{ accountId: string; score: number; createdAt: string }[]> {
  const rows = await ctx.db
    .selectFrom('health_sentiments')
    .select(['account_id', 'score', 'created_at'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('created_at', '>=', range.from)
    .where('created_at', '<', range.to)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, score: r.score, createdAt: r.created_at }));
}
