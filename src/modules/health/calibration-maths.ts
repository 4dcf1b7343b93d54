// Calibration maths, pure. Seed 004: status thresholds come from the score distribution of the
// accounts that renewed. Given each renewal outcome's score some days before the contract ended,
// propose band thresholds from the renewed accounts and backtest how well scores (and the lowest
// band) told renewals from churn.
import type { StatusBand } from './health-model.schemas.ts';
import { statusOf } from './score-maths.ts';

export type OutcomeSample = { renewed: boolean; score: number };

const round = (n: number, places: number) => {
  const f = 10 ** places;
  return Math.round(n * f) / f;
};

/** The p-th percentile (0-100) by linear interpolation between order statistics (Excel's PERCENTILE.INC). */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * ROC-AUC of `positives` scoring above `negatives`: the Mann-Whitney U over n₊·n₋, with tied
 * scores given their average rank (a tie counts half). 1 = perfect separation, 0.5 = chance.
 * null when either class is empty, where the statistic means nothing.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number | null {
  const np = positives.length;
  const nn = negatives.length;
  if (np === 0 || nn === 0) return null;
  const all = [
    ...positives.map((v) => ({ v, pos: true })),
    ...negatives.map((v) => ({ v, pos: false })),
  ].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2; // average of 1-based ranks i+1..j+1
    for (let k = i; k <= j; k++) if (all[k]!.pos) rankSum += rank;
    i = j + 1;
  }
  return (rankSum - (np * (np + 1)) / 2) / (np * nn);
}

export type Classification = {
  /** Outcomes flagged (in the lowest band) / of those, how many churned. */
  flagged: number;
  truePositives: number;
  /** Of the flagged, the share that churned; null when nothing was flagged. */
  precision: number | null;
  /** Of the churned, the share that was flagged; null when nothing churned. */
  recall: number | null;
};

/** How well "in the lowest band" predicted churn. */
export function classifyChurn(
  samples: readonly OutcomeSample[],
  bands: readonly StatusBand[],
): Classification {
  const lowest = bands[bands.length - 1]?.key;
  let flagged = 0;
  let truePositives = 0;
  let churned = 0;
  for (const s of samples) {
    const isFlagged = lowest !== undefined && statusOf(bands, s.score)?.key === lowest;
    if (!s.renewed) churned++;
    if (isFlagged) {
      flagged++;
      if (!s.renewed) truePositives++;
    }
  }
  return {
    flagged,
    truePositives,
    precision: flagged ? truePositives / flagged : null,
    recall: churned ? truePositives / churned : null,
  };
}

/**
 * Default percentiles of the renewed distribution for the boundaries of `bandCount` bands, best
 * first. Three bands: [50, 10] (seed 004: danger below the 10th percentile of renewed accounts,
 * fair below the median); otherwise spread evenly between 50 and 10.
 */
export function defaultPercentiles(bandCount: number): number[] {
  const k = bandCount - 1;
  if (k <= 0) return [];
  if (k === 1) return [10];
  return Array.from({ length: k }, (_, i) => round(50 - (40 * i) / (k - 1), 2));
}

/**
 * The bands with new minimums: band i (best first) starts at the percentiles[i]-th percentile of
 * the renewed accounts' scores, the last band at 0. Ties in the data can make two thresholds
 * equal; each is then kept 0.1 below the one above it so the bands stay ordered. null when no
 * account renewed.
 */
export function proposeBands(
  bands: readonly StatusBand[],
  renewedScores: readonly number[],
  percentiles: readonly number[],
): StatusBand[] | null {
  if (renewedScores.length === 0) return null;
  if (percentiles.length !== bands.length - 1) {
    throw new Error(
      `need ${bands.length - 1} percentiles for ${bands.length} bands, got ${percentiles.length}`,
    );
  }
  let above = Number.POSITIVE_INFINITY;
  return bands.map((b, i) => {
    if (i === bands.length - 1) return { ...b, min: 0 };
    const q = round(quantile(renewedScores, percentiles[i]!)!, 1);
    const min = Math.max(0, Math.min(q, round(above - 0.1, 1)));
    above = min;
    return { ...b, min };
  });
}

export type Backtest = {
  renewed: number;
  churned: number;
  /** Probability a renewed account scored above a churned one (ties half); null with an empty class. */
  auc: number | null;
  /** The lowest band as a churn predictor, with the model's current bands and the proposed ones. */
  current: Classification;
  proposed: Classification | null;
};

/**
 * Backtest over outcomes scored before they happened. Note the proposed bands are derived from
 * the same renewed accounts, so their figures are in-sample and flatter them somewhat.
 */
export function backtest(
  samples: readonly OutcomeSample[],
  bands: readonly StatusBand[],
  proposed: readonly StatusBand[] | null,
): Backtest {
  const renewed = samples.filter((s) => s.renewed).map((s) => s.score);
  const churned = samples.filter((s) => !s.renewed).map((s) => s.score);
  return {
    renewed: renewed.length,
    churned: churned.length,
    auc: rocAuc(renewed, churned),
    current: classifyChurn(samples, bands),
    proposed: proposed ? classifyChurn(samples, proposed) : null,
  };
}
