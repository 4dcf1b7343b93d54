// Customer requests, their groups, the ranked list and the prioritisation settings: types and hooks.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { Page } from './types.ts';

export const REQUEST_TYPES = ['feature_request', 'bug', 'question', 'complaint'] as const;
export const REQUEST_STATUSES = [
  'new',
  'under_review',
  'planned',
  'in_progress',
  'shipped',
  'declined',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface PriorityFactor {
  key: string;
  points: number;
  detail: string;
}
export interface RequestPriority {
  score: number;
  highValue: boolean;
  factors: PriorityFactor[];
}
export interface CustomerRequest {
  id: string;
  number: number;
  accountId: string;
  accountName: string;
  contactId: string | null;
  type: RequestType;
  productArea: string | null;
  title: string;
  description: string | null;
  status: RequestStatus;
  showcase: boolean;
  groupId: string | null;
  groupedBy: 'auto' | 'manual' | null;
  createdAt: string;
  updatedAt: string;
  priority: RequestPriority;
}
export interface AskingAccount {
  accountId: string;
  name: string;
  tier: string | null;
  arr: number;
  healthStatus: string | null;
  renewalDate: string | null;
  daysToRenewal: number | null;
  highValue: boolean;
  requestIds: string[];
}
export interface RankedItem {
  kind: 'group' | 'request';
  groupId: string | null;
  requestId: string | null;
  title: string;
  types: RequestType[];
  productAreas: string[];
  statuses: RequestStatus[];
  requestCount: number;
  accountCount: number;
  totalArr: number;
  priority: RequestPriority;
  topRequestId: string;
  accounts: AskingAccount[];
}
export interface RequestGroup {
  id: string;
  title: string;
  requests: CustomerRequest[];
  accounts: AskingAccount[];
  totalArr: number;
  priority: RequestPriority | null;
}
export interface SimilarRequest {
  requestId: string;
  number: number;
  title: string;
  accountId: string;
  accountName: string;
  status: RequestStatus;
  groupId: string | null;
  similarity: number;
  wouldGroup: boolean;
}
export interface RequestSettings {
  highValueArr: number;
  strategicTiers: string[];
  flagshipTags: string[];
  renewalWindowDays: number;
  groupThreshold: number;
  weights: Record<string, number>;
}
export type RequestFilters = { type?: string; productArea?: string; status?: string; tier?: string };

export function useRankedRequestsQuery(filters: RequestFilters) {
  return useQuery({
    queryKey: ['requests/ranked', filters],
    queryFn: ({ signal }) => get<Page<RankedItem>>('/requests/ranked', { ...filters, limit: 200 }, signal),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}
export function useRequestsQuery(
  query: { accountId?: string; groupId?: string; status?: string },
  enabled = true,
) {
  return useQuery({
    queryKey: ['requests', query],
    queryFn: ({ signal }) =>
      get<Page<CustomerRequest>>('/requests', { ...query, sort: 'priority', limit: 200 }, signal),
    enabled,
    staleTime: 15_000,
  });
}
export function useRequestGroupQuery(id: string | null | undefined) {
  return useQuery({
    queryKey: ['requests/groups', id],
    queryFn: ({ signal }) => get<RequestGroup>(`/requests/groups/${id}`, undefined, signal),
    enabled: !!id,
    staleTime: 15_000,
  });
}
/** "Looks like #N": requests similar to a draft title (the caller debounces the text). */
export function useSimilarRequestsQuery(text: string) {
  return useQuery({
    queryKey: ['requests/similar', text],
    queryFn: ({ signal }) =>
      get<{ threshold: number; items: SimilarRequest[] }>('/requests/similar', { text, limit: 5 }, signal),
    enabled: text.trim().length >= 3,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
export function useRequestSettingsQuery(enabled = true) {
  return useQuery({
    queryKey: ['requests/settings'],
    queryFn: ({ signal }) => get<RequestSettings>('/requests/settings', undefined, signal),
    enabled,
  });
}

export type CreateRequestInput = {
  accountId: string;
  contactId?: string | null;
  type: RequestType;
  productArea?: string | null;
  title: string;
  description?: string | null;
  showcase?: boolean;
};

export function useRequestMutations() {
  const qc = useQueryClient();
  const done = (accountIds: string[] = []) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['requests'] }),
      qc.invalidateQueries({ queryKey: ['requests/ranked'] }),
      qc.invalidateQueries({ queryKey: ['requests/groups'] }),
      qc.invalidateQueries({ queryKey: ['requests/similar'] }),
      ...accountIds.map((id) => qc.invalidateQueries({ queryKey: ['accounts', id, 'timeline'] })),
    ]);
  return {
    create: useMutation({
      mutationFn: (input: CreateRequestInput) => api<CustomerRequest>('POST', '/requests', { body: input }),
      onSuccess: (r) => done([r.accountId]),
    }),
    update: useMutation({
      mutationFn: ({ id, ...input }: { id: string; status?: RequestStatus; showcase?: boolean }) =>
        api<CustomerRequest>('PATCH', `/requests/${id}`, { body: input }),
      onSuccess: (r) => done([r.accountId]),
    }),
    updateGroup: useMutation({
      mutationFn: ({ id, ...input }: { id: string; status?: RequestStatus; title?: string }) =>
        api<RequestGroup>('PATCH', `/requests/groups/${id}`, { body: input }),
      onSuccess: (g) => done(g.accounts.map((a) => a.accountId)),
    }),
    merge: useMutation({
      mutationFn: (input: { requestIds: string[]; groupIds: string[]; title?: string }) =>
        api<RequestGroup>('POST', '/requests/groups/merge', { body: input }),
      onSuccess: () => done(),
    }),
    split: useMutation({
      mutationFn: ({ id, ...input }: { id: string; requestIds: string[]; newGroup: boolean }) =>
        api<{ groupId: string | null; newGroupId: string | null }>('POST', `/requests/groups/${id}/split`, {
          body: input,
        }),
      onSuccess: () => done(),
    }),
  };
}
export function useRequestSettingsMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Partial<RequestSettings>) =>
      api<RequestSettings>('PATCH', '/requests/settings', { body: input }),
    onSuccess: (s) => {
      qc.setQueryData(['requests/settings'], s);
      return qc.invalidateQueries({ queryKey: ['requests/ranked'] });
    },
  });
}
