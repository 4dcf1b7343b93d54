import { describe, expect, it } from 'vitest';
import { combine, expectedTouches, type Metrics, outcomeParts, processParts } from './scorecard.ts';

const base: Metrics = {
  renewalRateCount: 0.8,
  renewalRateArr: 0.9,
  nrr: 1.1,
  nps: null,
  expansionArr: 50,
  startArr: 1000,
  cadenceAttainment: 0.5,
  tasksOnTime: null,
  dangerWithPlan: null,
  healthImproved: 0.7,
};

describe('scorecards', () => {
  it('turns metrics into 0-1 parts against their targets', () => {
    expect(outcomeParts(base)).toEqual({ renewalRate: 0.9, nrr: 1, expansion: 0.5 });
    expect(processParts(base)).toEqual({ touches: 0.5, healthImproved: 0.7 });
    expect(outcomeParts({ ...base, nps: 40 }).nps).toBeCloseTo(0.7);
  });

  it('combines 60% outcome and 40% process by default: 0.6 * 0.8 + 0.4 * 0.6 = 72', () => {
    expect(combine(base, { outcome: 0.6, process: 0.4 })).toEqual({ outcome: 80, process: 60, score: 72 });
    expect(combine(base, { outcome: 0.5, process: 0.5 }).score).toBe(70);
  });

  it('lets the other side carry the score when one has nothing to measure', () => {
    const fresh: Metrics = { ...base, renewalRateArr: null, nrr: null, startArr: 0, expansionArr: 0 };
    expect(combine(fresh, { outcome: 0.6, process: 0.4 })).toEqual({ outcome: null, process: 60, score: 60 });
  });

  it('expects at least one touch per account in a period', () => {
    expect(expectedTouches(90, 14)).toBeCloseTo(6.43, 2);
    expect(expectedTouches(30, 90)).toBe(1);
  });
});
