import { type Deps, systemCtx } from '../../context.ts';
import { today } from '../../time.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { recomputeDays } from './recompute.ts';

/** Hourly (the safety net of the incremental pass, dirty.ts): today's health, tiers, stages and segments for every workspace (idempotent per day). */
export async function recomputeJob(deps: Deps) {
  const workspaces = await listWorkspaceRefs(deps);
  let accounts = 0;
  for (const w of workspaces) {
    const ctx = systemCtx(deps, w, 'recompute');
    // It clears the incremental pass's marks made before it started (recomputeDays).
    const [result] = await recomputeDays(ctx, [today(ctx)]);
    accounts += result!.accounts;
  }
  return { workspaces: workspaces.length, accounts };
}
