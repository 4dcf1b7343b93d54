import type { Kysely } from 'kysely';

// Support tickets from a help desk (CSV/xlsx import or the inbound ticket webhook), one row per
// ticket keyed by the help desk's own id, so a re-import or a repeated webhook updates in place.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('support_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('requester_email', 'text')
    .addColumn('requester_name', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    // when the customer opened it (the help desk's time, not ours)
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('first_response_at', 'text')
    .addColumn('solved_at', 'text')
    // 1-5 (a good/bad rating is stored as 5/1)
    .addColumn('satisfaction', 'integer')
    .addColumn('escalated', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('support_tickets_external', ['workspace_id', 'external_id'])
    .execute();
  // Facts read an account's tickets by opening time; the Tickets tab lists them newest first.
  await db.schema
    .createIndex('support_tickets_account')
    .on('support_tickets')
    .columns(['workspace_id', 'account_id', 'opened_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('support_tickets').execute();
}
