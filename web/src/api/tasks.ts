// Tasks, follow-ups and notifications (issue 5's API): types and one hook per resource.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import { taskPriorityValues, taskStatusValues, taskTypeValues } from './schema.gen.ts';
import type { ItemOf, Page, ResponseOf, Schemas } from './types.ts';

// Option lists and shapes come from the server's OpenAPI document (schema.gen.ts).
export const TASK_TYPES = taskTypeValues;
export const PRIORITIES = taskPriorityValues;
export const TASK_STATUSES = taskStatusValues;
export type TaskType = Schemas['TaskType'];
export type Priority = Schemas['TaskPriority'];
export type TaskStatus = Schemas['TaskStatus'];

export type Task = ItemOf<'/tasks'>;
export type TaskSummary = ResponseOf<'/tasks/summary', 'get'>;
export type FollowUp = ItemOf<'/tasks/{id}/follow-ups'>;
export type Notification = ItemOf<'/notifications'>;
export type CreateTaskInput = {
  accountId: string;
  title: string;
  description?: string | null;
  type: TaskType;
  priority: Priority;
  dueDate?: string;
  assignee?: { userId: string } | { role: string };
};

export type TasksQuery = {
  assigneeId?: string;
  accountId?: string;
  status?: string;
  source?: string;
  priority?: string;
  due?: 'overdue' | 'today' | 'upcoming';
  sort?: 'due' | 'priority' | 'created' | 'updated';
  cursor?: string;
  limit?: number;
};

export function useTasksQuery(query: TasksQuery, enabled = true) {
  return useQuery({
    queryKey: ['tasks', query],
    queryFn: ({ signal }) => get<Page<Task>>('/tasks', query, signal),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
    enabled,
  });
}
export function useTaskSummaryQuery(assigneeId = 'me', enabled = true) {
  return useQuery({
    queryKey: ['tasks/summary', assigneeId],
    queryFn: ({ signal }) => get<TaskSummary>('/tasks/summary', { assigneeId }, signal),
    staleTime: 15_000,
    enabled,
  });
}
export function useFollowUpsQuery(taskId: string | undefined) {
  return useQuery({
    queryKey: ['tasks', taskId, 'follow-ups'],
    queryFn: ({ signal }) => get<Page<FollowUp>>(`/tasks/${taskId}/follow-ups`, undefined, signal),
    enabled: !!taskId,
  });
}
export function useTaskMutations() {
  const qc = useQueryClient();
  const done = (task?: { accountId: string }) =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['tasks'] }),
      qc.invalidateQueries({ queryKey: ['tasks/summary'] }),
      qc.invalidateQueries({ queryKey: ['notifications'] }),
      task ? qc.invalidateQueries({ queryKey: ['accounts', task.accountId, 'timeline'] }) : undefined,
    ]);
  return {
    create: useMutation({
      mutationFn: (input: CreateTaskInput) => api<Task>('POST', '/tasks', { body: input }),
      onSuccess: (t) => done(t),
    }),
    update: useMutation({
      mutationFn: ({
        id,
        ...input
      }: {
        id: string;
        status?: TaskStatus;
        snoozedUntil?: string;
        priority?: Priority;
        dueDate?: string | null;
        assignee?: { userId: string } | null;
      }) => api<Task>('PATCH', `/tasks/${id}`, { body: input }),
      onSuccess: (t) => done(t),
    }),
    followUp: useMutation({
      mutationFn: ({
        id,
        ...input
      }: {
        id: string;
        summary: string;
        outcome?: string;
        nextStep?: string;
        taskStatus?: 'open' | 'in_progress' | 'done' | 'cancelled';
      }) => api<FollowUp>('POST', `/tasks/${id}/follow-ups`, { body: input }),
      onSuccess: async (f) => {
        await done(f);
        await qc.invalidateQueries({ queryKey: ['tasks', f.taskId, 'follow-ups'] });
      },
    }),
  };
}

export function useNotificationsQuery(query: { unread?: 'true'; limit?: number } = {}) {
  return useQuery({
    queryKey: ['notifications', query],
    queryFn: ({ signal }) =>
      get<Page<Notification> & { unreadCount: number }>('/notifications', query, signal),
    staleTime: 30_000,
    refetchInterval: 60_000,
  });
}
export function useNotificationMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: ['notifications'] });
  return {
    read: useMutation({
      mutationFn: (id: string) => api<unknown>('POST', `/notifications/${id}/read`),
      onSuccess: done,
    }),
    readAll: useMutation({
      mutationFn: () => api<unknown>('POST', '/notifications/read-all'),
      onSuccess: done,
    }),
  };
}
