import type { Kysely } from 'kysely';

// The notification centre's settings: how often the digest comes (daily, or weekly on Mondays) and
// which kinds of notification the user does not want (a JSON array of kinds; new kinds start on).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('notification_settings')
    .addColumn('digest_frequency', 'text', (c) => c.notNull().defaultTo('daily'))
    .execute();
  await db.schema
    .alterTable('notification_settings')
    .addColumn('muted_kinds', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notification_settings').dropColumn('muted_kinds').execute();
  await db.schema.alterTable('notification_settings').dropColumn('digest_frequency').execute();
}
