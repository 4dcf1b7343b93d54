// Percentile ranks as the facts and the metrics API define them: the share of the other values
// below (ties counting half), 0-100. Imports nothing, so the metrics provider, automation's
// triggers and the batch percentiles all use it without an import cycle.

/** Percentile rank 0-100 of each value among all values (ties count half), as in the metrics API. */
export function percentileRanks(values: ReadonlyMap<string, number>): Map<string, number> {
  const ranks = percentileRankArray(Float64Array.from(values.values()));
  const out = new Map<string, number>();
  let i = 0;
  for (const k of values.keys()) out.set(k, ranks[i++]!);
  return out;
}

/** percentileRanks over an array: each value's rank, in the same positions. */
export function percentileRankArray(values: Float64Array): Float64Array {
  const sorted = Float64Array.from(values).sort();
  return values.map((v) => percentileRankAmong(sorted, v));
}

/**
 * The rank of `v` among `sorted` (ascending), which holds every account's value, this account's
 * among them (a whole build's values, or a kept population: populations.ts): one value equal to `v`
 * is the account itself, the other ties count half.
 */
export function percentileRankAmong(sorted: Float64Array, v: number): number {
  const n = sorted.length;
  if (n <= 1) return 50;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  const ties = Math.max(0, lo - below - 1);
  // At most 100: a kept population may hold this account's older, lower value besides the others.
  return Math.min(100, (100 * (below + ties / 2)) / (n - 1));
}
