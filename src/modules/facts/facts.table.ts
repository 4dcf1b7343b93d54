/**
 * The values a workspace-wide rank is taken among (populations.ts): one row per workspace and
 * ranked fact, the latest full recompute's.
 */
export interface FactPopulationsTable {
  workspace_id: string;
  /** What the values are, e.g. `metrics.logins.last30`, `rfm.recency`. */
  key: string;
  /** The day the values are as of. */
  day: string;
  computed_at: string;
  /** Every account's value, sorted ascending, JSON. */
  values: string;
}
