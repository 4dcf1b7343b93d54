import type { Kysely } from 'kysely';

// Rule alerts and the team digest to chat groups (issue 14 item 8).
// - webhook_deliveries.draft: a rule alert gathers one run's accounts into ONE message per
//   destination (a group bot takes 20 messages a minute; 40 alerts at once would be refused and
//   would bury the chat). While the run goes on, the draft keeps what the message is made from
//   (heading, lines, count) so each account adds its line; the payload is re-rendered from it.
// - channel_digests: a daily digest a manager points at a destination (a subscription: bot or
//   webhook): the day's at-risk accounts, overdue tasks and renewals due, for the whole workspace
//   or the accounts and tasks of chosen owners (a team). last_sent_day is the claim, so nodes and
//   reruns send one a day.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('draft', 'text').execute();
  await db.schema
    .createTable('channel_digests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    // null: the whole workspace; else a JSON array of user ids: their accounts and their tasks
    .addColumn('owner_ids', 'text')
    // renewals due within this many days
    .addColumn('renewal_days', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('last_sent_day', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // A run's alert drafts are found by run (one per destination and alert action).
  await db.schema
    .createIndex('webhook_deliveries_run')
    .on('webhook_deliveries')
    .columns(['workspace_id', 'run_id'])
    .execute();
  await db.schema
    .createIndex('channel_digests_workspace')
    .on('channel_digests')
    .columns(['workspace_id', 'enabled'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channel_digests').execute();
  await db.schema.dropIndex('webhook_deliveries_run').execute();
  await db.schema.alterTable('webhook_deliveries').dropColumn('draft').execute();
}
