import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { type Locale, type Message, msg, type Param, readText } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor, type Page } from '../../pagination.ts';
import { nowIso, today } from '../../time.ts';
import { getAccountRef } from '../accounts/index.ts';
import { authorize, userNames, writeAudit } from '../auth/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import { authorizeTaskEdit } from './access.ts';
import { OPEN_STATUSES, TransitionError, transition } from './status.ts';
import {
  CreateFollowUp,
  type FollowUp,
  ListFollowUps,
  type RecentFollowUps,
  RecentFollowUpsQuery,
} from './tasks.schemas.ts';
import type { TaskFollowUpsTable } from './tasks.table.ts';
import {
  findTaskRow,
  recordTaskChanges,
  selectTasks,
  taskNotFound,
  taskRowToTask,
  taskTitleParam,
  withNames,
} from './tasks.ts';

type TaskTitle = { task_title: string; task_title_message: string | null };
type FollowUpRow = TaskFollowUpsTable & TaskTitle & { user_name: string | null };

const followUpRowToFollowUp = (r: FollowUpRow, locale: Locale | undefined): FollowUp => ({
  id: r.id,
  taskId: r.task_id,
  taskTitle: readText(locale, r.task_title, r.task_title_message),
  accountId: r.account_id,
  userId: r.user_id,
  userName: r.user_name,
  summary: r.summary,
  outcome: r.outcome,
  nextStep: r.next_step,
  createdAt: r.created_at,
});

function selectFollowUps(ctx: Ctx) {
  return ctx.db
    .selectFrom('task_follow_ups as f')
    .innerJoin('tasks as t', (j) =>
      j.onRef('t.id', '=', 'f.task_id').onRef('t.workspace_id', '=', 'f.workspace_id'),
    )
    .selectAll('f')
    .select(['t.title as task_title', 't.title_message as task_title_message'])
    .where('f.workspace_id', '=', ctx.workspace.id);
}

/** The records with the name of who wrote each (one lookup for the page). */
async function toFollowUps(ctx: Ctx, rows: readonly (TaskFollowUpsTable & TaskTitle)[]): Promise<FollowUp[]> {
  const names = await userNames(
    ctx,
    rows.map((r) => r.user_id),
  );
  return rows.map((r) =>
    followUpRowToFollowUp({ ...r, user_name: names.get(r.user_id) ?? null }, ctx.locale),
  );
}

async function getTaskForFollowUps(ctx: Ctx, taskId: string) {
  const row = await findTaskRow(ctx, taskId);
  if (!row) throw taskNotFound(taskId);
  return row;
}

/**
 * Records what was done on a task, its outcome and next step (seed 004, 4.2), optionally moving the
 * task in the same step (e.g. to done). The record also appears on the account's timeline.
 */
export async function addFollowUp({
  ctx,
  taskId,
  input,
}: {
  ctx: Ctx;
  taskId: string;
  input: CreateFollowUp;
}): Promise<FollowUp> {
  const data = CreateFollowUp.parse(input);
  return inTransaction(ctx, async (tx) => {
    const row = await getTaskForFollowUps(tx, taskId);
    await authorizeTaskEdit(tx, row);
    const userId = actorId(tx);
    if (!userId) throw new AppError('validation_failed', msg('task.error.followUpByPerson'));
    const now = nowIso(tx);
    const followUp: TaskFollowUpsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      task_id: row.id,
      account_id: row.account_id,
      user_id: userId,
      summary: data.summary,
      outcome: data.outcome ?? null,
      next_step: data.nextStep ?? null,
      created_at: now,
    };
    await tx.db.insertInto('task_follow_ups').values(followUp).execute();
    // The person's words, with the labels in each reader's language (one language at a time).
    const lines: Param[] = [data.summary];
    if (data.outcome) lines.push(msg('task.followUpOutcome', { text: data.outcome }));
    if (data.nextStep) lines.push(msg('task.followUpNextStep', { text: data.nextStep }));
    const body = lines.slice(1).reduce<Param>((a, b) => msg('task.lines', { a, b }), data.summary);
    await writeTimeline(tx, {
      accountId: row.account_id,
      type: 'task.follow_up',
      title: msg('task.followUp', { title: taskTitleParam(row) }),
      body: typeof body === 'string' ? body : (body as Message),
      entityType: 'task',
      entityId: row.id,
      data: { followUpId: followUp.id, outcome: followUp.outcome, nextStep: followUp.next_step },
    });
    const [result] = await toFollowUps(tx, [
      { ...followUp, task_title: row.title, task_title_message: row.title_message },
    ]);
    await writeAudit(tx, { action: 'task.follow_up', entityType: 'task', entityId: row.id, after: result });

    if (data.taskStatus && data.taskStatus !== row.status) {
      const before = taskRowToTask(row, tx.locale);
      let next: ReturnType<typeof transition>;
      try {
        next = transition(before, { to: data.taskStatus }, today(tx), now);
      } catch (error) {
        if (error instanceof TransitionError) {
          throw new AppError('validation_failed', error.text, {
            issues: [{ path: 'taskStatus', message: error.message }],
          });
        }
        throw error;
      }
      const moved = await tx.db
        .updateTable('tasks')
        .set({
          status: next.status,
          snoozed_until: next.snoozedUntil,
          completed_at: next.completedAt,
          updated_at: now,
        })
        .where('workspace_id', '=', tx.workspace.id)
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .returning('id')
        .executeTakeFirst();
      if (!moved) throw new AppError('conflict', msg('task.error.changed'));
      const after = {
        ...before,
        status: next.status,
        snoozedUntil: next.snoozedUntil,
        completedAt: next.completedAt,
        updatedAt: now,
      };
      await writeAudit(tx, { action: 'task.updated', entityType: 'task', entityId: row.id, before, after });
      await recordTaskChanges(tx, before, after);
    }
    return result;
  });
}

/** A task's follow-up records, oldest first (the story of the task in order). */
export async function listFollowUps({
  ctx,
  taskId,
  input,
}: {
  ctx: Ctx;
  taskId: string;
  input: ListFollowUps;
}): Promise<Page<FollowUp>> {
  await authorize(ctx, 'read');
  const q = ListFollowUps.parse(input);
  const task = await getTaskForFollowUps(ctx, taskId);
  let query = selectFollowUps(ctx).where('f.task_id', '=', task.id);
  if (q.cursor) {
    const [at, id] = decodeCursor(q.cursor, ['string', 'string']) as [string, string];
    query = query.where((eb) =>
      eb.or([eb('f.created_at', '>', at), eb.and([eb('f.created_at', '=', at), eb('f.id', '>', id)])]),
    );
  }
  const rows = await query
    .orderBy('f.created_at')
    .orderBy('f.id')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: await toFollowUps(ctx, page),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

/** How many of each the pre-create check returns; enough to see who is already on it. */
const RECENT_LIMIT = 50;

/**
 * The check before creating a task (seed 004, 3.3): what other people did on the account lately
 * and which of their tasks are still open, so work is not duplicated.
 */
export async function recentFollowUps({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: RecentFollowUpsQuery;
}): Promise<RecentFollowUps> {
  await authorize(ctx, 'read');
  const q = RecentFollowUpsQuery.parse(input);
  await getAccountRef(ctx, accountId);
  const me = actorId(ctx);
  const since = new Date(ctx.now().getTime() - q.days * 86_400_000).toISOString();
  let followUps = selectFollowUps(ctx)
    .where('f.account_id', '=', accountId)
    .where('f.created_at', '>=', since);
  if (me) followUps = followUps.where('f.user_id', '!=', me);
  let tasks = selectTasks(ctx)
    .where('t.account_id', '=', accountId)
    .where('t.status', 'in', [...OPEN_STATUSES]);
  if (me)
    tasks = tasks.where((eb) => eb.or([eb('t.assignee_id', 'is', null), eb('t.assignee_id', '!=', me)]));
  const followUpRows = await followUps
    .orderBy('f.created_at', 'desc')
    .orderBy('f.id', 'desc')
    .limit(RECENT_LIMIT)
    .execute();
  const taskRows = await tasks.orderBy('t.created_at', 'desc').limit(RECENT_LIMIT).execute();
  return {
    accountId,
    days: q.days,
    since,
    followUps: await toFollowUps(ctx, followUpRows),
    openTasks: (await withNames(ctx, taskRows)).map((r) => taskRowToTask(r, ctx.locale)),
  };
}
