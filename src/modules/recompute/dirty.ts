// Fresh within a minute (issue 18): writes that may move an account mark it dirty
// (accountsChanged -> markAccountsDirty); every 15 s the incremental job recomputes the accounts
// marked before it started, for today, and deletes exactly the marks it took. The hourly full pass
// stays the safety net; every full pass of today clears the marks made before it started.
import { accountsChanged, onAccountsChanged } from '../../account-changes.ts';
import { type Ctx, type Deps, systemCtx } from '../../context.ts';
import { nowIso, today } from '../../time.ts';
import { listWorkspaceRefs } from '../workspaces/index.ts';
import { clearDirtyMarks } from './dirty-marks.ts';
import { recomputeDays } from './recompute.ts';

/** Rows of the idempotent upsert a statement (4 columns each). */
const MARK_SLICE = 200;
/** At most this many accounts of one workspace per incremental run; the rest wait for the next. */
export const INCREMENTAL_BATCH = 2000;

/**
 * Marks accounts for the incremental recompute: one row per account, marking again moves its
 * marked_at (so a mark made while a run works on the account survives that run). Modules left of
 * the recompute call accountsChanged (src/account-changes.ts), which lands here.
 */
export async function markAccountsDirty(
  ctx: Ctx,
  accountIds: readonly string[],
  reason: string,
): Promise<void> {
  const ids = [...new Set(accountIds)];
  const now = nowIso(ctx);
  for (let i = 0; i < ids.length; i += MARK_SLICE) {
    await ctx.db
      .insertInto('dirty_accounts')
      .values(
        ids.slice(i, i + MARK_SLICE).map((id) => ({
          workspace_id: ctx.workspace.id,
          account_id: id,
          marked_at: now,
          reason,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'account_id']).doUpdateSet((eb) => ({
          marked_at: eb.ref('excluded.marked_at'),
          reason: eb.ref('excluded.reason'),
        })),
      )
      .execute();
  }
}

onAccountsChanged(markAccountsDirty);

export { accountsChanged };

/**
 * One incremental pass over one workspace: the accounts marked before `started` (at most
 * INCREMENTAL_BATCH, oldest first), recomputed for today in one transaction, the rules after the
 * commit as the full pass runs them, then those marks deleted unless marked again meanwhile.
 */
export async function recomputeDirty(ctx: Ctx, started: string): Promise<{ accounts: number }> {
  const rows = await ctx.db
    .selectFrom('dirty_accounts')
    .select('account_id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('marked_at', '<', started)
    .orderBy('marked_at')
    .limit(INCREMENTAL_BATCH)
    .execute();
  if (rows.length === 0) return { accounts: 0 };
  const ids = rows.map((r) => r.account_id);
  // The full pass's pipeline (in its worker thread), writing these accounts only; the rules run
  // after the commit, as after the full pass.
  await recomputeDays(ctx, [today(ctx)], undefined, new Set(ids));
  await clearDirtyMarks(ctx, started, ids);
  return { accounts: ids.length };
}

/** Whether the incremental job runs (STEWARD_INCREMENTAL_RECOMPUTE=off turns it off; the marks then wait for the hourly pass). */
export const incrementalRecomputeEnabled = () => process.env.STEWARD_INCREMENTAL_RECOMPUTE !== 'off';

/** Every 15 s: the incremental pass for each workspace with marks made before the run started. */
export async function recomputeDirtyJob(deps: Deps) {
  if (!incrementalRecomputeEnabled()) return { disabled: true };
  const started = deps.now().toISOString();
  const dirty = new Set(
    (await deps.db.selectFrom('dirty_accounts').select('workspace_id').distinct().execute()).map(
      (r) => r.workspace_id,
    ),
  );
  if (dirty.size === 0) return { workspaces: 0, accounts: 0 };
  let accounts = 0;
  let workspaces = 0;
  for (const w of await listWorkspaceRefs(deps)) {
    if (!dirty.has(w.id)) continue;
    const r = await recomputeDirty(systemCtx(deps, w, 'recompute'), started);
    accounts += r.accounts;
    if (r.accounts) workspaces++;
  }
  return { workspaces, accounts };
}
