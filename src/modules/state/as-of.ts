// "The state as of a day": what the recompute compares a day with, and what evaluations of a past
// day (backtests, previews of past days) read. The current row answers for the latest computed day
// and after; earlier days come from the daily rows (account_state_days), the nearest at or before
// the day; accounts no daily row covers (days computed before that table existed) are replayed
// from their change history.
import type { Ctx } from '../../context.ts';
import { parseJson } from '../../db/dialect.ts';
import { CHANGE_KINDS, type ChangeKind, type KnownState, replayChanges } from './compare.ts';
import { loadCurrentStates } from './reads.ts';
import type { AccountStateDaysTable } from './state.table.ts';

/** An account's state at the end of a day, and the day it is known from (at or before it). */
export type StateAsOf = KnownState & {
  knownOn: string;
  healthScore: number | null;
  healthModelId: string | null;
};

const BATCH = 500;

/** The day of the latest recompute that moved the current state (null: none yet). */
export async function latestComputedDay(ctx: Ctx): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('account_states')
    .select((eb) => eb.fn.max('day').as('day'))
    .where('workspace_id', '=', ctx.workspace.id)
    .executeTakeFirst();
  return (row?.day as string | null | undefined) ?? null;
}

const dayRowToState = (r: AccountStateDaysTable): StateAsOf => ({
  knownOn: r.day,
  healthScore: r.health_score === null ? null : Number(r.health_score),
  healthStatus: r.health_status,
  healthModelId: r.health_model_id,
  tier: r.tier,
  tierSince: r.tier_since,
  stage: r.stage,
  stageSince: r.stage_since,
  segments: parseJson<string[]>(r.segments, []),
});

/**
 * Each account's tier, stage (and since when), segments and health score and status as they were
 * at the end of `day`: every account with a state (`ids` null), or those of `ids`. Accounts with
 * nothing known at or before the day are absent.
 */
export async function loadStatesAsOf(
  ctx: Ctx,
  ids: readonly string[] | null,
  day: string,
): Promise<Map<string, StateAsOf>> {
  const out = new Map<string, StateAsOf>();
  const latest = await latestComputedDay(ctx);
  if (latest === null) return out;
  if (day >= latest) {
    for (const [id, s] of await loadCurrentStates(ctx, ids)) out.set(id, { ...s, knownOn: s.day });
    return out;
  }
  const ws = ctx.workspace.id;
  const wanted =
    ids ??
    (
      await ctx.db.selectFrom('account_states').select('account_id').where('workspace_id', '=', ws).execute()
    ).map((r) => r.account_id);
  // Nearly always one computed day holds every account: one seek for it, one range for its rows.
  const at = await ctx.db
    .selectFrom('account_state_days')
    .select((eb) => eb.fn.max('day').as('day'))
    .where('workspace_id', '=', ws)
    .where('day', '<=', day)
    .executeTakeFirst();
  const onDay = (at?.day as string | null | undefined) ?? null;
  if (onDay !== null) {
    for (const batch of batches(ids)) {
      let q = ctx.db
        .selectFrom('account_state_days')
        .selectAll()
        .where('workspace_id', '=', ws)
        .where('day', '=', onDay);
      if (batch) q = q.where('account_id', 'in', batch);
      for (const r of await q.execute()) out.set(r.account_id, dayRowToState(r));
    }
  }
  // The rest: each account's own nearest row (a primary-key seek each), else its change history;
  // neither when the workspace has none at or before the day (a first run, a rerun of the first day).
  let missing = onDay === null ? [] : wanted.filter((id) => !out.has(id));
  for (let i = 0; i < missing.length; i += BATCH) {
    const rows = await ctx.db
      .selectFrom('account_state_days as d')
      .selectAll('d')
      .where('d.workspace_id', '=', ws)
      .where('d.account_id', 'in', missing.slice(i, i + BATCH))
      .where('d.day', '=', (eb) =>
        eb
          .selectFrom('account_state_days as e')
          .select((e) => e.fn.max('e.day').as('day'))
          .whereRef('e.workspace_id', '=', 'd.workspace_id')
          .whereRef('e.account_id', '=', 'd.account_id')
          .where('e.day', '<=', day),
      )
      .execute();
    for (const r of rows) out.set(r.account_id, dayRowToState(r));
  }
  missing = wanted.filter((id) => !out.has(id));
  const anyChange = await ctx.db
    .selectFrom('state_changes')
    .select('account_id')
    .where('workspace_id', '=', ws)
    .where('kind', 'in', CHANGE_KINDS)
    .where('day', '<=', day)
    .limit(1)
    .executeTakeFirst();
  if (!anyChange) missing = [];
  for (let i = 0; i < missing.length; i += BATCH) {
    const rows = await ctx.db
      .selectFrom('state_changes')
      .select(['account_id', 'day', 'kind', 'from_value', 'to_value'])
      .where('workspace_id', '=', ws)
      .where('account_id', 'in', missing.slice(i, i + BATCH))
      .where('kind', 'in', CHANGE_KINDS)
      .where('day', '<=', day)
      .orderBy('day')
      .orderBy('id')
      .execute();
    const byAccount = new Map<
      string,
      { day: string; kind: ChangeKind; from: string | null; to: string | null }[]
    >();
    for (const r of rows) {
      const list = byAccount.get(r.account_id) ?? [];
      list.push({ day: r.day, kind: r.kind as ChangeKind, from: r.from_value, to: r.to_value });
      byAccount.set(r.account_id, list);
    }
    for (const [id, changes] of byAccount) {
      out.set(id, {
        ...replayChanges(undefined, changes),
        knownOn: changes.at(-1)!.day,
        healthScore: null,
        healthModelId: null,
      });
    }
  }
  return out;
}

function batches(ids: readonly string[] | null): (readonly string[] | null)[] {
  if (ids === null) return [null];
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH) out.push(ids.slice(i, i + BATCH));
  return out;
}
