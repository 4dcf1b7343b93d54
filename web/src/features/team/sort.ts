// Column sorters for antd tables: nulls sort as the given fallback.
export const byNumber =
  <T>(get: (r: T) => number | null | undefined) =>
  (a: T, b: T) =>
    (get(a) ?? -Infinity) - (get(b) ?? -Infinity);

export const byText =
  <T>(get: (r: T) => string | null | undefined) =>
  (a: T, b: T) =>
    (get(a) ?? '').localeCompare(get(b) ?? '');
