import type { Ctx } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { today } from '../../time.ts';
import { authorize } from '../auth/index.ts';
import { buildFacts, type Facts } from './build-facts.ts';
import { loadCatalogue } from './catalogue.ts';

export async function getCatalogue({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'read');
  return { items: await loadCatalogue(ctx), nextCursor: null };
}

/** One account's facts as of today, with its stored derived state (health, tier, stage, segments). */
export async function getAccountFacts({
  ctx,
  accountId,
}: {
  ctx: Ctx;
  accountId: string;
}): Promise<{ day: string; facts: Facts }> {
  await authorize(ctx, 'read');
  const day = today(ctx);
  const built = await buildFacts(ctx, [accountId], day);
  const facts = built.get(accountId);
  if (!facts) throw notFound('Account', accountId);
  return { day, facts: { ...facts, ...(await loadStateFacts(ctx, [accountId])).get(accountId) } };
}

/**
 * The facts that come from the last recompute rather than from source tables: health, tier,
 * stage and segments, keyed like the catalogue.
 */
export async function loadStateFacts(
  ctx: Ctx,
  accountIds: readonly string[] | null,
  day?: string,
): Promise<Map<string, Facts>> {
  let q = ctx.db.selectFrom('account_states').selectAll().where('workspace_id', '=', ctx.workspace.id);
  if (accountIds !== null) q = q.where('account_id', 'in', accountIds.length ? accountIds : ['']);
  const rows = await q.execute();
  const asOf = day ?? today(ctx);
  const out = new Map<string, Facts>();
  for (const r of rows) {
    out.set(r.account_id, {
      'health.score': r.health_score,
      'health.status': r.health_status,
      'health.trend_7d': r.health_trend_7d,
      'health.trend_30d': r.health_trend_30d,
      tier: r.tier,
      stage: r.stage,
      days_in_stage: r.stage_since
        ? Math.max(0, Math.round((Date.parse(asOf) - Date.parse(r.stage_since)) / 86_400_000))
        : null,
      segments: JSON.parse(r.segments) as string[],
    });
  }
  return out;
}
