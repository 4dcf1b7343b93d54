import type { Kysely } from 'kysely';

// Saved views of the lists, on the server (they were kept in each browser's localStorage): private
// to their owner or shared with the workspace. A name is unique per owner and list, so "save as"
// with an existing name is a 409 instead of a silent duplicate.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('filters', 'text', (c) => c.notNull())
    .addColumn('condition', 'text')
    .addColumn('columns', 'text', (c) => c.notNull())
    .addColumn('sort', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('saved_views_owner_name')
    .on('saved_views')
    .columns(['workspace_id', 'owner_id', 'list', 'name'])
    .unique()
    .execute();
  // The list reads the shared views of a list beside the caller's own.
  await db.schema
    .createIndex('saved_views_list_visibility')
    .on('saved_views')
    .columns(['workspace_id', 'list', 'visibility'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saved_views').execute();
}
