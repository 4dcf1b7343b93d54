export interface AutomationRulesTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  description: string | null;
  trigger: string;
  condition: string | null;
  actions: string;
  cooldown_days: number;
  max_actions_per_run: number;
  dedupe: number;
  enabled: number;
  secret: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlaybooksTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  description: string | null;
  tier: string | null;
  stages: string;
  touch_every_days: number | null;
  plays: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface AutomationRunsTable {
  id: string;
  workspace_id: string;
  rule_id: string;
  source: string;
  slot: string;
  day: string;
  cause: string;
  status: string;
  matched: number;
  acted: number;
  skipped: string;
  errors: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface AutomationActionsTable {
  id: string;
  workspace_id: string;
  run_id: string;
  rule_id: string;
  account_id: string;
  day: string;
  action: string;
  status: string;
  detail: string | null;
  created_at: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  workspace_id: string;
  rule_id: string;
  run_id: string;
  account_id: string;
  url: string;
  payload: string;
  status: string;
  attempts: number;
  log: string;
  last_status_code: number | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
}
