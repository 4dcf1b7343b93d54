// RFM (seed 003's customer_segmentation): recency (days since the last value behaviour), frequency
// (active days in the last 30) and monetary (ARR), each scored 1-5 by quintile within the
// workspace, and the seed's segments. Pure: unit tests call these with literals.

/**
 * The quintile score 1-5 of `v` among `sorted`, the known values of every account (ascending),
 * this account's among them (a whole build's, or a kept population): the share of values strictly
 * below it (ties share a score), so the lowest fifth scores 1 and the top fifth 5. `lowerIsBetter`
 * turns the scale round (recency: fewer days since use is better). No value scores 1 (no value
 * behaviour ever is the worst recency).
 */
export function quintileAmong(sorted: Float64Array, v: number | null, lowerIsBetter = false): number {
  const n = sorted.length;
  if (v === null || !Number.isFinite(v) || n === 0) return 1;
  // Values strictly below (or above, when lower is better) this one.
  const better = lowerIsBetter ? n - upperBound(sorted, v) : lowerBound(sorted, v);
  return Math.min(5, Math.floor((better / n) * 5) + 1);
}

/** The finite values, ascending: what quintiles are taken among. */
export function knownSorted(values: Iterable<number | null>): Float64Array {
  return Float64Array.from([...values].filter((v): v is number => v !== null && Number.isFinite(v))).sort();
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const RFM_SEGMENTS = [
  'high_value_active',
  'high_value_at_risk',
  'low_value_churn_risk',
  'general',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** Bilingual names of the segments (the seed's own words for the first and third). */
export const RFM_SEGMENT_LABELS: Readonly<Record<RfmSegment, { en: string; zh: string }>> = {
  high_value_active: { en: 'High-value active', zh: '高价值活跃客户' },
  high_value_at_risk: { en: 'High-value, slipping', zh: '高价值流失预警客户' },
  low_value_churn_risk: { en: 'Low-value churn risk', zh: '低价值流失风险客户' },
  general: { en: 'Maintain', zh: '一般维持客户' },
};

/**
 * The seed's segmentation, in order: recency < 30 and frequency > 5 is 高价值活跃客户; recency >
 * 90 (or no value behaviour at all) with low monetary value is 低价值流失风险客户 (the seed's
 * "monetary < 1000" has no unit, so low means the bottom two ARR quintiles of the workspace); a
 * top-two-quintile ARR account idle for over 30 days is 高价值流失预警客户; the rest 一般维持客户.
 * The tiering template `rfm` (segments/templates.ts) states the same rules as conditions.
 */
export function rfmSegment(r: { recencyDays: number | null; frequency30d: number; m: number }): RfmSegment {
  if (r.recencyDays !== null && r.recencyDays < 30 && r.frequency30d > 5) return 'high_value_active';
  if ((r.recencyDays === null || r.recencyDays > 90) && r.m <= 2) return 'low_value_churn_risk';
  if ((r.recencyDays === null || r.recencyDays > 30) && r.m >= 4) return 'high_value_at_risk';
  return 'general';
}
