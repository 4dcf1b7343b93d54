import { describe, expect, it } from 'vitest';
import { kpiOnTrack, kpiProgress, objectiveProgress, planProgress, valueAsOf } from './kpi-maths.ts';
import { milestoneStatus } from './milestone-maths.ts';

describe('KPI progress', () => {
  it('measures the way from baseline to target, both directions, clamped', () => {
    // Seed 001: efficiency +30% from 0.
    expect(kpiProgress({ direction: 'increase', baseline: 0, target: 30, current: 24 })).toBeCloseTo(0.8);
    // Cost down from 100 to 80 (−20%): at 90 half way.
    expect(kpiProgress({ direction: 'decrease', baseline: 100, target: 80, current: 90 })).toBeCloseTo(0.5);
    expect(kpiProgress({ direction: 'decrease', baseline: 100, target: 80, current: 120 })).toBe(0);
    expect(kpiProgress({ direction: 'increase', baseline: 10, target: 20, current: 35 })).toBe(1);
    // No baseline counts from 0; no value is unknown.
    expect(kpiProgress({ direction: 'increase', baseline: null, target: 15, current: 3 })).toBeCloseTo(0.2);
    expect(kpiProgress({ direction: 'increase', baseline: 0, target: 15, current: null })).toBeNull();
    // A target at the baseline is met or not.
    expect(kpiProgress({ direction: 'increase', baseline: 5, target: 5, current: 5 })).toBe(1);
    expect(kpiProgress({ direction: 'decrease', baseline: 5, target: 5, current: 6 })).toBe(0);
  });

  it('is on track when progress keeps up with the time passed (10 points of slack)', () => {
    const start = '2026-01-01';
    const due = '2026-04-11'; // 100 days
    expect(kpiOnTrack(0.45, start, due, '2026-02-20')).toBe(true); // 50% of the time, 45% of the way
    expect(kpiOnTrack(0.35, start, due, '2026-02-20')).toBe(false);
    expect(kpiOnTrack(1, start, due, '2026-05-01')).toBe(true);
    expect(kpiOnTrack(0.95, start, due, '2026-05-01')).toBe(false);
    // Without a value: fine in the first tenth of the time only.
    expect(kpiOnTrack(null, start, due, '2026-01-05')).toBe(true);
    expect(kpiOnTrack(null, start, due, '2026-01-20')).toBe(false);
    // Without a due date nothing is expected yet.
    expect(kpiOnTrack(0, start, null, '2026-06-01')).toBe(true);
  });

  it('rolls KPIs into objectives and objectives into a plan', () => {
    expect(objectiveProgress('in_progress', [0.8, null, 0.4])).toBeCloseTo(0.4);
    expect(objectiveProgress('done', [0.1])).toBe(1);
    expect(objectiveProgress('cancelled', [0.9])).toBeNull();
    expect(objectiveProgress('not_started', [])).toBe(0);
    expect(planProgress([1, 0.4, null])).toBeCloseTo(0.7);
    expect(planProgress([null])).toBeNull();
  });

  it('reads the latest entered value at or before a day', () => {
    const values = [
      { day: '2026-01-01', value: 1 },
      { day: '2026-02-01', value: 2 },
      { day: '2026-03-01', value: 3 },
    ];
    expect(valueAsOf(values, '2026-02-15')?.value).toBe(2);
    expect(valueAsOf(values, '2025-12-31')).toBeNull();
  });
});

describe('milestone timing', () => {
  const goLive = '2026-01-01';
  it('is upcoming, then due in its last 30 days, then late; achieved wins', () => {
    const at = (day: string, achievedOn: string | null = null) =>
      milestoneStatus({ goLive, dueDay: 90, achievedOn, day });
    expect(at('2026-02-01')).toEqual({ status: 'upcoming', dueDate: '2026-04-01' });
    expect(at('2026-03-02')?.status).toBe('due');
    expect(at('2026-04-01')?.status).toBe('due');
    expect(at('2026-04-02')?.status).toBe('late');
    expect(at('2026-04-02', '2026-03-15')?.status).toBe('achieved');
    // Achieved after the day asked about: not yet.
    expect(at('2026-03-10', '2026-03-15')?.status).toBe('due');
    expect(milestoneStatus({ goLive: null, dueDay: 30, achievedOn: null, day: '2026-03-01' })).toBeNull();
  });
});
