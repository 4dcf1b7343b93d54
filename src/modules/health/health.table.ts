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
  /** Score points a status must be passed by before it moves (see statusWithHysteresis). */
  hysteresis: number;
  created_at: string;
  updated_at: string;
}

/** A workspace's edit of the built-in default model (no row: built from its metrics on each call). */
export interface HealthDefaultModelsTable {
  workspace_id: string;
  name: string;
  dimensions: string;
  bands: string;
  sentiment: string | null;
  hysteresis: number;
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
