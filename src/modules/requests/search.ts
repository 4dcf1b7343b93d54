// Customer requests for global search: by title, or by number ("#123"), on accounts the actor may
// read (accounts' read scope).
import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { accountReadFilter, likePattern } from '../accounts/index.ts';

export type RequestHit = { id: string; number: number; title: string; status: string; accountId: string };

export async function searchRequests(ctx: Ctx, text: string, limit: number): Promise<RequestHit[]> {
  const readable = accountReadFilter(ctx, sql.ref<string>('customer_requests.account_id'));
  const number = /^#?(\d{1,9})$/.exec(text.trim());
  let q = ctx.db
    .selectFrom('customer_requests')
    .select(['id', 'number', 'title', 'status', 'account_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => {
      const byTitle = sql<boolean>`lower(customer_requests.title) like ${likePattern(text)} escape '\\'`;
      return number ? eb.or([byTitle, eb('number', '=', Number(number[1]))]) : byTitle;
    });
  if (readable) q = q.where(() => readable);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    title: r.title,
    status: r.status,
    accountId: r.account_id,
  }));
}
