import { sql } from 'kysely';
import { openDatabase } from '../../src/db/index.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/**
 * With STEWARD_TEST_DATABASE_URL (postgres://...) the whole suite runs on PostgreSQL: the schema is
 * wiped and migrated once here, and every test makes its own workspace, so test files share the
 * database safely. Without it each test file gets a fresh SQLite file (see test-app.ts).
 */
export default async function setup() {
  const url = process.env.STEWARD_TEST_DATABASE_URL;
  if (!url) return;
  const { db, close } = openDatabase({ kind: 'postgres', url });
  try {
    await sql`drop schema if exists public cascade`.execute(db);
    await sql`create schema public`.execute(db);
    await migrateToLatest(db);
  } finally {
    await close();
  }
}
