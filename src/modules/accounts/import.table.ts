/** A saved column mapping of an import, reusable by anyone in the workspace. */
export interface ImportMappingsTable {
  id: string;
  workspace_id: string;
  entity: string;
  name: string;
  /** JSON: { map: {column: field}, defaults: {field: value}, dateFormat?: 'DMY' | 'MDY' } */
  mapping: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** One import (or dry run) and its report: the import history. */
export interface ImportRunsTable {
  id: string;
  workspace_id: string;
  entity: string;
  file_name: string | null;
  format: string | null;
  encoding: string | null;
  dry_run: number;
  /** running, done (committed or a dry run), rejected (invalid rows, nothing written), failed */
  status: string;
  /** JSON: the ImportReport once finished */
  report: string | null;
  /** JSON: the error ({code, message}) of a failed run */
  error: string | null;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
  /** JSON: {phase, done, total?} while running, stored by the importer (a worker thread) after each batch */
  progress: string | null;
}

/** What an import's owner column may say for a user besides their email or name (张总 -> a user). */
export interface OwnerAliasesTable {
  workspace_id: string;
  /** lower case, trimmed */
  alias: string;
  user_id: string;
  created_at: string;
}
