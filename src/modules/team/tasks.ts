import type { Ctx } from '../../context.ts';
import { accountRefs } from '../accounts/index.ts';
import { userRefs } from '../auth/index.ts';
import { openTasksAssignedTo, updateTask } from '../tasks/index.ts';

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
  const tasks = await openTasksAssignedTo(ctx, userId);
  if (!apply) return { open: tasks.length, reassigned: null };
  let reassigned = 0;
  const accounts = await accountRefs(
    ctx,
    tasks.map((t) => t.accountId),
  );
  const owners = await userRefs(
    ctx,
    [...accounts.values()].flatMap((a) => (a.ownerId ? [a.ownerId] : [])),
  );
  for (const t of tasks) {
    const ownerId = accounts.get(t.accountId)?.ownerId ?? null;
    const owner = ownerId && ownerId !== userId && owners.get(ownerId)?.active ? ownerId : null;
    const to = newOwners.get(t.accountId) ?? owner ?? lead;
    if (!to || to === userId) continue;
    await updateTask({ ctx, id: t.id, input: { assignee: { userId: to } } });
    reassigned++;
  }
  return { open: tasks.length, reassigned };
}
