import type { Kysely } from 'kysely';

// Automation: rules (trigger + condition + actions + limits), playbooks (tier x stage cadences),
// every run with what it did per account, and outbound webhook deliveries with their attempts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('automation_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('trigger', 'text', (c) => c.notNull())
    // Null: every account the trigger yields.
    .addColumn('condition', 'text')
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('cooldown_days', 'integer', (c) => c.notNull())
    .addColumn('max_actions_per_run', 'integer', (c) => c.notNull())
    .addColumn('dedupe', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // Signs outbound webhooks and authenticates the inbound webhook trigger; shown once.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('automation_rules_key', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('playbooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // Which accounts it covers: a tier (null = any) and stages (JSON list, empty = any).
    .addColumn('tier', 'text')
    .addColumn('stages', 'text', (c) => c.notNull())
    // Longest silence (days without a note, call, meeting or email) before a touch task; null = off.
    .addColumn('touch_every_days', 'integer')
    .addColumn('plays', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('playbooks_key', ['workspace_id', 'key'])
    .execute();

  // One row per rule (or playbook play) and slot: the primary key is the idempotency of a slot,
  // as job_runs is for jobs. `rule_id` is a rule id or `<playbook id>#<play key>`.
  await db.schema
    .createTable('automation_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('acted', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'text', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addUniqueConstraint('automation_runs_slot', ['workspace_id', 'rule_id', 'slot'])
    .execute();
  await db.schema
    .createIndex('automation_runs_rule')
    .on('automation_runs')
    .columns(['workspace_id', 'rule_id', 'started_at'])
    .execute();

  // What a run did to each account it acted on: the cooldown reads the last one per rule and
  // account, effectiveness reads them all.
  await db.schema
    .createTable('automation_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('automation_actions_rule_account')
    .on('automation_actions')
    .columns(['workspace_id', 'rule_id', 'account_id', 'day'])
    .execute();
  await db.schema
    .createIndex('automation_actions_run')
    .on('automation_actions')
    .columns(['workspace_id', 'run_id'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending (an attempt is due at next_attempt_at), delivered, failed (attempts exhausted).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // [{ at, statusCode, error, ms }]
    .addColumn('log', 'text', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('next_attempt_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_rule')
    .on('webhook_deliveries')
    .columns(['workspace_id', 'rule_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'webhook_deliveries',
    'automation_actions',
    'automation_runs',
    'playbooks',
    'automation_rules',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
