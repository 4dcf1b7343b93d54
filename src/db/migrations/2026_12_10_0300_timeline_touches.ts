import type { Kysely } from 'kysely';

// Touches (notes, calls, meetings, emails) by type and time across the workspace: the scorecards'
// and team overview's touch counts and the recompute's days_since_last_touch searched every
// timeline entry of the workspace through (workspace, account, occurred_at), most of them system
// entries (milestones, tasks, state changes). Covering: the account id is in the index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('timeline_touches')
    .on('timeline_entries')
    .columns(['workspace_id', 'type', 'occurred_at', 'account_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('timeline_touches').execute();
}
