export interface TimelineEntriesTable {
  id: string;
  workspace_id: string;
  account_id: string;
  type: string;
  title: string;
  /** The title as a message (JSON key + params), rendered on read; null: `title` is a person's words. */
  title_message: string | null;
  body: string | null;
  body_message: string | null;
  actor_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  data: string | null;
  occurred_at: string;
  created_at: string;
}
