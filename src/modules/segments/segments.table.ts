export interface TieringSchemesTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  /** JSON {"en", "zh-CN"}; null: `name` in both languages. */
  label: string | null;
  rules: string;
  /** JSON tier key -> {"en", "zh-CN"}: the tiers' names (built-in tier keys have theirs). */
  tier_labels: string | null;
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
  /** JSON {"en", "zh-CN"}; null: `name` in both languages. */
  label: string | null;
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
