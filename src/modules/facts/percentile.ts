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
  const n = values.length;
  const out = new Float64Array(n);
  if (n <= 1) return out.fill(50);
  const sorted = Float64Array.from(values).sort();
  const lower = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upper = (v: number) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const below = lower(v);
    const ties = upper(v) - below - 1; // excluding the account itself
    out[i] = (100 * (below + ties / 2)) / (n - 1);
  }
  return out;
}
