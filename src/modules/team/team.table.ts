export interface CsmGroupsTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  lead_id: string | null;
  scope: string | null;
  /** Work-content group: JSON array of task types it owns across accounts (null: none). */
  task_types: string | null;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface CsmGroupMembersTable {
  workspace_id: string;
  user_id: string;
  group_id: string;
  capacity_factor: number;
  created_at: string;
}

export interface TeamSettingsTable {
  workspace_id: string;
  settings: string;
  updated_at: string;
}
