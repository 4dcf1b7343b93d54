// The manager's cockpit (issue 16): team groups, capacity planner, load, assignment, offboarding,
// scorecards with their drill-down, and the team overview on the workbench. Types from schema.gen.ts.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiGet } from './client.ts';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from './types.ts';

export type Group = ItemOf<'/team/groups'>;
export type GroupInput = BodyOf<'/team/groups', 'post'>;
export type GroupUpdate = BodyOf<'/team/groups/{id}', 'patch'>;
export type Capacity = ResponseOf<'/team/capacity', 'get'>;
export type TierPlan = Capacity['plan']['tiers'][number];
export type WhatIfInput = BodyOf<'/team/capacity/what-if', 'post'>;
export type WhatIfOut = ResponseOf<'/team/capacity/what-if', 'post'>;
export type TeamSettings = ResponseOf<'/team/settings', 'get'>;
export type LoadView = ResponseOf<'/team/load', 'get'>;
export type CsmLoad = LoadView['items'][number];
export type AssignmentInput = BodyOf<'/team/assignment/preview', 'post'>;
export type AssignmentPlan = ResponseOf<'/team/assignment/preview', 'post'>;
export type OffboardInput = BodyOf<'/team/members/{id}/offboard', 'post'>;
export type OffboardPlan = ResponseOf<'/team/members/{id}/offboard', 'post'>;
export type Scorecards = ResponseOf<'/reports/scorecards', 'get'>;
export type Scorecard = Scorecards['items'][number];
export type ScorecardQuery = QueryOf<'/reports/scorecards', 'get'>;
export type ScorecardDetail = ResponseOf<'/reports/scorecards/detail', 'get'>;
export type TeamOverview = ResponseOf<'/reports/team-overview', 'get'>;

export function useGroupsQuery() {
  return useQuery({
    queryKey: ['team/groups'],
    queryFn: ({ signal }) => apiGet('/team/groups', { signal }),
    staleTime: 60_000,
  });
}

export function useGroupMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['team'] });
  const doneGroups = async () => {
    await qc.invalidateQueries({ queryKey: ['team/groups'] });
    await done();
  };
  return {
    create: useMutation({
      mutationFn: (body: GroupInput) => api<Group>('POST', '/team/groups', { body }),
      onSuccess: doneGroups,
    }),
    update: useMutation({
      mutationFn: ({ id, body }: { id: string; body: GroupUpdate }) =>
        api<Group>('PATCH', `/team/groups/${encodeURIComponent(id)}`, { body }),
      onSuccess: doneGroups,
    }),
  };
}

export function useTeamSettingsQuery() {
  return useQuery({
    queryKey: ['team', 'settings'],
    queryFn: ({ signal }) => apiGet('/team/settings', { signal }),
    staleTime: 60_000,
  });
}

export function useCapacityQuery() {
  return useQuery({
    queryKey: ['team', 'capacity'],
    queryFn: ({ signal }) => apiGet('/team/capacity', { signal }),
    staleTime: 60_000,
  });
}

/** The plan with other inputs beside today's (writes nothing): a POST, so run as a mutation. */
export function useWhatIfMutation() {
  return useMutation({
    mutationFn: (body: WhatIfInput) => api<WhatIfOut>('POST', '/team/capacity/what-if', { body }),
  });
}

export function useLoadQuery(groupId?: string) {
  return useQuery({
    queryKey: ['team', 'load', groupId ?? null],
    queryFn: ({ signal }) => apiGet('/team/load', { query: { groupId }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

export function useAssignmentMutations() {
  const qc = useQueryClient();
  return {
    preview: useMutation({
      mutationFn: (body: AssignmentInput) =>
        api<AssignmentPlan>('POST', '/team/assignment/preview', { body }),
    }),
    apply: useMutation({
      mutationFn: (body: AssignmentInput) => api<AssignmentPlan>('POST', '/team/assignment/apply', { body }),
      onSuccess: () => qc.invalidateQueries(),
    }),
  };
}

export function useOffboardMutations() {
  const qc = useQueryClient();
  return {
    preview: useMutation({
      mutationFn: ({ userId, body }: { userId: string; body: OffboardInput }) =>
        api<OffboardPlan>('POST', `/team/members/${encodeURIComponent(userId)}/offboard/preview`, { body }),
    }),
    apply: useMutation({
      mutationFn: ({ userId, body }: { userId: string; body: OffboardInput }) =>
        api<OffboardPlan>('POST', `/team/members/${encodeURIComponent(userId)}/offboard`, { body }),
      onSuccess: () => qc.invalidateQueries(),
    }),
  };
}

export function useScorecardsQuery(query: ScorecardQuery) {
  return useQuery({
    queryKey: ['reports/scorecards', query],
    queryFn: ({ signal }) => apiGet('/reports/scorecards', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useScorecardDetailQuery(
  query: { kind: 'csm' | 'group'; id: string; from?: string; to?: string } | null,
) {
  return useQuery({
    queryKey: ['reports/scorecards/detail', query],
    queryFn: ({ signal }) => apiGet('/reports/scorecards/detail', { query: query!, signal }),
    enabled: query !== null,
    staleTime: 60_000,
  });
}

export function useTeamOverviewQuery(groupId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['reports/team-overview', groupId ?? null],
    queryFn: ({ signal }) => apiGet('/reports/team-overview', { query: { groupId }, signal }),
    placeholderData: keepPreviousData,
    enabled,
    staleTime: 60_000,
  });
}
