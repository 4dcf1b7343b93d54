import { describe, expect, it } from 'vitest';
import { changesOnDay, type DayState, type KnownState, replayChanges } from './compare.ts';

const next = (over: Partial<DayState> = {}): DayState => ({
  healthScore: 70,
  healthStatus: 'fair',
  healthModelId: 'm',
  healthTrend7d: null,
  healthTrend30d: null,
  tier: 'growth',
  stage: 'adoption',
  segments: ['east'],
  churnRisk: null,
  ...over,
});
const known = (over: Partial<KnownState> = {}): KnownState => ({
  tier: 'growth',
  tierSince: '2026-11-01',
  stage: 'adoption',
  stageSince: '2026-11-10',
  healthStatus: 'fair',
  segments: ['east'],
  ...over,
});
const DAY = '2026-12-01';

describe('changesOnDay', () => {
  it('records nothing when the day ends as the day before did, and keeps since when', () => {
    expect(changesOnDay(DAY, known(), [], next())).toEqual({
      changes: [],
      tierSince: '2026-11-01',
      stageSince: '2026-11-10',
    });
  });

  it('records each value that moved from the day before, and segment entries and exits by key', () => {
    const out = changesOnDay(
      DAY,
      known({ segments: ['east', 'risky'] }),
      [],
      next({ healthStatus: 'danger', stage: 'renewal', segments: ['east', 'big'] }),
    );
    expect(out.changes).toEqual([
      { kind: 'health_status', from: 'fair', to: 'danger' },
      { kind: 'stage', from: 'adoption', to: 'renewal' },
      { kind: 'segment_enter', from: null, to: 'big' },
      { kind: 'segment_exit', from: null, to: 'risky' },
    ]);
    expect([out.tierSince, out.stageSince]).toEqual(['2026-11-01', DAY]);
  });

  it('gives an account with no known state its first values (nulls are no change) since the day', () => {
    const out = changesOnDay(DAY, undefined, [], next({ healthStatus: null, segments: [] }));
    expect(out.changes).toEqual([
      { kind: 'tier', from: null, to: 'growth' },
      { kind: 'stage', from: null, to: 'adoption' },
    ]);
    expect([out.tierSince, out.stageSince]).toEqual([DAY, DAY]);
  });

  it('counts what the day already recorded: the same result again records nothing', () => {
    const first = changesOnDay(DAY, known(), [], next({ tier: 'strategic', segments: [] }));
    expect(first.changes).toHaveLength(2);
    expect(
      changesOnDay(DAY, known(), first.changes, next({ tier: 'strategic', segments: [] })).changes,
    ).toEqual([]);
  });

  it('records a move from where the day ended, not from the day before, when a rerun differs', () => {
    const recorded = [{ kind: 'tier' as const, from: 'growth', to: 'strategic' }];
    expect(changesOnDay(DAY, known(), recorded, next({ tier: 'growth' })).changes).toEqual([
      { kind: 'tier', from: 'strategic', to: 'growth' },
    ]);
    // A manual value recorded on the day that the rules now give too: nothing more.
    const manual = [{ kind: 'stage' as const, from: 'adoption', to: 'expansion' }];
    expect(changesOnDay(DAY, known(), manual, next({ stage: 'expansion' })).changes).toEqual([]);
  });
});

describe('replayChanges', () => {
  it('replays a change history: last value of each kind, since its day, and the segments held', () => {
    const state = replayChanges(undefined, [
      { day: '2026-11-01', kind: 'tier', from: null, to: 'growth' },
      { day: '2026-11-01', kind: 'segment_enter', from: null, to: 'east' },
      { day: '2026-11-03', kind: 'stage', from: null, to: 'adoption' },
      { day: '2026-11-05', kind: 'segment_enter', from: null, to: 'risky' },
      { day: '2026-11-07', kind: 'health_status', from: 'fair', to: 'danger' },
      { day: '2026-11-08', kind: 'segment_exit', from: null, to: 'east' },
      { day: '2026-11-09', kind: 'tier', from: 'growth', to: 'strategic' },
    ]);
    expect(state).toEqual({
      tier: 'strategic',
      tierSince: '2026-11-09',
      stage: 'adoption',
      stageSince: '2026-11-03',
      healthStatus: 'danger',
      segments: ['risky'],
    });
  });
});
