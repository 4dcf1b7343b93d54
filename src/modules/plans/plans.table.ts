export interface PlanTemplatesTable {
  id: string;
  workspace_id: string;
  /** Unique per workspace: the starter templates' keys are onboarding, adoption, renewal. */
  key: string;
  name: string;
  /** The starter templates' name as a stored message (rendered in the reader's language). */
  name_message: string | null;
  /** onboarding | adoption | renewal | custom */
  kind: string;
  /** The tier this template suits (null: any). */
  tier: string | null;
  /** The lifecycle stage this template suits (null: any). */
  stage: string | null;
  /** JSON array of TemplateObjective. */
  objectives: string;
  created_at: string;
  updated_at: string;
}

export interface SuccessPlansTable {
  id: string;
  workspace_id: string;
  account_id: string;
  template_id: string | null;
  name: string;
  name_message: string | null;
  kind: string;
  /** active | completed | archived */
  status: string;
  /** The day the plan started: template due dates count from it. */
  start_date: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlanObjectivesTable {
  id: string;
  workspace_id: string;
  plan_id: string;
  account_id: string;
  position: number;
  title: string;
  title_message: string | null;
  owner_id: string | null;
  due_date: string | null;
  /** not_started | in_progress | at_risk | done | cancelled */
  status: string;
  created_at: string;
  updated_at: string;
}

export interface PlanKpisTable {
  id: string;
  workspace_id: string;
  plan_id: string;
  objective_id: string;
  account_id: string;
  position: number;
  name: string;
  name_message: string | null;
  /** Free text: %, hours, CNY, days... */
  unit: string;
  /** increase (higher is better) | decrease (lower is better) */
  direction: string;
  baseline: number | null;
  target: number;
  /** manual (values entered with a day) | metric (current read from a numeric fact) */
  source: string;
  /** For source metric: the fact key, e.g. metrics.reports_run.total_30d or active_users_30d. */
  metric_fact: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlanKpiValuesTable {
  id: string;
  workspace_id: string;
  kpi_id: string;
  account_id: string;
  /** The day the value was measured (workspace time zone). */
  day: string;
  value: number;
  note: string | null;
  recorded_by: string | null;
  created_at: string;
}

export interface PlanStepsTable {
  id: string;
  workspace_id: string;
  plan_id: string;
  objective_id: string;
  account_id: string;
  position: number;
  title: string;
  title_message: string | null;
  task_type: string;
  due_date: string | null;
  /** The task made from this step (tasks module), once made. */
  task_id: string | null;
  created_at: string;
}

export interface JourneyMilestonesTable {
  id: string;
  workspace_id: string;
  key: string;
  name: string;
  name_message: string | null;
  position: number;
  /** Due this many days after the account's go-live. */
  due_day: number;
  /** JSON condition over the facts. */
  condition: string;
  created_at: string;
  updated_at: string;
}

export interface AccountMilestonesTable {
  id: string;
  workspace_id: string;
  account_id: string;
  milestone_id: string;
  /** The first day the condition held (workspace zone), or null. */
  achieved_on: string | null;
  /** The day it became late (due day passed, not achieved), or null. */
  late_on: string | null;
  updated_at: string;
}
