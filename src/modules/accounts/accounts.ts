import { accountsChanged } from '../../account-changes.ts';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import {
  AppError,
  conflict,
  type Issue,
  invalid,
  invalidField,
  invalidIssues,
  notFound,
} from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorize, userRefs, writeAudit } from '../auth/index.ts';
import { deleteAccountTimeline, recordAccountChange } from '../timeline/index.ts';
import {
  type Account,
  BulkUpdateAccounts,
  CreateAccount,
  type TeamMember,
  type TeamRole,
  UpdateAccount,
} from './accounts.schemas.ts';
import type { AccountsTable } from './accounts.table.ts';
import { fromMinor } from './contract-math.ts';
import { type CustomFieldValues, loadDefinitions, validateCustomFields } from './custom-fields.ts';
import { readableAccount } from './refs.ts';
import { accountSearchText as searchText } from './search-keys.ts';

/**
 * `definedKeys` are the workspace's custom field keys: values of a deleted definition stay stored
 * but are no longer returned.
 */
export function accountRowToAccount(
  row: AccountsTable,
  team: TeamMember[],
  currency: string,
  definedKeys: ReadonlySet<string>,
): Account {
  const customFields = parseJson<CustomFieldValues>(row.custom_fields, {});
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    parentId: row.parent_id,
    ownerId: row.owner_id,
    region: row.region,
    industry: row.industry,
    productLines: parseJson<string[]>(row.product_lines, []),
    licensedSeats: row.licensed_seats,
    goLiveDate: row.go_live_date,
    tags: parseJson<string[]>(row.tags, []),
    customFields: Object.fromEntries(Object.entries(customFields).filter(([key]) => definedKeys.has(key))),
    team,
    arr: fromMinor(Number(row.arr_minor), currency),
    mrr: fromMinor(Number(row.mrr_minor), currency),
    currency,
    renewalDate: row.renewal_date,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function loadTeams(ctx: Ctx, accountIds: readonly string[]): Promise<Map<string, TeamMember[]>> {
  const teams = new Map<string, TeamMember[]>(accountIds.map((id) => [id, []]));
  if (accountIds.length === 0) return teams;
  const rows = await ctx.db
    .selectFrom('account_members')
    .select(['account_id', 'user_id', 'role'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', 'in', accountIds)
    .orderBy('role')
    .orderBy('user_id')
    .execute();
  for (const r of rows) teams.get(r.account_id)?.push({ userId: r.user_id, role: r.role as TeamRole });
  return teams;
}

export async function findAccountRow(ctx: Ctx, id: string): Promise<AccountsTable | undefined> {
  return ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .where(readableAccount(ctx, 'accounts.id'))
    .executeTakeFirst();
}

export async function getAccountRow(ctx: Ctx, id: string): Promise<AccountsTable> {
  const row = await findAccountRow(ctx, id);
  if (!row) throw notFound('Account', id);
  return row;
}

async function toAccount(ctx: Ctx, row: AccountsTable): Promise<Account> {
  const teams = await loadTeams(ctx, [row.id]);
  const definedKeys = new Set((await loadDefinitions(ctx)).map((d) => d.key));
  return accountRowToAccount(row, teams.get(row.id) ?? [], ctx.workspace.baseCurrency, definedKeys);
}

export async function getAccount({ ctx, id }: { ctx: Ctx; id: string }): Promise<Account> {
  await authorize(ctx, 'read');
  return toAccount(ctx, await getAccountRow(ctx, id));
}

export async function findAccountByExternalId({ ctx, externalId }: { ctx: Ctx; externalId: string }) {
  await authorize(ctx, 'read');
  const row = await ctx.db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('external_id', '=', externalId)
    .where(readableAccount(ctx, 'accounts.id'))
    .executeTakeFirst();
  return row ? toAccount(ctx, row) : undefined;
}

/** Users referenced as owner or team member must be active users of this workspace. */
async function checkUsers(ctx: Ctx, ownerId: string | null | undefined, team: TeamMember[] | undefined) {
  const ids = [...new Set([...(ownerId ? [ownerId] : []), ...(team ?? []).map((m) => m.userId)])];
  if (ids.length === 0) return;
  const known = new Set([...(await userRefs(ctx, ids)).values()].filter((u) => u.active).map((u) => u.id));
  const issues: Issue[] = [];
  if (ownerId && !known.has(ownerId))
    issues.push({ path: 'ownerId', message: msg('accounts.error.noActiveUser', { id: ownerId }) });
  (team ?? []).forEach((m, i) => {
    if (!known.has(m.userId))
      issues.push({
        path: `team.${i}.userId`,
        message: msg('accounts.error.noActiveUser', { id: m.userId }),
      });
  });
  if (issues.length) throw invalidIssues(issues);
}

/** A parent must exist in the workspace and must not be the account itself or one of its descendants. */
async function checkParent(ctx: Ctx, accountId: string | undefined, parentId: string | null | undefined) {
  if (!parentId) return;
  const seen = new Set<string>();
  let cursor: string | null = parentId;
  while (cursor) {
    if (cursor === accountId) {
      throw invalid(msg('accounts.error.cycle'), {
        issues: [{ path: 'parentId', message: msg('accounts.error.cycleIssue') }],
      });
    }
    if (seen.has(cursor)) break; // an existing cycle elsewhere; not ours to report
    seen.add(cursor);
    const row: { parent_id: string | null } | undefined = await ctx.db
      .selectFrom('accounts')
      .select('parent_id')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', cursor)
      .executeTakeFirst();
    if (!row) {
      if (cursor === parentId) {
        throw invalidField('parentId', msg('accounts.error.noAccount', { id: parentId }));
      }
      break;
    }
    cursor = row.parent_id;
  }
}

async function replaceTeam(ctx: Ctx, accountId: string, team: TeamMember[]) {
  await ctx.db
    .deleteFrom('account_members')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('account_id', '=', accountId)
    .execute();
  const unique = [...new Map(team.map((m) => [`${m.userId}:${m.role}`, m])).values()];
  if (unique.length === 0) return;
  await ctx.db
    .insertInto('account_members')
    .values(
      unique.map((m) => ({
        workspace_id: ctx.workspace.id,
        account_id: accountId,
        user_id: m.userId,
        role: m.role,
      })),
    )
    .execute();
}

function rejectCustomFieldIssues(issues: Issue[]) {
  if (issues.length) throw invalidIssues(issues);
}

const uniqueExternalId = (externalId: string) =>
  conflict(msg('accounts.error.externalIdTaken', { id: externalId }));

export async function createAccount({ ctx, input }: { ctx: Ctx; input: CreateAccount }): Promise<Account> {
  await authorize(ctx, 'accounts:create');
  const data = CreateAccount.parse(input);
  return inTransaction(ctx, async (tx) => {
    const customFields = validateCustomFields(await loadDefinitions(tx), data.customFields ?? {});
    rejectCustomFieldIssues(customFields.issues);
    await checkUsers(tx, data.ownerId, data.team);
    await checkParent(tx, undefined, data.parentId);
    const now = nowIso(tx);
    const row: AccountsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      external_id: data.externalId,
      name: data.name,
      search_text: searchText(data.name, data.externalId),
      parent_id: data.parentId ?? null,
      owner_id: data.ownerId ?? null,
      region: data.region ?? null,
      industry: data.industry ?? null,
      product_lines: JSON.stringify(data.productLines ?? []),
      licensed_seats: data.licensedSeats ?? null,
      go_live_date: data.goLiveDate ?? null,
      tags: JSON.stringify(data.tags ?? []),
      custom_fields: JSON.stringify(customFields.value),
      arr_minor: 0,
      mrr_minor: 0,
      renewal_date: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('accounts').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw uniqueExternalId(data.externalId);
      throw error;
    }
    if (data.team) await replaceTeam(tx, row.id, data.team);
    const account = await toAccount(tx, row);
    await recordAccountChange(tx, {
      accountId: account.id,
      entityType: 'account',
      entityId: account.id,
      action: 'created',
      title: msg('event.accountCreated', { name: account.name }),
      after: editable(account),
    });
    return account;
  });
}

/** The fields people edit; derived figures are left out of diffs and audit rows. */
function editable(a: Account) {
  const { arr: _a, mrr: _m, currency: _c, renewalDate: _r, createdAt: _ca, updatedAt: _u, ...rest } = a;
  return rest;
}

export async function updateAccount({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateAccount }) {
  const data = UpdateAccount.parse(input);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getAccountRow(tx, id);
    await authorize(tx, 'accounts:update', id);
    return applyAccountUpdate(tx, beforeRow, data);
  });
}

async function applyAccountUpdate(
  ctx: Ctx,
  beforeRow: AccountsTable,
  data: ReturnType<typeof UpdateAccount.parse>,
) {
  const before = await toAccount(ctx, beforeRow);
  let customFields: CustomFieldValues | undefined;
  if (data.customFields) {
    const checked = validateCustomFields(
      await loadDefinitions(ctx),
      data.customFields,
      before.customFields as CustomFieldValues,
    );
    rejectCustomFieldIssues(checked.issues);
    customFields = checked.value;
  }
  await checkUsers(ctx, data.ownerId, data.team);
  if (data.parentId !== undefined) await checkParent(ctx, beforeRow.id, data.parentId);
  const name = data.name ?? beforeRow.name;
  const externalId = data.externalId ?? beforeRow.external_id;
  let afterRow: AccountsTable;
  try {
    afterRow = await ctx.db
      .updateTable('accounts')
      .set({
        external_id: data.externalId,
        name: data.name,
        search_text: searchText(name, externalId),
        parent_id: data.parentId,
        owner_id: data.ownerId,
        region: data.region,
        industry: data.industry,
        product_lines: data.productLines ? JSON.stringify(data.productLines) : undefined,
        licensed_seats: data.licensedSeats,
        go_live_date: data.goLiveDate,
        tags: data.tags ? JSON.stringify(data.tags) : undefined,
        custom_fields: customFields ? JSON.stringify(customFields) : undefined,
        updated_at: nowIso(ctx),
      })
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', beforeRow.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw uniqueExternalId(externalId);
    throw error;
  }
  if (data.team) await replaceTeam(ctx, beforeRow.id, data.team);
  const after = await toAccount(ctx, afterRow);
  await recordAccountChange(ctx, {
    accountId: after.id,
    entityType: 'account',
    entityId: after.id,
    action: 'updated',
    title: msg('event.accountUpdated', { name: after.name }),
    before: editable(before),
    after: editable(after),
  });
  await accountsChanged(ctx, [after.id], 'account');
  return after;
}

export async function deleteAccount({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  await authorize(ctx, 'accounts:delete');
  await inTransaction(ctx, async (tx) => {
    const row = await getAccountRow(tx, id);
    const child = await tx.db
      .selectFrom('accounts')
      .select('id')
      .where('workspace_id', '=', tx.workspace.id)
      .where('parent_id', '=', id)
      .executeTakeFirst();
    if (child) throw conflict(msg('accounts.error.hasChildren'));
    const before = await toAccount(tx, row);
    const ws = tx.workspace.id;
    // Contracts may renew one another; clear those links before deleting the account's contracts.
    await tx.db
      .updateTable('contracts')
      .set({ renews_contract_id: null })
      .where('workspace_id', '=', ws)
      .where('account_id', '=', id)
      .execute();
    await deleteAccountTimeline(tx, id);
    for (const table of ['contacts', 'contracts', 'account_members'] as const) {
      await tx.db.deleteFrom(table).where('workspace_id', '=', ws).where('account_id', '=', id).execute();
    }
    await tx.db.deleteFrom('accounts').where('workspace_id', '=', ws).where('id', '=', id).execute();
    // The account's timeline goes with it; the audit log keeps the full record of what was deleted.
    await writeAudit(tx, { action: 'account.deleted', entityType: 'account', entityId: id, before });
  });
}

export async function bulkUpdateAccounts({ ctx, input }: { ctx: Ctx; input: BulkUpdateAccounts }) {
  await authorize(ctx, 'accounts:bulk');
  const data = BulkUpdateAccounts.parse(input);
  return inTransaction(ctx, async (tx) => {
    const rows = await tx.db
      .selectFrom('accounts')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', 'in', data.ids)
      .execute();
    const found = new Set(rows.map((r) => r.id));
    const missing = data.ids.filter((id) => !found.has(id));
    if (missing.length) {
      throw new AppError(
        'not_found',
        msg('accounts.error.accountsNotFound', { ids: missing.slice(0, 5).join(', ') }),
        {
          missing,
        },
      );
    }
    const teams = data.teamRole ? await loadTeams(tx, data.ids) : undefined;
    const role = data.teamRole;
    // What actually changed, for the caller to report (an account already so is not counted).
    const changed = { ownerChanged: 0, tagsAdded: 0, tagsRemoved: 0, teamRoleSet: 0 };
    for (const row of rows) {
      const had = parseJson<string[]>(row.tags, []);
      const tags = new Set(had);
      for (const t of data.addTags ?? []) if (!tags.has(t)) tags.add(t);
      for (const t of data.removeTags ?? []) tags.delete(t);
      changed.tagsAdded += [...tags].some((t) => !had.includes(t)) ? 1 : 0;
      changed.tagsRemoved += had.some((t) => !tags.has(t)) ? 1 : 0;
      if (data.ownerId !== undefined && row.owner_id !== data.ownerId) changed.ownerChanged++;
      const current = teams?.get(row.id) ?? [];
      if (role && !current.some((m) => m.role === role.role && m.userId === role.userId))
        changed.teamRoleSet++;
      const team = role ? [...current.filter((m) => m.role !== role.role), role] : undefined;
      await applyAccountUpdate(tx, row, { ownerId: data.ownerId, tags: [...tags], team });
    }
    return { updated: rows.length, ...changed };
  });
}
