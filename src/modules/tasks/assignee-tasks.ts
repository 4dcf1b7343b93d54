// What other modules read about tasks: team (offboarding, the load view) and reports (scorecards).
import type { Ctx } from '../../context.ts';
import { readText } from '../../i18n/index.ts';
import { today } from '../../time.ts';
import { accountExists } from '../accounts/index.ts';
import { OPEN_STATUSES } from './status.ts';

/** The user's open tasks (open, in progress, snoozed) on accounts that still exist, by id. */
export async function openTasksAssignedTo(
  ctx: Ctx,
  userId: string,
): Promise<{ id: string; accountId: string }[]> {
  const rows = await ctx.db
    .selectFrom('tasks as t')
    .select(['t.id', 't.account_id'])
    .where('t.workspace_id', '=', ctx.workspace.id)
    .where('t.assignee_id', '=', userId)
    .where('t.status', 'in', [...OPEN_STATUSES])
    .where(accountExists(ctx, 't.account_id'))
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({ id: r.id, accountId: r.account_id }));
}

/** Open and overdue tasks per assignee (overdue: open or in progress, due before today). */
export async function openTaskCounts(ctx: Ctx): Promise<Map<string, { open: number; overdue: number }>> {
  const day = today(ctx);
  const rows = await ctx.db
    .selectFrom('tasks')
    .select(['assignee_id', 'status', 'due_date'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('status', 'in', [...OPEN_STATUSES])
    .where('assignee_id', 'is not', null)
    .execute();
  const out = new Map<string, { open: number; overdue: number }>();
  for (const r of rows) {
    const c = out.get(r.assignee_id!) ?? { open: 0, overdue: 0 };
    c.open++;
    if (r.status !== 'snoozed' && r.due_date !== null && r.due_date < day) c.overdue++;
    out.set(r.assignee_id!, c);
  }
  return out;
}

/** Assigned, not cancelled tasks due in [from, to] (scorecards: tasks done on time). */
export async function assignedTasksDue(
  ctx: Ctx,
  range: { from: string; to: string },
): Promise<
  {
    id: string;
    title: string;
    accountId: string | null;
    assigneeId: string;
    status: string;
    dueDate: string;
    completedAt: string | null;
  }[]
> {
  const rows = await ctx.db
    .selectFrom('tasks')
    .select([
      'id',
      'title',
      'title_message',
      'account_id',
      'assignee_id',
      'status',
      'due_date',
      'completed_at',
    ])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('due_date', '>=', range.from)
    .where('due_date', '<=', range.to)
    .where('status', '!=', 'cancelled')
    .where('assignee_id', 'is not', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: readText(ctx.locale, r.title, r.title_message),
    accountId: r.account_id,
    assigneeId: r.assignee_id!,
    status: r.status,
    dueDate: r.due_date!,
    completedAt: r.completed_at,
  }));
}

/** Accounts with an open task (open, in progress, snoozed) of this type, such as a `risk` save plan. */
export async function accountsWithOpenTask(ctx: Ctx, type: string): Promise<Set<string>> {
  const rows = await ctx.db
    .selectFrom('tasks')
    .select('account_id')
    .distinct()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('type', '=', type)
    .where('status', 'in', [...OPEN_STATUSES])
    .execute();
  return new Set(rows.map((r) => r.account_id));
}
