import type { Kysely } from 'kysely';

// Which API token made an audited change (null for sessions, jobs and the CLI): a token is a
// credential of its own, revoked on its own, so the log names it beside the user it acts as.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('token_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').dropColumn('token_id').execute();
}
