export interface TasksTable {
  id: string;
  workspace_id: string;
  account_id: string;
  title: string;
  /** The title as a message (JSON key + params), rendered on read; null: `title` is a person's words. */
  title_message: string | null;
  description: string | null;
  description_message: string | null;
  type: string;
  assignee_id: string | null;
  priority: string;
  due_date: string | null;
  status: string;
  snoozed_until: string | null;
  source: string;
  rule_id: string | null;
  rule_run_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface TaskFollowUpsTable {
  id: string;
  workspace_id: string;
  task_id: string;
  account_id: string;
  user_id: string;
  summary: string;
  outcome: string | null;
  next_step: string | null;
  created_at: string;
}
