// Renewals and revenue (issue 7's API): types and hooks.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get } from './client.ts';
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
