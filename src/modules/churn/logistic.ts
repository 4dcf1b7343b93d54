// L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
// squares), and Platt calibration. Written here rather than taken from a library: the whole fit is
// a d×d linear solve per iteration (d is a few dozen encoded columns), and owning it lets the unit
// tests check it against a hand-worked optimum. The intercept is not penalised.

export type LogisticModel = { intercept: number; weights: Float64Array };

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
export const logit = (p: number) => {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  return Math.log(q / (1 - q));
};

/** Solves A x = b for a symmetric positive definite A (row-major, n×n) by Cholesky; A is not kept. */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        // A tiny floor keeps a numerically singular system (a duplicated column) solvable.
        l[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

export type FitOptions = { lambda: number; maxIterations?: number; tolerance?: number };

/**
 * Minimises Σ log-loss + λ/2 ‖w‖² over the rows of `x` (row-major n×d) with labels y ∈ {0,1}.
 * Newton steps on (intercept, w) with a step-halving line search, so it converges in a handful
 * of iterations and never diverges on separable data (the penalty keeps the optimum finite).
 */
export function fitLogistic(
  x: Float64Array,
  y: ArrayLike<number>,
  n: number,
  d: number,
  options: FitOptions,
): LogisticModel {
  const { lambda } = options;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-9;
  const p = d + 1; // parameter 0 is the intercept
  let theta = new Float64Array(p);
  const z = new Float64Array(n);
  const loss = (t: Float64Array) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      let s = t[0];
      for (let j = 0; j < d; j++) s += t[j + 1] * x[i * d + j];
      z[i] = s;
      // log(1 + e^s) - y s, computed without overflow
      l += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i] * s;
    }
    for (let j = 1; j < p; j++) l += (lambda / 2) * t[j] * t[j];
    return l;
  };
  let current = loss(theta);
  for (let iter = 0; iter < maxIterations; iter++) {
    const g = new Float64Array(p);
    const h = new Float64Array(p * p);
    const row = new Float64Array(p);
    row[0] = 1;
    for (let i = 0; i < n; i++) {
      const mu = sigmoid(z[i]);
      const r = mu - y[i];
      const w = Math.max(mu * (1 - mu), 1e-12);
      for (let j = 0; j < d; j++) row[j + 1] = x[i * d + j];
      for (let a = 0; a < p; a++) {
        const ra = row[a];
        g[a] += r * ra;
        const wa = w * ra;
        if (wa === 0) continue;
        for (let b = 0; b <= a; b++) h[a * p + b] += wa * row[b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) h[b * p + a] = h[a * p + b];
    for (let j = 1; j < p; j++) {
      g[j] += lambda * theta[j];
      h[j * p + j] += lambda;
    }
    h[0] += 1e-9;
    const step = choleskySolve(h, g, p);
    let t = 1;
    let next = theta;
    let nextLoss = current;
    for (let k = 0; k < 30; k++) {
      const cand = new Float64Array(p);
      for (let j = 0; j < p; j++) cand[j] = theta[j] - t * step[j];
      const l = loss(cand);
      if (l <= current) {
        next = cand;
        nextLoss = l;
        break;
      }
      t /= 2;
    }
    const improvement = current - nextLoss;
    theta = next;
    current = loss(theta); // refresh z for the next iteration's gradient
    if (improvement <= tolerance * Math.max(1, Math.abs(current))) break;
  }
  return { intercept: theta[0], weights: theta.slice(1) };
}

/** The linear score (log-odds) of each row. */
export function scoreRows(model: LogisticModel, x: Float64Array, n: number): Float64Array {
  const d = model.weights.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = model.intercept;
    for (let j = 0; j < d; j++) s += model.weights[j] * x[i * d + j];
    out[i] = s;
  }
  return out;
}

/** Platt scaling: p = σ(a·score + b), fitted on scores the model did not train on. */
export type Platt = { a: number; b: number };

/**
 * Fits Platt's sigmoid with his smoothed targets ((N₊+1)/(N₊+2) and 1/(N₋+2)), so a perfectly
 * separated calibration set still gives finite a and b. Newton's method on two parameters.
 */
export function fitPlatt(scores: ArrayLike<number>, y: ArrayLike<number>): Platt {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i];
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (n - pos + 2);
  let a = 1;
  let b = 0;
  const lossAt = (aa: number, bb: number) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const t = y[i] ? hi : lo;
      const s = aa * scores[i] + bb;
      l += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - t * s;
    }
    return l;
  };
  let current = lossAt(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const t = y[i] ? hi : lo;
      const s = scores[i];
      const mu = sigmoid(a * s + b);
      const r = mu - t;
      const w = mu * (1 - mu);
      ga += r * s;
      gb += r;
      haa += w * s * s;
      hab += w * s;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let moved = false;
    for (let k = 0; k < 30; k++) {
      const l = lossAt(a - step * da, b - step * db);
      if (l <= current) {
        const gain = current - l;
        a -= step * da;
        b -= step * db;
        current = l;
        moved = gain > 1e-12 * Math.max(1, Math.abs(current));
        break;
      }
      step /= 2;
    }
    if (!moved) break;
  }
  return { a, b };
}

export const applyPlatt = (platt: Platt, score: number) => sigmoid(platt.a * score + platt.b);
