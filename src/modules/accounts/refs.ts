// What other modules may read about accounts and contacts: that an account exists (getAccountRef,
// the one "account or 404"), names and owners, team members, contacts, and a condition that keeps
// rows of deleted accounts out of their lists. They call these instead of querying the tables
// accounts owns. This file imports no other module, so auth and timeline, which accounts itself
// imports, can import it directly without an import cycle.
import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { Ctx } from '../../context.ts';
import type { Database } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';

export type AccountRef = { id: string; externalId: string; name: string; ownerId: string | null };

const CHUNK = 500;

/**
 * Record-level read access, the one scoping function every read applies: the ids of the accounts
 * the caller may read, as a subquery (`.where('t.account_id', 'in', readableAccounts(ctx))`), or
 * null when they may read every account of the workspace (admins, system actors, and everyone when
 * the workspace lets CSMs see all accounts). `ctx.readAccess` is resolved once per request
 * (server/read-access.ts): the users whose book the caller sees (themselves, or their groups'
 * members and leads), and an account is readable when one of them owns it or holds a team role on
 * it. Correlated nowhere: both engines run it once as a hashed IN list.
 */
export function readableAccounts(ctx: Ctx) {
  const access = ctx.readAccess;
  if (!access || access.kind === 'all') return null;
  // `in ()` is not SQL; a user id is never empty, so [''] matches nothing.
  const users = access.userIds.length ? [...access.userIds] : [''];
  return ctx.db
    .selectFrom('accounts as ra')
    .select('ra.id')
    .where('ra.workspace_id', '=', ctx.workspace.id)
    .where((eb) =>
      eb.or([
        eb('ra.owner_id', 'in', users),
        eb(
          'ra.id',
          'in',
          eb
            .selectFrom('account_members as rm')
            .select('rm.account_id')
            .where('rm.workspace_id', '=', ctx.workspace.id)
            .where('rm.user_id', 'in', users),
        ),
      ]),
    );
}

/**
 * readableAccounts as a condition on another query's account id column (such as 't.account_id'):
 * always true when the caller reads every account, so callers add it unconditionally.
 */
export function readableAccount(ctx: Ctx, accountIdColumn: string): Expression<SqlBool> {
  const readable = readableAccounts(ctx);
  if (!readable) return sql<SqlBool>`1 = 1`;
  return sql<SqlBool>`${sql.ref(accountIdColumn)} in (${readable})`;
}

/** Every account id of the workspace. */
export async function workspaceAccountIds(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('accounts')
    .select('id')
    .where('workspace_id', '=', ctx.workspace.id)
    .execute();
  return rows.map((r) => r.id);
}

/** The readable account ids for reports computed in memory, or null for every account. */
export async function readableAccountIds(ctx: Ctx): Promise<Set<string> | null> {
  const readable = readableAccounts(ctx);
  if (!readable) return null;
  return new Set((await readable.execute()).map((r) => r.id));
}

function selectRefs(ctx: Ctx) {
  return ctx.db
    .selectFrom('accounts')
    .select(['id', 'external_id', 'name', 'owner_id'])
    .where('workspace_id', '=', ctx.workspace.id);
}

const toRef = (r: {
  id: string;
  external_id: string;
  name: string;
  owner_id: string | null;
}): AccountRef => ({
  id: r.id,
  externalId: r.external_id,
  name: r.name,
  ownerId: r.owner_id,
});

/** The account if it exists and the caller may read it (readableAccounts): else undefined. */
export async function findAccountRef(ctx: Ctx, id: string): Promise<AccountRef | undefined> {
  const row = await selectRefs(ctx)
    .where('id', '=', id)
    .where(readableAccount(ctx, 'accounts.id'))
    .executeTakeFirst();
  return row && toRef(row);
}

/**
 * The account, or NotFound (404): another workspace's id, and an account outside the caller's
 * read access, answer the same, so a 404 does not tell that the account exists.
 */
export async function getAccountRef(ctx: Ctx, id: string): Promise<AccountRef> {
  const ref = await findAccountRef(ctx, id);
  if (!ref) throw notFound('Account', id);
  return ref;
}

/** The workspace's accounts among `ids`; deleted or unknown ids are absent. */
export async function accountRefs(ctx: Ctx, ids: Iterable<string>): Promise<Map<string, AccountRef>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, AccountRef>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await selectRefs(ctx)
      .where('id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.id, toRef(r));
  }
  return out;
}

/** Account ids by external id, for the given external ids that exist. */
export async function accountIdsByExternalId(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
  externalIds: Iterable<string>,
): Promise<Map<string, string>> {
  const unique = [...new Set(externalIds)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('accounts')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('external_id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.external_id, r.id);
  }
  return out;
}

export type ContactRef = {
  id: string;
  accountId: string;
  name: string;
  email: string | null;
  role: string | null;
};

export async function findContactRef(ctx: Ctx, id: string): Promise<ContactRef | undefined> {
  const row = await ctx.db
    .selectFrom('contacts')
    .select(['id', 'account_id', 'name', 'email', 'role'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, accountId: row.account_id, name: row.name, email: row.email, role: row.role };
}

/**
 * The accounts' contacts, by id; optionally only those with an email, or in one role. The email
 * filter is applied here, not in SQL: `email is not null` let SQLite's planner (without
 * statistics) search the (workspace, email) index, every contact with an email in the workspace,
 * for each account's handful (the demo's surveys and rules spent 13 s of 290 s in it at 2,000 accounts).
 */
export async function contactRefsOf(
  ctx: Ctx,
  accountIds: Iterable<string>,
  filter: { withEmail?: boolean; role?: string; limit?: number } = {},
): Promise<ContactRef[]> {
  const unique = [...new Set(accountIds)];
  const out: ContactRef[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    let query = ctx.db
      .selectFrom('contacts')
      .select(['id', 'account_id', 'name', 'email', 'role'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('account_id', 'in', unique.slice(i, i + CHUNK));
    if (filter.role !== undefined) query = query.where('role', '=', filter.role);
    for (const r of await query.orderBy('id').execute()) {
      if (filter.withEmail && r.email === null) continue;
      out.push({ id: r.id, accountId: r.account_id, name: r.name, email: r.email, role: r.role });
      if (filter.limit !== undefined && out.length >= filter.limit) return out;
    }
  }
  return out;
}

/** The workspace's contacts with one of these product user ids (any account), by id. */
export async function contactRefsByUserKey(
  ctx: Ctx,
  externalUserIds: Iterable<string>,
): Promise<(ContactRef & { externalUserId: string })[]> {
  const unique = [...new Set(externalUserIds)];
  const out: (ContactRef & { externalUserId: string })[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('contacts')
      .select(['id', 'account_id', 'name', 'email', 'role', 'external_user_id'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('external_user_id', 'in', unique.slice(i, i + CHUNK))
      .orderBy('id')
      .execute();
    for (const r of rows)
      out.push({
        id: r.id,
        accountId: r.account_id,
        name: r.name,
        email: r.email,
        role: r.role,
        externalUserId: r.external_user_id!,
      });
  }
  return out;
}

/** Which of these users own at least one account. */
export async function accountOwnersAmong(ctx: Ctx, userIds: Iterable<string>): Promise<string[]> {
  const unique = [...new Set(userIds)];
  const out: string[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('accounts')
      .select('owner_id')
      .distinct()
      .where('workspace_id', '=', ctx.workspace.id)
      .where('owner_id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) if (r.owner_id) out.push(r.owner_id);
  }
  return out.sort();
}

/**
 * Accounts with an owner whose renewal date is in [from, to], by id after `after`, `limit` at a
 * time (renewal notices walk them in bounded batches).
 */
export async function ownedAccountsRenewing(
  ctx: Ctx,
  range: { from: string; to: string; after: string; limit: number },
): Promise<(AccountRef & { ownerId: string; renewalDate: string })[]> {
  const rows = await ctx.db
    .selectFrom('accounts')
    .select(['id', 'external_id', 'name', 'owner_id', 'renewal_date'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('owner_id', 'is not', null)
    .where('renewal_date', '>=', range.from)
    .where('renewal_date', '<=', range.to)
    .where('id', '>', range.after)
    .orderBy('id')
    .limit(range.limit)
    .execute();
  return rows.map((r) => ({ ...toRef(r), ownerId: r.owner_id!, renewalDate: r.renewal_date! }));
}

/**
 * The workspace's accounts, with the columns other modules may read, as a subquery another
 * module's query joins (`.innerJoin(accountsView(ctx).as('a'), (j) => j.onRef('a.id', '=', ...))`)
 * or selects from, so a list that filters by owner or sorts and pages by name stays one query in
 * the database while the table name stays here. Both engines inline it (SQLite flattens it, Postgres
 * pulls it up), so the join uses accounts' indexes as a direct join would.
 */
export function accountsView(ctx: Ctx) {
  return ctx.db
    .selectFrom('accounts')
    .select([
      'id',
      'external_id',
      'name',
      'owner_id',
      'parent_id',
      'region',
      'industry',
      'product_lines',
      'tags',
      'licensed_seats',
      'go_live_date',
      'custom_fields',
      'arr_minor',
      'renewal_date',
    ])
    .where('workspace_id', '=', ctx.workspace.id);
}

/** accountsView limited to the accounts the caller may read (readableAccounts): for read routes. */
export function readableAccountsView(ctx: Ctx) {
  return accountsView(ctx).where(readableAccount(ctx, 'accounts.id'));
}

/**
 * The workspace's contracts with the columns other modules may read, as a subquery to select from
 * or join (see accountsView): the renewal pipeline reads contracts ending in a window this way.
 */
export function contractsView(ctx: Ctx) {
  return ctx.db
    .selectFrom('contracts')
    .select(['id', 'account_id', 'external_id', 'start_date', 'end_date', 'arr_minor', 'mrr_minor', 'status'])
    .where('workspace_id', '=', ctx.workspace.id);
}

/** Every child -> parent link of the workspace (accounts with a parent only): families' roll-ups. */
export async function accountParentLinks(ctx: Pick<Ctx, 'db' | 'workspace'>): Promise<Map<string, string>> {
  const rows = await ctx.db
    .selectFrom('accounts')
    .select(['id', 'parent_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('parent_id', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r.parent_id!]));
}

/** How many accounts the workspace has, or one owner has. */
export async function countAccounts(ctx: Ctx, filter: { ownerId?: string } = {}): Promise<number> {
  let q = ctx.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ctx.workspace.id);
  if (filter.ownerId !== undefined) q = q.where('owner_id', '=', filter.ownerId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/**
 * A condition for another module's query: the row's account (column `accountId`, such as
 * 't.account_id') still exists and the caller may read it (readableAccounts). Lists use it to
 * leave out rows of deleted and unreadable accounts while filtering and paging in SQL; correlated,
 * so it costs one primary-key probe per row, as a join would.
 */
export function accountExists(ctx: Ctx, accountId: string): Expression<SqlBool> {
  return expressionBuilder<Database, keyof Database>().exists(
    ctx.db
      .selectFrom('accounts')
      .select('id')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', sql.ref<string>(accountId))
      .where(readableAccount(ctx, 'accounts.id')),
  );
}

/** Is the user the account's owner or on its team (auth's `team` grants)? */
export async function isOnAccountTeam(ctx: Ctx, userId: string, accountId: string): Promise<boolean> {
  const owner = await ctx.db
    .selectFrom('accounts')
    .select('id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', accountId)
    .where('owner_id', '=', userId)
    .executeTakeFirst();
  if (owner) return true;
  const member = await ctx.db
    .selectFrom('account_members')
    .select('account_id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return member !== undefined;
}

/** The users on the account's team in `role` (csm, sales...), by user id so the order is stable. */
export async function accountMemberIds(ctx: Ctx, accountId: string, role: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('account_members')
    .select('user_id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .where('role', '=', role)
    .orderBy('user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** The contact that a product user id (Segment userId, PostHog distinct_id) belongs to. */
export async function findContactByExternalUserId(ctx: Pick<Ctx, 'db' | 'workspace'>, userId: string) {
  return ctx.db
    .selectFrom('contacts')
    .select(['id', 'account_id'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('external_user_id', '=', userId)
    .executeTakeFirst();
}

/** The external id of each contract's account, by the contract's external id, for those that exist. */
export async function contractAccountExternalIds(
  ctx: Pick<Ctx, 'db' | 'workspace'>,
  contractExternalIds: Iterable<string>,
): Promise<Map<string, string>> {
  const unique = [...new Set(contractExternalIds)];
  const out = new Map<string, string>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('contracts')
      .innerJoin('accounts', 'accounts.id', 'contracts.account_id')
      .select(['contracts.external_id', 'accounts.external_id as account_external_id'])
      .where('contracts.workspace_id', '=', ctx.workspace.id)
      .where('contracts.external_id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) if (r.external_id !== null) out.set(r.external_id, r.account_external_id);
  }
  return out;
}
