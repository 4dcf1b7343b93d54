import type { Kysely } from 'kysely';

// Customer requests and feedback, groups of similar requests, the gram index that finds similar
// ones, and the workspace's prioritisation settings.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('request_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('request_groups_workspace')
    .on('request_groups')
    .columns(['workspace_id'])
    .execute();

  await db.schema
    .createTable('customer_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('product_area', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('showcase', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('group_id', 'text')
    .addColumn('grouped_by', 'text')
    .addColumn('gram_count', 'integer', (c) => c.notNull())
    .addColumn('logged_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('status_changed_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addUniqueConstraint('customer_requests_number', ['workspace_id', 'number'])
    .execute();
  for (const col of ['account_id', 'group_id', 'status']) {
    await db.schema
      .createIndex(`customer_requests_${col}`)
      .on('customer_requests')
      .columns(['workspace_id', col])
      .execute();
  }

  // Looked up by (workspace, gram) for candidates sharing grams with a text; deleted by request.
  await db.schema
    .createTable('request_grams')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('gram', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('request_grams_pk', ['workspace_id', 'gram', 'request_id'])
    .execute();
  await db.schema.createIndex('request_grams_request').on('request_grams').columns(['request_id']).execute();

  await db.schema
    .createTable('request_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    // Only the values a manager changed, as JSON; the rest follow the code's defaults.
    .addColumn('settings', 'text', (c) => c.notNull())
    // The last request number handed out: an upsert that adds 1 serialises concurrent loggers.
    .addColumn('last_number', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['request_settings', 'request_grams', 'customer_requests', 'request_groups']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
