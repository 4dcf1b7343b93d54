import { type Deps, systemCtx } from '../../context.ts';
import { today } from '../../time.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { clearDirtyMarks } from './dirty.ts';
import { recomputeDays } from './recompute.ts';

/** Hourly (the safety net of the incremental pass, dirty.ts): today's health, tiers, stages and segments for every workspace (idempotent per day). */
export async function recomputeJob(deps: Deps) {
  const workspaces = await listWorkspaceRefs(deps);
  let accounts = 0;
  for (const w of workspaces) {
    const ctx = systemCtx(deps, w, 'recompute');
    const started = deps.now().toISOString();
    const [result] = await recomputeDays(ctx, [today(ctx)]);
    // Every account is fresh: the marks made before this pass started are done.
    await clearDirtyMarks(ctx, started);
    accounts += result!.accounts;
  }
  return { workspaces: workspaces.length, accounts };
}
