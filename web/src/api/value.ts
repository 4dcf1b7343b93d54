// Hooks of value realisation: success plans, plan templates, journey milestones, expansion
// opportunities and the account family (issue 17).
import { type MutateOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiGet } from './client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './types.ts';

export type SuccessPlan = ItemOf<'/accounts/{id}/plans'>;
export type PlanObjective = SuccessPlan['objectives'][number];
export type PlanKpi = PlanObjective['kpis'][number];
export type PlanTemplate = ItemOf<'/plan-templates'>;
export type AccountMilestone = ItemOf<'/accounts/{id}/milestones'>;
export type Opportunity = ItemOf<'/accounts/{id}/opportunities'>;
export type AccountFamily = ResponseOf<'/accounts/{id}/family', 'get'>;
export type CreateOpportunityBody = BodyOf<'/accounts/{id}/opportunities', 'post'>;

export function useAccountPlansQuery(accountId: string) {
  return useQuery({
    queryKey: ['plans', accountId],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/plans', { params: { id: accountId }, signal }),
  });
}
export function usePlanTemplatesQuery() {
  return useQuery({
    queryKey: ['plan-templates'],
    queryFn: ({ signal }) => apiGet('/plan-templates', { signal }),
    staleTime: 60_000,
  });
}
export function useAccountMilestonesQuery(accountId: string) {
  return useQuery({
    queryKey: ['milestones', accountId],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/milestones', { params: { id: accountId }, signal }),
  });
}
export function useAccountOpportunitiesQuery(accountId: string) {
  return useQuery({
    queryKey: ['opportunities', accountId],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/opportunities', { params: { id: accountId }, signal }),
  });
}
export function useAccountFamilyQuery(accountId: string) {
  return useQuery({
    queryKey: ['family', accountId],
    queryFn: ({ signal }) => apiGet('/accounts/{id}/family', { params: { id: accountId }, signal }),
  });
}

type PlanRequest = () => Promise<unknown>;

/** Plan writes; each answers the plan, and the account's plans and timeline are read again. */
export function usePlanMutations(accountId: string) {
  const qc = useQueryClient();
  const done = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['plans', accountId] }),
      qc.invalidateQueries({ queryKey: ['accounts', accountId, 'timeline'] }),
      qc.invalidateQueries({ queryKey: ['tasks'] }),
    ]);
  };
  // One mutation for every plan write (hooks are called at the top level); each verb below maps
  // its arguments to a request.
  const mutation = useMutation({ mutationFn: (r: PlanRequest) => r(), onSuccess: done });
  const m = <V>(fn: (v: V) => Promise<unknown>) => ({
    mutate: (v: V, options?: MutateOptions<unknown, Error, PlanRequest>) =>
      mutation.mutate(() => fn(v), options),
    isPending: mutation.isPending,
  });
  return {
    create: m((body: BodyOf<'/accounts/{id}/plans', 'post'>) =>
      api('POST', `/accounts/${accountId}/plans`, { body }),
    ),
    update: m(({ id, body }: { id: string; body: BodyOf<'/plans/{id}', 'patch'> }) =>
      api('PATCH', `/plans/${id}`, { body }),
    ),
    remove: m((id: string) => api('DELETE', `/plans/${id}`)),
    addObjective: m(({ planId, body }: { planId: string; body: BodyOf<'/plans/{id}/objectives', 'post'> }) =>
      api('POST', `/plans/${planId}/objectives`, { body }),
    ),
    updateObjective: m(({ id, body }: { id: string; body: BodyOf<'/plan-objectives/{id}', 'patch'> }) =>
      api('PATCH', `/plan-objectives/${id}`, { body }),
    ),
    addKpi: m(
      ({ objectiveId, body }: { objectiveId: string; body: BodyOf<'/plan-objectives/{id}/kpis', 'post'> }) =>
        api('POST', `/plan-objectives/${objectiveId}/kpis`, { body }),
    ),
    updateKpi: m(({ id, body }: { id: string; body: BodyOf<'/plan-kpis/{id}', 'patch'> }) =>
      api('PATCH', `/plan-kpis/${id}`, { body }),
    ),
    recordValue: m(({ kpiId, body }: { kpiId: string; body: BodyOf<'/plan-kpis/{id}/values', 'post'> }) =>
      api('POST', `/plan-kpis/${kpiId}/values`, { body }),
    ),
    stepTask: m((stepId: string) => api('POST', `/plan-steps/${stepId}/task`)),
  };
}

export function useOpportunityMutations(accountId: string) {
  const qc = useQueryClient();
  const done = async () => {
    await Promise.all([
      qc.invalidateQueries({ queryKey: ['opportunities', accountId] }),
      qc.invalidateQueries({ queryKey: ['accounts', accountId, 'timeline'] }),
    ]);
  };
  return {
    create: useMutation({
      mutationFn: (body: CreateOpportunityBody) =>
        api('POST', `/accounts/${accountId}/opportunities`, { body }),
      onSuccess: done,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: BodyOf<'/opportunities/{id}', 'patch'> }) =>
        api('PATCH', `/opportunities/${id}`, { body }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api('DELETE', `/opportunities/${id}`),
      onSuccess: done,
    }),
  };
}
