export interface LifecycleStagesTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  position: number;
  /** JSON {"en", "zh-CN"}; null: `name` in both languages. */
  label: string | null;
  /** Where the stage comes in an account's life (onboarding first); null: after the others. */
  journey_position: number | null;
  condition: string;
  created_at: string;
  updated_at: string;
}
