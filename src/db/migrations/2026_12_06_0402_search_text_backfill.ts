import type { Kysely } from 'kysely';
import { accountSearchText, contactSearchText } from '../../modules/accounts/search-keys.ts';

type Rows = {
  accounts: { id: string; name: string; external_id: string; search_text: string };
  contacts: {
    id: string;
    name: string;
    email: string | null;
    phone: string | null;
    wechat_id: string | null;
    search_text: string;
  };
};

const BATCH = 1000;

// Fills contacts' new search_text and adds pinyin to the search_text of accounts with Chinese names,
// as the writes now compute them; keyset batches by id so a large workspace never loads at once.
export async function up(db: Kysely<unknown>): Promise<void> {
  const d = db as unknown as Kysely<Rows>;
  for (let after = ''; ; ) {
    const rows = await d
      .selectFrom('accounts')
      .select(['id', 'name', 'external_id', 'search_text'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      const text = accountSearchText(r.name, r.external_id);
      if (text !== r.search_text)
        await d.updateTable('accounts').set({ search_text: text }).where('id', '=', r.id).execute();
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  for (let after = ''; ; ) {
    const rows = await d
      .selectFrom('contacts')
      .select(['id', 'name', 'email', 'phone', 'wechat_id', 'search_text'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      const text = contactSearchText({ name: r.name, email: r.email, phone: r.phone, wechatId: r.wechat_id });
      if (text !== r.search_text)
        await d.updateTable('contacts').set({ search_text: text }).where('id', '=', r.id).execute();
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
}

export async function down(): Promise<void> {}
