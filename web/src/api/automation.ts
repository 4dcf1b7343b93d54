// Automation rules (issue 5's API): types and hooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { Page } from './types.ts';

export interface Rule {
  id: string;
  key: string;
  name: string;
  description: string | null;
  trigger: Record<string, unknown> & { type: string };
  condition: unknown;
  conditionText: string | null;
  actions: (Record<string, unknown> & { type: string })[];
  cooldownDays: number;
  maxActionsPerRun: number;
  dedupe: boolean;
  enabled: boolean;
}
export interface DryRun {
  day: string;
  accounts: number;
  matched: number;
  wouldAct: number;
  skipped: { dedupe: number; cooldown: number; limit: number };
  items: {
    accountId: string;
    name: string;
    reason: string;
    outcome: 'act' | 'dedupe' | 'cooldown' | 'limit';
    actions: { type: string; summary: string }[];
  }[];
}
export interface RuleRun {
  id: string;
  source: string;
  day: string;
  cause: string;
  status: string;
  matched: number;
  acted: number;
  skipped: Record<string, number>;
  errors: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}
export interface RuleRunDetail extends RuleRun {
  actions: {
    id: string;
    accountId: string;
    action: string;
    status: string;
    detail: unknown;
    createdAt: string;
  }[];
}

export function useRulesQuery() {
  return useQuery({
    queryKey: ['rules'],
    queryFn: ({ signal }) => get<Page<Rule>>('/rules', undefined, signal),
  });
}
export function useRuleRunsQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['rules', id, 'runs'],
    queryFn: ({ signal }) => get<Page<RuleRun>>(`/rules/${id}/runs`, undefined, signal),
    enabled: !!id,
  });
}
export function useRuleRunQuery(id: string | undefined, runId: string | undefined) {
  return useQuery({
    queryKey: ['rules', id, 'runs', runId],
    queryFn: ({ signal }) => get<RuleRunDetail>(`/rules/${id}/runs/${runId}`, undefined, signal),
    enabled: !!id && !!runId,
  });
}
export function useRuleMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['rules'] });
  return {
    save: useMutation({
      mutationFn: ({ id, body }: { id?: string; body: Record<string, unknown> }) =>
        id
          ? api<Rule>('PATCH', `/rules/${id}`, { body })
          : api<Rule & { secret?: string }>('POST', '/rules', { body }),
      onSuccess: done,
    }),
    toggle: useMutation({
      mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) =>
        api<Rule>('POST', `/rules/${id}/${enabled ? 'enable' : 'disable'}`),
      onSuccess: done,
    }),
    remove: useMutation({ mutationFn: (id: string) => api<void>('DELETE', `/rules/${id}`), onSuccess: done }),
    dryRun: useMutation({
      mutationFn: ({ id, day }: { id: string; day?: string }) =>
        api<DryRun>('POST', `/rules/${id}/dry-run`, { body: { day, limit: 100 } }),
    }),
  };
}
