import type { Kysely } from 'kysely';

// The login limiter's counters: one row per key, incremented by a single upsert before the password
// is checked, so parallel attempts cannot all read the same count (they did with login_attempts:
// 100 parallel wrong passwords all got 401, none 429).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('blocked_until', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_throttle_updated')
    .on('login_throttle')
    .columns(['updated_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_throttle').execute();
}
