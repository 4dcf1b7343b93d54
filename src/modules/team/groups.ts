import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { conflict, duplicateKey, type Issue, invalidField, invalidIssues, notFound } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { nowIso } from '../../time.ts';
import { authorize, userRefs, writeAudit } from '../auth/index.ts';
import { type Condition, ConditionError, compileCondition, conditionToText } from '../facts/index.ts';
import { loadCatalogueMap } from '../segments/index.ts';
import { openTaskCounts } from '../tasks/index.ts';
import { CreateGroup, type Group, UpdateGroup } from './team.schemas.ts';
import type { CsmGroupsTable } from './team.table.ts';

/**
 * Facts a group scope may read: the ones assignment loads for every account in one query
 * (profile, ARR and the last recompute's tier, stage, health and segments), as seed 002's ways of
 * grouping need (tier, region, industry, product line, lifecycle stage, or a mix).
 */
export const SCOPE_FACTS = [
  'tier',
  'stage',
  'health.status',
  'health.score',
  'region',
  'industry',
  'product_lines',
  'tags',
  'segments',
  'arr',
  'licensed_seats',
  'parent_id',
] as const;

export async function compileScope(ctx: Ctx, input: unknown, path = 'scope'): Promise<Condition> {
  const catalogue = await loadCatalogueMap(ctx);
  const allowed = new Map([...catalogue].filter(([key]) => (SCOPE_FACTS as readonly string[]).includes(key)));
  try {
    return compileCondition(input, allowed);
  } catch (error) {
    if (!(error instanceof ConditionError)) throw error;
    throw invalidField(path, msg('team.error.scope', { problem: error.text, facts: SCOPE_FACTS.join(', ') }));
  }
}

type MemberRow = { user_id: string; group_id: string; capacity_factor: number; name: string; active: number };

async function loadMembers(ctx: Ctx, groupIds: readonly string[]): Promise<Map<string, MemberRow[]>> {
  const out = new Map<string, MemberRow[]>(groupIds.map((id) => [id, []]));
  if (!groupIds.length) return out;
  const members = await ctx.db
    .selectFrom('csm_group_members')
    .select(['user_id', 'group_id', 'capacity_factor'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('group_id', 'in', groupIds)
    .execute();
  const users = await userRefs(
    ctx,
    members.map((m) => m.user_id),
  );
  // By name, then id (code-unit order, the same on both engines).
  const rows = members
    .flatMap((m) => {
      const u = users.get(m.user_id);
      return u ? [{ ...m, name: u.name, active: u.active ? 1 : 0 }] : [];
    })
    .sort((a, b) => cmp(a.name, b.name) || cmp(a.user_id, b.user_id));
  for (const r of rows) out.get(r.group_id)?.push({ ...r, capacity_factor: Number(r.capacity_factor) });
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function toGroup(row: CsmGroupsTable, members: MemberRow[]): Group {
  const scope = parseJson<Condition | null>(row.scope, null);
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    leadId: row.lead_id,
    scope: scope as Group['scope'],
    scopeText: scope ? conditionToText(scope) : null,
    position: row.position,
    taskTypes: parseJson<string[] | null>(row.task_types, null) ?? [],
    members: members.map((m) => ({
      userId: m.user_id,
      name: m.name,
      active: m.active === 1,
      capacityFactor: m.capacity_factor,
    })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A task type is owned by one work-content group at most: routing must know where a task goes. */
async function checkTaskTypes(ctx: Ctx, groupId: string, types: readonly string[] | null | undefined) {
  if (!types?.length) return;
  const others = await ctx.db
    .selectFrom('csm_groups')
    .select(['id', 'key', 'task_types'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '!=', groupId)
    .where('task_types', 'is not', null)
    .execute();
  for (const o of others) {
    const owned = parseJson<string[]>(o.task_types, []);
    const clash = types.find((t) => owned.includes(t));
    if (clash)
      throw invalidField(
        `taskTypes.${types.indexOf(clash)}`,
        msg('team.taskTypeOwned', { type: clash, group: o.key }),
      );
  }
}

/**
 * Work-content routing (seed 002 method 6): for each task type a group owns, the member who should
 * take the next task of that type: the active member with the fewest open tasks per unit of
 * capacity (ties: larger capacity, then user id). The returned function counts each task it
 * routes, so a run that makes many tasks spreads them. Null: no group owns the type, or it has no
 * active member.
 */
export async function workGroupRouter(ctx: Ctx): Promise<(taskType: string) => string | null> {
  const groups = await ctx.db
    .selectFrom('csm_groups')
    .select(['id', 'task_types'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('task_types', 'is not', null)
    .orderBy('position')
    .execute();
  if (!groups.length) return () => null;
  const owner = new Map<string, string>();
  for (const g of groups)
    for (const t of parseJson<string[]>(g.task_types, [])) if (!owner.has(t)) owner.set(t, g.id);
  const members = await loadMembers(
    ctx,
    groups.map((g) => g.id),
  );
  const counts = await openTaskCounts(ctx);
  const load = new Map<string, number>();
  return (taskType) => {
    const groupId = owner.get(taskType);
    if (!groupId) return null;
    let best: { id: string; score: number; factor: number } | null = null;
    for (const m of members.get(groupId) ?? []) {
      if (m.active !== 1 || m.capacity_factor <= 0) continue;
      const open = load.get(m.user_id) ?? counts.get(m.user_id)?.open ?? 0;
      const score = open / m.capacity_factor;
      if (
        !best ||
        score < best.score ||
        (score === best.score &&
          (m.capacity_factor > best.factor || (m.capacity_factor === best.factor && m.user_id < best.id)))
      )
        best = { id: m.user_id, score, factor: m.capacity_factor };
    }
    if (!best) return null;
    load.set(best.id, (load.get(best.id) ?? counts.get(best.id)?.open ?? 0) + 1);
    return best.id;
  };
}

async function getGroupRow(ctx: Ctx, idOrKey: string): Promise<CsmGroupsTable> {
  const row = await ctx.db
    .selectFrom('csm_groups')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where((eb) => eb.or([eb('id', '=', idOrKey), eb('key', '=', idOrKey)]))
    .executeTakeFirst();
  if (!row) throw notFound('Group', idOrKey);
  return row;
}

export async function loadGroupRows(ctx: Ctx): Promise<CsmGroupsTable[]> {
  return ctx.db
    .selectFrom('csm_groups')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('position')
    .orderBy('key')
    .execute();
}

export async function listGroups({ ctx }: { ctx: Ctx; input?: unknown }) {
  await authorize(ctx, 'read');
  const rows = await loadGroupRows(ctx);
  const members = await loadMembers(
    ctx,
    rows.map((r) => r.id),
  );
  return { items: rows.map((r) => toGroup(r, members.get(r.id) ?? [])), nextCursor: null };
}

export async function getGroup({ ctx, id }: { ctx: Ctx; id: string }): Promise<Group> {
  await authorize(ctx, 'read');
  const row = await getGroupRow(ctx, id);
  return toGroup(row, (await loadMembers(ctx, [row.id])).get(row.id) ?? []);
}

/** Lead and members must be active users; a CSM is in one group only (409 names the other group). */
async function checkPeople(
  ctx: Ctx,
  groupId: string,
  leadId: string | null | undefined,
  members: { userId: string }[] | undefined,
) {
  const ids = [...new Set([...(leadId ? [leadId] : []), ...(members ?? []).map((m) => m.userId)])];
  if (!ids.length) return;
  const known = new Set([...(await userRefs(ctx, ids)).values()].filter((u) => u.active).map((u) => u.id));
  const issues: Issue[] = [];
  if (leadId && !known.has(leadId))
    issues.push({ path: 'leadId', message: msg('accounts.error.noActiveUser', { id: leadId }) });
  (members ?? []).forEach((m, i) => {
    if (!known.has(m.userId))
      issues.push({
        path: `members.${i}.userId`,
        message: msg('accounts.error.noActiveUser', { id: m.userId }),
      });
  });
  if (issues.length) throw invalidIssues(issues);
  if (new Set((members ?? []).map((m) => m.userId)).size !== (members ?? []).length) {
    throw invalidField('members', msg('team.error.listedTwice'));
  }
  const elsewhere = await ctx.db
    .selectFrom('csm_group_members as m')
    .innerJoin('csm_groups as g', (j) =>
      j.onRef('g.id', '=', 'm.group_id').onRef('g.workspace_id', '=', 'm.workspace_id'),
    )
    .select(['m.user_id', 'g.key'])
    .where('m.workspace_id', '=', ctx.workspace.id)
    .where('m.group_id', '!=', groupId)
    .where('m.user_id', 'in', (members ?? []).map((m) => m.userId).concat(['']))
    .executeTakeFirst();
  if (elsewhere) {
    throw conflict(msg('team.error.inOtherGroup', { user: elsewhere.user_id, group: elsewhere.key }));
  }
}

async function replaceMembers(
  ctx: Ctx,
  groupId: string,
  members: { userId: string; capacityFactor?: number }[],
) {
  await ctx.db
    .deleteFrom('csm_group_members')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('group_id', '=', groupId)
    .execute();
  if (!members.length) return;
  const now = nowIso(ctx);
  await ctx.db
    .insertInto('csm_group_members')
    .values(
      members.map((m) => ({
        workspace_id: ctx.workspace.id,
        user_id: m.userId,
        group_id: groupId,
        capacity_factor: m.capacityFactor ?? 1,
        created_at: now,
      })),
    )
    .execute();
}

export async function createGroup({ ctx, input }: { ctx: Ctx; input: CreateGroup }): Promise<Group> {
  await authorize(ctx, 'team:manage');
  const data = CreateGroup.parse(input);
  const scope = data.scope == null ? null : await compileScope(ctx, data.scope);
  return inTransaction(ctx, async (tx) => {
    const id = newId();
    await checkPeople(tx, id, data.leadId, data.members);
    await checkTaskTypes(tx, id, data.taskTypes);
    const last = await tx.db
      .selectFrom('csm_groups')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('workspace_id', '=', tx.workspace.id)
      .executeTakeFirst();
    const now = nowIso(tx);
    const row: CsmGroupsTable = {
      id,
      workspace_id: tx.workspace.id,
      key: data.key,
      name: data.name,
      lead_id: data.leadId ?? null,
      scope: scope ? JSON.stringify(scope) : null,
      task_types: data.taskTypes?.length ? JSON.stringify(data.taskTypes) : null,
      position: data.position ?? (last?.p == null ? 0 : Number(last.p) + 1),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('csm_groups').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateKey('Group', data.key);
      throw error;
    }
    await replaceMembers(tx, id, data.members ?? []);
    const group = toGroup(row, (await loadMembers(tx, [id])).get(id) ?? []);
    await writeAudit(tx, {
      action: 'csm_group.created',
      entityType: 'csm_group',
      entityId: id,
      after: group,
    });
    return group;
  });
}

export async function updateGroup({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateGroup }) {
  await authorize(ctx, 'team:manage');
  const data = UpdateGroup.parse(input);
  const scope =
    data.scope === undefined ? undefined : data.scope === null ? null : await compileScope(ctx, data.scope);
  return inTransaction(ctx, async (tx) => {
    const beforeRow = await getGroupRow(tx, id);
    const before = toGroup(beforeRow, (await loadMembers(tx, [beforeRow.id])).get(beforeRow.id) ?? []);
    await checkPeople(tx, beforeRow.id, data.leadId, data.members);
    await checkTaskTypes(tx, beforeRow.id, data.taskTypes);
    const row = await tx.db
      .updateTable('csm_groups')
      .set({
        name: data.name,
        lead_id: data.leadId,
        scope: scope === undefined ? undefined : scope === null ? null : JSON.stringify(scope),
        task_types:
          data.taskTypes === undefined
            ? undefined
            : data.taskTypes?.length
              ? JSON.stringify(data.taskTypes)
              : null,
        position: data.position,
        updated_at: nowIso(tx),
      })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', beforeRow.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (data.members) await replaceMembers(tx, row.id, data.members);
    const after = toGroup(row, (await loadMembers(tx, [row.id])).get(row.id) ?? []);
    await writeAudit(tx, {
      action: 'csm_group.updated',
      entityType: 'csm_group',
      entityId: row.id,
      before,
      after,
    });
    return after;
  });
}

/** The members stay users and keep their accounts; the next assignment places those accounts anew. */
export async function deleteGroup({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'team:manage');
  await inTransaction(ctx, async (tx) => {
    const row = await getGroupRow(tx, id);
    const before = toGroup(row, (await loadMembers(tx, [row.id])).get(row.id) ?? []);
    await replaceMembers(tx, row.id, []);
    await tx.db
      .deleteFrom('csm_groups')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', row.id)
      .execute();
    await writeAudit(tx, { action: 'csm_group.deleted', entityType: 'csm_group', entityId: row.id, before });
  });
}
