// Workspace access settings an admin decides: which accounts CSMs and viewers read (team
// settings' csmReadScope) and whether a write key may rename existing accounts (ingest settings).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiGet } from './client.ts';
import type { BodyOf } from './types.ts';

export function useTeamSettingsQuery() {
  return useQuery({
    queryKey: ['team/settings'],
    queryFn: ({ signal }) => apiGet('/team/settings', { signal }),
  });
}

export function useIngestSettingsQuery() {
  return useQuery({
    queryKey: ['ingest/settings'],
    queryFn: ({ signal }) => apiGet('/ingest/settings', { signal }),
  });
}

export function useAccessMutations() {
  const qc = useQueryClient();
  return {
    team: useMutation({
      mutationFn: (body: BodyOf<'/team/settings', 'patch'>) =>
        api<unknown>('PATCH', '/team/settings', { body }),
      // Every list and report reads through the scope: refetch them all.
      onSuccess: () => qc.invalidateQueries(),
    }),
    ingest: useMutation({
      mutationFn: (body: BodyOf<'/ingest/settings', 'patch'>) =>
        api<unknown>('PATCH', '/ingest/settings', { body }),
      onSuccess: () => qc.invalidateQueries({ queryKey: ['ingest/settings'] }),
    }),
  };
}
