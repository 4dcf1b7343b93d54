import type { Ctx } from '../../context.ts';

/**
 * Open tasks of a leaving CSM. The tasks module is not on this branch yet: counts are null
 * (unknown), and nothing is reassigned.
 */
export async function reassignOpenTasks(
  _ctx: Ctx,
  _userId: string,
  _newOwners: ReadonlyMap<string, string>,
  _apply: boolean,
): Promise<{ open: number | null; reassigned: number | null }> {
  return { open: null, reassigned: null };
}

/** Open and overdue tasks per assignee; empty until the tasks module exists. */
export async function taskCounts(_ctx: Ctx): Promise<Map<string, { open: number; overdue: number }> | null> {
  return null;
}
