import type { Kysely } from 'kysely';

// NPS and CSAT survey responses, the surveys sent by email (their single-use link tokens, stored
// as SHA-256) and each workspace's survey settings (throttle days, link lifetime).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addColumn('answered_day', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('send_id', 'text')
    .addColumn('recorded_by', 'text')
    .addColumn('task_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Facts and reports read an account's answers of a kind over a window of days.
  await db.schema
    .createIndex('survey_responses_account')
    .on('survey_responses')
    .columns(['workspace_id', 'account_id', 'kind', 'answered_day'])
    .execute();
  // Workspace results per period, and the throttle's "last asked" per contact.
  await db.schema
    .createIndex('survey_responses_day')
    .on('survey_responses')
    .columns(['workspace_id', 'kind', 'answered_day'])
    .execute();
  await db.schema
    .createIndex('survey_responses_contact')
    .on('survey_responses')
    .columns(['workspace_id', 'contact_email', 'answered_at'])
    .execute();

  await db.schema
    .createTable('survey_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('contact_email', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('sent_by', 'text')
    .addColumn('delivered', 'integer', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .addColumn('response_id', 'text')
    .execute();
  await db.schema
    .createIndex('survey_sends_contact')
    .on('survey_sends')
    .columns(['workspace_id', 'contact_email', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('survey_sends_account')
    .on('survey_sends')
    .columns(['workspace_id', 'account_id', 'sent_at'])
    .execute();

  await db.schema
    .createTable('survey_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    // Only the values a manager changed, as JSON; the rest follow the code's defaults.
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['survey_settings', 'survey_sends', 'survey_responses']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
