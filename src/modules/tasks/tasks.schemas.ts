import { z } from '@hono/zod-openapi';
import { StoredMessage } from '../../i18n/index.ts';
import { Limit } from '../../pagination.ts';
import { isValidDay } from '../../time.ts';
import { TEAM_ROLES } from '../accounts/index.ts';

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
export type TaskType = (typeof TASK_TYPES)[number];
export const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled', 'snoozed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_SOURCES = ['manual', 'rule', 'playbook'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];
/** An assignee given as a role of the account: its owner, or the first team member with that role. */
export const ASSIGNEE_ROLES = ['owner', ...TEAM_ROLES] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

export const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');

// Named in the OpenAPI document, so the web app's generated types export their values.
export const TaskType = z.enum(TASK_TYPES).openapi('TaskType');
export const TaskPriority = z.enum(PRIORITIES).openapi('TaskPriority');
export const TaskStatus = z.enum(TASK_STATUSES).openapi('TaskStatus');
export const TaskSource = z.enum(TASK_SOURCES).openapi('TaskSource');
export const AssigneeRole = z.enum(ASSIGNEE_ROLES).openapi('AssigneeRole');

export const Task = z.object({
  id: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  /** In the reader's language when the task was made from a built-in template. */
  title: z.string(),
  /** The title as a message key and parameters; null when a person wrote it. */
  titleMessage: StoredMessage.nullable(),
  description: z.string().nullable(),
  type: TaskType,
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  priority: TaskPriority,
  dueDate: z.string().nullable(),
  status: TaskStatus,
  snoozedUntil: z.string().nullable(),
  source: TaskSource,
  ruleId: z.string().nullable(),
  ruleRunId: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
});
export type Task = z.infer<typeof Task>;

export const Assignee = z
  .union([z.object({ userId: z.string().min(1) }).strict(), z.object({ role: AssigneeRole }).strict()])
  .describe(
    'A user (`{ "userId" }`), or a role of the account resolved now (`{ "role": "owner" | "csm" | ... }`: the owner, or the first team member with that role; unassigned when there is none)',
  );
export type Assignee = z.infer<typeof Assignee>;

const Title = z.string().trim().min(1).max(300);
const Description = z.string().trim().max(20_000);

export const CreateTask = z
  .object({
    accountId: z.string().min(1),
    title: Title,
    description: Description.nullish(),
    type: TaskType,
    assignee: Assignee.optional(),
    priority: TaskPriority.default('P2'),
    dueDate: Day.optional(),
    /** Due this many days after today (workspace time zone); rules and playbooks use it. */
    dueInDays: z.int().min(0).max(3650).optional(),
  })
  .refine((t) => t.dueDate === undefined || t.dueInDays === undefined, {
    path: ['dueInDays'],
    message: 'give dueDate or dueInDays, not both',
  });
export type CreateTask = z.input<typeof CreateTask>;

/** Where a task came from when a rule or playbook made it (not part of the API body). */
export type TaskOrigin = { source: 'rule' | 'playbook'; ruleId: string; runId: string };

export const UpdateTask = z
  .object({
    title: Title.optional(),
    description: Description.nullable().optional(),
    type: z.enum(TASK_TYPES).optional(),
    priority: z.enum(PRIORITIES).optional(),
    dueDate: Day.nullable().optional(),
    status: z.enum(TASK_STATUSES).optional(),
    /** With status `snoozed` (implied when given alone): the day the task comes back, after today. */
    snoozedUntil: Day.optional(),
    /** Reassign; null unassigns. */
    assignee: Assignee.nullable().optional(),
  })
  .strict();
export type UpdateTask = z.input<typeof UpdateTask>;

const csv = <T extends readonly [string, ...string[]]>(values: T, name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const items = v.split(',').map((s) => s.trim());
      for (const item of items) {
        if (!(values as readonly string[]).includes(item)) {
          ctx.addIssue({ code: 'custom', message: `unknown ${name} ${item}: one of ${values.join(', ')}` });
          return z.NEVER;
        }
      }
      return items as T[number][];
    })
    .describe(`Comma-separated: ${values.join(', ')}`);

export const DUE_VIEWS = ['overdue', 'today', 'upcoming'] as const;
export type DueView = (typeof DUE_VIEWS)[number];
export const TASK_SORTS = ['due', 'priority', 'created', 'updated'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export const ListTasks = z.object({
  assigneeId: z.string().optional().describe('A user id, `me`, or `none` for unassigned tasks'),
  accountId: z.string().optional(),
  status: csv(TASK_STATUSES, 'status'),
  source: csv(TASK_SOURCES, 'source'),
  priority: csv(PRIORITIES, 'priority'),
  type: csv(TASK_TYPES, 'type'),
  ruleId: z.string().optional(),
  due: z
    .enum(DUE_VIEWS)
    .optional()
    .describe(
      'Actionable tasks (open, in progress, or snoozed until a day that has come) due before today, today, or in the next 7 days',
    ),
  sort: z
    .enum(TASK_SORTS)
    .default('due')
    .describe(
      '`due`: earliest due first, undated last; `priority`: P0 first, then due; `created`, `updated`: newest first',
    ),
  cursor: z.string().optional(),
  limit: Limit,
});
export type ListTasks = z.output<typeof ListTasks>;

export const TaskSummaryQuery = z.object({
  assigneeId: z.string().default('me').describe('A user id, or `me` (the default)'),
});
export type TaskSummaryQuery = z.output<typeof TaskSummaryQuery>;

export const TaskSummary = z.object({
  assigneeId: z.string(),
  today: z.string(),
  overdue: z.number(),
  dueToday: z.number(),
  upcoming: z.number().describe('Due in the next 7 days (after today)'),
  byStatus: z.object(
    Object.fromEntries(TASK_STATUSES.map((s) => [s, z.number()])) as Record<TaskStatus, z.ZodNumber>,
  ),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const FollowUp = z.object({
  id: z.string(),
  taskId: z.string(),
  taskTitle: z.string(),
  accountId: z.string(),
  userId: z.string(),
  userName: z.string().nullable(),
  summary: z.string(),
  outcome: z.string().nullable(),
  nextStep: z.string().nullable(),
  createdAt: z.string(),
});
export type FollowUp = z.infer<typeof FollowUp>;

export const CreateFollowUp = z
  .object({
    summary: z.string().trim().min(1).max(10_000).describe('What was done'),
    outcome: z.string().trim().min(1).max(5_000).nullish(),
    nextStep: z.string().trim().min(1).max(5_000).nullish(),
    /** Optionally move the task in the same step, e.g. to `done` with the closing record. */
    taskStatus: z.enum(['open', 'in_progress', 'done', 'cancelled']).optional(),
  })
  .strict();
export type CreateFollowUp = z.input<typeof CreateFollowUp>;

export const ListFollowUps = z.object({ cursor: z.string().optional(), limit: Limit });
export type ListFollowUps = z.output<typeof ListFollowUps>;

export const RecentFollowUpsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
});
export type RecentFollowUpsQuery = z.output<typeof RecentFollowUpsQuery>;

export const RecentFollowUps = z.object({
  accountId: z.string(),
  days: z.number(),
  since: z.string(),
  followUps: z.array(FollowUp).describe('Follow-ups by other people in the last `days` days, newest first'),
  openTasks: z
    .array(Task)
    .describe('Open, in-progress and snoozed tasks on the account assigned to someone else or nobody'),
});
export type RecentFollowUps = z.infer<typeof RecentFollowUps>;
