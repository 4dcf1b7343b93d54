import type { Kysely } from 'kysely';

// request_id is now always the server's own id; the X-Request-Id a client sent is kept beside it
// (it used to be stored as the request id, so a client could make entries look like another request's).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('client_request_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').dropColumn('client_request_id').execute();
}
