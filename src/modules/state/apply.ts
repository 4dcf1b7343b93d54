// The one writer of derived account state. The recompute computes a day's health, tier, stage and
// segments for every account; this records what changed on that day and, only for the latest
// computed day, moves the current state. Before it, a recompute compared a past day with today's
// state and overwrote it: recomputing 2026-11-28 wrote 115 stage changes that never happened,
// moved stageSince, and the next recompute wrote 115 reversals.

import type { Ctx } from '../../context.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { addDays, nowIso } from '../../time.ts';
import { valueParam, writeTimeline } from '../timeline/index.ts';
import { latestComputedDay, loadStatesAsOf } from './as-of.ts';
import { CHANGE_KINDS, type ChangeKind, changesOnDay, type DayChange, type DayState } from './compare.ts';
import type { AccountStateDaysTable, AccountStatesTable, StateChangesTable } from './state.table.ts';

export type AppliedStateChanges = {
  /** Whether `day` was the latest computed day, so the current state moved to it. */
  current: boolean;
  /** The changes recorded on `day` by this call, by kind. */
  changes: Record<ChangeKind, number>;
};

// Messages, so the entry reads in each reader's language ("健康状态 一般 → 危险"), values included.
const TIMELINE_TITLES = {
  health_status: (from: string | null, to: string | null) =>
    msg('event.healthStatusChanged', {
      from: valueParam('healthStatus', from),
      to: valueParam('healthStatus', to),
    }),
  tier: (from: string | null, to: string | null) =>
    msg('event.tierChanged', { from: valueParam('tier', from), to: valueParam('tier', to) }),
  stage: (from: string | null, to: string | null) =>
    msg('event.stageChanged', { from: valueParam('stage', from), to: valueParam('stage', to) }),
};

/**
 * Records `day`'s results (account id -> what the recompute computed): each account is compared
 * with its state as of the day before, counting the changes already recorded on `day`, so the
 * same day twice records nothing. The changes go into state_changes dated `day` (tier, stage and
 * health status changes also on the timeline, except an account's first assignment), the day's
 * row of the daily history is written, and, when `day` is at or after the latest computed day,
 * the current state moves (account_states, tierSince, stageSince) and accounts missing from
 * `results` (deleted) lose theirs. A past day (a backfill) leaves the current state alone.
 */
export async function applyStateChanges(
  tx: Ctx,
  day: string,
  results: ReadonlyMap<string, DayState>,
  /** `partial`: results hold some accounts only (the incremental recompute); the others keep their state. */
  options: { partial?: boolean } = {},
): Promise<AppliedStateChanges> {
  const ws = tx.workspace.id;
  const latest = await latestComputedDay(tx);
  const current = latest === null || day >= latest;
  const before = await loadStatesAsOf(tx, options.partial ? [...results.keys()] : null, addDays(day, -1));
  const recorded = new Map<string, DayChange[]>();
  const recordedRows = await tx.db
    .selectFrom('state_changes')
    .select(['account_id', 'kind', 'from_value', 'to_value'])
    .where('workspace_id', '=', ws)
    .where('kind', 'in', CHANGE_KINDS)
    .where('day', '=', day)
    .orderBy('id')
    .execute();
  for (const r of recordedRows) {
    const list = recorded.get(r.account_id) ?? [];
    list.push({ kind: r.kind as ChangeKind, from: r.from_value, to: r.to_value });
    recorded.set(r.account_id, list);
  }

  const now = nowIso(tx);
  const occurredAt = `${day}T12:00:00.000Z` > now ? now : `${day}T12:00:00.000Z`;
  const system: Ctx = { ...tx, actor: { kind: 'system', name: 'recompute' } };
  const counts: Record<ChangeKind, number> = {
    health_status: 0,
    tier: 0,
    stage: 0,
    segment_enter: 0,
    segment_exit: 0,
  };
  let changeRows: StateChangesTable[] = [];
  let dayRows: AccountStateDaysTable[] = [];
  let stateRows: AccountStatesTable[] = [];
  for (const [id, next] of results) {
    const was = before.get(id);
    const already = recorded.get(id) ?? [];
    const { changes, tierSince, stageSince } = changesOnDay(day, was, already, next);
    // An account's first state is history, not news: only changes from a known state go on the
    // timeline (known from the day before, or from what is already recorded on the day).
    const news = was !== undefined || already.length > 0;
    for (const c of changes) {
      counts[c.kind]++;
      changeRows.push({
        id: newId(),
        workspace_id: ws,
        account_id: id,
        day,
        kind: c.kind,
        from_value: c.from,
        to_value: c.to,
        reason: null,
        created_at: now,
      });
      if (news && (c.kind === 'health_status' || c.kind === 'tier' || c.kind === 'stage')) {
        await writeTimeline(system, {
          accountId: id,
          type: `${c.kind === 'health_status' ? 'health.status' : c.kind}.changed`,
          title: TIMELINE_TITLES[c.kind](c.from, c.to),
          data: { changes: { [c.kind]: [c.from, c.to] }, day },
          occurredAt,
        });
      }
    }
    if (changeRows.length >= 100) changeRows = await insertChanges(tx, changeRows);
    const segments = JSON.stringify(next.segments);
    dayRows.push({
      workspace_id: ws,
      account_id: id,
      day,
      health_score: next.healthScore,
      health_status: next.healthStatus,
      health_model_id: next.healthModelId,
      tier: next.tier,
      tier_since: tierSince,
      stage: next.stage,
      stage_since: stageSince,
      segments,
    });
    if (dayRows.length === 200) dayRows = await upsertDays(tx, dayRows);
    if (!current) continue;
    stateRows.push({
      workspace_id: ws,
      account_id: id,
      day,
      health_score: next.healthScore,
      health_status: next.healthStatus,
      health_model_id: next.healthModelId,
      health_trend_7d: next.healthTrend7d,
      health_trend_30d: next.healthTrend30d,
      tier: next.tier,
      tier_since: tierSince,
      stage: next.stage,
      stage_since: stageSince,
      segments,
      churn_risk: next.churnRisk,
      updated_at: now,
    });
    if (stateRows.length === 200) stateRows = await upsertStates(tx, stateRows);
  }
  await insertChanges(tx, changeRows);
  await upsertDays(tx, dayRows);
  if (current && !options.partial) {
    await upsertStates(tx, stateRows);
    // Accounts deleted since the last run leave no current state behind (their history stays).
    const have = await tx.db
      .selectFrom('account_states')
      .select('account_id')
      .where('workspace_id', '=', ws)
      .execute();
    const gone = have.map((r) => r.account_id).filter((id) => !results.has(id));
    for (let i = 0; i < gone.length; i += 200) {
      await tx.db
        .deleteFrom('account_states')
        .where('workspace_id', '=', ws)
        .where('account_id', 'in', gone.slice(i, i + 200))
        .execute();
    }
  } else if (current) await upsertStates(tx, stateRows);
  return { current, changes: counts };
}

/** 100 rows of 9 columns a statement, far below either engine's bound-parameter limit. */
async function insertChanges(tx: Ctx, rows: StateChangesTable[]): Promise<StateChangesTable[]> {
  for (let i = 0; i < rows.length; i += 100) {
    await tx.db
      .insertInto('state_changes')
      .values(rows.slice(i, i + 100))
      .execute();
  }
  return [];
}

/** 200 rows of 11 columns a statement. */
async function upsertDays(tx: Ctx, rows: AccountStateDaysTable[]): Promise<AccountStateDaysTable[]> {
  if (rows.length === 0) return [];
  await tx.db
    .insertInto('account_state_days')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'account_id', 'day']).doUpdateSet((eb) => ({
        health_score: eb.ref('excluded.health_score'),
        health_status: eb.ref('excluded.health_status'),
        health_model_id: eb.ref('excluded.health_model_id'),
        tier: eb.ref('excluded.tier'),
        tier_since: eb.ref('excluded.tier_since'),
        stage: eb.ref('excluded.stage'),
        stage_since: eb.ref('excluded.stage_since'),
        segments: eb.ref('excluded.segments'),
      })),
    )
    .execute();
  return [];
}

/** 200 rows of 14 columns a statement. */
async function upsertStates(tx: Ctx, rows: AccountStatesTable[]): Promise<AccountStatesTable[]> {
  if (rows.length === 0) return [];
  await tx.db
    .insertInto('account_states')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'account_id']).doUpdateSet((eb) => ({
        day: eb.ref('excluded.day'),
        health_score: eb.ref('excluded.health_score'),
        health_status: eb.ref('excluded.health_status'),
        health_model_id: eb.ref('excluded.health_model_id'),
        health_trend_7d: eb.ref('excluded.health_trend_7d'),
        health_trend_30d: eb.ref('excluded.health_trend_30d'),
        tier: eb.ref('excluded.tier'),
        tier_since: eb.ref('excluded.tier_since'),
        stage: eb.ref('excluded.stage'),
        stage_since: eb.ref('excluded.stage_since'),
        segments: eb.ref('excluded.segments'),
        churn_risk: eb.ref('excluded.churn_risk'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
  return [];
}
