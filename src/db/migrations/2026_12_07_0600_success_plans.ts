import type { Kysely } from 'kysely';

// Value realisation (issue 17): success plans with objectives, customer KPIs and their entered
// values, plan templates, journey milestones and what each account reached, expansion
// opportunities, and the task types a CSM group owns across accounts (work-content groups).
export async function up(db: Kysely<unknown>): Promise<void> {
  const base = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'));

  await base('plan_templates')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_message', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('stage', 'text')
    .addColumn('objectives', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('plan_templates_key')
    .on('plan_templates')
    .columns(['workspace_id', 'key'])
    .unique()
    .execute();

  await base('success_plans')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_message', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('success_plans_account')
    .on('success_plans')
    .columns(['workspace_id', 'account_id'])
    .execute();

  await base('plan_objectives')
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_message', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('due_date', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('plan_objectives_plan')
    .on('plan_objectives')
    .columns(['workspace_id', 'plan_id'])
    .execute();

  await base('plan_kpis')
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('objective_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_message', 'text')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('baseline', 'double precision')
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('metric_fact', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('plan_kpis_plan')
    .on('plan_kpis')
    .columns(['workspace_id', 'plan_id'])
    .execute();
  await db.schema
    .createIndex('plan_kpis_account')
    .on('plan_kpis')
    .columns(['workspace_id', 'account_id'])
    .execute();

  await base('plan_kpi_values')
    .addColumn('kpi_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('recorded_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('plan_kpi_values_kpi_day')
    .on('plan_kpi_values')
    .columns(['workspace_id', 'kpi_id', 'day'])
    .execute();
  await db.schema
    .createIndex('plan_kpi_values_account')
    .on('plan_kpi_values')
    .columns(['workspace_id', 'account_id', 'day'])
    .execute();

  await base('plan_steps')
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('objective_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_message', 'text')
    .addColumn('task_type', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text')
    .addColumn('task_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('plan_steps_plan')
    .on('plan_steps')
    .columns(['workspace_id', 'plan_id'])
    .execute();

  await base('journey_milestones')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_message', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('due_day', 'integer', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('journey_milestones_key')
    .on('journey_milestones')
    .columns(['workspace_id', 'key'])
    .unique()
    .execute();

  await base('account_milestones')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('achieved_on', 'text')
    .addColumn('late_on', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('account_milestones_account')
    .on('account_milestones')
    .columns(['workspace_id', 'account_id', 'milestone_id'])
    .unique()
    .execute();

  await base('opportunities')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('close_date', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('note', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('opportunities_account')
    .on('opportunities')
    .columns(['workspace_id', 'account_id'])
    .execute();
  await db.schema
    .createIndex('opportunities_close')
    .on('opportunities')
    .columns(['workspace_id', 'stage', 'close_date'])
    .execute();

  // Work-content groups: a JSON array of task types the group owns across accounts, or null.
  await db.schema.alterTable('csm_groups').addColumn('task_types', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('csm_groups').dropColumn('task_types').execute();
  for (const t of [
    'opportunities',
    'account_milestones',
    'journey_milestones',
    'plan_steps',
    'plan_kpi_values',
    'plan_kpis',
    'plan_objectives',
    'success_plans',
    'plan_templates',
  ])
    await db.schema.dropTable(t).execute();
}
