import type { Kysely } from 'kysely';

// Every trained churn model version, kept with its card (metrics, baselines, drivers) so a retrain
// never loses the record of what the previous model scored. The newest row is the current model.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('churn_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('trained_at', 'text', (c) => c.notNull())
    .addColumn('trained_by', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('published', 'integer', (c) => c.notNull())
    // JSON: the card per horizon (outcomes, metrics with intervals, baselines, drivers, reason)
    .addColumn('card', 'text', (c) => c.notNull())
    // JSON: the fitted parameters per published horizon (encoder, weights, Platt's a and b)
    .addColumn('params', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('churn_models_latest')
    .on('churn_models')
    .columns(['workspace_id', 'trained_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('churn_models').execute();
}
