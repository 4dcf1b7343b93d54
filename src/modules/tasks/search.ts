// Tasks for global search: by title, on accounts the actor may read (accounts' read scope).
import { sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import { accountReadFilter, likePattern } from '../accounts/index.ts';

export type TaskHit = {
  id: string;
  title: string;
  status: string;
  dueDate: string | null;
  accountId: string;
};

export async function searchTasks(ctx: Ctx, text: string, limit: number): Promise<TaskHit[]> {
  const readable = accountReadFilter(ctx, sql.ref<string>('tasks.account_id'));
  let q = ctx.db
    .selectFrom('tasks')
    .select(['id', 'title', 'status', 'due_date', 'account_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where(sql<boolean>`lower(tasks.title) like ${likePattern(text)} escape '\\'`);
  if (readable) q = q.where(() => readable);
  // Open work first, then the most recent.
  const rows = await q
    .orderBy(sql`case when tasks.status in ('done', 'cancelled') then 1 else 0 end`)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    status: r.status,
    dueDate: r.due_date,
    accountId: r.account_id,
  }));
}
