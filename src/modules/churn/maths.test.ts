import { describe, expect, it } from 'vitest';
import { encodeRows, fitEncoder } from './encode.ts';
import { groupedFolds } from './folds.ts';
import { applyPlatt, choleskySolve, fitLogistic, fitPlatt, sigmoid } from './logistic.ts';
import {
  bootstrap,
  brier,
  metricFunctions,
  prAuc,
  reliabilityCurve,
  rocAuc,
  seededRandom,
} from './metrics.ts';
import { type Dataset, explainRow, predict, trainModel } from './model.ts';

describe('the encoder', () => {
  it('standardises numbers to mean 0 and sd 1 on the training rows', () => {
    const e = fitEncoder([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 6 }], ['a']);
    expect(e.features).toEqual([{ kind: 'numeric', name: 'a', mean: 3, sd: Math.sqrt(3.5), missing: false }]);
    const x = encodeRows(e, [{ a: 1 }, { a: 2 }, { a: 3 }, { a: 6 }]);
    const mean = x.reduce((s, v) => s + v, 0) / 4;
    const sd = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / 4);
    expect(mean).toBeCloseTo(0, 12);
    expect(sd).toBeCloseTo(1, 12);
    expect(x[0]).toBeCloseTo(-2 / Math.sqrt(3.5), 12);
  });

  it('one-hot encodes categoricals, an unseen level being all zeros before centring', () => {
    const rows = [{ c: 'x' }, { c: 'y' }, { c: 'y' }, { c: 'z' }];
    const e = fitEncoder(rows, ['c']);
    expect(e.columns.map((c) => c.level)).toEqual(['x', 'y', 'z']);
    expect(e.columns.map((c) => c.mean)).toEqual([0.25, 0.5, 0.25]);
    const [x, y, z] = encodeRows(e, [{ c: 'y' }]);
    expect(x).toBeCloseTo((0 - 0.25) / Math.sqrt(0.1875), 12);
    expect(y).toBeCloseTo((1 - 0.5) / 0.5, 12);
    expect(z).toBeCloseTo((0 - 0.25) / Math.sqrt(0.1875), 12);
    const unseen = encodeRows(e, [{ c: 'w' }]);
    expect(unseen[1]).toBeCloseTo(-1, 12);
  });

  it('gives a number with blanks a missing indicator and imputes the mean', () => {
    const rows = [{ n: '10' }, { n: ' ' }, { n: '20' }, { n: null }];
    const e = fitEncoder(rows, ['n']);
    expect(e.features[0]).toMatchObject({ kind: 'numeric', mean: 15, missing: true });
    expect(e.columns.map((c) => c.part)).toEqual(['value', 'missing']);
    const x = encodeRows(e, [{ n: '' }]);
    // imputed at the mean: the value column is 0 before and after centring (its mean is 0)
    expect(x[0]).toBeCloseTo(0, 12);
    expect(x[1]).toBeCloseTo((1 - 0.5) / 0.5, 12);
  });

  it('drops constant columns and identifier-like categoricals', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ id: `c${i}`, k: 1, v: i % 2 }));
    const e = fitEncoder(rows, ['id', 'k', 'v']);
    expect(e.features.map((f) => f.name)).toEqual(['v']);
  });
});

describe('the regularised logistic fit', () => {
  it('solves a symmetric positive definite system', () => {
    const a = Float64Array.from([4, 2, 2, 3]);
    const x = choleskySolve(a, Float64Array.from([2, 1]), 2);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
  });

  it('matches the hand-worked optimum of a penalised two-point problem', () => {
    // Rows x=+1 (y=1) and x=-1 (y=0), λ=1. By symmetry the intercept is 0, and the gradient
    // -2(1-σ(w)) + w = 0 gives w = 2 / (1 + e^w): solve by bisection.
    let lo = 0;
    let hi = 2;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (mid - 2 / (1 + Math.exp(mid)) > 0) hi = mid;
      else lo = mid;
    }
    const m = fitLogistic(Float64Array.from([1, -1]), [1, 0], 2, 1, { lambda: 1 });
    expect(m.intercept).toBeCloseTo(0, 9);
    expect(m.weights[0]).toBeCloseTo(lo, 9);
    expect(lo).toBeCloseTo(0.6749, 3);
  });

  it('without a penalty recovers the observed rates of a binary feature', () => {
    // x=1: 3 of 4 positive; x=0: 1 of 4. MLE: intercept = logit(1/4), weight = logit(3/4) - logit(1/4).
    const x = Float64Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const y = [1, 1, 1, 0, 1, 0, 0, 0];
    const m = fitLogistic(x, y, 8, 1, { lambda: 0 });
    expect(m.intercept).toBeCloseTo(Math.log(1 / 3), 6);
    expect(m.weights[0]).toBeCloseTo(Math.log(3) - Math.log(1 / 3), 6);
  });

  it('stays finite on separable data', () => {
    const m = fitLogistic(Float64Array.from([1, 2, 3, -1, -2, -3]), [1, 1, 1, 0, 0, 0], 6, 1, {
      lambda: 0.1,
    });
    expect(Number.isFinite(m.weights[0])).toBe(true);
    expect(m.weights[0]).toBeGreaterThan(1);
  });
});

describe('Platt calibration', () => {
  it('recovers the sigmoid that generated the outcomes', () => {
    const random = seededRandom(3);
    const s: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = random() * 6 - 3;
      s.push(v);
      y.push(random() < sigmoid(2 * v - 1) ? 1 : 0);
    }
    const p = fitPlatt(s, y);
    expect(p.a).toBeCloseTo(2, 0);
    expect(Math.abs(p.a - 2)).toBeLessThan(0.15);
    expect(Math.abs(p.b + 1)).toBeLessThan(0.1);
    expect(applyPlatt(p, 0.5)).toBeCloseTo(sigmoid(p.a * 0.5 + p.b), 12);
  });

  it('keeps a and b finite when the calibration set is perfectly separated', () => {
    const p = fitPlatt([-2, -1, 1, 2], [0, 0, 1, 1]);
    expect(Number.isFinite(p.a) && Number.isFinite(p.b)).toBe(true);
    expect(applyPlatt(p, 2)).toBeLessThan(1);
  });
});

describe('metrics', () => {
  it('computes ROC-AUC with ties counting one half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    // one tie between a positive and a negative: pairs (p=.5 vs n=.5) = 1/2, (p=.5 vs n=.2) = 1,
    // (p=.9 vs both) = 2 → 3.5 / 4
    expect(rocAuc([0.2, 0.5, 0.5, 0.9], [0, 0, 1, 1])).toBe(0.875);
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNull();
  });

  it('computes average precision, tied scores as one step', () => {
    // ranked: .9 (1), .8 (0), .7 (1), .1 (0): AP = 1/2 * 1 + 1/2 * 2/3
    expect(prAuc([0.9, 0.8, 0.7, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.5 + 1 / 3, 12);
    // all tied: one step at precision 1/2
    expect(prAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(prAuc([0.5], [0])).toBeNull();
  });

  it('computes the Brier score and a reliability curve', () => {
    expect(brier([0.2, 0.9], [0, 1])).toBeCloseTo((0.04 + 0.01) / 2, 12);
    const curve = reliabilityCurve([0.05, 0.07, 0.95], [0, 1, 1]);
    expect(curve.map((b) => [b.from, b.to, b.n, b.observed])).toEqual([
      [0, 0.1, 2, 0.5],
      [0.9, 1, 1, 1],
    ]);
    expect(curve[0].predicted).toBeCloseTo(0.06, 12);
  });

  it('evaluates a resample through draw counts exactly as on the copied rows', () => {
    const p = [0.1, 0.4, 0.35, 0.8, 0.6];
    const y = [0, 0, 1, 1, 0];
    const w = [2, 0, 1, 1, 3]; // rows 0,0,2,3,4,4,4
    const copy = [0, 0, 2, 3, 4, 4, 4];
    const f = metricFunctions(p, y);
    expect(f.auc(w)).toBeCloseTo(
      rocAuc(
        copy.map((i) => p[i]),
        copy.map((i) => y[i]),
      )!,
      12,
    );
    expect(f.prAuc(w)).toBeCloseTo(
      prAuc(
        copy.map((i) => p[i]),
        copy.map((i) => y[i]),
      )!,
      12,
    );
    expect(f.brier(w)).toBeCloseTo(
      brier(
        copy.map((i) => p[i]),
        copy.map((i) => y[i]),
      )!,
      12,
    );
  });

  it('gives a seeded bootstrap interval around the value that narrows with more rows', () => {
    const make = (n: number) => {
      const random = seededRandom(n);
      const p: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = random();
        p.push(v);
        y.push(random() < v ? 1 : 0);
      }
      return metricFunctions(p, y);
    };
    const small = bootstrap(200, make(200).auc, { seed: 1 });
    const big = bootstrap(5000, make(5000).auc, { seed: 1 });
    expect(small.low! < small.value! && small.value! < small.high!).toBe(true);
    expect(big.low! < big.value! && big.value! < big.high!).toBe(true);
    expect(big.high! - big.low!).toBeLessThan((small.high! - small.low!) / 2);
    expect(bootstrap(200, make(200).auc, { seed: 1 })).toEqual(small);
    // the true AUC of p against y ~ Bernoulli(p), p uniform: ∫ 2a · 2(a - a²/2) da = 5/6
    expect(Math.abs(big.value! - 5 / 6)).toBeLessThan(0.02);
  });
});

describe('grouped folds', () => {
  const groups = Array.from({ length: 300 }, (_, i) => `g${i % 60}`);

  it('never puts one group on both sides, and tests every sample once without times', () => {
    const folds = groupedFolds(groups, null, 5, 1);
    expect(folds).toHaveLength(5);
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(groups.map((_, i) => i));
    for (const f of folds) {
      const testGroups = new Set(f.test.map((i) => groups[i]));
      expect(f.train.some((i) => testGroups.has(groups[i]))).toBe(false);
      expect(f.train.length + f.test.length).toBe(groups.length);
    }
  });

  it('trains only on samples dated before the test block, time-ordered', () => {
    const times = groups.map((_, i) => i); // later samples later
    const folds = groupedFolds(groups, times, 4, 1);
    expect(folds).toHaveLength(4);
    for (const f of folds) {
      const start = Math.min(...f.test.map((i) => times[i]));
      expect(f.train.every((i) => times[i] < start)).toBe(true);
      const testGroups = new Set(f.test.map((i) => groups[i]));
      expect(f.train.some((i) => testGroups.has(groups[i]))).toBe(false);
    }
  });
});

describe('drivers', () => {
  it('sum with the base to the calibrated logit of the row', () => {
    const random = seededRandom(5);
    const rows = Array.from({ length: 400 }, () => {
      const u = random();
      return { usage: u, plan: random() < 0.5 ? 'a' : 'b', nps: random() < 0.2 ? null : random() * 10 };
    });
    const y = Uint8Array.from(rows, (r) =>
      random() < sigmoid(2 - 4 * r.usage + (r.plan === 'a' ? 0.5 : 0)) ? 1 : 0,
    );
    const data: Dataset = {
      rows,
      y,
      groups: rows.map((_, i) => `a${i}`),
      times: null,
      features: ['usage', 'plan', 'nps'],
    };
    const model = trainModel(
      data,
      rows.map((_, i) => i),
    );
    const p = predict(model, rows.slice(0, 20));
    rows.slice(0, 20).forEach((row, i) => {
      const { base, logit, drivers } = explainRow(model, row);
      expect(base + drivers.reduce((s, d) => s + d.contribution, 0)).toBeCloseTo(logit, 10);
      expect(sigmoid(logit)).toBeCloseTo(p[i], 10);
      expect(drivers.map((d) => d.fact).sort()).toEqual(['nps', 'plan', 'usage']);
    });
    // low usage raises risk: its driver for the least-used row is positive
    const least = rows.reduce((m, r) => (r.usage < m.usage ? r : m));
    expect(explainRow(model, least).drivers.find((d) => d.fact === 'usage')!.contribution).toBeGreaterThan(0);
  });
});
