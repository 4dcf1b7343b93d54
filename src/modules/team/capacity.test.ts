import { describe, expect, it } from 'vitest';
import {
  accountCost,
  type CapacityModel,
  meanArrByTier,
  planHeadcount,
  SEED_002_CAPACITIES,
  splitEvenly,
} from './capacity.ts';

const model: CapacityModel = {
  capacities: SEED_002_CAPACITIES,
  fallback: { accountsPerCsm: 40 },
  weighting: 'count',
  hoursPerCsm: 120,
};

describe('planHeadcount', () => {
  it("reproduces seed 002's worked example: 35 CSMs in groups A-F of 6, 6, 6, 7, 5 and 5", () => {
    // Seed 002: A and B (small, 6 CSMs each at 80 accounts), C (medium, 6 at 40), D (large, 7 at
    // 20), E and F (very large, 5 each at 5 accounts): 960, 240, 140 and 50 accounts. The article
    // says "5 个小组" but lists six groups, A to F; the arithmetic gives six.
    const plan = planHeadcount({
      tiers: [
        { tier: 'small', accounts: 960 },
        { tier: 'medium', accounts: 240 },
        { tier: 'large', accounts: 140 },
        { tier: 'very_large', accounts: 50 },
      ],
      model,
      growth: 0,
      groupSize: 7,
    });
    expect(plan.tiers.map((t) => [t.tier, t.csmsNeeded, t.groupSizes])).toEqual([
      ['small', 12, [6, 6]],
      ['medium', 6, [6]],
      ['large', 7, [7]],
      ['very_large', 10, [5, 5]],
    ]);
    expect(plan.totals).toMatchObject({ accounts: 1390, csmsNeeded: 35, groups: 6 });
  });

  it('rounds a fraction of a CSM up and applies growth before dividing', () => {
    const plan = planHeadcount({
      tiers: [{ tier: 'small', accounts: 100 }],
      model,
      growth: 0.2,
      groupSize: 5,
      current: { small: 1 },
    });
    // 100 * 1.2 = 120 accounts / 80 = 1.5 -> 2 CSMs, one group; one CSM today -> hire one.
    expect(plan.tiers[0]).toMatchObject({ projectedAccounts: 120, csmsNeeded: 2, groups: 1, gap: 1 });
  });

  it('counts hours when the weighting is hours and the tier has hours per account', () => {
    const plan = planHeadcount({
      tiers: [{ tier: 'large', accounts: 30 }],
      model: {
        ...model,
        weighting: 'hours',
        capacities: { large: { accountsPerCsm: 20, hoursPerAccount: 10 } },
      },
      growth: 0,
      groupSize: 10,
    });
    // 30 accounts * 10 h = 300 h / 120 h per CSM = 2.5 -> 3.
    expect(plan.tiers[0]!.csmsNeeded).toBe(3);
  });

  it('needs nobody and no group for an empty tier, and a surplus shows as a negative gap', () => {
    const plan = planHeadcount({
      tiers: [{ tier: 'medium', accounts: 0 }],
      model,
      growth: 0,
      groupSize: 6,
      current: { medium: 2.5 },
    });
    expect(plan.tiers[0]).toMatchObject({ csmsNeeded: 0, groups: 0, groupSizes: [], gap: -2.5 });
  });
});

describe('splitEvenly', () => {
  it('spreads people as evenly as whole people allow, larger groups first', () => {
    expect(splitEvenly(12, 2)).toEqual([6, 6]);
    expect(splitEvenly(11, 2)).toEqual([6, 5]);
    expect(splitEvenly(22, 3)).toEqual([8, 7, 7]);
  });
});

describe('accountCost', () => {
  it('charges 1 / accounts per CSM, scaled by ARR against the tier mean within 0.5x-2x', () => {
    const means = meanArrByTier([
      { tier: 'small', arr: 50 },
      { tier: 'small', arr: 150 },
    ]);
    expect(accountCost(model, 'small', 50, means)).toBeCloseTo(1 / 80);
    expect(accountCost({ ...model, weighting: 'arr' }, 'small', 150, means)).toBeCloseTo(1.5 / 80);
    expect(accountCost({ ...model, weighting: 'arr' }, 'small', 10_000, means)).toBeCloseTo(2 / 80);
    expect(accountCost(model, 'unknown', 1, means)).toBeCloseTo(1 / 40);
  });
});
