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
  /** Percent (0-50) of accounts held out of the rule at random, a fixed set per rule. */
  holdout_pct: number;
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
  /** Percent (0-50) of accounts held out of every play, a fixed set per playbook. */
  holdout_pct: number;
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

/**
 * One row per account a run acted on (`act`) or found eligible but did not act on: `holdout` (the
 * random hold-out), `cooldown`, `limit` (the run's maximum). Tier, stage and health score as the
 * run saw them: the effectiveness report compares like with like.
 */
export interface AutomationEligibleTable {
  id: string;
  workspace_id: string;
  run_id: string;
  rule_id: string;
  account_id: string;
  day: string;
  outcome: string;
  tier: string | null;
  stage: string | null;
  score: number | null;
}

/** A rule's webhook (rule_id, run_id, account_id) or a subscription's event (subscription_id, event_type). */
export interface WebhookDeliveriesTable {
  id: string;
  workspace_id: string;
  rule_id: string | null;
  run_id: string | null;
  account_id: string | null;
  subscription_id: string | null;
  event_type: string | null;
  url: string;
  payload: string;
  status: string;
  attempts: number;
  log: string;
  last_status_code: number | null;
  last_response: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
  /** A rule alert gathering its run's accounts: JSON AlertDraft (bot-formats.ts); null otherwise. */
  draft?: string | null;
}

/** Where Steward's own events go: a signed webhook or a WeCom / Feishu / DingTalk group bot. */
export interface EventSubscriptionsTable {
  id: string;
  workspace_id: string;
  name: string;
  kind: string;
  url: string;
  secret: string | null;
  /** JSON array of event types. */
  events: string;
  locale: string;
  enabled: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
