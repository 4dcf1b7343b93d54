import type { Kysely } from 'kysely';

// Global search matches contacts by name, email, phone, WeChat id and the pinyin of Chinese names
// (zw and zhangwei find 张伟): one lower-cased text per contact, written with the contact, so a
// search is one LIKE over the workspace's contacts. Filled for existing rows by the next migration.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('contacts')
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('search_text').execute();
}
