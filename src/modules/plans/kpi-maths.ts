// The pure maths of success plans: how far a customer KPI has moved from its baseline toward its
// target, whether it is on track for its objective's due date, and an objective's and a plan's
// progress. No database; unit tests call these with literals.
import { daysBetween } from '../../time.ts';

export type KpiDirection = 'increase' | 'decrease';

export type KpiFigures = {
  direction: KpiDirection;
  baseline: number | null;
  target: number;
  current: number | null;
};

/** How much of the road from baseline to target is covered (0-1), or null without a current value. */
export function kpiProgress(k: KpiFigures): number | null {
  if (k.current === null || !Number.isFinite(k.current)) return null;
  const baseline = k.baseline ?? 0;
  const gap = k.direction === 'increase' ? k.target - baseline : baseline - k.target;
  const moved = k.direction === 'increase' ? k.current - baseline : baseline - k.current;
  if (gap <= 0) {
    // The target is already at (or past) the baseline: met when the current value reaches it.
    const met = k.direction === 'increase' ? k.current >= k.target : k.current <= k.target;
    return met ? 1 : 0;
  }
  return clamp01(moved / gap);
}

/** Share of the time from start to due that has passed on `day` (0-1); 0 without a due date. */
export function elapsedShare(start: string, due: string | null, day: string): number {
  if (!due) return 0;
  const span = daysBetween(start, due);
  if (span <= 0) return day >= due ? 1 : 0;
  return clamp01(daysBetween(start, day) / span);
}

/** Progress may lag the elapsed time by this much and still be on track. */
export const ON_TRACK_TOLERANCE = 0.1;

/**
 * On track: the target is met, or (until the due date) the progress keeps up with the time passed toward the due date
 * (a KPI half way through its time should be about half way to its target). A KPI with no value
 * yet is not on track once a tenth of its time has passed.
 */
export function kpiOnTrack(progress: number | null, start: string, due: string | null, day: string): boolean {
  if (progress !== null && progress >= 1) return true;
  // Past the due date only a met target is on track.
  if (due && day > due) return false;
  const expected = elapsedShare(start, due, day);
  if (progress === null) return expected <= ON_TRACK_TOLERANCE;
  return progress + ON_TRACK_TOLERANCE >= expected;
}

export type ObjectiveStatus = 'not_started' | 'in_progress' | 'at_risk' | 'done' | 'cancelled';

/** Done is 1; otherwise the mean of its KPIs' progress (a KPI without a value counts 0); null when cancelled. */
export function objectiveProgress(
  status: ObjectiveStatus,
  kpiProgresses: readonly (number | null)[],
): number | null {
  if (status === 'cancelled') return null;
  if (status === 'done') return 1;
  if (kpiProgresses.length === 0) return 0;
  return kpiProgresses.reduce<number>((s, p) => s + (p ?? 0), 0) / kpiProgresses.length;
}

/** Mean of the objectives' progress, cancelled ones left out; null when nothing counts. */
export function planProgress(objectiveProgresses: readonly (number | null)[]): number | null {
  const counted = objectiveProgresses.filter((p): p is number => p !== null);
  if (!counted.length) return null;
  return counted.reduce((s, p) => s + p, 0) / counted.length;
}

/** The latest entered value at or before `day` from values sorted by day ascending. */
export function valueAsOf<T extends { day: string; value: number }>(
  values: readonly T[],
  day: string,
): T | null {
  let found: T | null = null;
  for (const v of values) {
    if (v.day > day) break;
    found = v;
  }
  return found;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
