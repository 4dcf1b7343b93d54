// Renewals and revenue (issue 7's API): types and hooks.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { Page } from './types.ts';

export interface Renewal {
  contractId: string;
  accountId: string;
  accountName: string;
  endDate: string;
  daysToRenewal: number;
  arr: number;
  currency: string;
  stage: string;
  closed: boolean;
  probability: number;
  forecastCategory: string;
  probabilityReason: string | null;
  forecastReason: string | null;
  expectedArr: number;
  weightedArr: number;
  ownerId: string | null;
  ownerName: string | null;
  healthStatus: string | null;
  healthScore: number | null;
  tier: string | null;
}
export interface RenewalForecast {
  currency: string;
  items: {
    month: string;
    contracts: number;
    arr: number;
    expectedArr: number;
    weightedArr: number;
    byRisk: { risk: string; contracts: number; arr: number; weightedArr: number }[];
  }[];
}

export function useRenewalForecastQuery(months: number) {
  return useQuery({
    queryKey: ['revenue/forecast', months],
    queryFn: ({ signal }) => get<RenewalForecast>('/revenue/forecast', { months }, signal),
    staleTime: 60_000,
  });
}
export function useRenewalsQuery(query: {
  months: number;
  ownerId?: string;
  risk?: string;
  status?: string;
  cursor?: string;
}) {
  return useQuery({
    queryKey: ['renewals', query],
    queryFn: ({ signal }) => get<Page<Renewal>>('/renewals', { ...query, limit: 100 }, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export const OPEN_STAGES = ['not_started', 'in_negotiation', 'committed'] as const;
export const EDITABLE_FORECASTS = ['commit', 'probable', 'at_risk'] as const;
export const OUTCOMES = ['renewed', 'expanded', 'downgraded', 'churned'] as const;
export const CHURN_REASONS = [
  'price',
  'budget_cut',
  'competitor',
  'product_fit',
  'missing_feature',
  'poor_adoption',
  'support_experience',
  'champion_left',
  'acquired_or_merged',
  'business_closed',
  'other',
] as const;
export type UpdateRenewalInput = {
  stage?: (typeof OPEN_STAGES)[number];
  probability?: number | null;
  probabilityReason?: string;
  forecastCategory?: (typeof EDITABLE_FORECASTS)[number] | null;
  forecastReason?: string;
};
export type RecordOutcomeInput = {
  outcome: (typeof OUTCOMES)[number];
  amount?: number;
  churnReason?: (typeof CHURN_REASONS)[number];
  churnNote?: string;
  closedOn?: string;
};

export function useRenewalMutations() {
  const qc = useQueryClient();
  const done = (r: Renewal) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['renewals'] }),
      qc.invalidateQueries({ queryKey: ['revenue/forecast'] }),
      qc.invalidateQueries({ queryKey: ['accounts', r.accountId] }),
    ]);
  return {
    update: useMutation({
      mutationFn: ({ id, ...input }: UpdateRenewalInput & { id: string }) =>
        api<Renewal>('PATCH', `/renewals/${id}`, { body: input }),
      onSuccess: done,
    }),
    outcome: useMutation({
      mutationFn: ({ id, ...input }: RecordOutcomeInput & { id: string }) =>
        api<Renewal>('POST', `/renewals/${id}/outcome`, { body: input }),
      onSuccess: done,
    }),
  };
}
