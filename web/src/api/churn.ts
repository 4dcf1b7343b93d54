// The churn model (issue 13's API): its card, the accounts ranked by ARR at risk, one account's risk.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { ResponseOf } from './types.ts';

export type ChurnModelCard = ResponseOf<'/churn/model', 'get'>;
export type ChurnHorizonCard = ChurnModelCard['horizons'][number];
export type ChurnMetrics = NonNullable<ChurnModelCard['metrics']>;
export type ChurnBaselines = NonNullable<ChurnModelCard['baselines']>;
export type GlobalDriver = ChurnModelCard['drivers'][number];
export type RankedRisks = ResponseOf<'/churn/accounts', 'get'>;
export type RankedRisk = RankedRisks['items'][number];
export type AccountRisk = ResponseOf<'/accounts/{id}/risk', 'get'>;
export type RiskDriver = AccountRisk['drivers'][number];

export function useChurnModelQuery() {
  return useQuery({
    queryKey: ['churn/model'],
    queryFn: ({ signal }) => get<ChurnModelCard>('/churn/model', undefined, signal),
    staleTime: 60_000,
  });
}
export function useChurnAccountsQuery(limit = 50) {
  return useQuery({
    queryKey: ['churn/accounts', limit],
    queryFn: ({ signal }) => get<RankedRisks>('/churn/accounts', { limit }, signal),
    staleTime: 60_000,
  });
}
export function useAccountRiskQuery(accountId: string) {
  return useQuery({
    queryKey: ['accounts', accountId, 'risk'],
    queryFn: ({ signal }) => get<AccountRisk>(`/accounts/${accountId}/risk`, undefined, signal),
    staleTime: 60_000,
  });
}

/** Train a new version now; the card, the ranking and every account's risk follow it. */
export function useTrainChurnMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<ChurnModelCard>('POST', '/churn/train', { body: {} }),
    onSuccess: (card) =>
      Promise.all([
        qc.setQueryData(['churn/model'], card),
        qc.invalidateQueries({ queryKey: ['churn/accounts'] }),
        qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'accounts' && q.queryKey[2] === 'risk' }),
      ]),
  });
}
