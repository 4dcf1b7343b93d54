import { type Kysely, sql } from 'kysely';
import { engineOf } from '../dialect.ts';

// Raw events, the dedup index, identities, rejected events, ingest counters, metric and feature
// definitions and the daily rollups they feed.
export async function up(db: Kysely<unknown>): Promise<void> {
  // The idempotency index: one row per (workspace, messageId), forever. Kept apart from `events` so
  // that events can be partitioned by month on PostgreSQL (a partitioned table's unique keys must
  // include the partition key, which would let a retry landing on another day slip through).
  await db.schema
    .createTable('event_ids')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_ids_pk', ['workspace_id', 'message_id'])
    .execute();

  const columns = `
    id text not null,
    workspace_id text not null,
    message_id text not null,
    source text not null,
    type text not null,
    event_name text not null,
    user_key text,
    user_id text,
    anonymous_id text,
    account_id text,
    group_external_id text,
    properties text not null,
    context text,
    timestamp text not null,
    original_timestamp text,
    sent_at text,
    received_at text not null,
    day text not null`;
  if (engineOf(db) === 'postgres') {
    // Partitioned by month on the event's day; a default partition takes months that have no
    // partition yet (historical imports), and the ensure-event-partitions job adds months ahead.
    await sql
      .raw(`create table events (${columns}, primary key (id, day)) partition by range (day)`)
      .execute(db);
    await sql.raw('create table events_default partition of events default').execute(db);
  } else {
    await sql.raw(`create table events (${columns}, primary key (id))`).execute(db);
  }
  await db.schema
    .createIndex('events_account_day')
    .on('events')
    .columns(['workspace_id', 'account_id', 'day'])
    .execute();
  await db.schema.createIndex('events_day').on('events').columns(['workspace_id', 'day']).execute();
  // Pending events (no account yet) are found by the group they named or the user who sent them.
  await db.schema
    .createIndex('events_pending_group')
    .on('events')
    .columns(['workspace_id', 'group_external_id'])
    .where(sql.ref('account_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('events_pending_user')
    .on('events')
    .columns(['workspace_id', 'user_key'])
    .where(sql.ref('account_id'), 'is', null)
    .execute();

  // Who a product user is and which account they belong to (from identify and group calls).
  await db.schema
    .createTable('identities')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('group_external_id', 'text')
    .addColumn('traits', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pk', ['workspace_id', 'user_key'])
    .execute();
  await db.schema
    .createIndex('identities_group')
    .on('identities')
    .columns(['workspace_id', 'group_external_id'])
    .execute();

  await db.schema
    .createTable('rejected_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rejected_events_workspace')
    .on('rejected_events')
    .columns(['workspace_id', 'received_at'])
    .execute();

  // Running counts since the workspace was created: 'accepted', 'duplicate', 'rejected:<reason>'.
  await db.schema
    .createTable('ingest_counters')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('counter', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ingest_counters_pk', ['workspace_id', 'counter'])
    .execute();

  // Per-workspace ingest settings; a missing row means the defaults in ingest/settings.ts.
  await db.schema
    .createTable('ingest_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('group_trait_map', 'text', (c) => c.notNull())
    .addColumn('max_future_hours', 'integer', (c) => c.notNull())
    .addColumn('retention_days', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('metric_definitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('aggregation', 'text', (c) => c.notNull())
    .addColumn('event_names', 'text', (c) => c.notNull())
    .addColumn('property_filters', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('value_property', 'text')
    .addColumn('behaviour', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('metric_definitions_key', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('features')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('event_names', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('features_key', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('metric_daily')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_daily_pk', ['workspace_id', 'metric_id', 'account_id', 'day'])
    .execute();
  await db.schema
    .createIndex('metric_daily_day')
    .on('metric_daily')
    .columns(['workspace_id', 'metric_id', 'day'])
    .execute();

  // Users already counted by a distinct-users metric on a day: makes the count incremental.
  await db.schema
    .createTable('metric_user_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('metric_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_user_days_pk', [
      'workspace_id',
      'metric_id',
      'account_id',
      'day',
      'user_key',
    ])
    .execute();

  // Events per account, user and day: active users (breadth) and top/bottom users.
  await db.schema
    .createTable('account_user_daily')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('user_key', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_user_daily_pk', ['workspace_id', 'account_id', 'day', 'user_key'])
    .execute();

  // Events per account, feature and day: features used (depth).
  await db.schema
    .createTable('account_feature_daily')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('feature_id', 'text', (c) => c.notNull())
    .addColumn('events', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_feature_daily_pk', ['workspace_id', 'account_id', 'day', 'feature_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'account_feature_daily',
    'account_user_daily',
    'metric_user_days',
    'metric_daily',
    'features',
    'metric_definitions',
    'ingest_counters',
    'ingest_settings',
    'rejected_events',
    'identities',
    'events',
    'event_ids',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
