import { describe, expect, it } from 'vitest';
import { binCuts, fitForest, predictForest, type Tree, treeValue } from './forest.ts';
import { sigmoid } from './logistic.ts';
import { rocAuc, seededRandom } from './metrics.ts';
import { type Dataset, explainRow, predict, selectModel, trainModel } from './model.ts';
import {
  conditionalExpectation,
  expectedValue,
  forestShap,
  shapleyByEnumeration,
  treeShap,
} from './treeshap.ts';

/**
 * A hand-built tree over 3 columns that splits on column 0 twice on one path:
 *   0: x0 <= 1 ? 1 : 2        cover 10
 *   1: x1 <= 0 ? 3 : 4        cover 6
 *   2: x0 <= 5 ? 5 : 6        cover 4
 *   leaves 3 (0.1, 2), 4 (0.5, 4), 5 (0.8, 3), 6 (0.2, 1)
 */
const tree: Tree = {
  feature: [0, 1, 0, -1, -1, -1, -1],
  threshold: [1, 0, 5, 0, 0, 0, 0],
  left: [1, 3, 5, -1, -1, -1, -1],
  right: [2, 4, 6, -1, -1, -1, -1],
  value: [0.43, 11 / 30, 0.65, 0.1, 0.5, 0.8, 0.2],
  cover: [10, 6, 4, 2, 4, 3, 1],
};

describe('TreeSHAP', () => {
  it('matches the Shapley values by enumeration on a hand-built tree, a column split twice', () => {
    for (const x of [
      [0, -1, 7],
      [0, 1, 7],
      [3, 9, 0],
      [6, -3, 0],
    ]) {
      const phi = new Float64Array(3);
      treeShap(tree, x, phi);
      const exact = shapleyByEnumeration(tree, x, 3);
      for (let j = 0; j < 3; j++) expect(phi[j]).toBeCloseTo(exact[j], 12);
      // A column the tree never reads gets nothing.
      expect(phi[2]).toBe(0);
      // Efficiency: the values add up to the output minus the expected value.
      expect(phi[0] + phi[1] + phi[2]).toBeCloseTo(treeValue(tree, x) - expectedValue(tree), 12);
    }
  });

  it('works out a case by hand: x = (0, -1)', () => {
    // E = (0.1·2 + 0.5·4 + 0.8·3 + 0.2·1) / 10 = 0.48. f(x) = 0.1.
    expect(expectedValue(tree)).toBeCloseTo(0.48, 12);
    const x = [0, -1, 0];
    // v({0}) = (0.1·2 + 0.5·4)/6 = 11/30; v({1}) = 0.6·0.1 + 0.4·0.65 = 0.32; v({0,1}) = 0.1.
    expect(conditionalExpectation(tree, x, new Set([0]))).toBeCloseTo(11 / 30, 12);
    expect(conditionalExpectation(tree, x, new Set([1]))).toBeCloseTo(0.32, 12);
    // φ0 = ½(v{0} − v∅) + ½(v{0,1} − v{1}) = ½(11/30 − 0.48) + ½(0.1 − 0.32)
    const phi = new Float64Array(3);
    treeShap(tree, x, phi);
    expect(phi[0]).toBeCloseTo(0.5 * (11 / 30 - 0.48) + 0.5 * (0.1 - 0.32), 12);
    expect(phi[1]).toBeCloseTo(0.5 * (0.32 - 0.48) + 0.5 * (0.1 - 11 / 30), 12);
  });

  it('is exact on grown trees: per tree against enumeration, and the forest sums to its score', () => {
    const random = seededRandom(5);
    const n = 400;
    const d = 5;
    const x = new Float64Array(n * d);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) x[i * d + j] = Math.round(random() * 20) / 4;
      y[i] = random() < 0.2 + 0.1 * x[i * d] - 0.05 * x[i * d + 1] ? 1 : 0;
    }
    const { forest } = fitForest(x, y, n, d, null, { trees: 8, maxDepth: 6, minLeaf: 3, seed: 3 });
    const scores = predictForest(forest, x, n, d);
    for (const i of [0, 7, 99, 250]) {
      const row = x.subarray(i * d, (i + 1) * d);
      for (const t of forest.trees.slice(0, 3)) {
        const phi = new Float64Array(d);
        treeShap(t, row, phi);
        const exact = shapleyByEnumeration(t, row, d);
        for (let j = 0; j < d; j++) expect(phi[j]).toBeCloseTo(exact[j], 10);
      }
      const { base, phi } = forestShap(forest, row, d);
      expect(base + phi.reduce((s, v) => s + v, 0)).toBeCloseTo(scores[i], 12);
    }
  });
});

describe('the random forest', () => {
  it('cuts columns into at most `bins` bins, half-way between values', () => {
    expect([...binCuts(Float64Array.from([3, 1, 2, 2]), 32)]).toEqual([1.5, 2.5]);
    expect(binCuts(Float64Array.from([4, 4, 4]), 32).length).toBe(0);
    const many = Float64Array.from({ length: 1000 }, (_, i) => i);
    const cuts = binCuts(many, 8);
    expect(cuts.length).toBe(7);
    for (let k = 1; k < cuts.length; k++) expect(cuts[k]).toBeGreaterThan(cuts[k - 1]);
  });

  it('keeps covers that add up, and learns a signal out of sample', () => {
    const random = seededRandom(9);
    const make = (n: number) => {
      const x = new Float64Array(n * 3);
      const y = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const a = random();
        const b = random();
        x[i * 3] = a;
        x[i * 3 + 1] = b;
        x[i * 3 + 2] = random();
        // An interaction a linear model cannot draw: churn when both are high or both low.
        y[i] = random() < (a > 0.5 === b > 0.5 ? 0.8 : 0.1) ? 1 : 0;
      }
      return { x, y };
    };
    const train = make(3000);
    const { forest, oob } = fitForest(train.x, train.y, 3000, 3, null, { trees: 30, seed: 1 });
    for (const t of forest.trees) {
      for (let j = 0; j < t.feature.length; j++) {
        if (t.feature[j] < 0) continue;
        expect(t.cover[t.left[j]] + t.cover[t.right[j]]).toBeCloseTo(t.cover[j], 9);
      }
    }
    const test = make(2000);
    const p = predictForest(forest, test.x, 2000, 3);
    expect(rocAuc(p, test.y)!).toBeGreaterThan(0.8);
    const known = [...oob].map((v, i) => [v, train.y[i]]).filter(([v]) => !Number.isNaN(v));
    expect(known.length).toBeGreaterThan(2900);
    expect(
      rocAuc(
        known.map((k) => k[0]),
        known.map((k) => k[1]),
      )!,
    ).toBeGreaterThan(0.8);
  });

  it('draws accounts, not rows: a row is out of bag only for trees that never saw its account', () => {
    const n = 200;
    const x = Float64Array.from({ length: n }, (_, i) => i % 17);
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    // 20 accounts of 10 rows with identical rows inside an account: a tree that saw the account
    // scores its rows from leaves built on them, so in-bag leaks would show as equal OOB scores.
    const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10));
    const { oob } = fitForest(x, y, n, 1, groups, { trees: 40, seed: 2 });
    for (let g = 0; g < 20; g++) {
      const values = [...oob.subarray(g * 10, g * 10 + 10)];
      // Same account, same trees out of bag: all its rows are scored by the same set of trees.
      const counts = new Set(values.map((v) => Number.isNaN(v)));
      expect(counts.size).toBe(1);
    }
    const fit2 = fitForest(x, y, n, 1, groups, { trees: 40, seed: 2 });
    expect([...fit2.oob]).toEqual([...oob]); // seeded: reproducible
  });
});

describe('the forest as a churn model', () => {
  const random = seededRandom(21);
  const rows = Array.from({ length: 600 }, (_, i) => {
    const usage = random() * 100;
    const plan = ['basic', 'pro', 'max'][i % 3];
    return { usage, plan, tickets: random() < 0.2 ? null : Math.floor(random() * 10) };
  });
  const data: Dataset = {
    rows,
    y: Uint8Array.from(rows, (r) =>
      random() < (r.usage < 30 ? 0.7 : r.plan === 'basic' ? 0.3 : 0.1) ? 1 : 0,
    ),
    groups: rows.map((_, i) => `a${Math.floor(i / 2)}`),
    times: null,
    features: ['usage', 'plan', 'tickets'],
  };

  it('explains each row exactly: base + Σ drivers is the calibrated logit of its probability', () => {
    const model = trainModel(data, [...rows.keys()], { kind: 'forest', forest: { trees: 20 } });
    expect(model.kind).toBe('forest');
    const p = predict(model, rows.slice(0, 25));
    rows.slice(0, 25).forEach((row, i) => {
      const e = explainRow(model, row);
      const sum = e.drivers.reduce((s, d) => s + d.contribution, e.base);
      expect(sum).toBeCloseTo(e.logit, 12);
      expect(sigmoid(e.logit)).toBeCloseTo(p[i], 12);
      expect(e.drivers.map((d) => d.fact).sort()).toEqual(['plan', 'tickets', 'usage']);
    });
    // Low usage raises the risk most for a low-usage row.
    const low = explainRow(model, { usage: 5, plan: 'pro', tickets: 3 });
    expect(low.drivers[0]).toMatchObject({ fact: 'usage' });
    expect(low.drivers[0].contribution).toBeGreaterThan(0);
  });

  it('is chosen, or not, by the same cross-validation as the linear model, both scores kept', () => {
    const s = selectModel(data, 4, 'auto', { forest: { trees: 20 } });
    const auc = (k: 'logistic' | 'forest') => s.results[k]!.metrics.auc.value!;
    expect(auc('forest')).toBeGreaterThan(0.6);
    expect(s.chosen).toBe(auc('forest') > auc('logistic') ? 'forest' : 'logistic');
    expect(s.results.forest!.tested).toEqual(s.results.logistic!.tested);
    const only = selectModel(data, 4, 'logistic');
    expect(Object.keys(only.results)).toEqual(['logistic']);
  });
});
