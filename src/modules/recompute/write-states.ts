// The recompute's one write of account state: each account's DayState for `day` against its
// stored state (account_states): the new current state, a state change for every tier, stage or
// health-status change (plus a timeline entry), segment membership with its enter/exit changes,
// and no state left for accounts that are gone. The state module's applyStateChanges(tx, day,
// results) takes the same arguments and replaces this function when it lands.
import type { Ctx } from '../../context.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { updateSegmentMembership } from '../segments/index.ts';
import type { AccountStatesTable, StateChangesTable } from '../segments/segments.table.ts';
import { writeTimeline } from '../timeline/index.ts';
import type { DayState } from './steps.ts';

export type StateChangeCounts = {
  health_status: number;
  tier: number;
  stage: number;
  segment_enter: number;
  segment_exit: number;
};

const TIMELINE_TITLES = {
  health_status: (from: string | null, to: string | null) => `Health status ${from ?? '—'} → ${to ?? '—'}`,
  tier: (from: string | null, to: string | null) => `Tier ${from ?? '—'} → ${to ?? '—'}`,
  stage: (from: string | null, to: string | null) => `Lifecycle stage ${from ?? '—'} → ${to ?? '—'}`,
};

/** Writes `results` (every account of the workspace) as the state of `day`; returns what changed. */
export async function writeDayStates(
  tx: Ctx,
  day: string,
  results: ReadonlyMap<string, DayState>,
): Promise<StateChangeCounts> {
  const changes: StateChangeCounts = {
    health_status: 0,
    tier: 0,
    stage: 0,
    segment_enter: 0,
    segment_exit: 0,
  };
  const previous = new Map(
    (
      await tx.db
        .selectFrom('account_states')
        .selectAll()
        .where('workspace_id', '=', tx.workspace.id)
        .execute()
    ).map((r) => [r.account_id, r]),
  );
  const membership = new Map<string, readonly string[]>();
  for (const [id, s] of results) membership.set(id, s.segments);
  for (const c of await updateSegmentMembership(tx, day, membership)) {
    changes[c.kind as 'segment_enter' | 'segment_exit']++;
  }
  const now = nowIso(tx);
  const system: Ctx = { ...tx, actor: { kind: 'system', name: 'recompute' } };
  let rows: AccountStatesTable[] = [];
  const changeRows: StateChangesTable[] = [];
  for (const [id, s] of results) {
    const p = previous.get(id);
    const next = {
      workspace_id: tx.workspace.id,
      account_id: id,
      day,
      health_score: s.healthScore,
      health_status: s.healthStatus,
      health_model_id: s.healthModelId,
      health_trend_7d: s.healthTrend7d,
      health_trend_30d: s.healthTrend30d,
      tier: s.tier,
      tier_since: p && p.tier === s.tier ? p.tier_since : day,
      stage: s.stage,
      stage_since: p && p.stage === s.stage ? p.stage_since : day,
      segments: JSON.stringify(s.segments),
      updated_at: now,
    };
    rows.push(next);
    for (const kind of ['health_status', 'tier', 'stage'] as const) {
      const from = p ? (p[kind] ?? null) : null;
      const to = next[kind];
      if (from === to || (!p && to === null)) continue;
      changes[kind]++;
      changeRows.push({
        id: newId(),
        workspace_id: tx.workspace.id,
        account_id: id,
        day,
        kind,
        from_value: from,
        to_value: to,
        reason: null,
        created_at: now,
      });
      if (changeRows.length === 100) await insertStateChanges(tx, changeRows.splice(0));
      // The first assignment is history, not news: only real changes go on the timeline.
      if (p) {
        await writeTimeline(system, {
          accountId: id,
          type: `${kind === 'health_status' ? 'health.status' : kind}.changed`,
          title: TIMELINE_TITLES[kind](from, to),
          data: { changes: { [kind]: [from, to] }, day },
          occurredAt: `${day}T12:00:00.000Z` > now ? now : `${day}T12:00:00.000Z`,
        });
      }
    }
    if (rows.length === 200) {
      await upsertStates(tx, rows);
      rows = [];
    }
  }
  await insertStateChanges(tx, changeRows);
  await upsertStates(tx, rows);
  // Accounts deleted since the last run leave no state behind.
  const gone = [...previous.keys()].filter((id) => !results.has(id));
  for (let i = 0; i < gone.length; i += 200) {
    await tx.db
      .deleteFrom('account_states')
      .where('workspace_id', '=', tx.workspace.id)
      .where('account_id', 'in', gone.slice(i, i + 200))
      .execute();
  }
  return changes;
}

/** 100 rows of 9 columns a statement, far below either engine's bound-parameter limit. */
async function insertStateChanges(tx: Ctx, rows: StateChangesTable[]) {
  for (let i = 0; i < rows.length; i += 100) {
    await tx.db
      .insertInto('state_changes')
      .values(rows.slice(i, i + 100))
      .execute();
  }
}

/** 200 rows of 14 columns a statement. */
async function upsertStates(tx: Ctx, rows: AccountStatesTable[]) {
  for (let i = 0; i < rows.length; i += 200) {
    await tx.db
      .insertInto('account_states')
      .values(rows.slice(i, i + 200))
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
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
