import { type Kysely, sql } from 'kysely';

// A stored event may stand for several occurrences (issue 14): a daily usage row "42 logins that
// day" is one aggregate row with count 42 and the day's property totals, not 42 rows each carrying
// the total. Every tracked event is one occurrence (count 1).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('events')
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(sql`1`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('count').execute();
}
