import type { Kysely } from 'kysely';

// Imports run in a worker thread (or on another node), so the progress the web app polls is stored
// on the run after each write batch instead of kept in the importing thread's memory.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('import_runs').addColumn('progress', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('import_runs').dropColumn('progress').execute();
}
