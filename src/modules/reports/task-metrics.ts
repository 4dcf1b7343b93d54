import type { Ctx } from '../../context.ts';
import { dayInZone } from '../../time.ts';
import { accountsWithOpenTask, assignedTasksDue } from '../tasks/index.ts';

export type TaskMeasure = (
  accountIds: readonly string[],
  dangerIds: readonly string[],
  assigneeIds: readonly string[],
) => { onTime: number | null; dangerWithPlan: number | null };

export type DueTask = Awaited<ReturnType<typeof assignedTasksDue>>[number] & { onTime: boolean };

/** The tasks due in a period (with whether each was done on time) and the accounts with an open save plan. */
export async function taskFacts(
  ctx: Ctx,
  range: { from: string; to: string },
): Promise<{ due: DueTask[]; withPlan: Set<string> }> {
  const due = (await assignedTasksDue(ctx, range)).map((t) => ({
    ...t,
    onTime:
      t.status === 'done' &&
      t.completedAt !== null &&
      dayInZone(new Date(t.completedAt), ctx.workspace.timeZone) <= t.dueDate,
  }));
  return { due, withPlan: await accountsWithOpenTask(ctx, 'risk') };
}

/**
 * Task-based process metrics for a period. Tasks done on time: of the tasks assigned to the
 * people measured that were due in the period, the share completed on or before their due day
 * (cancelled ones left out; still open ones count as late). Danger accounts with an open plan:
 * the share of accounts in danger health with an open `risk` task (a save plan).
 */
export async function taskMetrics(ctx: Ctx, range: { from: string; to: string }): Promise<TaskMeasure> {
  return taskMeasure(await taskFacts(ctx, range));
}

export function taskMeasure({ due, withPlan }: { due: DueTask[]; withPlan: Set<string> }): TaskMeasure {
  const byAssignee = new Map<string, { due: number; onTime: number }>();
  for (const t of due) {
    const c = byAssignee.get(t.assigneeId) ?? { due: 0, onTime: 0 };
    c.due++;
    if (t.onTime) c.onTime++;
    byAssignee.set(t.assigneeId, c);
  }
  return (_accountIds, dangerIds, assigneeIds) => {
    let dueN = 0;
    let onTime = 0;
    for (const id of assigneeIds) {
      const c = byAssignee.get(id);
      if (c) {
        dueN += c.due;
        onTime += c.onTime;
      }
    }
    return {
      onTime: dueN ? Math.round((onTime / dueN) * 10_000) / 10_000 : null,
      dangerWithPlan: dangerIds.length
        ? Math.round((dangerIds.filter((id) => withPlan.has(id)).length / dangerIds.length) * 10_000) / 10_000
        : null,
    };
  };
}
