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
