import { describe, expect, it } from 'vitest';
import {
  arrAt,
  type ContractSpan,
  defaultCategory,
  defaultProbability,
  monthEnd,
  movement,
  outcomeOf,
  periodOf,
  retention,
  toBaseMinor,
} from './revenue.ts';

const span = (
  accountId: string,
  startDate: string,
  endDate: string | null,
  arrMinor: number,
): ContractSpan => ({
  accountId,
  startDate,
  endDate,
  arrMinor,
});

describe('arrAt', () => {
  it('sums the contracts whose term covers the day, open-ended ones included', () => {
    const contracts = [
      span('a', '2025-01-01', '2025-12-31', 100),
      span('a', '2025-06-01', null, 50),
      span('b', '2026-01-01', '2026-12-31', 70),
    ];
    expect(Object.fromEntries(arrAt(contracts, '2025-12-31'))).toEqual({ a: 150 });
    expect(Object.fromEntries(arrAt(contracts, '2026-01-01'))).toEqual({ a: 50, b: 70 });
  });
});

describe('retention', () => {
  // Hand-worked: four accounts start the year with 100 + 200 + 300 + 400 = 1000.
  // A grows to 150 (+50), B shrinks to 150 (-50), C churns (-300), D stays at 400; E is new (90).
  const start = new Map([
    ['A', 100],
    ['B', 200],
    ['C', 300],
    ['D', 400],
  ]);
  const end = new Map([
    ['A', 150],
    ['B', 150],
    ['D', 400],
    ['E', 90],
  ]);

  it('computes GRR (1000 - 50 - 300) / 1000 = 0.65 and NRR (1000 + 50 - 50 - 300) / 1000 = 0.7', () => {
    expect(retention(start, end)).toEqual({
      accounts: 4,
      startArr: 1000,
      endArr: 700,
      expansion: 50,
      contraction: 50,
      churn: 300,
      grr: 0.65,
      nrr: 0.7,
    });
  });

  it('leaves new accounts out and restricts to a cohort when asked', () => {
    const r = retention(start, end, (id) => id === 'A' || id === 'D');
    expect(r).toMatchObject({ startArr: 500, endArr: 550, grr: 1, nrr: 1.1 });
  });

  it('has no ratio without starting ARR', () => {
    expect(retention(new Map(), end)).toMatchObject({ accounts: 0, grr: null, nrr: null });
  });
});

describe('movement', () => {
  it('splits the change into new, expansion, contraction and churn that add up', () => {
    const before = new Map([
      ['A', 100],
      ['B', 200],
      ['C', 300],
    ]);
    const after = new Map([
      ['A', 130],
      ['B', 180],
      ['N', 40],
    ]);
    const m = movement(before, after);
    expect(m).toEqual({ startArr: 600, new: 40, expansion: 30, contraction: 20, churn: 300, endArr: 350 });
    expect(m.startArr + m.new + m.expansion - m.contraction - m.churn).toBe(m.endArr);
  });
});

describe('periods', () => {
  it('knows month ends, quarters and years', () => {
    expect(monthEnd('2028-02-10')).toBe('2028-02-29');
    expect(periodOf('2026-05-17', 'quarter')).toEqual({
      label: '2026-Q2',
      first: '2026-04-01',
      last: '2026-06-30',
    });
    expect(periodOf('2026-05-17', 'year')).toEqual({
      label: '2026',
      first: '2026-01-01',
      last: '2026-12-31',
    });
  });
});

describe('renewal defaults', () => {
  it('takes the probability from health status and the category from probability and stage', () => {
    expect(defaultProbability('not_started', 'excellent')).toBe(0.9);
    expect(defaultProbability('in_negotiation', 'danger')).toBe(0.35);
    expect(defaultProbability('not_started', null)).toBe(0.6);
    expect(defaultProbability('committed', 'danger')).toBe(0.95);
    expect(defaultProbability('churned', 'excellent')).toBe(0);
    expect(defaultCategory('not_started', 0.9)).toBe('commit');
    expect(defaultCategory('not_started', 0.7)).toBe('probable');
    expect(defaultCategory('in_negotiation', 0.35)).toBe('at_risk');
    expect(defaultCategory('expanded', 1)).toBe('closed_won');
  });

  it('reads a successor contract as expansion, downgrade or flat renewal', () => {
    expect(outcomeOf(100, 120)).toBe('expanded');
    expect(outcomeOf(100, 80)).toBe('downgraded');
    expect(outcomeOf(100, 100)).toBe('renewed');
  });
});

describe('toBaseMinor', () => {
  it('converts at the rate effective on the day, and is undefined without a rate', () => {
    const rates = [
      { currency: 'USD', rate: 7.1, effectiveDate: '2025-01-01' },
      { currency: 'USD', rate: 7.3, effectiveDate: '2026-01-01' },
    ];
    expect(toBaseMinor(1000, 'USD', 'CNY', rates, '2025-06-30')).toBe(710_000);
    expect(toBaseMinor(1000, 'USD', 'CNY', rates, '2026-03-01')).toBe(730_000);
    expect(toBaseMinor(1000, 'CNY', 'CNY', rates, '2026-03-01')).toBe(100_000);
    expect(toBaseMinor(1000, 'JPY', 'CNY', rates, '2026-03-01')).toBeUndefined();
  });
});
