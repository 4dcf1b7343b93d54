import type { Kysely } from 'kysely';

// Fair effectiveness (issue 13, item 7): every rule and playbook gets a random hold-out percentage
// (0 = none), and each run records the accounts it acted on and the eligible ones it did not act
// on (held out, cooldown, run limit) with the tier, stage and score they had that day, so a rule's
// effect is measured against accounts that were eligible for it at the same time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('automation_rules')
    .addColumn('holdout_pct', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('playbooks')
    .addColumn('holdout_pct', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('automation_eligible')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    // act | holdout | cooldown | limit
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('stage', 'text')
    .addColumn('score', 'double precision')
    .execute();
  // The report reads a workspace's rows since a day; the engine reads one rule's last row per account.
  await db.schema
    .createIndex('automation_eligible_by_day')
    .on('automation_eligible')
    .columns(['workspace_id', 'day'])
    .execute();
  await db.schema
    .createIndex('automation_eligible_by_rule_account')
    .on('automation_eligible')
    .columns(['workspace_id', 'rule_id', 'account_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('automation_eligible').execute();
  await db.schema.alterTable('playbooks').dropColumn('holdout_pct').execute();
  await db.schema.alterTable('automation_rules').dropColumn('holdout_pct').execute();
}
