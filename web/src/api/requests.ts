// Customer requests, their groups, the ranked list and the prioritisation settings: types and hooks.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import { requestStatusValues, requestTypeValues } from './schema.gen.ts';
import type { BodyOf, Page, Schemas } from './types.ts';

// Option lists and shapes come from the server's OpenAPI document (schema.gen.ts).
export const REQUEST_TYPES = requestTypeValues;
export const REQUEST_STATUSES = requestStatusValues;
export type RequestType = Schemas['RequestType'];
export type RequestStatus = Schemas['RequestStatus'];
export type PriorityFactor = Schemas['PriorityFactor'];
export type RequestPriority = Schemas['RequestPriority'];
export type CustomerRequest = Schemas['CustomerRequest'];
export type AskingAccount = Schemas['AskingAccount'];
export type RankedItem = Schemas['RankedRequestItem'];
export type RequestGroup = Schemas['RequestGroup'];
export type SimilarRequest = Schemas['SimilarRequest'];
export type RequestSettings = Schemas['RequestSettings'];
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

export type CreateRequestInput = BodyOf<'/requests', 'post'>;

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
