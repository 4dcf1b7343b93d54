import type { Ctx } from '../../context.ts';
import { today } from '../../time.ts';
import { OPEN_STATUSES, updateTask } from '../tasks/index.ts';

/**
 * A leaving CSM's open tasks (open, in progress, snoozed). Applied, each goes to the new owner of
 * its account when the account moved, else to the account's current owner (when active and not
 * the leaver), else to the group lead, so none is left with someone who is gone; through the tasks
 * module's updateTask, so each reassignment is on the account's timeline.
 */
export async function reassignOpenTasks(
  ctx: Ctx,
  userId: string,
  newOwners: ReadonlyMap<string, string>,
  apply: boolean,
  lead: string | null = null,
): Promise<{ open: number; reassigned: number | null }> {
  const tasks = await ctx.db
    .selectFrom('tasks as t')
    .innerJoin('accounts as a', (j) =>
      j.onRef('a.id', '=', 't.account_id').onRef('a.workspace_id', '=', 't.workspace_id'),
    )
    .leftJoin('users as o', (j) =>
      j.onRef('o.id', '=', 'a.owner_id').onRef('o.workspace_id', '=', 'a.workspace_id'),
    )
    .select(['t.id', 't.account_id', 'a.owner_id', 'o.active as owner_active'])
    .where('t.workspace_id', '=', ctx.workspace.id)
    .where('t.assignee_id', '=', userId)
    .where('t.status', 'in', [...OPEN_STATUSES])
    .orderBy('t.id')
    .execute();
  if (!apply) return { open: tasks.length, reassigned: null };
  let reassigned = 0;
  for (const t of tasks) {
    const owner = t.owner_id && t.owner_id !== userId && t.owner_active === 1 ? t.owner_id : null;
    const to = newOwners.get(t.account_id) ?? owner ?? lead;
    if (!to || to === userId) continue;
    await updateTask({ ctx, id: t.id, input: { assignee: { userId: to } } });
    reassigned++;
  }
  return { open: tasks.length, reassigned };
}

/** Open and overdue tasks per assignee (overdue: open or in progress, due before today). */
export async function taskCounts(ctx: Ctx): Promise<Map<string, { open: number; overdue: number }>> {
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
