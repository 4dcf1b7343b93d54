import type { Kysely } from 'kysely';

// Each account's derived state at the end of every computed day (health score and status, tier and
// stage and since when, segments): what "the state as of a day" reads, so a recompute of a past
// day compares with the day before it instead of with today, and backtests and previews of past
// days see the state as it was. account_states stays the one current row per account that lists
// filter on. No backfill: days computed before this table answer from the state_changes history.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_state_days')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('health_score', 'double precision')
    .addColumn('health_status', 'text')
    .addColumn('health_model_id', 'text')
    .addColumn('tier', 'text')
    .addColumn('tier_since', 'text')
    .addColumn('stage', 'text')
    .addColumn('stage_since', 'text')
    .addColumn('segments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addPrimaryKeyConstraint('account_state_days_pk', ['workspace_id', 'account_id', 'day'])
    .execute();
  // "The latest computed day at or before D" is one seek, then that day's rows are one range.
  await db.schema
    .createIndex('account_state_days_day')
    .on('account_state_days')
    .columns(['workspace_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_state_days').ifExists().execute();
}
