// The manager's cockpit (issue 16 parts 2, 4, 6): revenue and retention, playbooks and their
// effect, and the admin screens' reads. One hook per API resource; keys start with its path.
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api, apiGet } from './client.ts';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from './types.ts';

const STALE = 60_000;

// ---- revenue
export type ArrBy = NonNullable<QueryOf<'/revenue/arr', 'get'>['by']>;
export type ArrBreakdown = ResponseOf<'/revenue/arr', 'get'>;
export type RetentionQuery = QueryOf<'/revenue/retention', 'get'>;
export type RetentionRow = ResponseOf<'/revenue/retention', 'get'>['items'][number];
export type MovementMonth = ResponseOf<'/revenue/movement', 'get'>['items'][number];
export type ChurnReasons = ResponseOf<'/revenue/churn', 'get'>;

export function useArrBreakdownQuery(by: ArrBy) {
  return useQuery({
    queryKey: ['revenue/arr', by],
    queryFn: ({ signal }) => apiGet('/revenue/arr', { query: { by }, signal }),
    placeholderData: keepPreviousData,
    staleTime: STALE,
  });
}
export function useRetentionQuery(query: RetentionQuery) {
  return useQuery({
    queryKey: ['revenue/retention', query],
    queryFn: ({ signal }) => apiGet('/revenue/retention', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: STALE,
  });
}
export function useMovementQuery(query: QueryOf<'/revenue/movement', 'get'> = {}) {
  return useQuery({
    queryKey: ['revenue/movement', query],
    queryFn: ({ signal }) => apiGet('/revenue/movement', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: STALE,
  });
}
export function useChurnReasonsQuery(query: QueryOf<'/revenue/churn', 'get'> = {}) {
  return useQuery({
    queryKey: ['revenue/churn', query],
    queryFn: ({ signal }) => apiGet('/revenue/churn', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: STALE,
  });
}

// ---- playbooks and their effect
export type Playbook = ItemOf<'/playbooks'>;
export type UpdatePlaybookInput = BodyOf<'/playbooks/{id}', 'patch'>;
export type PlaybookPlay = NonNullable<UpdatePlaybookInput['plays']>[number];
export type PlaybookDryRun = ResponseOf<'/playbooks/{id}/dry-run', 'post'>;
export type EffectivenessRow = ItemOf<'/automation/effectiveness'>;

export function usePlaybooksQuery() {
  return useQuery({
    queryKey: ['playbooks'],
    queryFn: ({ signal }) => apiGet('/playbooks', { signal }),
    staleTime: 30_000,
  });
}
export function usePlaybookMutations() {
  const qc = useQueryClient();
  return {
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: UpdatePlaybookInput }) =>
        api<Playbook>('PATCH', `/playbooks/${id}`, { body }),
      onSuccess: () => qc.invalidateQueries({ queryKey: ['playbooks'] }),
    }),
    installDefaults: useMutation({
      mutationFn: () => api<unknown>('POST', '/playbooks/defaults', { body: {} }),
      onSuccess: () => qc.invalidateQueries({ queryKey: ['playbooks'] }),
    }),
    dryRun: useMutation({
      mutationFn: ({ id, draft }: { id: string; draft?: UpdatePlaybookInput }) =>
        api<PlaybookDryRun>('POST', `/playbooks/${id}/dry-run`, { body: { draft, limit: 20 } }),
    }),
  };
}
export function useEffectivenessQuery(query: QueryOf<'/automation/effectiveness', 'get'> = {}) {
  return useQuery({
    queryKey: ['automation/effectiveness', query],
    queryFn: ({ signal }) => apiGet('/automation/effectiveness', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: STALE,
  });
}

// ---- admin
export type AuditEntry = ItemOf<'/audit-log'>;
export type AuditFilters = Omit<QueryOf<'/audit-log', 'get'>, 'cursor' | 'limit'>;
export function useAuditLogQuery(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit-log', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ signal, pageParam }) =>
      apiGet('/audit-log', { query: { ...filters, cursor: pageParam, limit: 50 }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
export function useAuditFacetsQuery() {
  return useQuery({
    queryKey: ['audit-log/facets'],
    queryFn: ({ signal }) => apiGet('/audit-log/facets', { signal }),
    staleTime: STALE,
  });
}
export type RejectedEvent = ItemOf<'/ingest/rejected'>;
export type DropReason = NonNullable<QueryOf<'/ingest/rejected', 'get'>['reason']>;
export function useIngestStatsQuery() {
  return useQuery({
    queryKey: ['ingest/stats'],
    queryFn: ({ signal }) => apiGet('/ingest/stats', { signal }),
    staleTime: 30_000,
  });
}
export function useRejectedEventsQuery(reason: DropReason | undefined) {
  return useInfiniteQuery({
    queryKey: ['ingest/rejected', reason ?? null],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ signal, pageParam }) =>
      apiGet('/ingest/rejected', { query: { reason, cursor: pageParam, limit: 50 }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
export type Delivery = ItemOf<'/rules/{id}/deliveries'>;
export function useRuleDeliveriesQuery(ruleId: string | undefined) {
  return useInfiniteQuery({
    queryKey: ['rules', ruleId, 'deliveries'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ signal, pageParam }) =>
      apiGet('/rules/{id}/deliveries', {
        params: { id: ruleId! },
        query: { cursor: pageParam, limit: 50 },
        signal,
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: !!ruleId,
  });
}
export type CurrencyRate = ItemOf<'/currency-rates'>;
export type SetCurrencyRateInput = BodyOf<'/currency-rates', 'post'>;
export function useCurrencyRatesQuery() {
  return useQuery({
    queryKey: ['currency-rates'],
    queryFn: ({ signal }) => apiGet('/currency-rates', { signal }),
    staleTime: 30_000,
  });
}
export function useSetCurrencyRateMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SetCurrencyRateInput) =>
      api<CurrencyRate & { repricedContracts: number }>('POST', '/currency-rates', { body }),
    // Repricing moves every figure in the base currency.
    onSuccess: () => qc.invalidateQueries(),
  });
}
