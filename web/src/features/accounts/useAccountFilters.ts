import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { FILTER_KEYS, type Filters } from './filters.ts';

/** The filters live in the URL, so a filtered list can be linked, reloaded and saved as a view. */
export function useAccountFilters() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo<Filters>(
    () => Object.fromEntries(FILTER_KEYS.flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : []))),
    [params],
  );
  const replace = (next: Filters) => {
    const q = new URLSearchParams();
    for (const k of FILTER_KEYS) if (next[k]) q.set(k, next[k]!);
    setParams(q);
  };
  return {
    filters,
    replace,
    setFilter: (patch: Filters) => replace({ ...filters, ...patch }),
    clear: () => replace({}),
  };
}
