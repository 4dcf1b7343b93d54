// One hook per API resource. Query keys start with the resource path so a write can invalidate
// exactly what it changed.
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiGet, setCsrfToken } from './client.ts';
import type {
  Account,
  AccountListQuery,
  BodyOf,
  CustomField,
  HealthModel,
  HealthPreview,
  Locale,
  Me,
  MetricDef,
  QueryOf,
  Segment,
  SegmentPreview,
  Stage,
  TieringPreview,
  TieringScheme,
  TimelineEntry,
  User,
} from './types.ts';

const STALE = 30_000;

// ---- auth and profile
export function useMeQuery() {
  return useQuery({
    queryKey: ['auth/me'],
    queryFn: async ({ signal }) => {
      try {
        const me = await apiGet('/auth/me', { signal });
        setCsrfToken(me.csrfToken);
        return me;
      } catch (error) {
        if ((error as { status?: number }).status === 401) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export function useLoginMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; password: string }) =>
      api<{ user: User; csrfToken: string }>('POST', '/auth/login', { body: input }),
    onSuccess: async (res) => {
      setCsrfToken(res.csrfToken);
      // Another user's cached data must not survive a sign-in; then load who we are now.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'auth/me' });
      await qc.refetchQueries({ queryKey: ['auth/me'] });
    },
  });
}

export function useLogoutMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('POST', '/auth/logout'),
    onSettled: () => {
      setCsrfToken(undefined);
      qc.clear();
      qc.setQueryData(['auth/me'], null);
    },
  });
}

export function useUpdateMeMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { locale?: Locale; name?: string; password?: string; currentPassword?: string }) =>
      api<User>('PATCH', '/auth/me', { body: input }),
    onSuccess: (user) => {
      qc.setQueryData<Me | null>(['auth/me'], (me) => (me ? { ...me, user: { ...me.user, ...user } } : me));
    },
  });
}

// ---- users, tokens, write keys
export function useUsersQuery(query: QueryOf<'/users', 'get'> = {}) {
  return useQuery({
    queryKey: ['users', query],
    queryFn: ({ signal }) => apiGet('/users', { query, signal }),
    staleTime: 5 * 60_000,
  });
}
export function useUserMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['users'] });
  return {
    create: useMutation({
      mutationFn: (input: { email: string; name: string; role: string; locale: Locale; password: string }) =>
        api<User>('POST', '/users', { body: input }),
      onSuccess: done,
    }),
    update: useMutation({
      mutationFn: ({ id, ...input }: { id: string; role?: string; active?: boolean; name?: string }) =>
        api<User>('PATCH', `/users/${id}`, { body: input }),
      onSuccess: done,
    }),
  };
}
export function useTokensQuery(enabled = true) {
  return useQuery({
    queryKey: ['tokens'],
    queryFn: ({ signal }) => apiGet('/tokens', { signal }),
    enabled,
  });
}
export function useTokenMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['tokens'] });
  return {
    create: useMutation({
      mutationFn: (input: { name: string; scopes: string[]; expiresInDays?: number }) =>
        api<{ token: string }>('POST', '/tokens', { body: input }),
      onSuccess: done,
    }),
    revoke: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/tokens/${id}`),
      onSuccess: done,
    }),
  };
}
export function useWriteKeysQuery(enabled = true) {
  return useQuery({
    queryKey: ['write-keys'],
    queryFn: ({ signal }) => apiGet('/write-keys', { signal }),
    enabled,
  });
}
export function useWriteKeyMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['write-keys'] });
  return {
    create: useMutation({
      mutationFn: (input: { name: string }) => api<{ key: string }>('POST', '/write-keys', { body: input }),
      onSuccess: done,
    }),
    revoke: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/write-keys/${id}`),
      onSuccess: done,
    }),
  };
}

// ---- accounts
export type AccountsQuery = AccountListQuery & { cursor?: string; limit?: number };
/** GET /accounts: filtered by own fields, current state and a free condition; each row with its state. */
export function useAccountsQuery(query: AccountsQuery, enabled = true) {
  return useQuery({
    queryKey: ['accounts', query],
    queryFn: ({ signal }) => apiGet('/accounts', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: STALE,
    enabled,
  });
}
export function useAccountQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['accounts', id],
    queryFn: ({ signal }) => apiGet('/accounts/{id}', { params: { id: id! }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}
export function useUpdateAccountMutation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: Partial<Account>) => api<Account>('PATCH', `/accounts/${id}`, { body: input }),
    onSuccess: (account) => {
      qc.setQueryData(['accounts', id], account);
      return Promise.all([
        qc.invalidateQueries({ queryKey: ['accounts', id, 'timeline'] }),
        qc.invalidateQueries({ queryKey: ['accounts', id, 'facts'] }),
      ]);
    },
  });
}
export function useAccountFactsQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['accounts', id, 'facts'],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/facts', { params: { id: id! }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}
export function useCustomFieldsQuery() {
  return useQuery({
    queryKey: ['custom-fields'],
    queryFn: ({ signal }) => apiGet('/custom-fields', { signal }),
    staleTime: 5 * 60_000,
  });
}
export function useCustomFieldMutations() {
  const qc = useQueryClient();
  const done = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['custom-fields'] }),
      qc.invalidateQueries({ queryKey: ['facts/catalogue'] }),
    ]);
  return {
    create: useMutation({
      mutationFn: (input: BodyOf<'/custom-fields', 'post'>) =>
        api<CustomField>('POST', '/custom-fields', { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/custom-fields/${id}`),
      onSuccess: done,
    }),
  };
}

// ---- health
export function useAccountHealthQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['accounts', id, 'health'],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/health', { params: { id: id! }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}
export function useHealthHistoryQuery(id: string | undefined, from?: string, to?: string) {
  return useQuery({
    queryKey: ['accounts', id, 'health/history', from, to],
    queryFn: ({ signal }) =>
      apiGet('/accounts/{id}/health/history', { params: { id: id! }, query: { from, to }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}
/** The active model's bands and its backtest against renewal outcomes. */
export function useCalibrationQuery(query: { model?: string } = {}) {
  return useQuery({
    queryKey: ['health/calibration', query],
    queryFn: ({ signal }) => apiGet('/health/calibration', { query, signal }),
    staleTime: 10 * 60_000,
  });
}
/** Component weights proposed from renewal outcomes, with the backtest before and after. */
export function useFitWeightsQuery(query: { model?: string; daysBefore?: number }) {
  return useQuery({
    queryKey: ['health/fit-weights', query],
    queryFn: ({ signal }) => apiGet('/health/fit-weights', { query, signal }),
    staleTime: 10 * 60_000,
  });
}
export function useHealthModelsQuery() {
  return useQuery({
    queryKey: ['health-models'],
    queryFn: ({ signal }) => apiGet('/health-models', { signal }),
  });
}
export function useHealthModelMutations() {
  const qc = useQueryClient();
  const done = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['health-models'] }),
      qc.invalidateQueries({ queryKey: ['health/calibration'] }),
      qc.invalidateQueries({ queryKey: ['health/fit-weights'] }),
    ]);
  return {
    preview: useMutation({
      mutationFn: (model: unknown) => api<HealthPreview>('POST', '/health-models/preview', { body: model }),
    }),
    save: useMutation({
      mutationFn: ({ id, model }: { id?: string; model: unknown }) =>
        id
          ? api<HealthModel>('PATCH', `/health-models/${id}`, { body: model })
          : api<HealthModel>('POST', '/health-models', { body: model }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/health-models/${id}`),
      onSuccess: done,
    }),
    copy: useMutation({
      mutationFn: ({ id, key, name }: { id: string; key: string; name?: string }) =>
        api<HealthModel>('POST', `/health-models/${id}/copy`, { body: { key, name } }),
      onSuccess: done,
    }),
  };
}

// ---- usage metrics
export function useAccountMetricsQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['accounts', id, 'metrics'],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/metrics', { params: { id: id! }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}
export function useMetricSeriesQuery(
  id: string | undefined,
  metric: string | undefined,
  from: string,
  to: string,
) {
  return useQuery({
    queryKey: ['accounts', id, 'metrics', metric, 'series', from, to],
    queryFn: ({ signal }) =>
      apiGet('/accounts/{id}/metrics/{metric}/series', {
        params: { id: id!, metric: metric! },
        query: { from, to, interval: 'day' },
        signal,
      }),
    enabled: !!id && !!metric,
    staleTime: STALE,
  });
}
export function useActiveUsersQuery(id: string | undefined, order: 'top' | 'bottom') {
  return useQuery({
    queryKey: ['accounts', id, 'users', order],
    queryFn: ({ signal }) =>
      apiGet('/accounts/{id}/users', { params: { id: id! }, query: { window: 30, order, limit: 5 }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}
export function useMetricDefsQuery() {
  return useQuery({
    queryKey: ['metrics'],
    queryFn: ({ signal }) => apiGet('/metrics', { signal }),
    staleTime: 5 * 60_000,
    // While a definition's history is rebuilt (a job, after a change), follow its progress.
    refetchInterval: (q) =>
      q.state.data?.items.some((m) => m.rebuild?.status === 'queued' || m.rebuild?.status === 'running')
        ? 3000
        : false,
  });
}
export function useMetricDefMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['metrics'] });
  return {
    create: useMutation({
      mutationFn: (input: BodyOf<'/metrics', 'post'>) => api<MetricDef>('POST', '/metrics', { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `/metrics/${id}`),
      onSuccess: done,
    }),
  };
}

// ---- timeline, contacts, contracts
export function useTimelineQuery(id: string | undefined, type?: string) {
  return useQuery({
    queryKey: ['accounts', id, 'timeline', type],
    queryFn: ({ signal }) =>
      apiGet('/accounts/{id}/timeline', { params: { id: id! }, query: { type, limit: 50 }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}
export function useAddTimelineMutation(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { type: string; title?: string; body: string; occurredAt?: string }) =>
      api<TimelineEntry>('POST', `/accounts/${id}/timeline`, { body: input }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['accounts', id, 'timeline'] }),
  });
}
export function useContactsQuery(accountId: string | undefined) {
  return useQuery({
    queryKey: ['contacts', accountId],
    queryFn: ({ signal }) => apiGet('/contacts', { query: { accountId, limit: 100 }, signal }),
    enabled: !!accountId,
    staleTime: STALE,
  });
}
export function useContractsQuery(accountId: string | undefined) {
  return useQuery({
    queryKey: ['contracts', accountId],
    queryFn: ({ signal }) => apiGet('/contracts', { query: { accountId, limit: 100 }, signal }),
    enabled: !!accountId,
    staleTime: STALE,
  });
}

// ---- facts, conditions, segments, tiers, stages
export function useCatalogueQuery() {
  return useQuery({
    queryKey: ['facts/catalogue'],
    queryFn: async ({ signal }) => (await apiGet('/facts/catalogue', { signal })).items,
    staleTime: 10 * 60_000,
  });
}
/** The accounts a condition matches today (count and up to `limit` of them, by name). */
/** `segment`: a saved segment's key, so entering/leaving compare with its current members. */
export function useSegmentPreviewQuery(condition: string | undefined, limit = 0, segment?: string) {
  return useQuery({
    queryKey: ['segments/preview', condition, limit, segment],
    queryFn: ({ signal }) =>
      api<SegmentPreview>('POST', '/segments/preview', { body: { condition, limit, segment }, signal }),
    enabled: !!condition,
    staleTime: STALE,
    placeholderData: keepPreviousData,
    retry: false,
  });
}
export function useSegmentsQuery() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: ({ signal }) => apiGet('/segments', { signal }),
    staleTime: 5 * 60_000,
  });
}
export function useSegmentMutations() {
  return useSaveRemove<
    Segment,
    { id?: string; key?: string; name: string; description?: string | null; condition: string }
  >('/segments', ['segments']);
}
export function useTieringSchemesQuery() {
  return useQuery({
    queryKey: ['tiering-schemes'],
    queryFn: ({ signal }) => apiGet('/tiering-schemes', { signal }),
    staleTime: 5 * 60_000,
  });
}
export function useTieringMutations() {
  const qc = useQueryClient();
  return {
    preview: useMutation({
      mutationFn: (input: { rules: { tier: string; when: string }[]; defaultTier: string; limit?: number }) =>
        api<TieringPreview>('POST', '/tiering-schemes/preview', { body: input }),
    }),
    save: useMutation({
      mutationFn: ({
        id,
        ...input
      }: {
        id: string;
        rules: { tier: string; when: string }[];
        defaultTier: string;
      }) => api<TieringScheme>('PATCH', `/tiering-schemes/${id}`, { body: input }),
      onSuccess: () => qc.invalidateQueries({ queryKey: ['tiering-schemes'] }),
    }),
  };
}
export function useStagesQuery() {
  return useQuery({
    queryKey: ['lifecycle-stages'],
    queryFn: ({ signal }) => apiGet('/lifecycle-stages', { signal }),
    staleTime: 5 * 60_000,
  });
}
export function useStageMutations() {
  return useSaveRemove<
    Stage,
    {
      id?: string;
      key?: string;
      name: string;
      condition: string;
      position?: number;
    }
  >('/lifecycle-stages', ['lifecycle-stages']);
}
export function useStageHistoryQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['accounts', id, 'stage-history'],
    queryFn: ({ signal }) =>
      apiGet('/accounts/{id}/stage-history', { params: { id: id! }, query: { limit: 20 }, signal }),
    enabled: !!id,
    staleTime: STALE,
  });
}

/** Several accounts' health explanations at once (the workbench's "why it dropped"). */
export function useAccountsHealthQuery(ids: string[], enabled = true) {
  return useQueries({
    queries: ids.map((id) => ({
      enabled,
      queryKey: ['accounts', id, 'health'],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        apiGet('/accounts/{id}/health', { params: { id: id! }, signal }),
      staleTime: STALE,
    })),
  });
}

/** Counts of the accounts (all, or one owner's) per health status, tier and stage, with the bands. */
export function useAccountStatesSummaryQuery(ownerId?: string) {
  return useQuery({
    queryKey: ['account-states/summary', ownerId ?? ''],
    queryFn: ({ signal }) => apiGet('/account-states/summary', { query: { ownerId }, signal }),
    staleTime: STALE,
  });
}
/** Accounts by current health status, tier, stage, segment or 7-day drop, paged. */
export function useAccountStatesQuery(query: Record<string, string | number | undefined>, enabled = true) {
  return useQuery({
    queryKey: ['account-states', query],
    queryFn: ({ signal }) => apiGet('/account-states', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: STALE,
    enabled,
  });
}
/** The ARR of every account a list query matches, summed over all its pages (500 at a time). */
export function useAccountsArrSumQuery(query: AccountsQuery, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['accounts', query, 'arr-sum'],
    queryFn: async ({ signal }) => {
      let sum = 0;
      let count = 0;
      let cursor: string | undefined;
      do {
        const page = await apiGet('/accounts', { query: { ...query, cursor, limit: 500 }, signal });
        for (const a of page.items) sum += a.arr;
        count += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { sum, count };
    },
    staleTime: STALE,
  });
}

/** Create (no id) or update, and delete, of a plain resource at `path`; each refreshes `queryKey`. */
function useSaveRemove<T, I extends { id?: string }>(path: string, queryKey: readonly unknown[]) {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey });
  return {
    save: useMutation({
      mutationFn: ({ id, ...input }: I) =>
        id ? api<T>('PATCH', `${path}/${id}`, { body: input }) : api<T>('POST', path, { body: input }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>('DELETE', `${path}/${id}`),
      onSuccess: done,
    }),
  };
}
