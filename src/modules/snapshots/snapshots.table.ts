/**
 * A report as computed for one reader scope, kept until what it reads changes (snapshots.ts): one
 * row per workspace, report, parameters and scope.
 */
export interface ReportSnapshotsTable {
  workspace_id: string;
  /** The report's name, e.g. `effectiveness`. */
  report: string;
  /** The report's query after defaults, as canonical JSON (with the day it was computed for). */
  params: string;
  /** `all` for a reader of every account, else `users:<ids>` of the books the reader sees. */
  scope: string;
  computed_at: string;
  /** The report's answer, JSON. */
  body: string;
}
