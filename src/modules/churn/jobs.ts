import { type Deps, systemCtx } from '../../context.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { retrainChurnModel } from './worker.ts';

/** The weekly retrain: a new model version per workspace from the history known today. */
export async function retrainChurnJob(deps: Deps) {
  const workspaces = await listWorkspaceRefs(deps);
  let published = 0;
  for (const w of workspaces) {
    const card = await retrainChurnModel({ ctx: systemCtx(deps, w, 'retrain-churn') });
    if (card.published) published++;
  }
  return { workspaces: workspaces.length, published };
}
