import type { Kysely } from 'kysely';

// Tasks and their follow-up records (seed 004, 4.1-4.2), in-app notifications, each user's
// notification settings, and the log of daily digests sent (one row per user and day).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    // null = unassigned; a role such as "the account's CSM" is resolved to a user at creation.
    .addColumn('assignee_id', 'text')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('snoozed_until', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('rule_run_id', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  // "My tasks": overdue / due today / upcoming for one assignee.
  await db.schema
    .createIndex('tasks_assignee')
    .on('tasks')
    .columns(['workspace_id', 'assignee_id', 'status', 'due_date'])
    .execute();
  // An account's tasks, and the pre-create check for open work by others.
  await db.schema
    .createIndex('tasks_account')
    .on('tasks')
    .columns(['workspace_id', 'account_id', 'status'])
    .execute();
  // Automation's dedupe: is there already an open task from this rule for this account?
  await db.schema
    .createIndex('tasks_rule')
    .on('tasks')
    .columns(['workspace_id', 'rule_id', 'account_id', 'status'])
    .execute();

  await db.schema
    .createTable('task_follow_ups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('task_id', 'text', (c) => c.notNull())
    // Denormalised from the task so "recent follow-ups on this account" needs no join.
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('next_step', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('task_follow_ups_task')
    .on('task_follow_ups')
    .columns(['workspace_id', 'task_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('task_follow_ups_account')
    .on('task_follow_ups')
    .columns(['workspace_id', 'account_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('account_id', 'text')
    .addColumn('task_id', 'text')
    .addColumn('data', 'text')
    // Set by producers that must notify once (a state change, an account's renewal date).
    .addColumn('dedupe_key', 'text')
    .addColumn('read_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notifications_user')
    .on('notifications')
    .columns(['workspace_id', 'user_id', 'created_at'])
    .execute();
  // NULL keys are distinct on both engines, so only keyed notifications are deduplicated.
  await db.schema
    .createIndex('notifications_dedupe')
    .on('notifications')
    .columns(['workspace_id', 'user_id', 'dedupe_key'])
    .unique()
    .execute();

  await db.schema
    .createTable('notification_settings')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('daily_digest', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_settings_pk', ['workspace_id', 'user_id'])
    .execute();

  // The claim of a user's digest for a day: its primary key makes the digest once per user and day.
  await db.schema
    .createTable('notification_digests')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('notifications', 'integer', (c) => c.notNull())
    .addColumn('tasks', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_digests_pk', ['workspace_id', 'user_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'notification_digests',
    'notification_settings',
    'notifications',
    'task_follow_ups',
    'tasks',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
