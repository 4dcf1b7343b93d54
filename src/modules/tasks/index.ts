export { authorizeTaskEdit } from './access.ts';
export {
  accountsWithOpenTask,
  assignedTasksDue,
  openTaskCounts,
  openTasksAssignedTo,
} from './assignee-tasks.ts';
export { addFollowUp, listFollowUps, recentFollowUps } from './follow-ups.ts';
export { wakeSnoozedTasksJob } from './jobs.ts';
export { searchTasks, type TaskHit } from './search.ts';
export type { StatusFields } from './status.ts';
export {
  dueView,
  isActionable,
  OPEN_STATUSES,
  TransitionError,
  transition,
  UPCOMING_DAYS,
} from './status.ts';
export { tasksRoutes } from './tasks.routes.ts';
export type {
  AssigneeRole,
  DueView,
  Priority,
  TaskOrigin,
  TaskSource,
  TaskStatus,
  TaskType,
} from './tasks.schemas.ts';
export {
  ASSIGNEE_ROLES,
  Assignee,
  CreateFollowUp,
  CreateTask,
  DUE_VIEWS,
  FollowUp,
  ListFollowUps,
  ListTasks,
  PRIORITIES,
  RecentFollowUps,
  RecentFollowUpsQuery,
  TASK_SOURCES,
  TASK_STATUSES,
  TASK_TYPES,
  Task,
  TaskSummary,
  TaskSummaryQuery,
  UpdateTask,
} from './tasks.schemas.ts';
export {
  createTask,
  findOpenTask,
  getTask,
  listTasks,
  taskRowToTask,
  taskSummary,
  updateTask,
  wakeSnoozedTasks,
} from './tasks.ts';
