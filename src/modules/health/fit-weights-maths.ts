// Fitting a health model's component weights to renewal outcomes, pure. Each outcome's stored
// snapshot (its components' 0-100 values as computed before the contract ended) is a row; churn's
// L2 logistic regression (standardised columns, blanks imputed with an indicator) learns how each
// component's value moves the odds of churn, and a component's proposed share of the score is its
// protective coefficient on the 0-100 scale (negative ones, which would reward a worse value, get
// the floor). Scores are then recombined from the same values with the old and the new shares, so
// the backtest compares like with like.
import { type Dataset, groupedFolds, trainModel } from '../churn/index.ts';
import type { Classification } from './calibration-maths.ts';
import { classifyChurn, rocAuc } from './calibration-maths.ts';
import type { Dimension, StatusBand } from './health-model.schemas.ts';

/** `dimension/component`: a component's id across dimensions. */
export const componentId = (dimension: string, key: string) => `${dimension}/${key}`;

export type WeightSample = {
  accountId: string;
  renewed: boolean;
  /** The contract's end as epoch days: folds train on earlier outcomes only. */
  time: number;
  /** Component id -> its 0-100 value in the snapshot; absent when it had none. */
  values: ReadonlyMap<string, number>;
};

/** Each component's effective share of the dimensions' part of the score (they sum to 1). */
export function componentShares(dimensions: readonly Dimension[]): Map<string, number> {
  const total = dimensions.reduce((s, d) => s + d.weight, 0);
  const out = new Map<string, number>();
  for (const d of dimensions) {
    const inner = d.components.reduce((s, c) => s + c.weight, 0);
    for (const c of d.components) out.set(componentId(d.key, c.key), (d.weight / total) * (c.weight / inner));
  }
  return out;
}

/** The score from these values and shares, renormalised over the components present (as scoring does). */
export function scoreWith(
  shares: ReadonlyMap<string, number>,
  values: ReadonlyMap<string, number>,
): number | null {
  let sum = 0;
  let weight = 0;
  for (const [id, share] of shares) {
    const v = values.get(id);
    if (v === undefined) continue;
    sum += share * v;
    weight += share;
  }
  return weight > 0 ? sum / weight : null;
}

/** The smallest share a component keeps: the model's weights must stay above 0. */
export const MIN_SHARE = 0.005;

/**
 * Proposed shares from a logistic fit on `idx` (all samples by default). Components no sample has a
 * value for keep their current share; the rest share what is left in proportion to their
 * protective coefficient. null when no component's coefficient protects (no signal).
 */
export function fitShares(
  samples: readonly WeightSample[],
  current: ReadonlyMap<string, number>,
  idx: readonly number[] = samples.map((_, i) => i),
  lambda = 1,
): { shares: Map<string, number>; coefficients: Map<string, number> } | null {
  const ids = [...current.keys()];
  const observed = ids.filter((id) => idx.some((i) => samples[i]!.values.has(id)));
  if (observed.length === 0) return null;
  const data: Dataset = {
    rows: samples.map((s) => Object.fromEntries(observed.map((id) => [id, s.values.get(id) ?? null]))),
    y: Uint8Array.from(samples, (s) => (s.renewed ? 0 : 1)),
    groups: samples.map((s) => s.accountId),
    times: samples.map((s) => s.time),
    features: observed,
  };
  const model = trainModel(data, idx, { kind: 'logistic', lambda, calibrationFolds: 2 });
  if (model.kind !== 'logistic') return null;
  // Back to the 0-100 scale: encoded = ((v - mean) / sd - colMean) / colSd, so the coefficient per
  // point is w / (sd · colSd). Churn is the positive class: a protective component has w < 0.
  const coefficients = new Map<string, number>();
  model.encoder.columns.forEach((col, j) => {
    if (col.part !== 'value') return;
    const spec = model.encoder.features.find((f) => f.name === col.feature);
    if (spec?.kind !== 'numeric' || spec.sd === 0 || col.sd === 0) return;
    coefficients.set(col.feature, model.logistic.weights[j]! / (spec.sd * col.sd));
  });
  const protective = new Map(observed.map((id) => [id, Math.max(0, -(coefficients.get(id) ?? 0))]));
  const total = [...protective.values()].reduce((s, v) => s + v, 0);
  if (!(total > 0)) return null;
  const kept = ids.filter((id) => !observed.includes(id)).reduce((s, id) => s + current.get(id)!, 0);
  const free = 1 - kept;
  const shares = new Map<string, number>();
  for (const id of ids) {
    shares.set(
      id,
      observed.includes(id) ? Math.max(MIN_SHARE, (free * protective.get(id)!) / total) : current.get(id)!,
    );
  }
  const sum = [...shares.values()].reduce((s, v) => s + v, 0);
  for (const [id, v] of shares) shares.set(id, v / sum);
  return { shares, coefficients };
}

/**
 * The model's dimensions with weights that give these shares: each component's weight is its share
 * in points, each dimension's weight its components' total scaled to the dimensions' current total
 * (so the sentiment part keeps its weight beside them).
 */
export function dimensionsWithShares(
  dimensions: readonly Dimension[],
  shares: ReadonlyMap<string, number>,
): Dimension[] {
  const total = dimensions.reduce((s, d) => s + d.weight, 0);
  const r = (n: number) => Math.round(n * 100) / 100;
  return dimensions.map((d) => {
    const parts = d.components.map((c) => shares.get(componentId(d.key, c.key)) ?? 0);
    const sum = parts.reduce((s, v) => s + v, 0);
    return {
      ...d,
      weight: Math.max(0.01, r(total * sum)),
      components: d.components.map((c, i) => ({ ...c, weight: Math.max(0.01, r(100 * parts[i]!)) })),
    };
  });
}

export type WeightBacktest = { auc: number | null } & Classification;

/** ROC-AUC (renewed above churned) and the lowest band's precision and recall for churn. */
export function backtestScores(
  samples: readonly WeightSample[],
  scores: readonly (number | null)[],
  bands: readonly StatusBand[],
): WeightBacktest {
  const scored = samples.flatMap((s, i) =>
    scores[i] === null ? [] : [{ renewed: s.renewed, score: scores[i]! }],
  );
  return {
    auc: rocAuc(
      scored.filter((s) => s.renewed).map((s) => s.score),
      scored.filter((s) => !s.renewed).map((s) => s.score),
    ),
    ...classifyChurn(scored, bands),
  };
}

/**
 * Out-of-sample check of the fitting itself: grouped folds ordered in time (an account is never on
 * both sides; each fold trains on earlier outcomes), scores of each test block with the shares
 * fitted on its training samples, against the current shares on the same samples.
 */
export function crossValidateShares(
  samples: readonly WeightSample[],
  current: ReadonlyMap<string, number>,
  folds = 5,
): { n: number; before: number | null; after: number | null } {
  if (new Set(samples.map((s) => s.accountId)).size < folds + 1) return { n: 0, before: null, after: null };
  const tested: { renewed: boolean; before: number; after: number }[] = [];
  for (const f of groupedFolds(
    samples.map((s) => s.accountId),
    samples.map((s) => s.time),
    folds,
  )) {
    const train = f.train;
    const churned = train.filter((i) => !samples[i]!.renewed).length;
    if (churned === 0 || churned === train.length) continue;
    const fit = fitShares(samples, current, train);
    for (const i of f.test) {
      const before = scoreWith(current, samples[i]!.values);
      const after = scoreWith(fit?.shares ?? current, samples[i]!.values);
      if (before !== null && after !== null) tested.push({ renewed: samples[i]!.renewed, before, after });
    }
  }
  const auc = (k: 'before' | 'after') =>
    rocAuc(
      tested.filter((t) => t.renewed).map((t) => t[k]),
      tested.filter((t) => !t.renewed).map((t) => t[k]),
    );
  return { n: tested.length, before: auc('before'), after: auc('after') };
}
