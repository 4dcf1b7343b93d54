// A random forest of classification trees (seed 003's model), written here rather than taken from
// ml-random-forest: that library sorts every candidate column at every node (too slow for 100,000
// samples × 4 horizons inside a cross-validation) and keeps no node covers, which TreeSHAP needs.
// Columns are cut into at most `bins` quantile bins once; each tree is grown on a bootstrap of
// accounts (every sample of a drawn account, as many times as it was drawn, so out-of-bag means
// "account not seen": grouped like the folds), choosing each split among `mtry` random columns by
// the weighted Gini impurity. A node keeps its positive share (`value`) and its training weight
// (`cover`); a tree's output is the value of the leaf a row falls in, the forest's the mean.
import { seededRandom } from './metrics.ts';

export type Tree = {
  /** Column split on, -1 for a leaf. */
  feature: number[];
  /** A row goes left when its value is <= threshold. */
  threshold: number[];
  left: number[];
  right: number[];
  /** Weighted share of positives among the training rows that reached the node. */
  value: number[];
  /** Weighted number of training rows that reached the node (children's covers add up to it). */
  cover: number[];
};

export type Forest = { trees: Tree[] };

export type ForestOptions = {
  trees?: number;
  maxDepth?: number;
  minLeaf?: number;
  /** Columns tried per split (default √d). */
  mtry?: number;
  bins?: number;
  seed?: number;
};

export const FOREST_DEFAULTS = { trees: 60, maxDepth: 8, minLeaf: 10, bins: 32 } as const;

/** Cut points of one column: x <= cuts[k] is bin <= k. At most bins - 1 cuts, strictly increasing. */
export function binCuts(values: Float64Array, bins: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= 1) return new Float64Array(0);
  if (distinct.length <= bins) {
    // Few values: cut half-way between neighbours.
    const cuts = new Float64Array(distinct.length - 1);
    for (let i = 0; i + 1 < distinct.length; i++) cuts[i] = (distinct[i] + distinct[i + 1]) / 2;
    return cuts;
  }
  const cuts: number[] = [];
  for (let b = 1; b < bins; b++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))];
    // The cut sits half-way to the next distinct value, so x <= cut holds for v itself.
    let hi = v;
    let lo = 0;
    let top = distinct.length - 1;
    while (lo < top) {
      const mid = (lo + top) >> 1;
      if (distinct[mid] <= v) lo = mid + 1;
      else top = mid;
    }
    if (distinct[lo] > v) hi = (v + distinct[lo]) / 2;
    else continue; // v is the largest value: no cut above it
    if (cuts.length === 0 || hi > cuts[cuts.length - 1]) cuts.push(hi);
  }
  return Float64Array.from(cuts);
}

function binOf(cuts: Float64Array, x: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= cuts[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

type Grower = {
  n: number;
  d: number;
  bins: Uint8Array; // column-major: bins[j * n + i]
  cuts: Float64Array[];
  y: ArrayLike<number>;
  maxDepth: number;
  minLeaf: number;
  mtry: number;
  random: () => number;
};

function growTree(g: Grower, weight: Float64Array): Tree {
  const t: Tree = { feature: [], threshold: [], left: [], right: [], value: [], cover: [] };
  let count = 0;
  for (let i = 0; i < g.n; i++) if (weight[i] > 0) count++;
  const idx = new Int32Array(count);
  for (let i = 0, k = 0; i < g.n; i++) if (weight[i] > 0) idx[k++] = i;
  const maxBins = 256;
  const hw = new Float64Array(maxBins);
  const hp = new Float64Array(maxBins);
  const order = Int32Array.from({ length: g.d }, (_, j) => j);
  const scratch = new Int32Array(count);

  const node = (start: number, end: number, depth: number): number => {
    let w = 0;
    let p = 0;
    for (let k = start; k < end; k++) {
      const i = idx[k];
      w += weight[i];
      p += weight[i] * g.y[i];
    }
    const id = t.feature.length;
    t.feature.push(-1);
    t.threshold.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(w > 0 ? p / w : 0);
    t.cover.push(w);
    if (depth >= g.maxDepth || w < 2 * g.minLeaf || p === 0 || p === w) return id;
    const parentImpurity = (p * (w - p)) / w;
    let bestGain = 1e-12;
    let bestFeature = -1;
    let bestBin = -1;
    // A partial Fisher-Yates draws mtry distinct columns.
    for (let m = 0; m < g.mtry; m++) {
      const r = m + Math.floor(g.random() * (g.d - m));
      const j = order[r];
      order[r] = order[m];
      order[m] = j;
      const nb = g.cuts[j].length + 1;
      if (nb < 2) continue;
      hw.fill(0, 0, nb);
      hp.fill(0, 0, nb);
      const col = j * g.n;
      for (let k = start; k < end; k++) {
        const i = idx[k];
        const b = g.bins[col + i];
        hw[b] += weight[i];
        hp[b] += weight[i] * g.y[i];
      }
      let wl = 0;
      let pl = 0;
      for (let b = 0; b + 1 < nb; b++) {
        wl += hw[b];
        pl += hp[b];
        const wr = w - wl;
        if (wl < g.minLeaf) continue;
        if (wr < g.minLeaf) break;
        const pr = p - pl;
        const impurity = (pl * (wl - pl)) / wl + (pr * (wr - pr)) / wr;
        const gain = parentImpurity - impurity;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = j;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) return id;
    // Partition idx[start, end) stably: bin <= bestBin first.
    const col = bestFeature * g.n;
    let l = start;
    let r = 0;
    for (let k = start; k < end; k++) {
      const i = idx[k];
      if (g.bins[col + i] <= bestBin) idx[l++] = i;
      else scratch[r++] = i;
    }
    for (let k = 0; k < r; k++) idx[l + k] = scratch[k];
    t.feature[id] = bestFeature;
    t.threshold[id] = g.cuts[bestFeature][bestBin];
    t.left[id] = node(start, l, depth + 1);
    t.right[id] = node(l, end, depth + 1);
    return id;
  };
  node(0, count, 0);
  return t;
}

/**
 * Grows the forest on the rows of `x` (row-major n×d) with labels y ∈ {0,1}; `groups` (a small
 * integer per row: its account) makes the bootstrap draw accounts. Returns the forest and each
 * row's out-of-bag score (mean over the trees that never saw its account; NaN if every tree did).
 */
export function fitForest(
  x: Float64Array,
  y: ArrayLike<number>,
  n: number,
  d: number,
  groups: Int32Array | null,
  options: ForestOptions = {},
): { forest: Forest; oob: Float64Array } {
  const trees = options.trees ?? FOREST_DEFAULTS.trees;
  const binCount = Math.min(256, options.bins ?? FOREST_DEFAULTS.bins);
  const random = seededRandom(options.seed ?? 1);
  const cuts: Float64Array[] = [];
  const bins = new Uint8Array(d * n);
  const column = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) column[i] = x[i * d + j];
    const c = binCuts(column, binCount);
    cuts.push(c);
    for (let i = 0; i < n; i++) bins[j * n + i] = binOf(c, column[i]);
  }
  const g: Grower = {
    n,
    d,
    bins,
    cuts,
    y,
    maxDepth: options.maxDepth ?? FOREST_DEFAULTS.maxDepth,
    minLeaf: options.minLeaf ?? FOREST_DEFAULTS.minLeaf,
    mtry: Math.max(1, Math.min(d, options.mtry ?? Math.round(Math.sqrt(d)))),
    random,
  };
  const group = groups ?? Int32Array.from({ length: n }, (_, i) => i);
  let groupCount = 0;
  for (let i = 0; i < n; i++) groupCount = Math.max(groupCount, group[i] + 1);
  const draws = new Float64Array(groupCount);
  const weight = new Float64Array(n);
  const oobSum = new Float64Array(n);
  const oobCount = new Uint32Array(n);
  const forest: Forest = { trees: [] };
  for (let k = 0; k < trees; k++) {
    draws.fill(0);
    for (let s = 0; s < groupCount; s++) draws[Math.floor(random() * groupCount)]++;
    for (let i = 0; i < n; i++) weight[i] = draws[group[i]];
    const tree = growTree(g, weight);
    forest.trees.push(tree);
    for (let i = 0; i < n; i++) {
      if (weight[i] > 0) continue;
      oobSum[i] += treeValue(tree, x, i * d);
      oobCount[i]++;
    }
  }
  const oob = new Float64Array(n);
  for (let i = 0; i < n; i++) oob[i] = oobCount[i] ? oobSum[i] / oobCount[i] : Number.NaN;
  return { forest, oob };
}

/** The leaf value of one row (the row's columns start at x[offset]). */
export function treeValue(tree: Tree, x: ArrayLike<number>, offset = 0): number {
  let j = 0;
  while (tree.feature[j] >= 0) {
    j = x[offset + tree.feature[j]] <= tree.threshold[j] ? tree.left[j] : tree.right[j];
  }
  return tree.value[j];
}

/** The forest's score (mean leaf value) of each row of x (row-major n×d). */
export function predictForest(forest: Forest, x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const t of forest.trees) s += treeValue(t, x, i * d);
    out[i] = s / forest.trees.length;
  }
  return out;
}
