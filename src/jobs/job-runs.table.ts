export interface JobRunsTable {
  run_id: string;
  job: string;
  slot: string;
  node: string;
  status: string;
  result: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}
