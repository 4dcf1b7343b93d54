// How good a risk score is: ROC-AUC (ties count half), PR-AUC (average precision, tied scores
// taken as one step), Brier score, a reliability curve, and bootstrap 95% intervals.

/** A small seeded generator (mulberry32), so folds and bootstrap intervals are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Indices sorted by ascending score. */
function ascending(scores: ArrayLike<number>): Uint32Array {
  const o = new Uint32Array(scores.length);
  for (let i = 0; i < o.length; i++) o[i] = i;
  const s = Float64Array.from(scores as ArrayLike<number>);
  return o.sort((a, b) => s[a] - s[b]);
}

/**
 * ROC-AUC: the probability a random positive scores above a random negative, ties counting one
 * half (Mann-Whitney U). Null when either class is absent. `weights` (how many times each row is
 * drawn) evaluates a bootstrap resample on the one sort.
 */
export function rocAuc(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
  sorted: Uint32Array = ascending(scores),
): number | null {
  const n = sorted.length;
  let negBelow = 0;
  let pos = 0;
  let u = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    let wPos = 0;
    let wNeg = 0;
    while (j < n && scores[sorted[j]] === scores[sorted[i]]) {
      const k = sorted[j];
      const w = weights ? weights[k] : 1;
      if (y[k]) wPos += w;
      else wNeg += w;
      j++;
    }
    u += wPos * (negBelow + wNeg / 2);
    negBelow += wNeg;
    pos += wPos;
    i = j;
  }
  if (pos === 0 || negBelow === 0) return null;
  return u / (pos * negBelow);
}

/**
 * PR-AUC as average precision: Σ (recall step) × precision, walking from the highest score down;
 * a group of tied scores is one step (its precision counts the whole group). Null without positives.
 */
export function prAuc(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
  sorted: Uint32Array = ascending(scores),
): number | null {
  let total = 0;
  for (let i = 0; i < sorted.length; i++) total += y[i] ? (weights ? weights[i] : 1) : 0;
  if (total === 0) return null;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  let i = sorted.length - 1;
  while (i >= 0) {
    let j = i;
    let groupPos = 0;
    let group = 0;
    while (j >= 0 && scores[sorted[j]] === scores[sorted[i]]) {
      const k = sorted[j];
      const w = weights ? weights[k] : 1;
      group += w;
      if (y[k]) groupPos += w;
      j--;
    }
    tp += groupPos;
    seen += group;
    if (groupPos > 0) ap += (groupPos / total) * (tp / seen);
    i = j;
  }
  return ap;
}

/** Mean squared difference between the probability and the outcome (0 is perfect, 0.25 is a coin). */
export function brier(
  p: ArrayLike<number>,
  y: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number | null {
  let s = 0;
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    const w = weights ? weights[i] : 1;
    s += w * (p[i] - (y[i] ? 1 : 0)) ** 2;
    n += w;
  }
  return n === 0 ? null : s / n;
}

/** The three metrics bound to one set of scores, sorted once for every resample. */
export function metricFunctions(p: ArrayLike<number>, y: ArrayLike<number>) {
  const sorted = ascending(p);
  return {
    auc: (w?: ArrayLike<number>) => rocAuc(p, y, w, sorted),
    prAuc: (w?: ArrayLike<number>) => prAuc(p, y, w, sorted),
    brier: (w?: ArrayLike<number>) => brier(p, y, w),
  };
}

export type ReliabilityBin = { from: number; to: number; n: number; predicted: number; observed: number };

/** Equal-width probability bins: mean predicted vs observed rate; empty bins are left out. */
export function reliabilityCurve(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const n = new Array<number>(bins).fill(0);
  const sp = new Array<number>(bins).fill(0);
  const sy = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i] * bins)));
    n[b]++;
    sp[b] += p[i];
    sy[b] += y[i] ? 1 : 0;
  }
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (n[b] === 0) continue;
    out.push({
      from: b / bins,
      to: (b + 1) / bins,
      n: n[b],
      predicted: sp[b] / n[b],
      observed: sy[b] / n[b],
    });
  }
  return out;
}

export type Interval = { value: number | null; low: number | null; high: number | null };

/**
 * The statistic on all rows and its percentile bootstrap 95% interval: `resamples` draws of n rows
 * with replacement (seeded), each given to the statistic as per-row draw counts; draws where the
 * statistic is undefined (one class only) are skipped.
 */
export function bootstrap(
  n: number,
  statistic: (weights?: ArrayLike<number>) => number | null,
  options: { resamples?: number; seed?: number } = {},
): Interval {
  const value = statistic();
  if (value === null || n === 0) return { value, low: null, high: null };
  const random = seededRandom(options.seed ?? 7);
  const resamples = options.resamples ?? 200;
  const draws: number[] = [];
  const weights = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let k = 0; k < n; k++) weights[Math.floor(random() * n)]++;
    const s = statistic(weights);
    if (s !== null) draws.push(s);
  }
  if (draws.length < resamples / 2) return { value, low: null, high: null };
  draws.sort((a, b) => a - b);
  const at = (q: number) =>
    draws[Math.min(draws.length - 1, Math.max(0, Math.round(q * (draws.length - 1))))];
  return { value, low: at(0.025), high: at(0.975) };
}
