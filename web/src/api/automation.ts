// Automation rules (issue 5's API): types and hooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { BodyOf, ItemOf, Page, ResponseOf } from './types.ts';

// Shapes from the server's OpenAPI document (schema.gen.ts).
type RuleBody = BodyOf<'/rules', 'post'>;
/**
 * A stored rule. The list's schema types trigger and actions as open records; they are what the
 * create body accepted, so they take that body's precise types.
 */
/** The trigger and action types the server accepts (a new one fails to compile until the editor offers it). */
export type RuleTriggerType = RuleBody['trigger']['type'];
export type RuleActionType = RuleBody['actions'][number]['type'];
export type Rule = Omit<ItemOf<'/rules'>, 'trigger' | 'actions'> & {
  trigger: RuleBody['trigger'];
  actions: RuleBody['actions'];
};
export type DryRun = ResponseOf<'/rules/{id}/dry-run', 'post'>;
export type RuleRun = ItemOf<'/rules/{id}/runs'>;
export type RuleRunDetail = ResponseOf<'/rules/{id}/runs/{runId}', 'get'>;

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
