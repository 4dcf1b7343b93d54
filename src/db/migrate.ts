import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './index.ts';
import * as foundation from './migrations/2026_11_22_0900_foundation.ts';
import * as accountMembersByAccount from './migrations/2026_11_22_1000_account_members_by_account.ts';
import * as ingestAndMetrics from './migrations/2026_11_22_1100_ingest_and_metrics.ts';
import * as healthSegmentsLifecycle from './migrations/2026_11_22_1200_health_segments_lifecycle.ts';
import * as tasksNotifications from './migrations/2026_11_29_0900_tasks_notifications.ts';
import * as automation from './migrations/2026_11_29_1000_automation.ts';
import * as requests from './migrations/2026_11_29_1100_requests.ts';
import * as teamRenewals from './migrations/2026_11_29_1200_team_renewals.ts';
import * as accountStateDays from './migrations/2026_12_05_0100_account_state_days.ts';
import * as rollupRebuilds from './migrations/2026_12_05_0400_rollup_rebuilds.ts';
import * as loginThrottle from './migrations/2026_12_05_0900_login_throttle.ts';
import * as auditClientRequestId from './migrations/2026_12_05_0901_audit_client_request_id.ts';
import * as eventMessages from './migrations/2026_12_06_0100_event_messages.ts';
import * as bilingualNames from './migrations/2026_12_06_0200_bilingual_names.ts';
import * as savedViews from './migrations/2026_12_06_0400_saved_views.ts';
import * as contactSearchText from './migrations/2026_12_06_0401_contact_search_text.ts';
import * as searchTextBackfill from './migrations/2026_12_06_0402_search_text_backfill.ts';
import * as notificationPreferences from './migrations/2026_12_06_0500_notification_preferences.ts';
import * as writeKeyRenames from './migrations/2026_12_06_0700_write_key_renames.ts';
import * as auditTokenId from './migrations/2026_12_06_0701_audit_token_id.ts';
import * as churnModels from './migrations/2026_12_06_0800_churn_models.ts';
import * as imports from './migrations/2026_12_07_0100_imports.ts';
import * as eventCounts from './migrations/2026_12_07_0200_event_counts.ts';
import * as eventsOut from './migrations/2026_12_07_0300_events_out.ts';
import * as supportTickets from './migrations/2026_12_07_0301_support_tickets.ts';
import * as successPlans from './migrations/2026_12_07_0600_success_plans.ts';
import * as starterPlans from './migrations/2026_12_07_0601_starter_plans.ts';
import * as surveys from './migrations/2026_12_07_0700_surveys.ts';
import * as dirtyAccounts from './migrations/2026_12_07_0900_dirty_accounts.ts';
import * as automationEligibleControl from './migrations/2026_12_07_1300_automation_eligible_control.ts';
import * as importProgress from './migrations/2026_12_08_0500_import_progress_imports.ts';
import * as botAlertsDigest from './migrations/2026_12_08_1100_bot_alerts_digest_bots.ts';
import * as healthDefaultModel from './migrations/2026_12_08_1300_health_default_model_health.ts';
import * as qbrSettings from './migrations/2026_12_09_0100_qbr_settings.ts';
import * as reportSnapshots from './migrations/2026_12_10_0100_report_snapshots.ts';
import * as accountStateChurnRisk from './migrations/2026_12_10_0200_account_state_churn_risk.ts';
import * as timelineTouches from './migrations/2026_12_10_0300_timeline_touches.ts';
import * as contractsRenews from './migrations/2026_12_11_0100_contracts_renews.ts';
import * as factPopulations from './migrations/2026_12_11_0200_fact_populations.ts';
import * as healthScoresDayValues from './migrations/2026_12_11_0300_health_scores_day_values.ts';

// Listed explicitly (not read from disk) so the order is reviewed in code and works under any loader.
const MIGRATIONS: Record<string, Migration> = {
  '2026_11_22_0900_foundation': foundation,
  '2026_11_22_1000_account_members_by_account': accountMembersByAccount,
  '2026_11_22_1100_ingest_and_metrics': ingestAndMetrics,
  '2026_11_22_1200_health_segments_lifecycle': healthSegmentsLifecycle,
  '2026_11_29_0900_tasks_notifications': tasksNotifications,
  '2026_11_29_1000_automation': automation,
  '2026_11_29_1100_requests': requests,
  '2026_11_29_1200_team_renewals': teamRenewals,
  '2026_12_05_0100_account_state_days': accountStateDays,
  '2026_12_05_0400_rollup_rebuilds': rollupRebuilds,
  '2026_12_05_0900_login_throttle': loginThrottle,
  '2026_12_05_0901_audit_client_request_id': auditClientRequestId,
  '2026_12_06_0400_saved_views': savedViews,
  '2026_12_06_0401_contact_search_text': contactSearchText,
  '2026_12_06_0402_search_text_backfill': searchTextBackfill,
  '2026_12_06_0500_notification_preferences': notificationPreferences,
  '2026_12_06_0700_write_key_renames': writeKeyRenames,
  '2026_12_06_0701_audit_token_id': auditTokenId,
  '2026_12_06_0100_event_messages': eventMessages,
  '2026_12_06_0800_churn_models': churnModels,
  '2026_12_06_0200_bilingual_names': bilingualNames,
  '2026_12_07_0100_imports': imports,
  '2026_12_07_0200_event_counts': eventCounts,
  '2026_12_07_0600_success_plans': successPlans,
  '2026_12_07_0601_starter_plans': starterPlans,
  '2026_12_07_0300_events_out': eventsOut,
  '2026_12_07_0301_support_tickets': supportTickets,
  '2026_12_07_0700_surveys': surveys,
  '2026_12_07_0900_dirty_accounts': dirtyAccounts,
  '2026_12_08_1100_bot_alerts_digest_bots': botAlertsDigest,
  '2026_12_08_0500_import_progress_imports': importProgress,
  '2026_12_07_1300_automation_eligible_control': automationEligibleControl,
  '2026_12_08_1300_health_default_model_health': healthDefaultModel,
  '2026_12_09_0100_qbr_settings': qbrSettings,
  '2026_12_10_0100_report_snapshots': reportSnapshots,
  '2026_12_10_0200_account_state_churn_risk': accountStateChurnRisk,
  '2026_12_10_0300_timeline_touches': timelineTouches,
  '2026_12_11_0100_contracts_renews': contractsRenews,
  '2026_12_11_0200_fact_populations': factPopulations,
  '2026_12_11_0300_health_scores_day_values': healthScoresDayValues,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
