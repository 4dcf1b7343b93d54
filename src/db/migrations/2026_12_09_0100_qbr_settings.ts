import type { Kysely } from 'kysely';

// Issue 17, QBR settings: a workspace's tier -> template mapping and default hourly cost for the
// ROI, one JSON row per workspace (no row = the code's defaults, which are today's fixed mapping).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('qbr_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('qbr_settings').execute();
}
