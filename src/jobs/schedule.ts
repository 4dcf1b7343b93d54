// The one schedule table: every recurring job, its cron line (in the workspace time zone from
// STEWARD_TIMEZONE) and why it runs then. Handlers live with their module or below.
import { optimizeDatabase } from '../db/index.ts';
import { refreshAllAccountFigures } from '../modules/accounts/index.ts';
import { pruneAuth } from '../modules/auth/index.ts';
import { automationSchedulesJob, deliverWebhooksJob } from '../modules/automation/index.ts';
import { retrainChurnJob } from '../modules/churn/index.ts';
import { attachPendingJob, ensureEventPartitionsJob, pruneRawEventsJob } from '../modules/ingest/index.ts';
import { rebuildRollupsJob } from '../modules/metrics/index.ts';
import { dailyDigestJob, renewalNoticesJob } from '../modules/notifications/index.ts';
import { recomputeDirtyJob, recomputeJob } from '../modules/recompute/index.ts';
import { wakeSnoozedTasksJob } from '../modules/tasks/index.ts';
import { reassignInactiveOwnersJob } from '../modules/team/index.ts';
import type { JobDefinition } from './runner.ts';

export const SCHEDULE: readonly JobDefinition[] = [
  {
    name: 'refresh-contract-figures',
    // Just after midnight, when contracts start or end, so "current ARR" and renewal dates
    // follow the calendar; contract edits refresh their account at once anyway.
    cron: '5 0 * * *',
    description: "Recompute every account's current ARR, MRR and renewal date from its contracts",
    handler: (deps) => refreshAllAccountFigures(deps),
  },
  {
    name: 'prune-auth',
    // Hourly, off the hour to stay clear of other work.
    cron: '17 * * * *',
    description: 'Delete expired sessions and login attempts older than the limiter window',
    handler: (deps) => pruneAuth(deps),
  },
  {
    name: 'attach-pending-events',
    // Every minute: an account created by import or the API picks up its waiting events quickly.
    cron: '* * * * *',
    description: 'Attach pending events whose account now exists, and roll them up',
    handler: (deps) => attachPendingJob(deps),
  },
  {
    name: 'rebuild-rollups',
    // Every minute, watching the queue until the minute ends: a new or changed metric or feature
    // starts rebuilding its history within seconds; any node may take the next rebuild.
    cron: '* * * * *',
    description: 'Rebuild the rollups of new or changed metric and feature definitions, with progress',
    handler: (deps, slot) => rebuildRollupsJob(deps, slot),
  },
  {
    name: 'ensure-event-partitions',
    // Daily, well before a month starts; a no-op on SQLite.
    cron: '40 3 * * *',
    description: 'PostgreSQL: create monthly partitions of events for this month and the next two',
    handler: (deps, slot) => ensureEventPartitionsJob(deps, slot),
  },
  {
    name: 'prune-raw-events',
    // Nightly, after the day's rollups are complete.
    cron: '20 2 * * *',
    description: "Delete raw events older than each workspace's retention (rollups are kept)",
    handler: (deps, slot) => pruneRawEventsJob(deps, slot),
  },
  {
    name: 'optimize-database',
    // Hourly, after the recompute has written the hour's state: tables that grew since the
    // statistics were gathered get new ones (SQLite; a no-op on PostgreSQL).
    cron: '45 * * * *',
    description: "Refresh the query planner's statistics of tables that changed much (SQLite)",
    handler: async (deps) => {
      await optimizeDatabase(deps.db, deps.engine);
      return {};
    },
  },
  {
    name: 'recompute',
    // Hourly, so health, tiers, stages and segments follow the day's usage; each run rewrites today.
    cron: '10 * * * *',
    description: 'Facts -> health -> tier -> stage -> segments for every account, for today',
    handler: (deps) => recomputeJob(deps),
  },
  {
    name: 'recompute-dirty',
    // Every 15 s (seconds field): accounts changed by events, notes, sentiment or contracts get
    // fresh facts, health, tier, stage, segments and rules within a minute; each slot runs once.
    cron: '*/15 * * * * *',
    description: 'Recompute, for today, the accounts marked dirty since the last pass (incremental)',
    handler: (deps) => recomputeDirtyJob(deps),
  },
  {
    name: 'retrain-churn',
    // Weekly, Sunday 03:40: a week adds few outcomes; the next hourly recompute (at :10) then
    // refreshes churn_risk with the new version.
    cron: '40 3 * * 0',
    description: 'Retrain the churn model on the history known today (a new version per workspace)',
    handler: (deps) => retrainChurnJob(deps),
  },
  {
    name: 'automation-schedules',
    // Every minute: rules on their own cron run within a minute of their tick (each tick once);
    // a workspace without schedule rules costs one indexed query.
    cron: '* * * * *',
    description: 'Run automation rules whose cron tick is due (daily rules run after the recompute)',
    handler: (deps) => automationSchedulesJob(deps),
  },
  {
    name: 'deliver-webhooks',
    // Every minute: retries of failed webhook deliveries are due 30 s to 8 min after the last attempt.
    cron: '* * * * *',
    description: 'Retry pending outbound webhook deliveries whose backoff has passed',
    handler: (deps) => deliverWebhooksJob(deps),
  },
  {
    name: 'wake-snoozed-tasks',
    // Just after midnight, so a task snoozed until today is open when the day starts.
    cron: '2 0 * * *',
    description: 'Reopen snoozed tasks whose snooze day has come',
    handler: (deps) => wakeSnoozedTasksJob(deps),
  },
  {
    name: 'renewal-notices',
    // After refresh-contract-figures (00:05) has moved renewal dates with the calendar.
    cron: '30 0 * * *',
    description: 'Notify account owners of renewals now within 90 days (once per account and renewal date)',
    handler: (deps) => renewalNoticesJob(deps),
  },
  {
    name: 'daily-digest',
    // Start of the working day, after the night's jobs and the 07:10 recompute.
    cron: '30 7 * * *',
    description: 'Email each opted-in user their unread notifications and overdue / due-today tasks',
    handler: (deps) => dailyDigestJob(deps),
  },
  {
    name: 'reassign-inactive-owners',
    // Hourly, after recompute: accounts of a user deactivated without offboarding get a new CSM
    // (teammates with room, else the group lead), so none stays orphaned for long.
    cron: '25 * * * *',
    description: 'Hand the accounts of deactivated owners to their group, as offboarding does',
    handler: (deps) => reassignInactiveOwnersJob(deps),
  },
];
