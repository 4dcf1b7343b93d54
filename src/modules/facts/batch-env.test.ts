import { describe, expect, it } from 'vitest';
import { batchEnv, changedByLookbacks, lookbackToleranceDays, mergeLookbacks } from './batch-env.ts';
import type { Facts } from './build-facts.ts';
import { parseCondition } from './condition-text.ts';

describe('lookbackToleranceDays', () => {
  it('allows 3 days for look-backs up to a week, 7 up to a month and 14 beyond', () => {
    expect([1, 7, 8, 30, 31, 90, 365].map(lookbackToleranceDays)).toEqual([3, 3, 7, 7, 14, 14, 14]);
  });
});

describe('changedByLookbacks', () => {
  it('collects each look-back with the facts it compares, through and, or and not', () => {
    const conditions = [
      parseCondition('arr changed by >= 10% in 30d or not (health.score changed by <= -5 in 7d)'),
      parseCondition('health.score changed by < 0 in 30d and region = "华东"'),
      null,
    ];
    expect(changedByLookbacks(conditions)).toEqual(
      new Map([
        [30, new Set(['arr', 'health.score'])],
        [7, new Set(['health.score'])],
      ]),
    );
    expect(changedByLookbacks([parseCondition('arr > 1')]).size).toBe(0);
  });

  it('merges look-backs of several sources', () => {
    const a = new Map([[7, new Set(['x'])]]);
    const b = new Map([
      [7, new Set(['y'])],
      [30, new Set(['x'])],
    ]);
    expect(mergeLookbacks(a, undefined, b)).toEqual(
      new Map([
        [7, new Set(['x', 'y'])],
        [30, new Set(['x'])],
      ]),
    );
  });
});

describe('batchEnv', () => {
  const facts = new Map<string, Facts>([
    ['a', { arr: 10, tier: 't' }],
    ['b', { arr: 20, tier: 't' }],
    ['c', { arr: 30, tier: null }],
    ['d', { arr: null, tier: 't' }],
  ]);

  it('ranks among every account with a value, or among the same tier; no tier is ranked nowhere', () => {
    const env = batchEnv(facts);
    expect(['a', 'b', 'c', 'd'].map((id) => env(id).percentile!('arr', 'all'))).toEqual([
      0,
      50,
      100,
      undefined,
    ]);
    expect(['a', 'b', 'c', 'd'].map((id) => env(id).percentile!('arr', 'tier'))).toEqual([
      0,
      100,
      undefined,
      undefined,
    ]);
  });

  it('answers history for changed by, and no percentile in a batch that is not the workspace', () => {
    const env = batchEnv(
      facts,
      (id, key, days) => (id === 'a' && key === 'arr' && days === 7 ? 5 : undefined),
      {
        percentiles: false,
      },
    );
    expect(env('a').previous!('arr', 7)).toBe(5);
    expect(env('b').previous!('arr', 7)).toBeUndefined();
    expect(env('a').percentile!('arr', 'all')).toBeUndefined();
  });
});
