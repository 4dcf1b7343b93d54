import { describe, expect, it } from 'vitest';
import {
  backtest,
  classifyChurn,
  defaultPercentiles,
  proposeBands,
  quantile,
  rocAuc,
} from './calibration-maths.ts';
import { DEFAULT_BANDS } from './health-model.schemas.ts';

describe('rocAuc', () => {
  it('is 1 when every renewed account scored above every churned one, 0 the other way round', () => {
    expect(rocAuc([70, 80, 90], [10, 20])).toBe(1);
    expect(rocAuc([10, 20], [70, 80, 90])).toBe(0);
  });

  it('counts ties as half, through average ranks', () => {
    // Pairs: (1,2)=0 (1,0)=1 (2,2)=½ (2,0)=1 (3,2)=1 (3,0)=1 -> 4.5 of 6.
    expect(rocAuc([1, 2, 3], [2, 0])).toBe(0.75);
    expect(rocAuc([50, 50], [50, 50, 50])).toBe(0.5);
    // Pairs: 60 beats 40 twice, ties 60 once; 40 ties 40 twice, loses to 60 once -> (2 + ½ + 1) / 6.
    expect(rocAuc([60, 40], [40, 40, 60])).toBeCloseTo(3.5 / 6, 12);
  });

  it('matches counting pairs on a larger sample', () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return Math.floor((seed / 2147483647) * 20);
    };
    const pos = Array.from({ length: 60 }, () => rand() + 3);
    const neg = Array.from({ length: 40 }, rand);
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
    expect(rocAuc(pos, neg)).toBeCloseTo(wins / (pos.length * neg.length), 12);
  });

  it('is null when either class is empty', () => {
    expect(rocAuc([], [1])).toBeNull();
    expect(rocAuc([1], [])).toBeNull();
  });
});

describe('quantile', () => {
  it('interpolates between order statistics', () => {
    expect(quantile([40, 0, 20, 10, 30], 10)).toBe(4);
    expect(quantile([40, 0, 20, 10, 30], 50)).toBe(20);
    expect(quantile([40, 0, 20, 10, 30], 0)).toBe(0);
    expect(quantile([40, 0, 20, 10, 30], 100)).toBe(40);
    expect(quantile([7], 10)).toBe(7);
    expect(quantile([], 50)).toBeNull();
  });
});

describe('proposeBands', () => {
  const renewed = Array.from({ length: 11 }, (_, i) => i * 10);

  it('starts fair at the 10th percentile of renewed scores and excellent at the median', () => {
    const bands = proposeBands(DEFAULT_BANDS, renewed, [50, 10])!;
    expect(bands.map((b) => [b.key, b.min])).toEqual([
      ['excellent', 50],
      ['fair', 10],
      ['danger', 0],
    ]);
    expect(bands[0]!.label).toEqual(DEFAULT_BANDS[0]!.label);
  });

  it('takes the percentiles as parameters', () => {
    expect(proposeBands(DEFAULT_BANDS, renewed, [75, 25])!.map((b) => b.min)).toEqual([75, 25, 0]);
    expect(() => proposeBands(DEFAULT_BANDS, renewed, [50])).toThrow(/need 2 percentiles/);
  });

  it('keeps thresholds ordered when the renewed scores tie, and rounds to one decimal', () => {
    expect(proposeBands(DEFAULT_BANDS, [60, 60, 60], [50, 10])!.map((b) => b.min)).toEqual([60, 59.9, 0]);
    expect(proposeBands(DEFAULT_BANDS, [33.333, 66.666], [50, 10])!.map((b) => b.min)).toEqual([50, 36.7, 0]);
  });

  it('proposes nothing when no account renewed', () => {
    expect(proposeBands(DEFAULT_BANDS, [], [50, 10])).toBeNull();
  });

  it('defaults to seed 004’s 50/10 for three bands and spreads them for other counts', () => {
    expect(defaultPercentiles(3)).toEqual([50, 10]);
    expect(defaultPercentiles(2)).toEqual([10]);
    expect(defaultPercentiles(4)).toEqual([50, 30, 10]);
    expect(defaultPercentiles(1)).toEqual([]);
  });
});

describe('classifyChurn and backtest', () => {
  const samples = [
    { renewed: true, score: 80 },
    { renewed: true, score: 55 },
    { renewed: true, score: 30 }, // flagged, renewed: a false alarm
    { renewed: false, score: 20 }, // flagged, churned
    { renewed: false, score: 35 }, // flagged, churned
    { renewed: false, score: 60 }, // missed
  ];

  it('gives precision and recall of the lowest band for churn', () => {
    expect(classifyChurn(samples, DEFAULT_BANDS)).toEqual({
      flagged: 3,
      truePositives: 2,
      precision: 2 / 3,
      recall: 2 / 3,
    });
  });

  it('gives null precision when nothing is flagged and null recall when nothing churned', () => {
    expect(classifyChurn([{ renewed: false, score: 90 }], DEFAULT_BANDS)).toMatchObject({
      flagged: 0,
      precision: null,
      recall: 0,
    });
    expect(classifyChurn([{ renewed: true, score: 10 }], DEFAULT_BANDS)).toMatchObject({
      flagged: 1,
      precision: 0,
      recall: null,
    });
  });

  it('backtests the current and the proposed bands', () => {
    const proposed = proposeBands(DEFAULT_BANDS, [80, 55, 30], [50, 10])!;
    expect(proposed.map((b) => b.min)).toEqual([55, 35, 0]);
    const result = backtest(samples, DEFAULT_BANDS, proposed);
    // Renewed 80, 55, 30 vs churned 20, 35, 60: 80 beats 3, 55 beats 2, 30 beats 1 -> 6 of 9.
    expect(result).toMatchObject({ renewed: 3, churned: 3, auc: 6 / 9 });
    expect(result.proposed).toEqual({ flagged: 2, truePositives: 1, precision: 0.5, recall: 1 / 3 });
    expect(backtest([], DEFAULT_BANDS, null)).toEqual({
      renewed: 0,
      churned: 0,
      auc: null,
      current: { flagged: 0, truePositives: 0, precision: null, recall: null },
      proposed: null,
    });
  });
});
