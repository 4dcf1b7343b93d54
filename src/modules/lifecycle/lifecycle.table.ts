export interface LifecycleStagesTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  position: number;
  condition: string;
  created_at: string;
  updated_at: string;
}
