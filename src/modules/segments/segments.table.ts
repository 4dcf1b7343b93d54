export interface TieringSchemesTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  rules: string;
  default_tier: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface SegmentsTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  description: string | null;
  condition: string;
  created_at: string;
  updated_at: string;
}

export interface SegmentMembersTable {
  workspace_id: string;
  segment_id: string;
  account_id: string;
  since: string;
}

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
  updated_at: string;
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
