import type { Kysely } from 'kysely';

// Every account's score and status on a day (the team overview's weekly trend, scorecards, the
// health trends of the recompute and rules) read them through (workspace, day) and then each row,
// whose components JSON makes it the largest row of the database: 70 ms for a day of 20,000
// accounts, twelve times for the team overview. With the values in the index the reads stay in
// it. It replaces the (workspace, day) index, which it starts with.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('health_scores_day_values')
    .on('health_scores')
    .columns(['workspace_id', 'day', 'account_id', 'score', 'status'])
    .execute();
  await db.schema.dropIndex('health_scores_day').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('health_scores_day')
    .on('health_scores')
    .columns(['workspace_id', 'day'])
    .execute();
  await db.schema.dropIndex('health_scores_day_values').execute();
}
