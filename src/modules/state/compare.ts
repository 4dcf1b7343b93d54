// What one account's state did on one day, as a pure function: the recompute's result for the day
// against the state as of the day before, with what is already recorded for that day counted in.

/** What the recompute computed for an account on a day: the one writer's input. */
export type DayState = {
  healthScore: number | null;
  healthStatus: string | null;
  healthModelId: string | null;
  healthTrend7d: number | null;
  healthTrend30d: number | null;
  tier: string | null;
  stage: string | null;
  segments: string[];
  /** The `churn_risk` fact of the batch (kept in the current state only). */
  churnRisk: number | null;
};

/** An account's state as known at the end of some day (see loadStatesAsOf). */
export type KnownState = {
  tier: string | null;
  tierSince: string | null;
  stage: string | null;
  stageSince: string | null;
  healthStatus: string | null;
  segments: readonly string[];
};

export const CHANGE_KINDS = ['health_status', 'tier', 'stage', 'segment_enter', 'segment_exit'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** A change as state_changes records it; segment kinds carry the segment key in `to`. */
export type DayChange = { kind: ChangeKind; from: string | null; to: string | null };

const VALUE_KINDS = [
  ['health_status', 'healthStatus'],
  ['tier', 'tier'],
  ['stage', 'stage'],
] as const;

/**
 * The changes to record on `day` so that the day's history goes from `before` (the state at the
 * end of the day before; undefined when nothing is known) to `next`, given the changes `recorded`
 * on that day already (by an earlier run of the same day, or by hand), in the order they were
 * written. Recomputing a day with the same result therefore records nothing; a different result
 * records one change from where the day's history ends. Also since when the account is in its
 * tier and stage at the end of the day.
 */
export function changesOnDay(
  day: string,
  before: KnownState | undefined,
  recorded: readonly DayChange[],
  next: DayState,
): { changes: DayChange[]; tierSince: string | null; stageSince: string | null } {
  const changes: DayChange[] = [];
  for (const [kind, field] of VALUE_KINDS) {
    let end = before ? before[field] : null;
    for (const c of recorded) if (c.kind === kind) end = c.to;
    const to = next[field];
    if (end !== to) changes.push({ kind, from: end, to });
  }
  const member = new Set(before?.segments ?? []);
  for (const c of recorded) {
    if (c.kind === 'segment_enter' && c.to !== null) member.add(c.to);
    else if (c.kind === 'segment_exit' && c.to !== null) member.delete(c.to);
  }
  const want = new Set(next.segments);
  for (const key of [...want].sort()) {
    if (!member.has(key)) changes.push({ kind: 'segment_enter', from: null, to: key });
  }
  for (const key of [...member].sort()) {
    if (!want.has(key)) changes.push({ kind: 'segment_exit', from: null, to: key });
  }
  return {
    changes,
    tierSince: before && before.tier === next.tier ? before.tierSince : day,
    stageSince: before && before.stage === next.stage ? before.stageSince : day,
  };
}

/**
 * The state after `changes` (each with the day it happened, oldest first) on top of `before`:
 * what the change history alone knows, for days no daily state row covers.
 */
export function replayChanges(
  before: KnownState | undefined,
  changes: readonly (DayChange & { day: string })[],
): KnownState {
  const out: KnownState = before
    ? { ...before }
    : { tier: null, tierSince: null, stage: null, stageSince: null, healthStatus: null, segments: [] };
  const segments = new Set(out.segments);
  for (const c of changes) {
    if (c.kind === 'tier') Object.assign(out, { tier: c.to, tierSince: c.day });
    else if (c.kind === 'stage') Object.assign(out, { stage: c.to, stageSince: c.day });
    else if (c.kind === 'health_status') out.healthStatus = c.to;
    else if (c.kind === 'segment_enter' && c.to !== null) segments.add(c.to);
    else if (c.kind === 'segment_exit' && c.to !== null) segments.delete(c.to);
  }
  out.segments = [...segments].sort();
  return out;
}
