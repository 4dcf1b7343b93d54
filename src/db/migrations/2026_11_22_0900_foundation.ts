import type { Kysely } from 'kysely';

// Ids are application-generated UUIDv7 text (time-ordered, safe to mint on any node). Timestamps are
// ISO-8601 UTC text and calendar days are YYYY-MM-DD text, so both engines store and compare them the
// same way. Money is integer minor units. JSON is text. Booleans are 0/1 integers.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('base_currency', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    // Email is unique across the installation: login takes only email and password.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_login_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('users_workspace').on('users').columns(['workspace_id', 'name']).execute();

  await db.schema
    .createTable('sessions')
    // The id is the SHA-256 of the cookie value: a leaked table cannot be replayed as cookies.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_tokens_workspace').on('api_tokens').columns(['workspace_id']).execute();

  await db.schema
    .createTable('write_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('write_keys_workspace').on('write_keys').columns(['workspace_id']).execute();

  // Pre-authentication, so it cannot carry a workspace: the one table besides workspaces and
  // job_runs without workspace_id. Rows older than the limiter window are pruned on insert.
  await db.schema
    .createTable('login_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_attempts_email')
    .on('login_attempts')
    .columns(['email', 'created_at'])
    .execute();
  await db.schema
    .createIndex('login_attempts_ip')
    .on('login_attempts')
    .columns(['ip', 'created_at'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_log_workspace')
    .on('audit_log')
    .columns(['workspace_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('audit_log_entity')
    .on('audit_log')
    .columns(['workspace_id', 'entity_type', 'entity_id'])
    .execute();

  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // lower(name || ' ' || external_id), maintained on write, so search is one LIKE on both engines.
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('accounts.id'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('region', 'text')
    .addColumn('industry', 'text')
    .addColumn('product_lines', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('licensed_seats', 'integer')
    .addColumn('go_live_date', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    // Derived from contracts (see accounts/contract-math.ts), refreshed whenever a contract or
    // rate changes and by the daily job, so lists can sort and filter on them.
    .addColumn('arr_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('mrr_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('renewal_date', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('accounts_workspace_external_id', ['workspace_id', 'external_id'])
    .execute();
  for (const col of [
    'name',
    'owner_id',
    'arr_minor',
    'renewal_date',
    'region',
    'industry',
    'parent_id',
    'updated_at',
  ]) {
    await db.schema
      .createIndex(`accounts_${col}`)
      .on('accounts')
      .columns(['workspace_id', col, 'id'])
      .execute();
  }

  await db.schema
    .createTable('account_members')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_members_pk', ['account_id', 'user_id', 'role'])
    .execute();
  await db.schema
    .createIndex('account_members_user')
    .on('account_members')
    .columns(['workspace_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('custom_field_definitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('custom_field_definitions_key', ['workspace_id', 'entity', 'key'])
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('external_user_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('title', 'text')
    .addColumn('role', 'text')
    .addColumn('wechat_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // NULLs are distinct on both engines, so contacts without a product id do not collide.
    .addUniqueConstraint('contacts_workspace_external_user_id', ['workspace_id', 'external_user_id'])
    .execute();
  await db.schema
    .createIndex('contacts_account')
    .on('contacts')
    .columns(['workspace_id', 'account_id'])
    .execute();
  await db.schema.createIndex('contacts_email').on('contacts').columns(['workspace_id', 'email']).execute();

  await db.schema
    .createTable('currency_rates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('currency', 'text', (c) => c.notNull())
    // Units of base currency per one unit of `currency`, effective from this day on.
    .addColumn('rate', 'double precision', (c) => c.notNull())
    .addColumn('effective_date', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('currency_rates_key', ['workspace_id', 'currency', 'effective_date'])
    .execute();

  await db.schema
    .createTable('contracts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('external_id', 'text')
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('billing_period', 'text', (c) => c.notNull())
    .addColumn('fx_rate', 'double precision', (c) => c.notNull())
    .addColumn('arr_minor', 'bigint', (c) => c.notNull())
    .addColumn('mrr_minor', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('renews_contract_id', 'text', (c) => c.references('contracts.id'))
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('contracts_workspace_external_id', ['workspace_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('contracts_account')
    .on('contracts')
    .columns(['workspace_id', 'account_id', 'start_date'])
    .execute();
  await db.schema
    .createIndex('contracts_end')
    .on('contracts')
    .columns(['workspace_id', 'end_date'])
    .execute();

  await db.schema
    .createTable('timeline_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    // 'note' | 'call' | 'meeting' | 'email' written by people; dotted names such as
    // 'account.updated' or 'contract.created' written by the system.
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('data', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('timeline_account')
    .on('timeline_entries')
    .columns(['workspace_id', 'account_id', 'occurred_at', 'id'])
    .execute();

  // Cluster-wide: one row per (job, schedule slot). The primary key is the run id, so when
  // several nodes tick at once exactly one insert wins and only that node runs the job.
  await db.schema
    .createTable('job_runs')
    .addColumn('run_id', 'text', (c) => c.primaryKey())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('job_runs_job').on('job_runs').columns(['job', 'started_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'job_runs',
    'timeline_entries',
    'contracts',
    'currency_rates',
    'contacts',
    'custom_field_definitions',
    'account_members',
    'accounts',
    'audit_log',
    'login_attempts',
    'write_keys',
    'api_tokens',
    'sessions',
    'users',
    'workspaces',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
