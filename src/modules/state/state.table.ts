/** A manual tier or stage: `kind` is 'tier' or 'stage'. */
export interface StateOverridesTable {
  workspace_id: string;
  account_id: string;
  kind: string;
  value: string;
  reason: string;
  user_id: string | null;
  expires_on: string | null;
  created_at: string;
}

/** Each account's current derived state: the latest computed day's, what lists filter on. */
export interface AccountStatesTable {
  workspace_id: string;
  account_id: string;
  day: string;
  health_score: number | null;
  health_status: string | null;
  health_model_id: string | null;
  health_trend_7d: number | null;
  health_trend_30d: number | null;
  tier: string | null;
  tier_since: string | null;
  stage: string | null;
  stage_since: string | null;
  segments: string;
  /** The `churn_risk` fact as the recompute computed it (null without a published model). */
  churn_risk: number | null;
  updated_at: string;
}

/** Each account's derived state at the end of every computed day: what "as of a day" reads. */
export interface AccountStateDaysTable {
  workspace_id: string;
  account_id: string;
  day: string;
  health_score: number | null;
  health_status: string | null;
  health_model_id: string | null;
  tier: string | null;
  tier_since: string | null;
  stage: string | null;
  stage_since: string | null;
  segments: string;
}

export interface StateChangesTable {
  id: string;
  workspace_id: string;
  account_id: string;
  day: string;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  reason: string | null;
  created_at: string;
}
