import { type SqlBool, sql } from 'kysely';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { AppError, invalid, notFound } from '../../errors.ts';
import { type Message, msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import { nowIso } from '../../time.ts';
import { accountExists, accountRefs, findAccountRef, findContactRef } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import { accountIdsWithState } from '../state/index.ts';
import { valueParam, writeTimeline } from '../timeline/index.ts';
import type { RenderedScore } from './priority-rule.ts';
import {
  CLOSED_STATUSES,
  CreateRequest,
  type CustomerRequest,
  ListRequests,
  type RequestStatus,
  type RequestType,
  SimilarQuery,
  UpdateRequest,
} from './requests.schemas.ts';
import type { CustomerRequestsTable } from './requests.table.ts';
import { scoreRows } from './score-requests.ts';
import { loadRequestSettings } from './settings.ts';
import { normalizeText, requestGrams, textGrams } from './similarity.ts';

type Row = CustomerRequestsTable;

export const requestRowToRequest = (
  r: Row,
  accountName: string,
  priority: RenderedScore,
): CustomerRequest => ({
  id: r.id,
  number: Number(r.number),
  accountId: r.account_id,
  accountName,
  contactId: r.contact_id,
  type: r.type as RequestType,
  productArea: r.product_area,
  title: r.title,
  description: r.description,
  status: r.status as RequestStatus,
  showcase: r.showcase === 1,
  groupId: r.group_id,
  groupedBy: r.grouped_by as CustomerRequest['groupedBy'],
  loggedBy: r.logged_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  statusChangedAt: r.status_changed_at,
  closedAt: r.closed_at,
  priority,
});

/** The workspace's requests whose account still exists (requests of a deleted account are hidden). */
export const selectRequests = (ctx: Ctx) =>
  ctx.db
    .selectFrom('customer_requests as r')
    .selectAll('r')
    .where('r.workspace_id', '=', ctx.workspace.id)
    .where(accountExists(ctx, 'r.account_id'));

export async function getRequestRow(ctx: Ctx, id: string): Promise<Row> {
  const row = await selectRequests(ctx).where('r.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Request', id);
  return row;
}

/** Rows -> API objects with their priorities (one scoring pass for all). */
export async function toRequests(ctx: Ctx, rows: readonly Row[]): Promise<CustomerRequest[]> {
  const { priorities } = await scoreRows(ctx, rows, await loadRequestSettings(ctx));
  const accounts = await accountRefs(
    ctx,
    rows.map((r) => r.account_id),
  );
  return rows.map((r) =>
    requestRowToRequest(r, accounts.get(r.account_id)?.name ?? '', priorities.get(r.id)!),
  );
}

const closedAt = (status: string, now: string) =>
  (CLOSED_STATUSES as readonly string[]).includes(status) ? now : null;

/** The next "#number" of the workspace: one atomic upsert, so concurrent loggers never share one. */
async function nextNumber(ctx: Ctx): Promise<number> {
  const row = await ctx.db
    .insertInto('request_settings')
    .values({ workspace_id: ctx.workspace.id, settings: '{}', last_number: 1, updated_at: nowIso(ctx) })
    .onConflict((oc) =>
      oc.column('workspace_id').doUpdateSet({ last_number: sql<number>`request_settings.last_number + 1` }),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return Number(row.last_number);
}

async function requireAccount(ctx: Ctx, accountId: string) {
  const account = await findAccountRef(ctx, accountId);
  if (!account)
    throw invalid(msg('error.notFoundId', { what: msg('entity.account'), id: accountId }), {
      issues: [{ path: 'accountId', message: msg('requests.error.noSuchAccount') }],
    });
  return account;
}

async function checkContact(ctx: Ctx, contactId: string, accountId: string) {
  const contact = await findContactRef(ctx, contactId);
  if (!contact || contact.accountId !== accountId) {
    throw invalid(msg('requests.error.contactNotOfAccount', { contact: contactId, account: accountId }), {
      issues: [{ path: 'contactId', message: msg('requests.error.notThisAccountsContact') }],
    });
  }
}

export async function requireGroup(ctx: Ctx, groupId: string, path?: string) {
  const group = await ctx.db
    .selectFrom('request_groups')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (group) return group;
  if (path)
    throw invalid(msg('error.notFoundId', { what: msg('entity.requestGroup'), id: groupId }), {
      issues: [{ path, message: msg('requests.error.noSuchGroup') }],
    });
  throw notFound('Request group', groupId);
}

async function writeGrams(ctx: Ctx, requestId: string, grams: readonly string[]) {
  await ctx.db
    .deleteFrom('request_grams')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('request_id', '=', requestId)
    .execute();
  for (let i = 0; i < grams.length; i += 300) {
    const values = grams
      .slice(i, i + 300)
      .map((gram) => ({ workspace_id: ctx.workspace.id, gram, request_id: requestId }));
    if (values.length) await ctx.db.insertInto('request_grams').values(values).execute();
  }
}

export type SimilarMatch = {
  id: string;
  number: number;
  title: string;
  accountId: string;
  accountName: string;
  status: string;
  groupId: string | null;
  similarity: number;
};

/**
 * Requests whose title is most like `grams` (Dice over distinct grams). The gram index gives the
 * 200 requests sharing the most grams (an indexed lookup, not a scan of the workspace); Dice is
 * exact from the shared count and each request's gram count.
 */
export async function findSimilar(
  ctx: Ctx,
  grams: readonly string[],
  options: { excludeId?: string; limit: number; min: number },
): Promise<SimilarMatch[]> {
  if (grams.length === 0) return [];
  // Two steps, each on one table, so the plan does not hinge on statistics: an aggregate over the
  // (workspace_id, gram) prefix of the gram index, then the details of at most 200 candidates.
  // (Joined in one query, PostgreSQL with fresh statistics chose to walk every request's grams.)
  let q = ctx.db
    .selectFrom('request_grams')
    .select((eb) => ['request_id', eb.fn.countAll<number>().as('shared')])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('gram', 'in', [...grams]);
  if (options.excludeId) q = q.where('request_id', '!=', options.excludeId);
  const shared = await q
    .groupBy('request_id')
    .orderBy('shared', 'desc')
    .orderBy('request_id', 'desc')
    .limit(200)
    .execute();
  if (shared.length === 0) return [];
  const sharedById = new Map(shared.map((r) => [r.request_id, Number(r.shared)]));
  const rows = await selectRequests(ctx)
    .where(
      'r.id',
      'in',
      shared.map((r) => r.request_id),
    )
    .execute();
  const accounts = await accountRefs(
    ctx,
    rows.map((r) => r.account_id),
  );
  return rows
    .map((r) => ({
      id: r.id,
      number: Number(r.number),
      title: r.title,
      accountId: r.account_id,
      accountName: accounts.get(r.account_id)?.name ?? '',
      status: r.status,
      groupId: r.group_id,
      similarity:
        Math.round(((2 * sharedById.get(r.id)!) / (grams.length + Number(r.gram_count))) * 1000) / 1000,
    }))
    .filter((m) => m.similarity >= options.min)
    .sort((a, b) => b.similarity - a.similarity || b.number - a.number)
    .slice(0, options.limit);
}

/** Suggestions for a draft, so the UI can say "looks like #123" before it is logged. */
export async function similarRequests({ ctx, input }: { ctx: Ctx; input: SimilarQuery }) {
  await authorize(ctx, 'read');
  const data = SimilarQuery.parse(input);
  const settings = await loadRequestSettings(ctx);
  const matches = await findSimilar(ctx, textGrams(normalizeText(data.text)), {
    excludeId: data.excludeId,
    limit: data.limit,
    min: data.minSimilarity,
  });
  return {
    threshold: settings.groupThreshold,
    items: matches.map((m) => ({
      requestId: m.id,
      number: m.number,
      title: m.title,
      accountId: m.accountId,
      accountName: m.accountName,
      status: m.status as RequestStatus,
      groupId: m.groupId,
      similarity: m.similarity,
      wouldGroup: m.similarity >= settings.groupThreshold,
    })),
  };
}

/**
 * Logs a request. Unless a group is named (or null), it joins the group of the most similar
 * request at or above the workspace's threshold, or forms a new group with that request: the
 * proposal managers and CSMs then confirm, merge or split.
 */
export async function createRequest({ ctx, input }: { ctx: Ctx; input: CreateRequest }) {
  await authorize(ctx, 'requests:write');
  const data = CreateRequest.parse(input);
  const id = await inTransaction(ctx, async (tx) => {
    const account = await requireAccount(tx, data.accountId);
    if (data.contactId) await checkContact(tx, data.contactId, data.accountId);
    if (data.groupId) await requireGroup(tx, data.groupId, 'groupId');
    const settings = await loadRequestSettings(tx);
    const grams = requestGrams(data.title);
    const now = nowIso(tx);
    const row: CustomerRequestsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      number: await nextNumber(tx),
      account_id: data.accountId,
      contact_id: data.contactId ?? null,
      type: data.type,
      product_area: data.productArea ?? null,
      title: data.title,
      description: data.description ?? null,
      status: data.status,
      showcase: data.showcase ? 1 : 0,
      group_id: data.groupId ?? null,
      grouped_by: data.groupId ? 'manual' : null,
      gram_count: grams.length,
      logged_by: actorId(tx),
      created_at: now,
      updated_at: now,
      status_changed_at: now,
      closed_at: closedAt(data.status, now),
    };
    let proposal: SimilarMatch | undefined;
    if (data.groupId === undefined) {
      [proposal] = await findSimilar(tx, grams, { limit: 1, min: settings.groupThreshold });
      if (proposal) {
        row.group_id = proposal.groupId ?? (await createGroup(tx, proposal.title));
        row.grouped_by = 'auto';
        if (!proposal.groupId) {
          await tx.db
            .updateTable('customer_requests')
            .set({ group_id: row.group_id, grouped_by: 'auto' })
            .where('workspace_id', '=', tx.workspace.id)
            .where('id', '=', proposal.id)
            .execute();
        }
      }
    }
    await tx.db.insertInto('customer_requests').values(row).execute();
    await writeGrams(tx, row.id, grams);
    await writeAudit(tx, { action: 'request.created', entityType: 'request', entityId: row.id, after: row });
    await writeTimeline(tx, {
      accountId: account.id,
      type: 'request.logged',
      title: msg('event.requestLogged', { number: row.number, title: row.title }),
      body: row.description,
      entityType: 'request',
      entityId: row.id,
      data: {
        number: row.number,
        type: row.type,
        status: row.status,
        productArea: row.product_area,
        groupId: row.group_id,
        similarTo: proposal
          ? { requestId: proposal.id, number: proposal.number, similarity: proposal.similarity }
          : null,
      },
    });
    return row.id;
  });
  return getRequest({ ctx, id });
}

export async function createGroup(ctx: Ctx, title: string): Promise<string> {
  const now = nowIso(ctx);
  const id = newId();
  await ctx.db
    .insertInto('request_groups')
    .values({ id, workspace_id: ctx.workspace.id, title, created_at: now, updated_at: now })
    .execute();
  return id;
}

export async function getRequest({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'read');
  const [request] = await toRequests(ctx, [await getRequestRow(ctx, id)]);
  return request!;
}

/** Changes fields; a status change is written on the account's timeline with from and to. */
export async function updateRequest({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateRequest }) {
  await authorize(ctx, 'requests:write');
  const data = UpdateRequest.parse(input);
  await inTransaction(ctx, async (tx) => {
    const before = await getRequestRow(tx, id);
    if (data.contactId) await checkContact(tx, data.contactId, before.account_id);
    const now = nowIso(tx);
    const patch: Partial<CustomerRequestsTable> = {
      contact_id: data.contactId,
      type: data.type,
      product_area: data.productArea,
      title: data.title,
      description: data.description,
      showcase: data.showcase === undefined ? undefined : data.showcase ? 1 : 0,
      updated_at: now,
    };
    const statusChanged = data.status !== undefined && data.status !== before.status;
    if (statusChanged) {
      patch.status = data.status;
      patch.status_changed_at = now;
      patch.closed_at = closedAt(data.status!, now);
    }
    if (data.title !== undefined && data.title !== before.title) {
      const grams = requestGrams(data.title);
      patch.gram_count = grams.length;
      await writeGrams(tx, id, grams);
    }
    const after = await tx.db
      .updateTable('customer_requests')
      .set(patch)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, {
      action: 'request.updated',
      entityType: 'request',
      entityId: id,
      before,
      after,
    });
    if (statusChanged) await recordStatusChange(tx, after, before.status);
  });
  return getRequest({ ctx, id });
}

export async function recordStatusChange(ctx: Ctx, row: CustomerRequestsTable, from: string) {
  await writeTimeline(ctx, {
    accountId: row.account_id,
    type: 'request.status_changed',
    title: msg('event.requestStatusChanged', {
      number: row.number,
      from: valueParam('requestStatus', from),
      to: valueParam('requestStatus', row.status),
      title: row.title,
    }),
    entityType: 'request',
    entityId: row.id,
    data: { number: row.number, changes: { status: [from, row.status] } },
  });
}

/** Deletes a request logged by mistake (a group left with one request is dissolved). */
export async function deleteRequest({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'requests:delete');
  await inTransaction(ctx, async (tx) => {
    const before = await getRequestRow(tx, id);
    await tx.db
      .deleteFrom('request_grams')
      .where('workspace_id', '=', tx.workspace.id)
      .where('request_id', '=', id)
      .execute();
    await tx.db
      .deleteFrom('customer_requests')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    if (before.group_id) await dissolveIfSmall(tx, before.group_id);
    await writeAudit(tx, { action: 'request.deleted', entityType: 'request', entityId: id, before });
  });
}

/** A group of fewer than two requests groups nothing: its last request becomes ungrouped. */
export async function dissolveIfSmall(ctx: Ctx, groupId: string): Promise<boolean> {
  const members = await ctx.db
    .selectFrom('customer_requests')
    .select('id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('group_id', '=', groupId)
    .limit(2)
    .execute();
  if (members.length >= 2) return false;
  await ctx.db
    .updateTable('customer_requests')
    .set({ group_id: null, grouped_by: null })
    .where('workspace_id', '=', ctx.workspace.id)
    .where('group_id', '=', groupId)
    .execute();
  await ctx.db
    .deleteFrom('request_groups')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', groupId)
    .execute();
  return true;
}

export type RequestFilters = {
  type?: RequestType[];
  status?: RequestStatus[];
  productArea?: string;
  tier?: string;
};

/** Filters shared by the list and the ranked list. */
export function filteredRequests(ctx: Ctx, f: RequestFilters) {
  let q = selectRequests(ctx);
  if (f.type) q = q.where('r.type', 'in', f.type);
  if (f.status) q = q.where('r.status', 'in', f.status);
  if (f.productArea) q = q.where('r.product_area', '=', f.productArea);
  if (f.tier) {
    const tier = f.tier;
    q = q.where('r.account_id', 'in', accountIdsWithState(ctx, { tier }));
  }
  return q;
}

/**
 * Newest or oldest first page by page (keyset on the number), or by priority: the score depends
 * on today (renewal windows) and on each group's members, so that sort scores the filtered
 * requests on read and pages by offset.
 */
export async function listRequests({ ctx, input }: { ctx: Ctx; input: ListRequests }) {
  await authorize(ctx, 'read');
  const data = ListRequests.parse(input);
  let q = filteredRequests(ctx, data);
  if (data.accountId) q = q.where('r.account_id', '=', data.accountId);
  if (data.groupId) q = q.where('r.group_id', '=', data.groupId);
  if (data.q) {
    const like = `%${data.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where(() => sql<SqlBool>`lower(r.title) like ${like} escape '\\'`);
  }
  if (data.sort === 'priority') {
    const offset = data.cursor ? Number(decodeCursor(data.cursor, ['offset'])[0]) : 0;
    const items = await toRequests(ctx, await q.execute());
    items.sort((a, b) => b.priority.score - a.priority.score || b.number - a.number);
    const page = items.slice(offset, offset + data.limit);
    return {
      items: page,
      nextCursor: offset + data.limit < items.length ? encodeCursor([offset + data.limit]) : null,
    };
  }
  const desc = data.sort === 'newest';
  if (data.cursor) {
    const [after] = decodeCursor(data.cursor, ['number']) as [number];
    q = q.where('r.number', desc ? '<' : '>', Number(after));
  }
  const rows = await q
    .orderBy('r.number', desc ? 'desc' : 'asc')
    .limit(data.limit + 1)
    .execute();
  const page = rows.slice(0, data.limit);
  return {
    items: await toRequests(ctx, page),
    nextCursor: rows.length > data.limit ? encodeCursor([Number(page.at(-1)!.number)]) : null,
  };
}

export const badRequestIds = (path: string, ids: string[], message: Message) =>
  new AppError('validation_failed', msg('error.fieldProblem', { path: message, problem: ids.join(', ') }), {
    issues: [{ path, message }],
  });
