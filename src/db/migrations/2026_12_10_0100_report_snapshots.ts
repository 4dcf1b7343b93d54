import type { Kysely } from 'kysely';

// Issue 18, reports kept by the recompute: a report's answer per workspace, query and reader scope
// (modules/snapshots), and the time each report's answers were last dropped (scope '#dropped').
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_snapshots')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('report_snapshots_pk', ['workspace_id', 'report', 'params', 'scope'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_snapshots').execute();
}
