// The workspace's QBR settings: the template each tier's report gets and the hourly cost the ROI
// values saved hours at (GET any role, PUT admins).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiGet } from './client.ts';
import type { BodyOf, ResponseOf } from './types.ts';

export type QbrSettings = ResponseOf<'/qbr/settings', 'get'>;

export function useQbrSettingsQuery() {
  return useQuery({
    queryKey: ['qbr/settings'],
    queryFn: ({ signal }) => apiGet('/qbr/settings', { signal }),
  });
}

export function useSaveQbrSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/qbr/settings', 'put'>) => api<QbrSettings>('PUT', '/qbr/settings', { body }),
    onSuccess: (saved) => qc.setQueryData(['qbr/settings'], saved),
  });
}
