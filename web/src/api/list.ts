// The accounts list's pickers, saved views and global search: types from schema.gen.ts, one hook per resource.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiGet } from './client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './types.ts';

export type AccountFacets = ResponseOf<'/accounts/facets', 'get'>;
export type SavedView = ItemOf<'/saved-views'>;
export type CreateSavedViewInput = BodyOf<'/saved-views', 'post'>;
export type UpdateSavedViewInput = BodyOf<'/saved-views/{id}', 'patch'>;
export type SearchResults = ResponseOf<'/search', 'get'>;

/** Regions, industries, tags and owners of the accounts the user may read. */
export function useAccountFacetsQuery() {
  return useQuery({
    queryKey: ['accounts/facets'],
    queryFn: ({ signal }) => apiGet('/accounts/facets', { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useSavedViewsQuery() {
  return useQuery({
    queryKey: ['saved-views'],
    queryFn: ({ signal }) => apiGet('/saved-views', { query: { list: 'accounts' }, signal }),
  });
}

export function useSavedViewMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['saved-views'] });
  return {
    create: useMutation({
      mutationFn: (input: CreateSavedViewInput) => api<SavedView>('POST', '/saved-views', { body: input }),
      onSuccess: done,
    }),
    update: useMutation({
      mutationFn: ({ id, ...input }: UpdateSavedViewInput & { id: string }) =>
        api<SavedView>('PATCH', `/saved-views/${encodeURIComponent(id)}`, { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/saved-views/${encodeURIComponent(id)}`),
      onSuccess: done,
    }),
  };
}

export function useSearchQuery(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ['search', text],
    queryFn: ({ signal }) => apiGet('/search', { query: { q: text, limit: 5 }, signal }),
    enabled: text.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
