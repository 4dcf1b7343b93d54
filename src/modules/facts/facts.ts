import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { today } from '../../time.ts';
import { getAccountRef } from '../accounts/index.ts';
import { authorize } from '../auth/index.ts';
import type { Facts } from './build-facts.ts';
import { loadCatalogue } from './catalogue.ts';
import { loadEvaluationBatch } from './evaluation-batch.ts';

export async function getCatalogue({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return { items: await loadCatalogue(ctx), nextCursor: null };
}

/**
 * One account's facts as of today, with its stored derived state (health, tier, stage, segments)
 * and sentiment: the record conditions read, as the evaluation batch loads it.
 */
export async function getAccountFacts({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<{ day: string; facts: Facts }> {
  await authorize(ctx, 'read');
  // 404 before any fact is built for an account outside the caller's read access.
  await getAccountRef(ctx, accountId);
  const day = today(ctx);
  const { facts } = await loadEvaluationBatch(ctx, day, [], { accountIds: [accountId] });
  const f = facts.get(accountId);
  if (!f) throw notFound('Account', accountId);
  return { day, facts: f };
}
