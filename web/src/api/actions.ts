// Account actions: manual tier and stage, sentiment, contacts and contracts, bulk actions,
// password reset, the notification centre. One hook per resource; writes refresh what they change.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, apiGet } from './client.ts';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from './types.ts';

export type StateOverride = ResponseOf<'/accounts/{id}/state-overrides', 'get'>['items'][number];
export type BulkAction = BodyOf<'/accounts/bulk', 'post'>['actions'][number];
export type BulkBody = BodyOf<'/accounts/bulk', 'post'>;
export type BulkResult = ResponseOf<'/accounts/bulk', 'post'>;
export type PasswordReset = ResponseOf<'/users/{id}/reset-password', 'post'>;
export type NotificationSettings = ResponseOf<'/notifications/settings', 'get'>;
export type NotificationsQuery = QueryOf<'/notifications', 'get'>;
export type CentreNotification = ItemOf<'/notifications'>;
export type ContactInput = BodyOf<'/contacts', 'post'>;
export type ContractInput = BodyOf<'/contracts', 'post'>;

/** The `details.issues` of our 400 error shape, by field path, for showing beside each field. */
export function fieldErrors(error: unknown): { path: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  return Array.isArray(issues) ? issues : [];
}

export function useStateOverridesQuery(accountId: string) {
  return useQuery({
    queryKey: ['accounts', accountId, 'state-overrides'],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/state-overrides', { params: { id: accountId }, signal }),
    staleTime: 30_000,
  });
}

/** Manual tier or stage: set (with reason, optional last day) or remove; the header and lists follow. */
export function useOverrideMutations(accountId: string) {
  const qc = useQueryClient();
  const done = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['accounts', accountId] }),
      qc.invalidateQueries({ queryKey: ['account-states'] }),
      qc.invalidateQueries({ queryKey: ['account-states/summary'] }),
    ]);
  };
  return {
    setStage: useMutation({
      mutationFn: (input: BodyOf<'/accounts/{id}/stage-override', 'post'>) =>
        api<unknown>('POST', `/accounts/${accountId}/stage-override`, { body: input }),
      onSuccess: done,
    }),
    setTier: useMutation({
      mutationFn: (input: BodyOf<'/accounts/{id}/tier-override', 'post'>) =>
        api<unknown>('POST', `/accounts/${accountId}/tier-override`, { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (kind: 'tier' | 'stage') => api<void>('DELETE', `/accounts/${accountId}/${kind}-override`),
      onSuccess: done,
    }),
  };
}

export function useRecordSentimentMutation(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: BodyOf<'/accounts/{id}/sentiment', 'post'>) =>
      api<unknown>('POST', `/accounts/${accountId}/sentiment`, { body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['accounts', accountId] }),
  });
}

/** Create (no id), update or delete a contact or contract; the account's figures follow contracts. */
function useChildMutations<I>(path: '/contacts' | '/contracts', accountId: string) {
  const qc = useQueryClient();
  const done = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: [path.slice(1), accountId] }),
      qc.invalidateQueries({ queryKey: ['accounts', accountId] }),
    ]);
  };
  return {
    save: useMutation({
      mutationFn: ({ id, input }: { id?: string; input: I }) =>
        id
          ? api<unknown>('PATCH', `${path}/${id}`, { body: input })
          : api<unknown>('POST', path, { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `${path}/${id}`),
      onSuccess: done,
    }),
  };
}
export const useContactMutations = (accountId: string) =>
  useChildMutations<Partial<ContactInput>>('/contacts', accountId);
export const useContractMutations = (accountId: string) =>
  useChildMutations<Partial<ContractInput>>('/contracts', accountId);

export function useBulkMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkBody) => api<BulkResult>('POST', '/accounts/bulk', { body }),
    onSuccess: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['accounts'] }),
        qc.invalidateQueries({ queryKey: ['account-states'] }),
        qc.invalidateQueries({ queryKey: ['tasks'] }),
      ]);
    },
  });
}

export function useResetPasswordMutation() {
  return useMutation({
    mutationFn: ({ id, password }: { id: string; password?: string }) =>
      api<PasswordReset>('POST', `/users/${id}/reset-password`, { body: password ? { password } : {} }),
  });
}

export function useNotificationCentreQuery(query: NotificationsQuery) {
  return useQuery({
    queryKey: ['notifications', 'centre', query],
    queryFn: ({ signal }) => apiGet('/notifications', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useNotificationSettingsQuery() {
  return useQuery({
    queryKey: ['notifications/settings'],
    queryFn: ({ signal }) => apiGet('/notifications/settings', { signal }),
    staleTime: 60_000,
  });
}

export function useNotificationSettingsMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: BodyOf<'/notifications/settings', 'put'>) =>
      api<NotificationSettings>('PUT', '/notifications/settings', { body: input }),
    onSuccess: (s) => qc.setQueryData(['notifications/settings'], s),
  });
}
