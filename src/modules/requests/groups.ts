import type { Ctx } from '../../context.ts';
import { inTransaction } from '../../context.ts';
import { msg } from '../../i18n/index.ts';
import { decodeCursor, encodeCursor } from '../../pagination.ts';
import { nowIso } from '../../time.ts';
import { accountRefs } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { RenderedScore } from './priority-rule.ts';
import {
  CLOSED_STATUSES,
  MergeRequests,
  OPEN_STATUSES,
  type RankedItem,
  RankedQuery,
  type RequestGroup,
  type RequestStatus,
  type RequestType,
  SplitGroup,
  UpdateGroup,
} from './requests.schemas.ts';
import type { CustomerRequestsTable } from './requests.table.ts';
import {
  badRequestIds,
  createGroup,
  dissolveIfSmall,
  filteredRequests,
  recordStatusChange,
  requestRowToRequest,
  requireGroup,
  selectRequests,
} from './requests.ts';
import { type AccountInfo, chunks, isHighValue, scoreRows } from './score-requests.ts';
import { loadRequestSettings } from './settings.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

type AskingOut = RankedItem['accounts'][number];

function askingAccounts(
  rows: readonly { id: string; account_id: string }[],
  accounts: Map<string, AccountInfo>,
  highValue: (a: AccountInfo) => boolean,
): AskingOut[] {
  const byAccount = new Map<string, AskingOut>();
  for (const r of rows) {
    const a = accounts.get(r.account_id);
    if (!a) continue;
    const entry = byAccount.get(a.accountId) ?? {
      accountId: a.accountId,
      name: a.name,
      tier: a.tier,
      arr: a.arr,
      healthStatus: a.healthStatus,
      renewalDate: a.renewalDate,
      daysToRenewal: a.daysToRenewal,
      highValue: highValue(a),
      requestIds: [],
    };
    entry.requestIds.push(r.id);
    byAccount.set(a.accountId, entry);
  }
  return [...byAccount.values()].sort((x, y) => y.arr - x.arr || x.name.localeCompare(y.name));
}

const best = (ids: readonly string[], priorities: Map<string, RenderedScore>) =>
  ids.reduce((top, id) => (priorities.get(id)!.score > priorities.get(top)!.score ? id : top), ids[0]!);

/**
 * The ranked list for product and CS managers: each group (its matching requests together) and
 * each ungrouped request, by priority. A group's priority is its best request's: the group is as
 * urgent as the strongest reason anyone has for it, whether that is one strategic account's ask or
 * the volume of small ones (every small asker's score already counts the whole group).
 */
export async function rankedRequests({ ctx, input }: { ctx: Ctx; input: RankedQuery }) {
  await authorize(ctx, 'read');
  const data = RankedQuery.parse(input);
  const settings = await loadRequestSettings(ctx);
  const rows = await filteredRequests(ctx, { ...data, status: data.status ?? [...OPEN_STATUSES] }).execute();
  const { priorities, accounts } = await scoreRows(ctx, rows, settings);
  const titles = new Map<string, string>();
  const groupIds = [...new Set(rows.map((r) => r.group_id).filter((g): g is string => g !== null))];
  for (const batch of chunks(groupIds)) {
    const groups = await ctx.db
      .selectFrom('request_groups')
      .select(['id', 'title'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', 'in', batch)
      .execute();
    for (const g of groups) titles.set(g.id, g.title);
  }
  const buckets = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = r.group_id ?? `request:${r.id}`;
    buckets.set(key, [...(buckets.get(key) ?? []), r]);
  }
  const hv = (a: AccountInfo) => isHighValue(a, settings);
  const items: RankedItem[] = [...buckets.values()].map((members) => {
    const groupId = members[0]!.group_id;
    const top = best(
      members.map((m) => m.id),
      priorities,
    );
    const topRow = members.find((m) => m.id === top)!;
    const asking = askingAccounts(members, accounts, hv);
    return {
      kind: groupId ? 'group' : 'request',
      groupId,
      requestId: groupId ? null : topRow.id,
      title: groupId ? (titles.get(groupId) ?? topRow.title) : topRow.title,
      types: [...new Set(members.map((m) => m.type as RequestType))],
      productAreas: [...new Set(members.map((m) => m.product_area).filter((p): p is string => p !== null))],
      statuses: [...new Set(members.map((m) => m.status as RequestStatus))],
      requestCount: members.length,
      accountCount: asking.length,
      totalArr: round2(asking.reduce((s, a) => s + a.arr, 0)),
      priority: priorities.get(top)!,
      topRequestId: top,
      accounts: asking,
    };
  });
  items.sort(
    (a, b) =>
      b.priority.score - a.priority.score ||
      b.accountCount - a.accountCount ||
      a.title.localeCompare(b.title),
  );
  const offset = data.cursor ? Number(decodeCursor(data.cursor, ['offset'])[0]) : 0;
  return {
    items: items.slice(offset, offset + data.limit),
    nextCursor: offset + data.limit < items.length ? encodeCursor([offset + data.limit]) : null,
  };
}

/** A group with every request in it (open or closed), the accounts asking and its priority. */
export async function getRequestGroup({ ctx, id }: { ctx: Ctx; id: string }): Promise<RequestGroup> {
  await authorize(ctx, 'read');
  const group = await requireGroup(ctx, id);
  const rows = await selectRequests(ctx).where('r.group_id', '=', id).orderBy('r.number').execute();
  const settings = await loadRequestSettings(ctx);
  const { priorities, accounts } = await scoreRows(ctx, rows, settings);
  const open = rows.filter((r) => !(CLOSED_STATUSES as readonly string[]).includes(r.status));
  const asking = askingAccounts(open, accounts, (a) => isHighValue(a, settings));
  const names = await accountRefs(
    ctx,
    rows.map((r) => r.account_id),
  );
  return {
    id: group.id,
    title: group.title,
    createdAt: group.created_at,
    updatedAt: group.updated_at,
    requests: rows.map((r) =>
      requestRowToRequest(r, names.get(r.account_id)?.name ?? '', priorities.get(r.id)!),
    ),
    accounts: asking,
    totalArr: round2(asking.reduce((s, a) => s + a.arr, 0)),
    priority:
      open.length === 0
        ? null
        : priorities.get(
            best(
              open.map((r) => r.id),
              priorities,
            ),
          )!,
  };
}

async function loadRequestRows(ctx: Ctx, ids: readonly string[], path: string) {
  const unique = [...new Set(ids)];
  const rows: CustomerRequestsTable[] = [];
  for (const batch of chunks(unique)) {
    rows.push(
      ...(await ctx.db
        .selectFrom('customer_requests')
        .selectAll()
        .where('workspace_id', '=', ctx.workspace.id)
        .where('id', 'in', batch)
        .execute()),
    );
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length) throw badRequestIds(path, missing, msg('requests.error.noSuchRequests'));
  // In the order asked: the database's order is its own (PostgreSQL's differs from SQLite's).
  return unique.map((id) => byId.get(id)!);
}

/**
 * Puts the named requests and every request of the named groups into one group (the first named
 * group, or a new one); emptied groups are deleted. Marks them grouped by hand.
 */
export async function mergeRequests({ ctx, input }: { ctx: Ctx; input: MergeRequests }) {
  await authorize(ctx, 'requests:group');
  const data = MergeRequests.parse(input);
  const id = await inTransaction(ctx, async (tx) => {
    const requests = await loadRequestRows(tx, data.requestIds, 'requestIds');
    const groups = [];
    for (const g of [...new Set(data.groupIds)]) groups.push(await requireGroup(tx, g, 'groupIds'));
    const target = groups[0]?.id ?? (await createGroup(tx, data.title ?? requests[0]!.title));
    // Named groups move whole; a named request moves alone, and the group it leaves keeps the rest.
    const from = new Set(groups.map((g) => g.id));
    from.delete(target);
    const left = new Set(
      requests.map((r) => r.group_id).filter((g): g is string => g !== null && g !== target),
    );
    for (const g of from) left.delete(g);
    const now = nowIso(tx);
    await tx.db
      .updateTable('customer_requests')
      .set({ group_id: target, grouped_by: 'manual', updated_at: now })
      .where('workspace_id', '=', tx.workspace.id)
      .where((eb) =>
        eb.or([
          ...(requests.length
            ? [
                eb(
                  'id',
                  'in',
                  requests.map((r) => r.id),
                ),
              ]
            : []),
          ...(from.size ? [eb('group_id', 'in', [...from])] : []),
        ]),
      )
      .execute();
    for (const g of from) {
      await tx.db
        .deleteFrom('request_groups')
        .where('workspace_id', '=', tx.workspace.id)
        .where('id', '=', g)
        .execute();
    }
    for (const g of left) await dissolveIfSmall(tx, g);
    await tx.db
      .updateTable('request_groups')
      .set({ title: data.title, updated_at: now })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', target)
      .execute();
    if (await dissolveIfSmall(tx, target)) {
      throw badRequestIds('requestIds', data.requestIds, msg('requests.error.mergeNeedsTwo'));
    }
    await writeAudit(tx, {
      action: 'request_group.merged',
      entityType: 'request_group',
      entityId: target,
      after: { requestIds: data.requestIds, groupIds: data.groupIds, mergedGroups: [...from] },
    });
    return target;
  });
  return getRequestGroup({ ctx, id });
}

/**
 * Takes requests out of a group: ungrouped, or together into a new group. Either side left with a
 * single request is dissolved. Returns what is left of the group (404 later if it was dissolved).
 */
export async function splitRequestGroup({ ctx, id, input }: { ctx: Ctx; id: string; input: SplitGroup }) {
  await authorize(ctx, 'requests:group');
  const data = SplitGroup.parse(input);
  return inTransaction(ctx, async (tx) => {
    const group = await requireGroup(tx, id);
    const rows = await loadRequestRows(tx, data.requestIds, 'requestIds');
    const outside = rows.filter((r) => r.group_id !== group.id).map((r) => r.id);
    if (outside.length) throw badRequestIds('requestIds', outside, msg('requests.error.notInGroup'));
    const newGroup =
      data.newGroup && rows.length >= 2 ? await createGroup(tx, data.title ?? rows[0]!.title) : null;
    await tx.db
      .updateTable('customer_requests')
      .set({ group_id: newGroup, grouped_by: newGroup ? 'manual' : null, updated_at: nowIso(tx) })
      .where('workspace_id', '=', tx.workspace.id)
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    // The requests that stay were confirmed by whoever split the others off.
    await tx.db
      .updateTable('customer_requests')
      .set({ grouped_by: 'manual' })
      .where('workspace_id', '=', tx.workspace.id)
      .where('group_id', '=', group.id)
      .execute();
    const dissolved = await dissolveIfSmall(tx, group.id);
    await writeAudit(tx, {
      action: 'request_group.split',
      entityType: 'request_group',
      entityId: group.id,
      after: { requestIds: data.requestIds, newGroupId: newGroup, dissolved },
    });
    return {
      groupId: dissolved ? null : group.id,
      newGroupId: newGroup,
      movedRequestIds: rows.map((r) => r.id),
    };
  });
}

/** Renames a group, or moves all its open requests to a status (each on its account's timeline). */
export async function updateRequestGroup({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateGroup }) {
  const data = UpdateGroup.parse(input);
  // Renaming is grouping work; moving the requests' status is what any request editor may do.
  if (data.title !== undefined || data.status === undefined) await authorize(ctx, 'requests:group');
  if (data.status !== undefined) await authorize(ctx, 'requests:write');
  await inTransaction(ctx, async (tx) => {
    const group = await requireGroup(tx, id);
    const now = nowIso(tx);
    await tx.db
      .updateTable('request_groups')
      .set({ title: data.title, updated_at: now })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', group.id)
      .execute();
    let moved: string[] = [];
    if (data.status !== undefined) {
      const status = data.status;
      const open = await tx.db
        .selectFrom('customer_requests')
        .selectAll()
        .where('workspace_id', '=', tx.workspace.id)
        .where('group_id', '=', group.id)
        .where('status', 'in', [...OPEN_STATUSES])
        .where('status', '!=', status)
        .execute();
      for (const before of open) {
        const after = await tx.db
          .updateTable('customer_requests')
          .set({
            status,
            status_changed_at: now,
            updated_at: now,
            closed_at: (CLOSED_STATUSES as readonly string[]).includes(status) ? now : null,
          })
          .where('workspace_id', '=', tx.workspace.id)
          .where('id', '=', before.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordStatusChange(tx, after, before.status);
      }
      moved = open.map((r) => r.id);
    }
    await writeAudit(tx, {
      action: 'request_group.updated',
      entityType: 'request_group',
      entityId: group.id,
      before: { title: group.title },
      after: { title: data.title ?? group.title, status: data.status, requestIds: moved },
    });
  });
  return getRequestGroup({ ctx, id });
}
