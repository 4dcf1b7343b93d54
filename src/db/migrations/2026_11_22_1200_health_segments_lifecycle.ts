import type { Kysely } from 'kysely';

// Health models and scores, tiering schemes, saved segments, lifecycle stages, and each account's
// current derived state. Conditions, dimensions and bands are JSON text validated by their modules.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('health_models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // Models are tried in position order; the first whose selector matches scores the account.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('selector', 'text')
    .addColumn('dimensions', 'text', (c) => c.notNull())
    .addColumn('bands', 'text', (c) => c.notNull())
    .addColumn('sentiment', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('health_models_key', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('health_sentiments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('health_sentiments_account')
    .on('health_sentiments')
    .columns(['workspace_id', 'account_id', 'created_at'])
    .execute();

  // The daily snapshot: one row per account and day, with every component's explanation.
  await db.schema
    .createTable('health_scores')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('status', 'text')
    .addColumn('components', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('health_scores_pk', ['workspace_id', 'account_id', 'day'])
    .execute();
  await db.schema
    .createIndex('health_scores_day')
    .on('health_scores')
    .columns(['workspace_id', 'day'])
    .execute();

  await db.schema
    .createTable('tiering_schemes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('default_tier', 'text', (c) => c.notNull())
    // Exactly one scheme assigns the `tier` fact; others can be previewed.
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('tiering_schemes_key', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('segments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('segments_key', ['workspace_id', 'key'])
    .execute();

  await db.schema
    .createTable('segment_members')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('segment_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('since', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('segment_members_pk', ['workspace_id', 'segment_id', 'account_id'])
    .execute();

  await db.schema
    .createTable('lifecycle_stages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('lifecycle_stages_key', ['workspace_id', 'key'])
    .execute();

  // Manual tier or stage with a reason, optionally until a date; wins over the rules while valid.
  await db.schema
    .createTable('state_overrides')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('expires_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('state_overrides_pk', ['workspace_id', 'account_id', 'kind'])
    .execute();

  // Each account's current derived state, rewritten by every recompute: what lists filter on.
  await db.schema
    .createTable('account_states')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('health_score', 'double precision')
    .addColumn('health_status', 'text')
    .addColumn('health_model_id', 'text')
    .addColumn('health_trend_7d', 'double precision')
    .addColumn('health_trend_30d', 'double precision')
    .addColumn('tier', 'text')
    .addColumn('tier_since', 'text')
    .addColumn('stage', 'text')
    .addColumn('stage_since', 'text')
    .addColumn('segments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_states_pk', ['workspace_id', 'account_id'])
    .execute();
  for (const col of ['health_status', 'tier', 'stage']) {
    await db.schema
      .createIndex(`account_states_${col}`)
      .on('account_states')
      .columns(['workspace_id', col])
      .execute();
  }

  // Changes of tier, stage, health status and segment membership, by day: history, trends and
  // the enter/exit events automation triggers on.
  await db.schema
    .createTable('state_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('state_changes_account')
    .on('state_changes')
    .columns(['workspace_id', 'account_id', 'day'])
    .execute();
  await db.schema
    .createIndex('state_changes_kind')
    .on('state_changes')
    .columns(['workspace_id', 'kind', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'state_changes',
    'account_states',
    'state_overrides',
    'lifecycle_stages',
    'segment_members',
    'segments',
    'tiering_schemes',
    'health_scores',
    'health_sentiments',
    'health_models',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
