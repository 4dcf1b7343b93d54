import { type Kysely, sql } from 'kysely';

// Issue 13 item 6, health you can trust. The built-in default model becomes editable: a workspace's
// edit of it is stored here (one row per workspace; no row = the model built from the workspace's
// metrics on each call). Every model gets a hysteresis margin in score points: an account's status
// moves off its previous band only when the score passes the band's boundary by more than it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('health_default_models')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('dimensions', 'text', (c) => c.notNull())
    .addColumn('bands', 'text', (c) => c.notNull())
    .addColumn('sentiment', 'text')
    .addColumn('hysteresis', 'real', (c) => c.notNull().defaultTo(3))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('health_models')
    .addColumn('hysteresis', 'real', (c) => c.notNull().defaultTo(sql`3`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('health_models').dropColumn('hysteresis').execute();
  await db.schema.dropTable('health_default_models').execute();
}
