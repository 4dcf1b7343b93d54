// Small read helpers over this module's tables for the modules that need an account's state:
// they call these instead of querying account_states, account_state_days or state_changes.
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';

/** An account's current derived state: the latest computed day's, with any manual change since. */
export type CurrentState = {
  day: string;
  healthScore: number | null;
  healthStatus: string | null;
  healthModelId: string | null;
  healthTrend7d: number | null;
  healthTrend30d: number | null;
  tier: string | null;
  tierSince: string | null;
  stage: string | null;
  stageSince: string | null;
  segments: string[];
  /** The churn model's probability as the recompute last computed it; null without a published model. */
  churnRisk: number | null;
  /** When the recompute last wrote this state (the full pass or the incremental one). */
  updatedAt: string;
};

const BATCH = 500;

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** Current state by account: every account with one (`ids` null), or those of `ids`. */
export async function loadCurrentStates(
  ctx: Ctx,
  ids: readonly string[] | null,
): Promise<Map<string, CurrentState>> {
  const out = new Map<string, CurrentState>();
  const batches: (readonly string[] | null)[] = [];
  if (ids === null) batches.push(null);
  else for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
  for (const batch of batches) {
    let q = ctx.db.selectFrom('account_states').selectAll().where('workspace_id', '=', ctx.workspace.id);
    if (batch) q = q.where('account_id', 'in', batch);
    for (const r of await q.execute()) {
      out.set(r.account_id, {
        day: r.day,
        healthScore: num(r.health_score),
        healthStatus: r.health_status,
        healthModelId: r.health_model_id,
        healthTrend7d: num(r.health_trend_7d),
        healthTrend30d: num(r.health_trend_30d),
        tier: r.tier,
        tierSince: r.tier_since,
        stage: r.stage,
        stageSince: r.stage_since,
        segments: parseJson<string[]>(r.segments, []),
        churnRisk: num(r.churn_risk),
        updatedAt: r.updated_at,
      });
    }
  }
  return out;
}

/**
 * A subquery of the ids of accounts whose current state matches, for `where account_id in (...)`
 * in another module's query: the filter stays in the database, the table stays this module's.
 */
export function accountIdsWithState(ctx: Ctx, match: { tier: string }) {
  return ctx.db
    .selectFrom('account_states')
    .select('account_id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('tier', '=', match.tier);
}

/** A recorded change of one account's tier, stage, health status or segment membership. */
export type StateChangeRow = {
  accountId: string;
  day: string;
  kind: string;
  from: string | null;
  to: string | null;
};

/**
 * The state changes recorded between two days (inclusive; either end open when left out), oldest
 * first (by day, then in the order they were written), optionally of some kinds only.
 */
export async function stateChangesBetween(
  ctx: Ctx,
  range: { from?: string; to?: string; kinds?: readonly string[] },
): Promise<StateChangeRow[]> {
  let q = ctx.db
    .selectFrom('state_changes')
    .select(['account_id', 'day', 'kind', 'from_value', 'to_value'])
    .where('workspace_id', '=', ctx.workspace.id);
  if (range.from !== undefined) q = q.where('day', '>=', range.from);
  if (range.to !== undefined) q = q.where('day', '<=', range.to);
  if (range.kinds) q = q.where('kind', 'in', range.kinds.length ? range.kinds : ['']);
  const rows = await q.orderBy('day').orderBy('id').execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    day: r.day,
    kind: r.kind,
    from: r.from_value,
    to: r.to_value,
  }));
}

/** The first day with stored daily state (the start of the history a backtest can read), or null. */
export async function firstStateDay(ctx: Ctx): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('account_state_days')
    .select((eb) => eb.fn.min('day').as('day'))
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  return (row?.day as string | null | undefined) ?? null;
}
