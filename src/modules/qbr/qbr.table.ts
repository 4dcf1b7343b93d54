export interface QbrSettingsTable {
  workspace_id: string;
  /** QbrSettings as JSON: the whole document the admin saved (PUT replaces it). */
  settings: string;
  updated_at: string;
}
