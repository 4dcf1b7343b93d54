import { createRoute } from '@hono/zod-openapi';
import { CONFLICT, createRouter, ERRORS, IdParam, json, jsonBody, listOf } from '../../server/env.ts';
import { addFollowUp, listFollowUps, recentFollowUps } from './follow-ups.ts';
import {
  CreateFollowUp,
  CreateTask,
  FollowUp,
  ListFollowUps,
  ListTasks,
  RecentFollowUps,
  RecentFollowUpsQuery,
  Task,
  TaskSummary,
  TaskSummaryQuery,
  UpdateTask,
} from './tasks.schemas.ts';
import { createTask, getTask, listTasks, taskSummary, updateTask } from './tasks.ts';

const WHO_EDITS =
  'Managers and admins on any account; a CSM on accounts whose team they are on, or on tasks assigned to them; viewers never.';

/** Tasks, "my tasks" views and counts, follow-up records, and the pre-create check. */
export function tasksRoutes() {
  const app = createRouter();
  const tags = ['Tasks'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/tasks',
      tags,
      summary: 'List tasks: my tasks (`assigneeId=me`), an account’s, a rule’s or playbook’s, by due view',
      description:
        '`due=overdue|today|upcoming` shows actionable tasks (open, in progress, or snoozed until a day that has come) due before today, today, or in the next 7 days, in the workspace time zone. `source=rule|playbook|manual` separates automated work from manual.',
      request: { query: ListTasks },
      responses: { 200: json(listOf(Task), 'A page of tasks'), ...ERRORS },
    }),
    async (c) => c.json(await listTasks({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/tasks',
      tags,
      summary: 'Create a task on an account',
      description: `Check \`GET /accounts/{id}/follow-ups/recent\` first to avoid duplicating others' work. The assignee may be a role of the account (\`{ "role": "csm" }\`), resolved to a user now; the assignee is notified. ${WHO_EDITS}`,
      request: { body: jsonBody(CreateTask) },
      responses: { 201: json(Task, 'Created'), ...ERRORS },
    }),
    async (c) => c.json(await createTask({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );

  // Before /tasks/{id}: "summary" is not a task id.
  app.openapi(
    createRoute({
      method: 'get',
      path: '/tasks/summary',
      tags,
      summary: 'My task counts: overdue, due today, upcoming (7 days), and by status',
      request: { query: TaskSummaryQuery },
      responses: { 200: json(TaskSummary, 'The counts'), ...ERRORS },
    }),
    async (c) => c.json(await taskSummary({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/tasks/{id}',
      tags,
      summary: 'One task',
      request: { params: IdParam },
      responses: { 200: json(Task, 'The task'), ...ERRORS },
    }),
    async (c) => c.json(await getTask({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/tasks/{id}',
      tags,
      summary: 'Edit, move (incl. snooze with `snoozedUntil`) or reassign a task',
      description: `Status moves: open ⇄ in_progress, either → done / cancelled / snoozed, snoozed → any, done / cancelled → open (reopen). A snooze needs \`snoozedUntil\` after today; the task reopens on that day. A concurrent status change answers 409. ${WHO_EDITS}`,
      request: { params: IdParam, body: jsonBody(UpdateTask) },
      responses: { 200: json(Task, 'The task'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await updateTask({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/tasks/{id}/follow-ups',
      tags,
      summary: 'A task’s follow-up records, oldest first',
      request: { params: IdParam, query: ListFollowUps },
      responses: { 200: json(listOf(FollowUp), 'A page of follow-ups'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await listFollowUps({
          ctx: c.get('ctx'),
          taskId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/tasks/{id}/follow-ups',
      tags,
      summary: 'Record what was done on a task: summary, outcome, next step (also on the account timeline)',
      description: `\`taskStatus\` moves the task in the same step, e.g. \`done\` with the closing record. ${WHO_EDITS}`,
      request: { params: IdParam, body: jsonBody(CreateFollowUp) },
      responses: { 201: json(FollowUp, 'Recorded'), ...ERRORS, ...CONFLICT },
    }),
    async (c) =>
      c.json(
        await addFollowUp({ ctx: c.get('ctx'), taskId: c.req.valid('param').id, input: c.req.valid('json') }),
        201,
      ),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/follow-ups/recent',
      tags,
      summary: 'Before creating a task: the account’s recent follow-ups and open tasks by other people',
      description:
        'Follow-ups recorded by anyone but you in the last `days` days (default 30), and open, in-progress or snoozed tasks assigned to someone else or nobody; 50 of each at most, newest first.',
      request: { params: IdParam, query: RecentFollowUpsQuery },
      responses: { 200: json(RecentFollowUps, 'Recent work on the account'), ...ERRORS },
    }),
    async (c) =>
      c.json(
        await recentFollowUps({
          ctx: c.get('ctx'),
          accountId: c.req.valid('param').id,
          input: c.req.valid('query'),
        }),
        200,
      ),
  );

  return app;
}
