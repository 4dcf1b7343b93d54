import type { Ctx } from '../../context.ts';
import { authorize, can } from '../auth/index.ts';
import type { TasksTable } from './tasks.table.ts';

/**
 * May the actor change this task (edit, move, reassign, add follow-ups)? `tasks:write` on its
 * account decides (a CSM: accounts on their team); a user with a team grant may also work on a
 * task assigned to them on any account, since work is handed across teams (seed 004, 4.1: a
 * support colleague gets the error-rate task). Viewers and read-only tokens never may.
 */
export async function authorizeTaskEdit(
  ctx: Ctx,
  task: Pick<TasksTable, 'account_id' | 'assignee_id'>,
): Promise<void> {
  const actor = ctx.actor;
  if (
    actor.kind === 'user' &&
    actor.scopes.includes('write') &&
    can(ctx, 'tasks:write') === 'team' &&
    task.assignee_id === actor.userId
  ) {
    return;
  }
  await authorize(ctx, 'tasks:write', task.account_id);
}
