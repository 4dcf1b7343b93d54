import { describe, expect, it } from 'vitest';
import { knownSorted, quintileAmong, rfmSegment } from './rfm.ts';

/** Every account's quintile score among all of them, as a whole build gives them. */
const quintileScores = (values: ReadonlyMap<string, number | null>, lowerIsBetter = false) => {
  const sorted = knownSorted(values.values());
  return new Map([...values].map(([id, v]) => [id, quintileAmong(sorted, v, lowerIsBetter)]));
};

describe('RFM scoring', () => {
  it('scores quintiles within the workspace, ties sharing a score', () => {
    const values = new Map<string, number | null>(
      Array.from({ length: 10 }, (_, i) => [`a${i}`, i * 10] as [string, number]),
    );
    const s = quintileScores(values);
    expect([...s.values()]).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const ties = quintileScores(
      new Map([
        ['a', 5],
        ['b', 5],
        ['c', 5],
        ['d', 9],
      ]),
    );
    expect(ties.get('a')).toBe(1);
    expect(ties.get('c')).toBe(1);
    expect(ties.get('d')).toBe(4);
  });

  it('turns recency round: fewer days since the last value behaviour scores higher; none scores 1', () => {
    const r = quintileScores(
      new Map<string, number | null>([
        ['fresh', 1],
        ['week', 7],
        ['month', 30],
        ['quarter', 95],
        ['stale', 200],
        ['never', null],
      ]),
      true,
    );
    expect(r.get('fresh')).toBe(5);
    expect(r.get('stale')).toBe(1);
    expect(r.get('never')).toBe(1);
    expect(r.get('week')! > r.get('month')!).toBe(true);
  });

  it("reproduces the seed's segments", () => {
    // recency < 30 and frequency > 5: 高价值活跃客户
    expect(rfmSegment({ recencyDays: 3, frequency30d: 12, m: 1 })).toBe('high_value_active');
    // recency > 90 and low monetary: 低价值流失风险客户
    expect(rfmSegment({ recencyDays: 120, frequency30d: 0, m: 2 })).toBe('low_value_churn_risk');
    expect(rfmSegment({ recencyDays: null, frequency30d: 0, m: 1 })).toBe('low_value_churn_risk');
    expect(rfmSegment({ recencyDays: 45, frequency30d: 2, m: 5 })).toBe('high_value_at_risk');
    expect(rfmSegment({ recencyDays: 10, frequency30d: 3, m: 3 })).toBe('general');
  });
});
