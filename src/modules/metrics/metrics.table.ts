export interface MetricDefinitionsTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  description: string | null;
  aggregation: string;
  event_names: string;
  property_filters: string;
  value_property: string | null;
  behaviour: string;
  created_at: string;
  updated_at: string;
}

export interface FeaturesTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  event_names: string;
  created_at: string;
  updated_at: string;
}

export interface MetricDailyTable {
  workspace_id: string;
  metric_id: string;
  account_id: string;
  day: string;
  value: number;
}

export interface MetricUserDaysTable {
  workspace_id: string;
  metric_id: string;
  account_id: string;
  day: string;
  user_key: string;
}

export interface AccountUserDailyTable {
  workspace_id: string;
  account_id: string;
  day: string;
  user_key: string;
  events: number;
}

export interface AccountFeatureDailyTable {
  workspace_id: string;
  account_id: string;
  day: string;
  feature_id: string;
  events: number;
}

export interface RollupRebuildsTable {
  id: string;
  workspace_id: string;
  target_kind: string;
  target_id: string;
  status: string;
  days_total: number;
  days_done: number;
  error: string | null;
  node: string | null;
  requested_at: string;
  started_at: string | null;
  heartbeat_at: string | null;
  finished_at: string | null;
}
