import { type Kysely, sql } from 'kysely';

// Events out: subscriptions to Steward's own events (a signed webhook, or a WeCom / Feishu /
// DingTalk group bot), delivered through the rule webhooks' delivery log. webhook_deliveries is
// rebuilt because a subscription's delivery has no rule, run or (for a digest) account, and
// SQLite cannot drop NOT NULL in place; the rows and indexes are kept.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('event_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // webhook | wecom | feishu | dingtalk: the message format and the signing
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // webhook: the HMAC key (generated); feishu, dingtalk: the bot's signing secret, if it has one
    .addColumn('secret', 'text')
    // JSON array of event types
    .addColumn('events', 'text', (c) => c.notNull())
    // the language bot texts are written in
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_subscriptions_workspace')
    .on('event_subscriptions')
    .columns(['workspace_id', 'enabled'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('run_id', 'text')
    .addColumn('account_id', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('event_type', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('log', 'text', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    // the first 1,000 characters of the receiver's last answer (bots answer 200 with an error code)
    .addColumn('last_response', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await sql`insert into webhook_deliveries_next (id, workspace_id, rule_id, run_id, account_id, url,
    payload, status, attempts, log, last_status_code, next_attempt_at, created_at, delivered_at)
    select id, workspace_id, rule_id, run_id, account_id, url, payload, status, attempts, log,
    last_status_code, next_attempt_at, created_at, delivered_at from webhook_deliveries`.execute(db);
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.alterTable('webhook_deliveries_next').renameTo('webhook_deliveries').execute();
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
  await db.schema
    .createIndex('webhook_deliveries_subscription')
    .on('webhook_deliveries')
    .columns(['workspace_id', 'subscription_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_deliveries_subscription').execute();
  await db
    .deleteFrom('webhook_deliveries' as never)
    .where('rule_id' as never, 'is', null)
    .execute();
  await db.schema.dropTable('event_subscriptions').execute();
}
