// What other modules may read about users: who they are, whether they are active, their names and
// languages. They call these instead of querying `users`, which auth owns.
import type { Ctx } from '../../context.ts';
import type { Role } from './permissions.ts';

export type UserRef = {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: string;
  active: boolean;
};

const CHUNK = 500;

/** The workspace's users among `ids` (any that do not exist are absent), active or not. */
export async function userRefs(ctx: Ctx, ids: Iterable<string>): Promise<Map<string, UserRef>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, UserRef>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'role', 'locale', 'active'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.id, { ...r, active: r.active === 1 });
  }
  return out;
}

/** Names of the workspace's users among `ids`. */
export async function userNames(ctx: Ctx, ids: Iterable<string>): Promise<Map<string, string>> {
  return new Map([...(await userRefs(ctx, ids))].map(([id, u]) => [id, u.name]));
}

/** The workspace's users, ordered by email; optionally only active ones and only some roles. */
export async function listUserRefs(
  ctx: Ctx,
  filter: { active?: boolean; roles?: readonly Role[] } = {},
): Promise<UserRef[]> {
  let query = ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'locale', 'active'])
    .where('workspace_id', '=', ctx.workspace.id);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active ? 1 : 0);
  if (filter.roles) {
    if (filter.roles.length === 0) return [];
    query = query.where('role', 'in', filter.roles);
  }
  const rows = await query.orderBy('email').execute();
  return rows.map((r) => ({ ...r, active: r.active === 1 }));
}
