import type { Kysely } from 'kysely';

// Accounts changed since their last recompute (issue 18): the incremental recompute job takes the
// rows marked before its start, recomputes those accounts for today and deletes exactly those rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('dirty_accounts')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dirty_accounts_pk', ['workspace_id', 'account_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dirty_accounts').execute();
}
