// NPS/CSAT surveys (issue 17's API): results with trend, answers, recording, sending, settings.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiGet } from './client.ts';
import type { BodyOf, QueryOf, ResponseOf } from './types.ts';

export type SurveyResults = ResponseOf<'/surveys/results', 'get'>;
export type SurveyResultsQuery = NonNullable<QueryOf<'/surveys/results', 'get'>>;
export type SurveyResponses = ResponseOf<'/surveys/responses', 'get'>;
export type SurveyResponse = SurveyResponses['items'][number];
export type SurveyResponsesQuery = NonNullable<QueryOf<'/surveys/responses', 'get'>>;
export type RecordResponseBody = BodyOf<'/surveys/responses', 'post'>;
export type SendSurveyBody = BodyOf<'/surveys/send', 'post'>;
export type SendResult = ResponseOf<'/surveys/send', 'post'>;
export type SurveySettings = ResponseOf<'/surveys/settings', 'get'>;

export function useSurveyResultsQuery(query: SurveyResultsQuery) {
  return useQuery({
    queryKey: ['surveys/results', query],
    queryFn: ({ signal }) => apiGet('/surveys/results', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
export function useSurveyResponsesQuery(query: SurveyResponsesQuery) {
  return useQuery({
    queryKey: ['surveys/responses', query],
    queryFn: ({ signal }) => apiGet('/surveys/responses', { query, signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
export function useSurveySettingsQuery() {
  return useQuery({
    queryKey: ['surveys/settings'],
    queryFn: ({ signal }) => apiGet('/surveys/settings', { signal }),
    staleTime: 60_000,
  });
}

const invalidateSurveys = (qc: ReturnType<typeof useQueryClient>) =>
  Promise.all([
    qc.invalidateQueries({ queryKey: ['surveys/results'] }),
    qc.invalidateQueries({ queryKey: ['surveys/responses'] }),
    qc.invalidateQueries({ predicate: (q) => q.queryKey[0] === 'accounts' || q.queryKey[0] === 'tasks' }),
  ]);

export function useRecordResponseMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RecordResponseBody) =>
      api<ResponseOf<'/surveys/responses', 'post'>>('POST', '/surveys/responses', { body }),
    onSuccess: () => invalidateSurveys(qc),
  });
}
export function useSendSurveyMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: SendSurveyBody) => api<SendResult>('POST', '/surveys/send', { body }),
    onSuccess: () => invalidateSurveys(qc),
  });
}
export function useUpdateSurveySettingsMutation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/surveys/settings', 'patch'>) =>
      api<SurveySettings>('PATCH', '/surveys/settings', { body }),
    onSuccess: (s) => qc.setQueryData(['surveys/settings'], s),
  });
}
