import { type Expression, type SqlBool, sql } from 'kysely';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { isMessage, type Locale, type Message, msg, readText, storedMessage } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../../pagination.ts';
import { addDays, nowIso, today } from '../../time.ts';
import {
  type AccountRef,
  accountExists,
  accountMemberIds,
  accountRefs,
  getAccountRef,
} from '../accounts/index.ts';
import { authorize, userNames, userRefs, writeAudit } from '../auth/index.ts';
import { notify } from '../notifications/notify.ts';
import { writeTimeline } from '../timeline/index.ts';
import { authorizeTaskEdit } from './access.ts';
import { OPEN_STATUSES, TransitionError, transition, UPCOMING_DAYS } from './status.ts';
import {
  type Assignee,
  CreateTask,
  type ListTasks,
  type Priority,
  type Task,
  type TaskOrigin,
  type TaskSource,
  type TaskStatus,
  type TaskSummary,
  TaskSummaryQuery,
  type TaskType,
  UpdateTask,
} from './tasks.schemas.ts';
import type { TasksTable } from './tasks.table.ts';

type TaskRow = TasksTable & { account_name: string; assignee_name: string | null };

export const taskRowToTask = (r: TaskRow, locale: Locale | undefined): Task => ({
  id: r.id,
  accountId: r.account_id,
  accountName: r.account_name,
  title: readText(locale, r.title, r.title_message),
  titleMessage: storedMessage(r.title_message),
  description: r.description === null ? null : readText(locale, r.description, r.description_message),
  type: r.type as TaskType,
  assigneeId: r.assignee_id,
  assigneeName: r.assignee_name,
  priority: r.priority as Priority,
  dueDate: r.due_date,
  status: r.status as TaskStatus,
  snoozedUntil: r.snoozed_until,
  source: r.source as TaskSource,
  ruleId: r.rule_id,
  ruleRunId: r.rule_run_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  completedAt: r.completed_at,
});

/** The workspace's tasks; tasks of deleted accounts drop out. withNames adds the names a Task shows. */
export function selectTasks(ctx: Ctx) {
  return ctx.db
    .selectFrom('tasks as t')
    .selectAll('t')
    .where('t.workspace_id', '=', ctx.workspace.id)
    .where(accountExists(ctx, 't.account_id'));
}

/** The rows with their account's and assignee's names (two lookups for the whole page). */
export async function withNames(ctx: Ctx, rows: readonly TasksTable[]): Promise<TaskRow[]> {
  const accounts = await accountRefs(
    ctx,
    rows.map((r) => r.account_id),
  );
  const users = await userNames(
    ctx,
    rows.flatMap((r) => (r.assignee_id ? [r.assignee_id] : [])),
  );
  return rows.map((r) => ({
    ...r,
    account_name: accounts.get(r.account_id)?.name ?? '',
    assignee_name: r.assignee_id ? (users.get(r.assignee_id) ?? null) : null,
  }));
}

export async function findTaskRow(ctx: Ctx, id: string): Promise<TaskRow | undefined> {
  const row = await selectTasks(ctx).where('t.id', '=', id).executeTakeFirst();
  return row && (await withNames(ctx, [row]))[0];
}

async function getTaskRow(ctx: Ctx, id: string): Promise<TaskRow> {
  const row = await findTaskRow(ctx, id);
  if (!row) throw taskNotFound(id);
  return row;
}

/**
 * The user an assignee stands for, now: a user must be active in this workspace; a role resolves
 * to the owner, or the first team member with that role (by user id, so it is stable), else null.
 */
async function resolveAssignee(
  ctx: Ctx,
  account: AccountRef,
  assignee: Assignee | null | undefined,
  field = 'assignee',
): Promise<string | null> {
  if (!assignee) return null;
  if ('userId' in assignee) {
    const user = (await userRefs(ctx, [assignee.userId])).get(assignee.userId);
    if (!user?.active) {
      throw new AppError('validation_failed', msg('task.error.noActiveUser', { id: assignee.userId }), {
        issues: [{ path: `${field}.userId`, message: 'not an active user of this workspace' }],
      });
    }
    return user.id;
  }
  if (assignee.role === 'owner') return account.ownerId;
  const members = await accountMemberIds(ctx, account.id, assignee.role);
  const users = await userRefs(ctx, members);
  return members.find((id) => users.get(id)?.active) ?? null;
}

export const taskNotFound = (id: string) =>
  new AppError('not_found', msg('error.notFoundId', { what: msg('task.what'), id }));

/** The task's title as a message parameter: its message when it has one, else the words typed. */
export const taskTitleParam = (
  t: Pick<Task, 'title' | 'titleMessage'> | Pick<TasksTable, 'title' | 'title_message'>,
) => {
  const m = 'titleMessage' in t ? t.titleMessage : storedMessage(t.title_message);
  return m && isMessage(m) ? m : t.title;
};

/** Tells the new assignee (rendered in their language when read), unless they assigned it to themselves. */
async function notifyAssignee(ctx: Ctx, task: Task, reassigned: boolean): Promise<void> {
  if (!task.assigneeId || task.assigneeId === actorId(ctx)) return;
  const params = { account: task.accountName, priority: task.priority };
  const body = task.dueDate
    ? msg(reassigned ? 'notification.taskReassignedBodyDue' : 'notification.taskAssignedBodyDue', {
        ...params,
        date: { date: task.dueDate },
      })
    : msg(reassigned ? 'notification.taskReassignedBody' : 'notification.taskAssignedBody', params);
  await notify(ctx, {
    userId: task.assigneeId,
    kind: 'task_assigned',
    title: msg('notification.taskAssigned', { title: taskTitleParam(task) }),
    body,
    accountId: task.accountId,
    taskId: task.id,
    data: { priority: task.priority, dueDate: task.dueDate, source: task.source, reassigned },
  });
}

/**
 * Creates a task on an account (seed 004, 4.1). Manual by default; rules and playbooks pass
 * `origin`, which links the task to the run that made it. Writes the `task.created` timeline entry
 * and audit row, and notifies the assignee, in one transaction.
 */
export async function createTask({
  ctx,
  input,
  origin,
  messages,
}: {
  ctx: Ctx;
  input: CreateTask;
  origin?: TaskOrigin;
  /**
   * Title and description as messages (a built-in template), rendered in each reader's language;
   * `input.title`/`description` are then their English renderings, kept for search and sorting.
   */
  messages?: { title?: Message; description?: Message };
}): Promise<Task> {
  const data = CreateTask.parse(input);
  return inTransaction(ctx, async (tx) => {
    const account = await getAccountRef(tx, data.accountId);
    await authorize(tx, 'tasks:write', account.id);
    const assigneeId = await resolveAssignee(tx, account, data.assignee);
    const now = nowIso(tx);
    const dueDate =
      data.dueDate ?? (data.dueInDays === undefined ? null : addDays(today(tx), data.dueInDays));
    const row: TasksTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      account_id: account.id,
      title: data.title,
      title_message: messages?.title ? JSON.stringify(messages.title) : null,
      description: data.description || null,
      description_message:
        data.description && messages?.description ? JSON.stringify(messages.description) : null,
      type: data.type,
      assignee_id: assigneeId,
      priority: data.priority,
      due_date: dueDate,
      status: 'open',
      snoozed_until: null,
      source: origin?.source ?? 'manual',
      rule_id: origin?.ruleId ?? null,
      rule_run_id: origin?.runId ?? null,
      created_by: actorId(tx),
      created_at: now,
      updated_at: now,
      completed_at: null,
    };
    await tx.db.insertInto('tasks').values(row).execute();
    const task = taskRowToTask(
      {
        ...row,
        account_name: account.name,
        assignee_name: assigneeId ? ((await userNames(tx, [assigneeId])).get(assigneeId) ?? null) : null,
      },
      tx.locale,
    );
    await writeTimeline(tx, {
      accountId: account.id,
      type: 'task.created',
      title: msg('task.created', { title: taskTitleParam(task) }),
      body: storedMessage(row.description_message) ?? task.description,
      entityType: 'task',
      entityId: task.id,
      data: {
        taskType: task.type,
        priority: task.priority,
        dueDate: task.dueDate,
        assigneeId: task.assigneeId,
        source: task.source,
        ruleId: task.ruleId,
        ruleRunId: task.ruleRunId,
      },
    });
    await writeAudit(tx, { action: 'task.created', entityType: 'task', entityId: task.id, after: task });
    await notifyAssignee(tx, task, false);
    return task;
  });
}

/** Automation's dedupe: the open, in-progress or snoozed task this rule made for this account. */
export async function findOpenTask(
  ctx: Ctx,
  { ruleId, accountId }: { ruleId: string; accountId: string },
): Promise<Task | undefined> {
  const row = await selectTasks(ctx)
    .where('t.rule_id', '=', ruleId)
    .where('t.account_id', '=', accountId)
    .where('t.status', 'in', [...OPEN_STATUSES])
    .orderBy('t.created_at', 'desc')
    .executeTakeFirst();
  return row ? taskRowToTask((await withNames(ctx, [row]))[0]!, ctx.locale) : undefined;
}

export async function getTask({ ctx, id }: { ctx: Ctx; id: string }): Promise<Task> {
  await authorize(ctx, 'read');
  return taskRowToTask(await getTaskRow(ctx, id), ctx.locale);
}

/** `me` is the signed-in user; a system actor has no tasks of its own. */
export function resolveMe(ctx: Ctx, value: string, field: string): string {
  if (value !== 'me') return value;
  const me = actorId(ctx);
  if (!me)
    throw new AppError('validation_failed', msg('task.error.meNeedsUser'), {
      issues: [{ path: field, message: 'no user' }],
    });
  return me;
}

/** SQL for isActionable (status.ts): open, in progress, or snoozed until a day that has come. */
const actionable = (day: string): Expression<SqlBool> =>
  sql<SqlBool>`(t.status in ('open', 'in_progress') or (t.status = 'snoozed' and t.snoozed_until <= ${day}))`;

// Undated tasks sort after every dated one; the sentinel keeps the keyset cursor a plain string.
const dueKey = sql<string>`coalesce(t.due_date, '9999-12-31')`;
const SORTS = {
  due: { keys: [dueKey, sql<string>`t.id`], dir: 'asc' },
  priority: { keys: [sql<string>`t.priority`, dueKey, sql<string>`t.id`], dir: 'asc' },
  created: { keys: [sql<string>`t.created_at`, sql<string>`t.id`], dir: 'desc' },
  updated: { keys: [sql<string>`t.updated_at`, sql<string>`t.id`], dir: 'desc' },
} as const;

const sortValues = (sort: ListTasks['sort'], r: TasksTable): string[] => {
  const due = r.due_date ?? '9999-12-31';
  if (sort === 'due') return [due, r.id];
  if (sort === 'priority') return [r.priority, due, r.id];
  if (sort === 'created') return [r.created_at, r.id];
  return [r.updated_at, r.id];
};

/** Tasks with filters ("my tasks", an account's, a rule's), due views, sort and keyset pages. */
export async function listTasks({ ctx, input }: { ctx: Ctx; input: ListTasks }): Promise<Page<Task>> {
  await authorize(ctx, 'read');
  const q = input;
  const day = today(ctx);
  let query = selectTasks(ctx);
  if (q.assigneeId === 'none') query = query.where('t.assignee_id', 'is', null);
  else if (q.assigneeId)
    query = query.where('t.assignee_id', '=', resolveMe(ctx, q.assigneeId, 'assigneeId'));
  if (q.accountId) query = query.where('t.account_id', '=', q.accountId);
  if (q.status) query = query.where('t.status', 'in', q.status);
  if (q.source) query = query.where('t.source', 'in', q.source);
  if (q.priority) query = query.where('t.priority', 'in', q.priority);
  if (q.type) query = query.where('t.type', 'in', q.type);
  if (q.ruleId) query = query.where('t.rule_id', '=', q.ruleId);
  if (q.due) {
    query = query.where(actionable(day));
    if (q.due === 'overdue') query = query.where('t.due_date', '<', day);
    if (q.due === 'today') query = query.where('t.due_date', '=', day);
    if (q.due === 'upcoming') {
      query = query.where('t.due_date', '>', day).where('t.due_date', '<=', addDays(day, UPCOMING_DAYS));
    }
  }
  const sort = SORTS[q.sort];
  if (q.cursor) {
    const values = decodeCursor(
      q.cursor,
      sort.keys.map(() => 'string' as const),
    ) as string[];
    const op = sql.raw(sort.dir === 'asc' ? '>' : '<');
    // Row-value comparison: (k1, k2) > (v1, v2), on SQLite 3.15+ and PostgreSQL alike.
    query = query.where(
      sql<SqlBool>`(${sql.join(sort.keys)}) ${op} (${sql.join(values.map((v) => sql`${v}`))})`,
    );
  }
  for (const key of sort.keys) query = query.orderBy(key, sort.dir);
  const rows = await query.limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: (await withNames(ctx, page)).map((r) => taskRowToTask(r, ctx.locale)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(sortValues(q.sort, last)) : null,
  };
}

/**
 * Edits, status changes (incl. snooze) and reassignment. A conditional update on the status read
 * turns a concurrent change into a conflict instead of a lost update. Each kind of change gets
 * its own timeline entry; the new assignee is notified.
 */
export async function updateTask({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateTask;
}): Promise<Task> {
  const data = UpdateTask.parse(input);
  return inTransaction(ctx, async (tx) => {
    const row = await getTaskRow(tx, id);
    await authorizeTaskEdit(tx, row);
    const before = taskRowToTask(row, tx.locale);
    if (Object.keys(data).length === 0) return before;
    const now = nowIso(tx);
    let status = {
      status: before.status,
      snoozedUntil: before.snoozedUntil,
      completedAt: before.completedAt,
    };
    const to = data.status ?? (data.snoozedUntil === undefined ? undefined : 'snoozed');
    if (to !== undefined) {
      try {
        status = transition(status, { to, snoozedUntil: data.snoozedUntil }, today(tx), now);
      } catch (error) {
        if (error instanceof TransitionError) {
          throw new AppError('validation_failed', error.text, {
            issues: [{ path: error.field, message: error.message }],
          });
        }
        throw error;
      }
    }
    let assigneeId = before.assigneeId;
    if (data.assignee !== undefined) {
      const account = await getAccountRef(tx, before.accountId);
      assigneeId = await resolveAssignee(tx, account, data.assignee);
    }
    // A title or description sent back as shown (a template's, in the reader's language) is not an
    // edit: the message stays, so it keeps following each reader's language.
    const title = data.title === undefined || data.title === before.title ? undefined : data.title;
    const description =
      data.description === undefined || (data.description || null) === before.description
        ? undefined
        : data.description || null;
    const updated = await tx.db
      .updateTable('tasks')
      .set({
        title,
        title_message: title === undefined ? undefined : null,
        description,
        description_message: description === undefined ? undefined : null,
        type: data.type,
        priority: data.priority,
        due_date: data.dueDate,
        status: status.status,
        snoozed_until: status.snoozedUntil,
        completed_at: status.completedAt,
        assignee_id: assigneeId,
        updated_at: now,
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', before.id)
      .where('status', '=', before.status)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw new AppError('conflict', msg('task.error.changed'));
    const after = taskRowToTask(await getTaskRow(tx, id), tx.locale);
    await writeAudit(tx, { action: 'task.updated', entityType: 'task', entityId: id, before, after });
    await recordTaskChanges(tx, before, after);
    if (after.assigneeId !== before.assigneeId) await notifyAssignee(tx, after, true);
    return after;
  });
}

const EDITABLE = ['title', 'description', 'type', 'priority', 'dueDate'] as const;

/** Timeline entries for what changed: status, assignee, and the other fields together. */
export async function recordTaskChanges(ctx: Ctx, before: Task, after: Task): Promise<void> {
  const entry = { accountId: after.accountId, entityType: 'task', entityId: after.id };
  const title = taskTitleParam(after);
  if (before.status !== after.status || before.snoozedUntil !== after.snoozedUntil) {
    await writeTimeline(ctx, {
      ...entry,
      type: 'task.status_changed',
      title:
        after.status === 'snoozed' && after.snoozedUntil
          ? msg('task.snoozedUntil', { date: { date: after.snoozedUntil }, title })
          : msg('task.statusChanged', { status: msg(`task.status.${after.status}`), title }),
      data: {
        changes: {
          status: [before.status, after.status],
          snoozedUntil: [before.snoozedUntil, after.snoozedUntil],
        },
      },
    });
  }
  if (before.assigneeId !== after.assigneeId) {
    await writeTimeline(ctx, {
      ...entry,
      type: 'task.reassigned',
      title: msg('task.reassigned', { who: after.assigneeName ?? msg('event.nobody'), title }),
      data: { changes: { assigneeId: [before.assigneeId, after.assigneeId] } },
    });
  }
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of EDITABLE) if (before[key] !== after[key]) changes[key] = [before[key], after[key]];
  if (Object.keys(changes).length > 0) {
    await writeTimeline(ctx, {
      ...entry,
      type: 'task.updated',
      title: msg('task.updated', { title }),
      data: { changes },
    });
  }
}

/** Counts for "my tasks": overdue, due today, upcoming (next 7 days) and every status. */
export async function taskSummary({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: TaskSummaryQuery;
}): Promise<TaskSummary> {
  await authorize(ctx, 'read');
  const q = TaskSummaryQuery.parse(input);
  const assigneeId = resolveMe(ctx, q.assigneeId, 'assigneeId');
  const day = today(ctx);
  const base = selectTasks(ctx).clearSelect().where('t.assignee_id', '=', assigneeId);
  const byStatusRows = await base
    .select(['t.status', sql<number>`count(*)`.as('n')])
    .groupBy('t.status')
    .execute();
  const views = await base
    .where(actionable(day))
    .select([
      sql<number>`sum(case when t.due_date < ${day} then 1 else 0 end)`.as('overdue'),
      sql<number>`sum(case when t.due_date = ${day} then 1 else 0 end)`.as('due_today'),
      sql<number>`sum(case when t.due_date > ${day} and t.due_date <= ${addDays(day, UPCOMING_DAYS)} then 1 else 0 end)`.as(
        'upcoming',
      ),
    ])
    .executeTakeFirst();
  const byStatus: TaskSummary['byStatus'] = { open: 0, in_progress: 0, done: 0, cancelled: 0, snoozed: 0 };
  for (const r of byStatusRows) byStatus[r.status as TaskStatus] = Number(r.n);
  return {
    assigneeId,
    today: day,
    overdue: Number(views?.overdue ?? 0),
    dueToday: Number(views?.due_today ?? 0),
    upcoming: Number(views?.upcoming ?? 0),
    byStatus,
  };
}

/**
 * Daily: snoozed tasks whose day has come are open again (so lists filtered by status show them),
 * each with a timeline entry. Bounded batches; rerunning finds nothing left to wake.
 */
export async function wakeSnoozedTasks(ctx: Ctx): Promise<number> {
  const day = today(ctx);
  let woken = 0;
  for (;;) {
    const rows = await selectTasks(ctx)
      .where('t.status', '=', 'snoozed')
      .where('t.snoozed_until', '<=', day)
      .orderBy('t.id')
      .limit(200)
      .execute();
    if (rows.length === 0) return woken;
    await inTransaction(ctx, async (tx) => {
      for (const row of rows) {
        const done = await tx.db
          .updateTable('tasks')
          .set({ status: 'open', snoozed_until: null, updated_at: nowIso(tx) })
          .where('workspace_id', '=', tx.workspace.id)
          .where('id', '=', row.id)
          .where('status', '=', 'snoozed')
          .returning('id')
          .executeTakeFirst();
        if (!done) continue;
        woken++;
        await writeTimeline(tx, {
          accountId: row.account_id,
          type: 'task.status_changed',
          title: msg('task.backFromSnooze', { title: taskTitleParam(row) }),
          entityType: 'task',
          entityId: row.id,
          data: { changes: { status: ['snoozed', 'open'], snoozedUntil: [row.snoozed_until, null] } },
        });
      }
    });
    if (rows.length < 200) return woken;
  }
}
