// Journey milestones (seed 003: setup by day 30, core features 3 days a week by day 90, business
// goals by day 180, expansion by day 365): ordered, each due a number of days after the account's
// go-live and reached when its condition over the facts holds. recordMilestones (after each
// recompute) stores the first day each account met each milestone and the day one went late, and
// puts both on the account's timeline; the facts and the `milestone_late` trigger read them.
import { z } from '@hono/zod-openapi';
import { type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation, parseJson } from '../../db/dialect.ts';
import { AppError, conflict } from '../../errors.ts';
import { msg, readText, storedMessage } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { addDays, nowIso, today } from '../../time.ts';
import { accountsView, getAccountRef } from '../accounts/index.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { Condition } from '../facts/condition.ts';
import { evaluateCondition } from '../facts/condition-eval.ts';
import { conditionToText } from '../facts/condition-text.ts';
import { loadEvaluationBatch } from '../facts/evaluation-batch.ts';
import { BodyChecker, ConditionInput, ConditionJson, Key, loadCatalogueMap } from '../segments/index.ts';
import { writeTimelineEntries } from '../timeline/index.ts';
import { MILESTONE_STATUSES, milestoneStatus } from './milestone-maths.ts';
import type { AccountMilestonesTable, JourneyMilestonesTable } from './plans.table.ts';

/** Noon UTC of the day the milestone moved, but never later than now (today's noon may be ahead). */
const noonOrNow = (ctx: Ctx, day: string) => {
  const noon = `${day}T12:00:00.000Z`;
  const now = nowIso(ctx);
  return noon < now ? noon : now;
};

export const JourneyMilestone = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    position: z.number(),
    dueDay: z.number(),
    condition: ConditionJson,
    conditionText: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('JourneyMilestone');
export type JourneyMilestone = z.infer<typeof JourneyMilestone>;

export const MilestoneStatus = z.enum(MILESTONE_STATUSES).openapi('MilestoneStatus');
export const AccountMilestone = z.object({
  milestoneId: z.string(),
  key: z.string(),
  name: z.string(),
  position: z.number(),
  dueDay: z.number(),
  /** go-live + dueDay; null without a go-live date. */
  dueDate: z.string().nullable(),
  /** null without a go-live date (the journey has not started). */
  status: MilestoneStatus.nullable(),
  achievedOn: z.string().nullable(),
  lateOn: z.string().nullable(),
});
export type AccountMilestone = z.infer<typeof AccountMilestone>;

const Name = z.string().trim().min(1).max(200);
export const CreateMilestone = z.object({
  key: Key,
  name: Name,
  dueDay: z.int().min(0).max(3650),
  position: z.int().min(1).max(1000).optional(),
  condition: ConditionInput,
});
export type CreateMilestone = z.input<typeof CreateMilestone>;
export const UpdateMilestone = z
  .object({
    name: Name,
    dueDay: z.int().min(0).max(3650),
    position: z.int().min(1).max(1000),
    condition: ConditionInput,
  })
  .partial();
export type UpdateMilestone = z.input<typeof UpdateMilestone>;

function rowToMilestone(ctx: Ctx, r: JourneyMilestonesTable): JourneyMilestone {
  const condition = parseJson<Condition>(r.condition, { and: [] });
  return {
    id: r.id,
    key: r.key,
    name: readText(ctx.locale, r.name, r.name_message),
    position: r.position,
    dueDay: r.due_day,
    condition: condition as Record<string, unknown>,
    conditionText: conditionToText(condition),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const orderedRows = (ctx: Pick<Ctx, 'db' | 'workspace'>) =>
  ctx.db
    .selectFrom('journey_milestones')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('position')
    .orderBy('due_day')
    .execute();

export async function listMilestones({ ctx }: { ctx: Ctx }): Promise<{ items: JourneyMilestone[] }> {
  await authorize(ctx, 'read');
  return { items: (await orderedRows(ctx)).map((r) => rowToMilestone(ctx, r)) };
}

async function milestoneRow(ctx: Ctx, id: string) {
  const row = await ctx.db
    .selectFrom('journey_milestones')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', msg('milestones.notFound', { id }));
  return row;
}

async function checkMilestoneCondition(ctx: Ctx, input: unknown): Promise<Condition> {
  const checker = new BodyChecker(await loadCatalogueMap(ctx));
  // A milestone may not read the milestone facts themselves (they come from these conditions).
  const own = (await orderedRows(ctx)).map((m) => `milestone.${m.key}`);
  const condition = checker.condition(input, 'condition', [
    ...own,
    'milestones_achieved',
    'milestones_late',
    'milestones_late_keys',
  ]);
  checker.done();
  return condition!;
}

export async function createMilestone({ ctx, input }: { ctx: Ctx; input: CreateMilestone }) {
  await authorize(ctx, 'settings:write');
  const data = CreateMilestone.parse(input);
  const condition = await checkMilestoneCondition(ctx, data.condition);
  const now = nowIso(ctx);
  return inTransaction(ctx, async (tx) => {
    const rows = await orderedRows(tx);
    const row: JourneyMilestonesTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      key: data.key,
      name: data.name,
      name_message: null,
      position: data.position ?? (rows.at(-1)?.position ?? 0) + 1,
      due_day: data.dueDay,
      condition: JSON.stringify(condition),
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto('journey_milestones').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(msg('milestones.keyTaken', { key: data.key }));
      throw e;
    }
    const out = rowToMilestone(tx, row);
    await writeAudit(tx, {
      action: 'milestone.created',
      entityType: 'milestone',
      entityId: row.id,
      after: out,
    });
    return out;
  });
}

export async function updateMilestone({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateMilestone }) {
  await authorize(ctx, 'settings:write');
  const data = UpdateMilestone.parse(input);
  const condition =
    data.condition === undefined ? undefined : await checkMilestoneCondition(ctx, data.condition);
  return inTransaction(ctx, async (tx) => {
    const before = await milestoneRow(tx, id);
    const patch: Partial<JourneyMilestonesTable> = { updated_at: nowIso(tx) };
    if (data.name !== undefined) {
      patch.name = data.name;
      patch.name_message = null;
    }
    if (data.dueDay !== undefined) patch.due_day = data.dueDay;
    if (data.position !== undefined) patch.position = data.position;
    if (condition !== undefined) patch.condition = JSON.stringify(condition);
    await tx.db
      .updateTable('journey_milestones')
      .set(patch)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    const after = rowToMilestone(tx, await milestoneRow(tx, id));
    await writeAudit(tx, {
      action: 'milestone.updated',
      entityType: 'milestone',
      entityId: id,
      before: rowToMilestone(tx, before),
      after,
    });
    return after;
  });
}

export async function deleteMilestone({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = await milestoneRow(tx, id);
    await tx.db
      .deleteFrom('account_milestones')
      .where('workspace_id', '=', tx.workspace.id)
      .where('milestone_id', '=', id)
      .execute();
    await tx.db
      .deleteFrom('journey_milestones')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'milestone.deleted',
      entityType: 'milestone',
      entityId: id,
      before: rowToMilestone(tx, before),
    });
  });
}

/**
 * An account's journey milestones in order, each achieved / late / due / upcoming as of `day`
 * (default today): the read helper other modules use (QBR reports). 404 for an account the caller
 * may not read. The go-live date is the account's own.
 */
export async function accountMilestones(
  ctx: Ctx,
  accountId: string,
  day?: string,
): Promise<AccountMilestone[]> {
  await authorize(ctx, 'read');
  await getAccountRef(ctx, accountId);
  const asOf = day ?? today(ctx);
  const [milestones, reached, goLive] = await Promise.all([
    orderedRows(ctx),
    ctx.db
      .selectFrom('account_milestones')
      .selectAll()
      .where('workspace_id', '=', ctx.workspace.id)
      .where('account_id', '=', accountId)
      .execute(),
    goLiveOf(ctx, [accountId]),
  ]);
  const byMilestone = new Map(reached.map((r) => [r.milestone_id, r]));
  const start = goLive.get(accountId) ?? null;
  return milestones.map((m) => {
    const r = byMilestone.get(m.id);
    const achievedOn = r?.achieved_on && r.achieved_on <= asOf ? r.achieved_on : null;
    const s = milestoneStatus({ goLive: start, dueDay: m.due_day, achievedOn, day: asOf });
    return {
      milestoneId: m.id,
      key: m.key,
      name: readText(ctx.locale, m.name, m.name_message),
      position: m.position,
      dueDay: m.due_day,
      dueDate: s?.dueDate ?? null,
      status: s?.status ?? null,
      achievedOn,
      lateOn: r?.late_on && r.late_on <= asOf ? r.late_on : null,
    };
  });
}

/** GET /accounts/{id}/milestones */
export async function getAccountMilestones({ ctx, accountId }: { ctx: Ctx; accountId: string }) {
  return { items: await accountMilestones(ctx, accountId) };
}

async function goLiveOf(ctx: Ctx, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await ctx.db
    .selectFrom(accountsView(ctx).as('a'))
    .select(['a.id', 'a.go_live_date'])
    .where('a.id', 'in', ids)
    .execute();
  return new Map(rows.filter((r) => r.go_live_date).map((r) => [r.id, r.go_live_date!]));
}

/**
 * Evaluates every milestone's condition on `day` for every account with a go-live date, and
 * records what changed: the first day a milestone's condition held (achieved, kept from then on)
 * and the first day one was past its due day unmet (late). Each is one timeline entry. Idempotent:
 * a rerun of the day records nothing; an earlier day evaluated later moves achieved_on earlier.
 * Returns how many achievements and late milestones it recorded.
 */
export async function recordMilestones(ctx: Ctx, day: string): Promise<{ achieved: number; late: number }> {
  const milestones = await orderedRows(ctx);
  if (!milestones.length) return { achieved: 0, late: 0 };
  const conditions = milestones.map((m) => parseJson<Condition>(m.condition, { and: [] }));
  const batch = await loadEvaluationBatch(ctx, day, conditions);
  const existing = await ctx.db
    .selectFrom('account_milestones')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .execute();
  const known = new Map(existing.map((r) => [`${r.account_id} ${r.milestone_id}`, r]));
  const now = nowIso(ctx);
  const inserts: AccountMilestonesTable[] = [];
  const updates: { id: string; achieved_on?: string; late_on?: string }[] = [];
  const timeline: Parameters<typeof writeTimelineEntries>[1][number][] = [];
  let achieved = 0;
  let late = 0;
  for (const [accountId, facts] of batch.facts) {
    const goLive = typeof facts.go_live_date === 'string' ? facts.go_live_date : null;
    if (!goLive || goLive > day) continue;
    const env = batch.env(accountId);
    milestones.forEach((m, i) => {
      const row = known.get(`${accountId} ${m.id}`);
      const met = evaluateCondition(conditions[i]!, facts, env);
      const nameParam = storedMessage(m.name_message) ?? m.name;
      if (met && (!row?.achieved_on || row.achieved_on > day)) {
        achieved++;
        if (row) updates.push({ id: row.id, achieved_on: day });
        else {
          const r: AccountMilestonesTable = {
            id: newId(),
            workspace_id: ctx.workspace.id,
            account_id: accountId,
            milestone_id: m.id,
            achieved_on: day,
            late_on: null,
            updated_at: now,
          };
          inserts.push(r);
          known.set(`${accountId} ${m.id}`, r);
        }
        if (!row?.achieved_on)
          timeline.push({
            accountId,
            type: 'milestone',
            title: msg('milestones.timeline.achieved', { name: nameParam }),
            entityType: 'milestone',
            entityId: m.id,
            data: { key: m.key, status: 'achieved', day },
            occurredAt: noonOrNow(ctx, day),
          });
        return;
      }
      const s = milestoneStatus({ goLive, dueDay: m.due_day, achievedOn: row?.achieved_on ?? null, day });
      if (s?.status === 'late' && !row?.late_on) {
        late++;
        // It went late the day after its due date, whenever this evaluation runs.
        const lateOn = addDays(s.dueDate, 1);
        if (row) updates.push({ id: row.id, late_on: lateOn });
        else {
          const r: AccountMilestonesTable = {
            id: newId(),
            workspace_id: ctx.workspace.id,
            account_id: accountId,
            milestone_id: m.id,
            achieved_on: null,
            late_on: lateOn,
            updated_at: now,
          };
          inserts.push(r);
          known.set(`${accountId} ${m.id}`, r);
        }
        timeline.push({
          accountId,
          type: 'milestone',
          title: msg('milestones.timeline.late', { name: nameParam, day: m.due_day }),
          entityType: 'milestone',
          entityId: m.id,
          data: { key: m.key, status: 'late', day: lateOn, dueDate: s.dueDate },
          occurredAt: noonOrNow(ctx, lateOn),
        });
      }
    });
  }
  if (!inserts.length && !updates.length) return { achieved, late };
  await inTransaction(ctx, async (tx) => {
    for (let i = 0; i < inserts.length; i += 500)
      await tx.db
        .insertInto('account_milestones')
        .values(inserts.slice(i, i + 500))
        .execute();
    for (const u of updates)
      await tx.db
        .updateTable('account_milestones')
        .set({ ...u, updated_at: now })
        .where('workspace_id', '=', tx.workspace.id)
        .where('id', '=', u.id)
        .execute();
    if (timeline.length) await writeTimelineEntries(tx, timeline);
  });
  return { achieved, late };
}
