// Accounts and contacts for global search: one LIKE over the stored search text (name, external id,
// email, phone, WeChat id, pinyin; see search-keys.ts), limited to what the actor may read.
import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { accountReadFilter } from './read-scope.ts';

/** `%text%` for LIKE ... escape '\', lower-cased as the stored search texts are. */
export function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

export type AccountHit = { id: string; name: string; externalId: string };
export type ContactHit = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  wechatId: string | null;
  accountId: string;
  accountName: string;
};

export async function searchAccounts(ctx: Ctx, text: string, limit: number): Promise<AccountHit[]> {
  const readable = accountReadFilter(ctx, sql.ref<string>('accounts.id'));
  let q = ctx.db
    .selectFrom('accounts')
    .select(['accounts.id', 'accounts.name', 'accounts.external_id'])
    .where('accounts.workspace_id', '=', ctx.workspace.id)
    .where(sql<boolean>`accounts.search_text like ${likePattern(text)} escape '\\'`);
  if (readable) q = q.where(() => readable);
  const rows = await q.orderBy('accounts.name').orderBy('accounts.id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, name: r.name, externalId: r.external_id }));
}

export async function searchContacts(ctx: Ctx, text: string, limit: number): Promise<ContactHit[]> {
  const readable = accountReadFilter(ctx, sql.ref<string>('contacts.account_id'));
  let q = ctx.db
    .selectFrom('contacts')
    .innerJoin('accounts', (j) =>
      j.onRef('accounts.id', '=', 'contacts.account_id').on('accounts.workspace_id', '=', ctx.workspace.id),
    )
    .select([
      'contacts.id',
      'contacts.name',
      'contacts.email',
      'contacts.phone',
      'contacts.wechat_id',
      'contacts.account_id',
      'accounts.name as account_name',
    ])
    .where('contacts.workspace_id', '=', ctx.workspace.id)
    .where(sql<boolean>`contacts.search_text like ${likePattern(text)} escape '\\'`);
  if (readable) q = q.where(() => readable);
  const rows = await q.orderBy('contacts.name').orderBy('contacts.id').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    phone: r.phone,
    wechatId: r.wechat_id,
    accountId: r.account_id,
    accountName: r.account_name,
  }));
}
