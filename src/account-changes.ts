// "These accounts changed": the one call modules make after a write that may move an account's
// facts, health, tier, stage, segments or rules (events ingested, a note, sentiment, a contract).
// The recompute registers what marking means (its dirty_accounts table) when it loads; modules left
// of it in the import order call accountsChanged without importing it. Without a listener (a
// script that never loads the recompute) the call does nothing and the hourly pass catches up.
import type { Ctx } from './context.ts';

export type AccountsChangedListener = (
  ctx: Ctx,
  accountIds: readonly string[],
  reason: string,
) => Promise<void>;

let listener: AccountsChangedListener | undefined;

/** Called once by the recompute module; a second registration replaces the first. */
export function onAccountsChanged(fn: AccountsChangedListener): void {
  listener = fn;
}

/**
 * Marks accounts for the incremental recompute. Call it with the ctx of the write (inside its
 * transaction, the mark commits with it) or after the commit; a failure to mark is logged, never
 * thrown: the hourly full pass recomputes every account anyway.
 */
export async function accountsChanged(ctx: Ctx, accountIds: Iterable<string>, reason: string): Promise<void> {
  if (!listener) return;
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return;
  try {
    await listener(ctx, ids, reason);
  } catch (error) {
    ctx.logger.warn({ err: error, reason, accounts: ids.length }, 'could not mark accounts for recompute');
  }
}
