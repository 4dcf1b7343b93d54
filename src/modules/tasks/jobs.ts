import { type Deps, systemCtx } from '../../context.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { wakeSnoozedTasks } from './tasks.ts';

/** Daily, just after midnight: snoozed tasks whose day has come are open again, in every workspace. */
export async function wakeSnoozedTasksJob(deps: Deps) {
  const workspaces = await listWorkspaceRefs(deps);
  let woken = 0;
  for (const w of workspaces) woken += await wakeSnoozedTasks(systemCtx(deps, w, 'tasks'));
  return { workspaces: workspaces.length, woken };
}
