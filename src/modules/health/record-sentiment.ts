// A CSM recording their read of an account (1-5, with why).

import { z } from 'zod';
import { accountsChanged } from '../../account-changes.ts';
import { type Ctx, inTransaction } from '../../context.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { getAccountRef } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { loadCurrentStates } from '../state/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import { findScoringModel, loadHealthModels } from './health-models.ts';
import type { Sentiment } from './sentiments.ts';

const DEFAULT_SENTIMENT_DAYS = 90;

export const RecordSentiment = z.object({
  score: z.int().min(1).max(5),
  reason: z.string().trim().min(1).max(2000),
});
export type RecordSentiment = z.input<typeof RecordSentiment>;

/**
 * A CSM's read of the account, 1 (about to leave) to 5 (delighted), with why. It counts in the
 * score from the next recompute until the governing model's expiresAfterDays; recorded on the
 * timeline so the team sees it.
 */
export async function recordSentiment({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: RecordSentiment;
}): Promise<Sentiment> {
  await authorize(ctx, 'notes:write', accountId);
  const data = RecordSentiment.parse(input);
  return inTransaction(ctx, async (tx) => {
    await getAccountRef(tx, accountId);
    const modelId = (await loadCurrentStates(tx, [accountId])).get(accountId)?.healthModelId;
    const governing = modelId ? await findScoringModel(tx, modelId) : null;
    const days =
      governing?.sentiment?.expiresAfterDays ??
      (await loadHealthModels(tx)).find((m) => m.sentiment)?.sentiment?.expiresAfterDays ??
      DEFAULT_SENTIMENT_DAYS;
    const now = tx.now();
    const sentiment: Sentiment = {
      id: newId(),
      accountId,
      userId: tx.actor.kind === 'user' ? tx.actor.userId : null,
      score: data.score,
      reason: data.reason,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(),
    };
    await tx.db
      .insertInto('health_sentiments')
      .values({
        id: sentiment.id,
        workspace_id: tx.workspace.id,
        account_id: accountId,
        user_id: sentiment.userId,
        score: sentiment.score,
        reason: sentiment.reason,
        created_at: sentiment.createdAt,
        expires_at: sentiment.expiresAt,
      })
      .execute();
    await accountsChanged(tx, [accountId], 'sentiment');
    await writeAudit(tx, {
      action: 'health_sentiment.created',
      entityType: 'health_sentiment',
      entityId: sentiment.id,
      after: sentiment,
    });
    await writeTimeline(tx, {
      accountId,
      type: 'health.sentiment',
      title: msg('event.sentiment', { score: sentiment.score }),
      body: sentiment.reason,
      entityType: 'health_sentiment',
      entityId: sentiment.id,
      data: { score: sentiment.score },
    });
    return sentiment;
  });
}
