// Column sorters for antd tables: nulls sort as the given fallback.
export const byNumber =
  <T>(get: (r: T) => number | null | undefined) =>
  (a: T, b: T) =>
    (get(a) ?? -Infinity) - (get(b) ?? -Infinity);

export const byText =
  <T>(get: (r: T) => string | null | undefined) =>
  (a: T, b: T) =>
    (get(a) ?? '').localeCompare(get(b) ?? '');

/** The `n` rows with the most share of capacity used (capacity used, else raw load), highest first. */
export function busiest<T extends { capacityUsed?: number | null; load: number }>(
  rows: readonly T[],
  n: number,
): T[] {
  const used = (r: T) => r.capacityUsed ?? r.load;
  return [...rows].sort((a, b) => used(b) - used(a)).slice(0, n);
}
