import type { Kysely } from 'kysely';

// The queue of rollup rebuilds: a new or changed metric or feature definition recomputes its
// history in a job, in chunks of days, never inside the request that changed it (a full rebuild
// took 11 s per new metric on the demo workspace). One row per requested rebuild; the latest row
// of a definition is its state (queued / running with progress / done / failed with the error).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rollup_rebuilds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    // 'metric' or 'feature', and the definition's id.
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('days_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('days_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    // The node running it, and when it last reported: a crashed node's claim goes stale.
    .addColumn('node', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('heartbeat_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  // The claim: the oldest queued rebuild, across workspaces (the job is cluster-wide).
  await db.schema
    .createIndex('rollup_rebuilds_status')
    .on('rollup_rebuilds')
    .columns(['status', 'requested_at'])
    .execute();
  // A definition's state: its latest row.
  await db.schema
    .createIndex('rollup_rebuilds_target')
    .on('rollup_rebuilds')
    .columns(['workspace_id', 'target_id', 'requested_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rollup_rebuilds').ifExists().execute();
}
