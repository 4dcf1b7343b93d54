// Tasks, follow-ups and notifications (issue 5's API): types and one hook per resource.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, get } from './client.ts';
import type { Page } from './types.ts';

export const TASK_TYPES = [
  'call',
  'qbr',
  'onboarding',
  'risk',
  'renewal',
  'expansion',
  'support',
  'adoption',
  'other',
] as const;
export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export const TASK_STATUSES = ['open', 'in_progress', 'snoozed', 'done', 'cancelled'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface Task {
  id: string;
  accountId: string;
  accountName: string;
  title: string;
  description: string | null;
  type: TaskType;
  assigneeId: string | null;
  assigneeName: string | null;
  priority: Priority;
  dueDate: string | null;
  status: TaskStatus;
  snoozedUntil: string | null;
  source: 'manual' | 'rule' | 'playbook';
  ruleId: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}
export interface TaskSummary {
  assigneeId: string;
  today: string;
  overdue: number;
  dueToday: number;
  upcoming: number;
  byStatus: Record<TaskStatus, number>;
}
export interface FollowUp {
  id: string;
  taskId: string;
  taskTitle: string;
  accountId: string;
  userId: string;
  userName: string | null;
  summary: string;
  outcome: string | null;
  nextStep: string | null;
  createdAt: string;
}
export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  accountId: string | null;
  taskId: string | null;
  readAt: string | null;
  createdAt: string;
}
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
