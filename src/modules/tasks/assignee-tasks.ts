// What other modules (team: offboarding and the load view) read about a person's tasks.
import type { Ctx } from '../../context.ts';
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
