// Workbench reports: types and hooks.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { apiGet } from './client.ts';

/** Accounts per lifecycle stage in journey order (onboarding ... expansion, churned last). */
export function useStageJourneyQuery(ownerId?: string) {
  return useQuery({
    queryKey: ['reports/stages', ownerId ?? null],
    queryFn: ({ signal }) => apiGet('/reports/stages', { query: { ownerId }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
