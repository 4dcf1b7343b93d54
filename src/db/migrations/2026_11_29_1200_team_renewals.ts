import type { Kysely } from 'kysely';

// CSM groups and their members, the workspace's capacity and scorecard settings, and one renewal
// record per contract that someone has worked on (stage, forecast, outcome). Contracts without a
// record are still in the pipeline with defaults; the record is created on the first edit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('csm_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lead_id', 'text')
    // A condition (JSON tree) over account facts; null matches every account (a catch-all group).
    .addColumn('scope', 'text')
    // Accounts go to the first group, in position order, whose scope matches.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('csm_groups_key', ['workspace_id', 'key'])
    .execute();

  // A CSM belongs to at most one group: the primary key is the user.
  await db.schema
    .createTable('csm_group_members')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('group_id', 'text', (c) => c.notNull())
    // 1 = a full-time CSM; 0.5 carries half the accounts (part-time, or also a group lead).
    .addColumn('capacity_factor', 'double precision', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('csm_group_members_pk', ['workspace_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('csm_group_members_group')
    .on('csm_group_members')
    .columns(['workspace_id', 'group_id'])
    .execute();

  await db.schema
    .createTable('team_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('renewals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('contract_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('probability', 'double precision')
    .addColumn('probability_reason', 'text')
    .addColumn('forecast_category', 'text')
    .addColumn('forecast_reason', 'text')
    .addColumn('expected_arr_minor', 'bigint')
    .addColumn('owner_id', 'text')
    .addColumn('outcome', 'text')
    .addColumn('next_contract_id', 'text')
    .addColumn('churn_reason', 'text')
    .addColumn('churn_note', 'text')
    .addColumn('closed_on', 'text')
    .addColumn('notes', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('renewals_contract', ['workspace_id', 'contract_id'])
    .execute();
  await db.schema
    .createIndex('renewals_account')
    .on('renewals')
    .columns(['workspace_id', 'account_id'])
    .execute();
  // Churn reasons and expansions are read by reports per period of closing.
  await db.schema
    .createIndex('renewals_closed')
    .on('renewals')
    .columns(['workspace_id', 'outcome', 'closed_on'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['renewals', 'team_settings', 'csm_group_members', 'csm_groups']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
