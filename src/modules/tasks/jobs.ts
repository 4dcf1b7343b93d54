import { type Deps, systemCtx } from '../../context.ts';
import { wakeSnoozedTasks } from './tasks.ts';

/** Daily, just after midnight: snoozed tasks whose day has come are open again, in every workspace. */
export async function wakeSnoozedTasksJob(deps: Deps) {
  const workspaces = await deps.db
    .selectFrom('workspaces')
    .select(['id', 'base_currency', 'time_zone'])
    .execute();
  let woken = 0;
  for (const w of workspaces) {
    const ctx = systemCtx(deps, { id: w.id, baseCurrency: w.base_currency, timeZone: w.time_zone }, 'tasks');
    woken += await wakeSnoozedTasks(ctx);
  }
  return { workspaces: workspaces.length, woken };
}
