export interface TimelineEntriesTable {
  id: string;
  workspace_id: string;
  account_id: string;
  type: string;
  title: string;
  body: string | null;
  actor_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  data: string | null;
  occurred_at: string;
  created_at: string;
}
