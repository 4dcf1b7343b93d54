/** An account changed since its last recompute; one row per account (marking again moves marked_at). */
export interface DirtyAccountsTable {
  workspace_id: string;
  account_id: string;
  marked_at: string;
  reason: string;
}
