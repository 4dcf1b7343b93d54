import { type Deps, systemCtx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { accountOwnersAmong } from '../accounts/index.ts';
import { listUserRefs } from '../auth/index.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { offboardCsm } from './assignment.ts';

/**
 * Safety net for "never orphaned": a user deactivated without offboarding (PATCH /users) still
 * owns accounts. Each hour their accounts are handed over as offboarding would (teammates with
 * room, else the group lead). A workspace with no groups or no lead to take them is logged.
 */
export async function reassignInactiveOwnersJob(deps: Deps) {
  let owners = 0;
  let moved = 0;
  for (const w of await listWorkspaceRefs(deps)) {
    const ctx = systemCtx(deps, w, 'reassign-inactive-owners');
    const inactive = await listUserRefs(ctx, { active: false });
    if (inactive.length === 0) continue;
    const orphaning = await accountOwnersAmong(
      ctx,
      inactive.map((u) => u.id),
    );
    owners += orphaning.length;
    if (orphaning.length === 0) continue;
    const hasGroups = await deps.db
      .selectFrom('csm_groups')
      .select('id')
      .where('workspace_id', '=', w.id)
      .executeTakeFirst();
    if (!hasGroups) continue;
    for (const userId of orphaning) {
      try {
        const done = await offboardCsm({ ctx, userId, input: { limit: 0 }, apply: true });
        moved += done.accounts;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        deps.logger.warn(
          { workspaceId: w.id, userId, error: error.message },
          'accounts of an inactive owner could not be reassigned',
        );
      }
    }
  }
  return { owners, accounts: moved };
}
