import type { JobRunsTable } from '../jobs/job-runs.table.ts';
import type {
  AccountMembersTable,
  AccountsTable,
  ContactsTable,
  ContractsTable,
  CurrencyRatesTable,
  CustomFieldDefinitionsTable,
} from '../modules/accounts/accounts.table.ts';
import type {
  ImportMappingsTable,
  ImportRunsTable,
  OwnerAliasesTable,
} from '../modules/accounts/import.table.ts';
import type {
  ApiTokensTable,
  AuditLogTable,
  LoginAttemptsTable,
  LoginThrottleTable,
  SessionsTable,
  UsersTable,
  WriteKeysTable,
} from '../modules/auth/auth.table.ts';
import type {
  AutomationActionsTable,
  AutomationEligibleTable,
  AutomationRulesTable,
  AutomationRunsTable,
  EventSubscriptionsTable,
  PlaybooksTable,
  WebhookDeliveriesTable,
} from '../modules/automation/automation.table.ts';
import type { ChurnModelsTable } from '../modules/churn/churn.table.ts';
import type { OpportunitiesTable } from '../modules/expansion/expansion.table.ts';
import type { FactPopulationsTable } from '../modules/facts/facts.table.ts';
import type {
  HealthDefaultModelsTable,
  HealthModelsTable,
  HealthScoresTable,
  HealthSentimentsTable,
} from '../modules/health/health.table.ts';
import type {
  EventIdsTable,
  EventsTable,
  IdentitiesTable,
  IngestCountersTable,
  IngestSettingsTable,
  RejectedEventsTable,
} from '../modules/ingest/ingest.table.ts';
import type { LifecycleStagesTable } from '../modules/lifecycle/lifecycle.table.ts';
import type {
  AccountFeatureDailyTable,
  AccountUserDailyTable,
  FeaturesTable,
  MetricDailyTable,
  MetricDefinitionsTable,
  MetricUserDaysTable,
  RollupRebuildsTable,
} from '../modules/metrics/metrics.table.ts';
import type {
  ChannelDigestsTable,
  NotificationDigestsTable,
  NotificationSettingsTable,
  NotificationsTable,
} from '../modules/notifications/notifications.table.ts';
import type {
  AccountMilestonesTable,
  JourneyMilestonesTable,
  PlanKpisTable,
  PlanKpiValuesTable,
  PlanObjectivesTable,
  PlanStepsTable,
  PlanTemplatesTable,
  SuccessPlansTable,
} from '../modules/plans/plans.table.ts';
import type { QbrSettingsTable } from '../modules/qbr/qbr.table.ts';
import type { DirtyAccountsTable } from '../modules/recompute/dirty.table.ts';
import type { RenewalsTable } from '../modules/renewals/renewals.table.ts';
import type {
  CustomerRequestsTable,
  RequestGramsTable,
  RequestGroupsTable,
  RequestSettingsTable,
} from '../modules/requests/requests.table.ts';
import type {
  SegmentMembersTable,
  SegmentsTable,
  TieringSchemesTable,
} from '../modules/segments/segments.table.ts';
import type { ReportSnapshotsTable } from '../modules/snapshots/snapshots.table.ts';
import type {
  AccountStateDaysTable,
  AccountStatesTable,
  StateChangesTable,
  StateOverridesTable,
} from '../modules/state/state.table.ts';
import type { SupportTicketsTable } from '../modules/support/support.table.ts';
import type {
  SurveyResponsesTable,
  SurveySendsTable,
  SurveySettingsTable,
} from '../modules/surveys/surveys.table.ts';
import type { TaskFollowUpsTable, TasksTable } from '../modules/tasks/tasks.table.ts';
import type { CsmGroupMembersTable, CsmGroupsTable, TeamSettingsTable } from '../modules/team/team.table.ts';
import type { TimelineEntriesTable } from '../modules/timeline/timeline.table.ts';
import type { SavedViewsTable } from '../modules/views/views.table.ts';
import type { WorkspacesTable } from '../modules/workspaces/workspaces.table.ts';

/** Every table, as Kysely sees it. Each module owns the types of its own tables. */
export interface Database {
  workspaces: WorkspacesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  write_keys: WriteKeysTable;
  login_attempts: LoginAttemptsTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  accounts: AccountsTable;
  account_members: AccountMembersTable;
  custom_field_definitions: CustomFieldDefinitionsTable;
  contacts: ContactsTable;
  currency_rates: CurrencyRatesTable;
  contracts: ContractsTable;
  timeline_entries: TimelineEntriesTable;
  job_runs: JobRunsTable;
  event_ids: EventIdsTable;
  events: EventsTable;
  identities: IdentitiesTable;
  rejected_events: RejectedEventsTable;
  ingest_counters: IngestCountersTable;
  ingest_settings: IngestSettingsTable;
  metric_definitions: MetricDefinitionsTable;
  features: FeaturesTable;
  metric_daily: MetricDailyTable;
  rollup_rebuilds: RollupRebuildsTable;
  metric_user_days: MetricUserDaysTable;
  account_user_daily: AccountUserDailyTable;
  account_feature_daily: AccountFeatureDailyTable;
  health_models: HealthModelsTable;
  health_default_models: HealthDefaultModelsTable;
  health_sentiments: HealthSentimentsTable;
  health_scores: HealthScoresTable;
  tiering_schemes: TieringSchemesTable;
  segments: SegmentsTable;
  segment_members: SegmentMembersTable;
  lifecycle_stages: LifecycleStagesTable;
  state_overrides: StateOverridesTable;
  account_states: AccountStatesTable;
  state_changes: StateChangesTable;
  account_state_days: AccountStateDaysTable;
  automation_rules: AutomationRulesTable;
  playbooks: PlaybooksTable;
  automation_runs: AutomationRunsTable;
  automation_actions: AutomationActionsTable;
  automation_eligible: AutomationEligibleTable;
  webhook_deliveries: WebhookDeliveriesTable;
  event_subscriptions: EventSubscriptionsTable;
  support_tickets: SupportTicketsTable;
  tasks: TasksTable;
  task_follow_ups: TaskFollowUpsTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  notification_digests: NotificationDigestsTable;
  channel_digests: ChannelDigestsTable;
  customer_requests: CustomerRequestsTable;
  request_groups: RequestGroupsTable;
  request_grams: RequestGramsTable;
  request_settings: RequestSettingsTable;
  csm_groups: CsmGroupsTable;
  csm_group_members: CsmGroupMembersTable;
  team_settings: TeamSettingsTable;
  renewals: RenewalsTable;
  saved_views: SavedViewsTable;
  churn_models: ChurnModelsTable;
  import_mappings: ImportMappingsTable;
  import_runs: ImportRunsTable;
  owner_aliases: OwnerAliasesTable;
  plan_templates: PlanTemplatesTable;
  success_plans: SuccessPlansTable;
  plan_objectives: PlanObjectivesTable;
  plan_kpis: PlanKpisTable;
  plan_kpi_values: PlanKpiValuesTable;
  plan_steps: PlanStepsTable;
  journey_milestones: JourneyMilestonesTable;
  account_milestones: AccountMilestonesTable;
  opportunities: OpportunitiesTable;
  survey_responses: SurveyResponsesTable;
  survey_sends: SurveySendsTable;
  survey_settings: SurveySettingsTable;
  dirty_accounts: DirtyAccountsTable;
  qbr_settings: QbrSettingsTable;
  report_snapshots: ReportSnapshotsTable;
  fact_populations: FactPopulationsTable;
}
