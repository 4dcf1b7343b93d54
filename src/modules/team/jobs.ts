import { type Deps, systemCtx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { offboardCsm } from './assignment.ts';

/**
 * Safety net for "never orphaned": a user deactivated without offboarding (PATCH /users) still
 * owns accounts. Each hour their accounts are handed over as offboarding would (teammates with
 * room, else the group lead). A workspace with no groups or no lead to take them is logged.
 */
export async function reassignInactiveOwnersJob(deps: Deps) {
  const rows = await deps.db
    .selectFrom('accounts as a')
    .innerJoin('users as u', (j) =>
      j.onRef('u.id', '=', 'a.owner_id').onRef('u.workspace_id', '=', 'a.workspace_id'),
    )
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .select(['a.workspace_id', 'a.owner_id', 'w.base_currency', 'w.time_zone'])
    .where('u.active', '=', 0)
    .distinct()
    .execute();
  let moved = 0;
  for (const r of rows) {
    const ctx = systemCtx(
      deps,
      { id: r.workspace_id, baseCurrency: r.base_currency, timeZone: r.time_zone },
      'reassign-inactive-owners',
    );
    const hasGroups = await deps.db
      .selectFrom('csm_groups')
      .select('id')
      .where('workspace_id', '=', r.workspace_id)
      .executeTakeFirst();
    if (!hasGroups) continue;
    try {
      const done = await offboardCsm({ ctx, userId: r.owner_id!, input: { limit: 0 }, apply: true });
      moved += done.accounts;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      deps.logger.warn(
        { workspaceId: r.workspace_id, userId: r.owner_id, error: error.message },
        'accounts of an inactive owner could not be reassigned',
      );
    }
  }
  return { owners: rows.length, accounts: moved };
}
