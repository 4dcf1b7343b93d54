// Renewals and revenue (issue 7's API): types and hooks.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import {
  churnReasonValues,
  editableForecastCategoryValues,
  openRenewalStageValues,
  renewalOutcomeValues,
} from './schema.gen.ts';
import type { BodyOf, ItemOf, Page, ResponseOf } from './types.ts';

export type Renewal = ItemOf<'/renewals'>;
export type RenewalForecast = ResponseOf<'/revenue/forecast', 'get'>;

export type RenewalWindow = ResponseOf<'/renewals/window', 'get'>;

/** The filters the pipeline list and its charts share, so a chart adds up the rows under it. */
export type RenewalFilters = {
  ownerId?: string;
  risk?: string[];
  stage?: string[];
  forecastCategory?: string[];
  status?: 'open' | 'all';
};

export function useRenewalForecastQuery(query: RenewalFilters & { months: number }) {
  return useQuery({
    queryKey: ['revenue/forecast', query],
    queryFn: ({ signal }) => get<RenewalForecast>('/revenue/forecast', query, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
/** Open renewals in the next `days` (closed ones excluded): totals and the soonest `limit`. */
export function useRenewalWindowQuery(
  query: RenewalFilters & { days: number; limit: number },
  enabled = true,
) {
  return useQuery({
    queryKey: ['renewals/window', query],
    queryFn: ({ signal }) => get<RenewalWindow>('/renewals/window', query, signal),
    enabled,
    staleTime: 60_000,
  });
}
export function useRenewalsQuery(query: RenewalFilters & { months: number; cursor?: string }) {
  return useQuery({
    queryKey: ['renewals', query],
    queryFn: ({ signal }) => get<Page<Renewal>>('/renewals', { ...query, limit: 100 }, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

// Option lists from the server's OpenAPI document (schema.gen.ts).
export const OPEN_STAGES = openRenewalStageValues;
export const EDITABLE_FORECASTS = editableForecastCategoryValues;
export const OUTCOMES = renewalOutcomeValues;
export const CHURN_REASONS = churnReasonValues;
export type UpdateRenewalInput = BodyOf<'/renewals/{id}', 'patch'>;
export type RecordOutcomeInput = BodyOf<'/renewals/{id}/outcome', 'post'>;

export function useRenewalMutations() {
  const qc = useQueryClient();
  const done = (r: Renewal) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['renewals'] }),
      qc.invalidateQueries({ queryKey: ['revenue/forecast'] }),
      qc.invalidateQueries({ queryKey: ['renewals/window'] }),
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
