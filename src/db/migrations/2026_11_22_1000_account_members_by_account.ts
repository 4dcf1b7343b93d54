import type { Kysely } from 'kysely';

// Loading an account's team filters by (workspace_id, account_id). Without this index SQLite's
// planner took account_members_user on workspace_id alone and scanned every member of the
// workspace per lookup: the demo load slowed linearly with size (seen at 4,000+ accounts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('account_members_account')
    .on('account_members')
    .columns(['workspace_id', 'account_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('account_members_account').execute();
}
