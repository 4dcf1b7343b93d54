// The churn model as a whole: encoder + L2 logistic regression (or a random forest) + Platt
// calibration, its cross-validated evaluation (grouped, time-ordered folds; calibration fitted
// inside each training fold), the choice between the two by that cross-validation, and exact
// per-row drivers (the linear model's own terms; TreeSHAP for the forest).
import { type Encoder, encodeRows, type FeatureRow, fitEncoder } from './encode.ts';
import { type Fold, groupedFolds } from './folds.ts';
import { type Forest, type ForestOptions, fitForest, predictForest } from './forest.ts';
import { applyPlatt, fitLogistic, fitPlatt, type LogisticModel, type Platt, scoreRows } from './logistic.ts';
import {
  bootstrap,
  type Interval,
  metricFunctions,
  type ReliabilityBin,
  reliabilityCurve,
} from './metrics.ts';
import { forestShap } from './treeshap.ts';

export type Dataset = {
  rows: readonly FeatureRow[];
  /** 1 = the outcome we predict (churned), 0 = not. */
  y: Uint8Array;
  /** The account each sample belongs to (folds never split one). */
  groups: readonly string[];
  /** When each sample's outcome became known (epoch days), or null for a snapshot. */
  times: readonly (number | null)[] | null;
  features: readonly string[];
};

export type ModelKind = 'logistic' | 'forest';
export const MODEL_KINDS: readonly ModelKind[] = ['logistic', 'forest'];

export type LogisticTrained = {
  kind: 'logistic';
  encoder: Encoder;
  logistic: LogisticModel;
  platt: Platt;
  lambda: number;
};
/** The forest's score is its mean leaf value; Platt's sigmoid maps it to a probability. */
export type ForestTrained = { kind: 'forest'; encoder: Encoder; forest: Forest; platt: Platt };
export type TrainedModel = LogisticTrained | ForestTrained;

export type TrainOptions = {
  kind?: ModelKind;
  lambda?: number;
  calibrationFolds?: number;
  seed?: number;
  forest?: ForestOptions;
};

/** Default penalty on standardised columns: mild, and enough to keep separable data finite. */
export const DEFAULT_LAMBDA = 1;

function subset<T>(list: readonly T[], idx: readonly number[]): T[] {
  return idx.map((i) => list[i]);
}

function fitRaw(
  rows: readonly FeatureRow[],
  y: ArrayLike<number>,
  features: readonly string[],
  lambda: number,
) {
  const encoder = fitEncoder(rows, features);
  const d = encoder.columns.length;
  const x = encodeRows(encoder, rows);
  const logistic = fitLogistic(x, y, rows.length, d, { lambda });
  return { encoder, logistic };
}

function rawScores(
  m: TrainedModel | { encoder: Encoder; logistic: LogisticModel },
  rows: readonly FeatureRow[],
) {
  const x = encodeRows(m.encoder, rows);
  if ('forest' in m) return predictForest(m.forest, x, rows.length, m.encoder.columns.length);
  return scoreRows(m.logistic, x, rows.length);
}

/** Small integers for the accounts of the rows, in order of first appearance. */
function groupIndex(groups: readonly string[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(groups, (g) => {
    let v = ids.get(g);
    if (v === undefined) {
      v = ids.size;
      ids.set(g, v);
    }
    return v;
  });
}

/**
 * The forest on the rows; Platt's sigmoid is fitted on the out-of-bag scores (each row scored only
 * by trees grown without its account), so calibration needs no inner folds.
 */
function trainForest(
  rows: readonly FeatureRow[],
  y: Uint8Array,
  groups: readonly string[],
  features: readonly string[],
  options: TrainOptions,
): ForestTrained {
  const encoder = fitEncoder(rows, features);
  const d = encoder.columns.length;
  const x = encodeRows(encoder, rows);
  const { forest, oob } = fitForest(x, y, rows.length, d, groupIndex(groups), {
    seed: options.seed ?? 1,
    ...options.forest,
  });
  const s: number[] = [];
  const t: number[] = [];
  let pos = 0;
  for (let i = 0; i < oob.length; i++) {
    if (Number.isNaN(oob[i])) continue;
    s.push(oob[i]);
    t.push(y[i]);
    pos += y[i];
  }
  const platt =
    pos > 0 && pos < s.length ? fitPlatt(s, t) : fitPlatt(predictForest(forest, x, rows.length, d), y);
  return { kind: 'forest', encoder, forest, platt };
}

/**
 * Fits the model on the rows; Platt's sigmoid is fitted on scores the model did not see (an inner
 * grouped k-fold over the same rows), then the final fit uses every row.
 */
export function trainModel(data: Dataset, idx: readonly number[], options: TrainOptions = {}): TrainedModel {
  const lambda = options.lambda ?? DEFAULT_LAMBDA;
  const rows = subset(data.rows, idx);
  const y = Uint8Array.from(idx, (i) => data.y[i]);
  const groups = subset(data.groups, idx);
  if (options.kind === 'forest') return trainForest(rows, y, groups, data.features, options);
  const k = options.calibrationFolds ?? 3;
  const oof = new Float64Array(idx.length);
  const distinct = new Set(groups).size;
  let platt: Platt = { a: 1, b: 0 };
  if (distinct >= k) {
    for (const f of groupedFolds(groups, null, k, (options.seed ?? 1) + 101)) {
      const m = fitRaw(subset(rows, f.train), subset([...y], f.train), data.features, lambda);
      const s = rawScores(m, subset(rows, f.test));
      f.test.forEach((t, j) => {
        oof[t] = s[j];
      });
    }
    platt = fitPlatt(oof, y);
  }
  const { encoder, logistic } = fitRaw(rows, y, data.features, lambda);
  return { kind: 'logistic', encoder, logistic, platt, lambda };
}

/** Calibrated probabilities of the rows. */
export function predict(model: TrainedModel, rows: readonly FeatureRow[]): Float64Array {
  const s = rawScores(model, rows);
  return s.map((v) => applyPlatt(model.platt, v));
}

export type Driver = { fact: string; value: unknown; contribution: number };

/**
 * Each encoded column's exact share of the calibrated log-odds of one encoded row, and the base
 * they start from. Linear model: a·wⱼ·xⱼ against the average training row (base a·intercept + b).
 * Forest: a·φⱼ, φ the TreeSHAP values of the forest's score (the calibrated logit a·score + b is
 * linear in the score, so the Shapley values carry over; base a·E[score] + b).
 */
function columnContributions(model: TrainedModel, x: Float64Array): { base: number; terms: Float64Array } {
  const a = model.platt.a;
  const d = model.encoder.columns.length;
  if (model.kind === 'forest') {
    const { base, phi } = forestShap(model.forest, x, d);
    return { base: a * base + model.platt.b, terms: phi.map((v) => a * v) };
  }
  const terms = new Float64Array(d);
  for (let j = 0; j < d; j++) terms[j] = a * model.logistic.weights[j] * x[j];
  return { base: a * model.logistic.intercept + model.platt.b, terms };
}

/**
 * Exact drivers of one row: each feature's share of the calibrated log-odds (its encoded columns'
 * terms summed). base + Σ contributions is the calibrated logit, so σ of it is the probability.
 */
export function explainRow(
  model: TrainedModel,
  row: FeatureRow,
): { base: number; logit: number; drivers: Driver[] } {
  const x = encodeRows(model.encoder, [row]);
  const { base, terms } = columnContributions(model, x);
  const byFeature = new Map<string, number>();
  model.encoder.columns.forEach((c, j) => {
    byFeature.set(c.feature, (byFeature.get(c.feature) ?? 0) + terms[j]);
  });
  let logit = base;
  const drivers: Driver[] = [];
  for (const [fact, contribution] of byFeature) {
    logit += contribution;
    drivers.push({ fact, value: row[fact] ?? null, contribution });
  }
  drivers.sort((p, q) => Math.abs(q.contribution) - Math.abs(p.contribution));
  return { base, logit, drivers };
}

export type GlobalDriver = { fact: string; importance: number; direction: 'raises' | 'lowers' | 'mixed' };

/**
 * Each feature's mean absolute contribution (calibrated log-odds) over the rows, and whether a
 * higher value raises or lowers the risk (numbers; categoricals are "mixed").
 */
/** Rows TreeSHAP explains for a forest's global drivers (an even spread of the training rows). */
export const FOREST_DRIVER_ROWS = 400;

export function globalDrivers(model: TrainedModel, allRows: readonly FeatureRow[]): GlobalDriver[] {
  const d = model.encoder.columns.length;
  const step = model.kind === 'forest' ? Math.max(1, Math.ceil(allRows.length / FOREST_DRIVER_ROWS)) : 1;
  const rows = step === 1 ? allRows : allRows.filter((_, i) => i % step === 0);
  const x = encodeRows(model.encoder, rows);
  const sums = new Map<string, number>();
  // For the forest, the direction of a numeric fact: the sign of the covariance between its
  // standardised value and its contribution.
  const cov = new Float64Array(d);
  for (let i = 0; i < rows.length; i++) {
    const xi = x.subarray(i * d, (i + 1) * d);
    const { terms } = columnContributions(model, xi);
    const per = new Map<string, number>();
    for (let j = 0; j < d; j++) {
      const c = model.encoder.columns[j];
      per.set(c.feature, (per.get(c.feature) ?? 0) + terms[j]);
      cov[j] += xi[j] * terms[j];
    }
    for (const [f, v] of per) sums.set(f, (sums.get(f) ?? 0) + Math.abs(v));
  }
  return model.encoder.features
    .map((f): GlobalDriver => {
      let direction: GlobalDriver['direction'] = 'mixed';
      if (f.kind === 'numeric') {
        const j = model.encoder.columns.findIndex((c) => c.feature === f.name && c.part === 'value');
        const w = model.kind === 'logistic' ? model.platt.a * model.logistic.weights[j] : cov[j];
        direction = w > 0 ? 'raises' : w < 0 ? 'lowers' : 'mixed';
      }
      return { fact: f.name, importance: (sums.get(f.name) ?? 0) / Math.max(1, rows.length), direction };
    })
    .sort((p, q) => q.importance - p.importance);
}

export type Metrics = {
  n: number;
  positives: number;
  auc: Interval;
  prAuc: Interval;
  brier: Interval;
  reliability: ReliabilityBin[];
};

/** Metrics of probabilities against outcomes, with bootstrap 95% intervals. */
export function scoreMetrics(p: ArrayLike<number>, y: ArrayLike<number>, seed = 7): Metrics {
  const n = p.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i] ? 1 : 0;
  const f = metricFunctions(p, y);
  return {
    n,
    positives,
    auc: bootstrap(n, f.auc, { seed }),
    prAuc: bootstrap(n, f.prAuc, { seed }),
    brier: bootstrap(n, f.brier, { seed }),
    reliability: reliabilityCurve(p, y),
  };
}

export type CrossValidation = {
  folds: Fold[];
  /** Indices of the samples that were tested (every sample, unless time-ordered). */
  tested: number[];
  /** Out-of-fold calibrated probability, by sample index (NaN when not tested). */
  probability: Float64Array;
  metrics: Metrics;
};

export function crossValidate(data: Dataset, k: number, options: TrainOptions = {}): CrossValidation {
  const folds = groupedFolds(data.groups, data.times, k, options.seed ?? 1);
  const probability = new Float64Array(data.rows.length).fill(Number.NaN);
  for (const f of folds) {
    if (f.train.length === 0) continue;
    let pos = 0;
    for (const i of f.train) pos += data.y[i];
    if (pos === 0 || pos === f.train.length) continue; // one class only: nothing to learn from
    const model = trainModel(data, f.train, options);
    const p = predict(model, subset(data.rows, f.test));
    f.test.forEach((t, j) => {
      probability[t] = p[j];
    });
  }
  const tested: number[] = [];
  for (let i = 0; i < probability.length; i++) if (!Number.isNaN(probability[i])) tested.push(i);
  const metrics = scoreMetrics(
    tested.map((i) => probability[i]),
    tested.map((i) => data.y[i]),
  );
  return { folds, tested, probability, metrics };
}

export type Selection = {
  /** The kind chosen: the higher cross-validated ROC-AUC (the linear model on a tie). */
  chosen: ModelKind;
  results: Partial<Record<ModelKind, CrossValidation>>;
};

/**
 * Cross-validates each candidate on the same folds and keeps the better by ROC-AUC. `kind`
 * 'auto' tries both; a named kind is the only candidate.
 */
export function selectModel(
  data: Dataset,
  k: number,
  kind: ModelKind | 'auto' = 'auto',
  options: TrainOptions = {},
): Selection {
  const candidates = kind === 'auto' ? MODEL_KINDS : [kind];
  const results: Partial<Record<ModelKind, CrossValidation>> = {};
  let chosen = candidates[0];
  for (const c of candidates) {
    results[c] = crossValidate(data, k, { ...options, kind: c });
    const best = results[chosen]!.metrics.auc.value ?? -1;
    if ((results[c]!.metrics.auc.value ?? -1) > best) chosen = c;
  }
  return { chosen, results };
}
