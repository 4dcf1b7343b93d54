import type { Kysely } from 'kysely';

// The values a rank is taken among (facts/populations.ts): each workspace-wide ranked fact's values
// over every account, as the last full recompute of a day found them, so one account's facts (its
// Account 360, its risk, its family) rank against them instead of scanning the workspace again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fact_populations')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addColumn('values', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fact_populations_pk', ['workspace_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('fact_populations').execute();
}
