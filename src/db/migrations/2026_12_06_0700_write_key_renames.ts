import { type Kysely, sql } from 'kysely';

// Whether a write key's `group` call may rename an account that already exists (issue 15): off by
// default, so a leaked write key cannot rename customers (a name is what people search and read).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ingest_settings')
    .addColumn('write_key_renames', 'integer', (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ingest_settings').dropColumn('write_key_renames').execute();
}
