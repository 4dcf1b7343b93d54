export interface HealthModelsTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  position: number;
  selector: string | null;
  dimensions: string;
  bands: string;
  sentiment: string | null;
  created_at: string;
  updated_at: string;
}

export interface HealthSentimentsTable {
  id: string;
  workspace_id: string;
  account_id: string;
  user_id: string | null;
  score: number;
  reason: string;
  created_at: string;
  expires_at: string;
}

export interface HealthScoresTable {
  workspace_id: string;
  account_id: string;
  day: string;
  model_id: string;
  score: number | null;
  status: string | null;
  components: string;
}
