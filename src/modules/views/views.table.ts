export interface SavedViewsTable {
  id: string;
  workspace_id: string;
  owner_id: string;
  /** Which list the view is of ('accounts' today). */
  list: string;
  name: string;
  /** 'private' (the owner's) or 'shared' (everyone in the workspace sees it; managers and admins share). */
  visibility: string;
  /** JSON object of the list's filters (URL parameters), without the condition and sort. */
  filters: string;
  /** The free condition's text, or null. */
  condition: string | null;
  /** JSON array of column keys. */
  columns: string;
  sort: string | null;
  created_at: string;
  updated_at: string;
}
