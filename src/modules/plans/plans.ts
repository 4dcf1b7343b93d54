// Success plans (seed 001: goals agreed with the customer, value realised against their own KPIs):
// per account, objectives with an owner, due date and status, each with customer KPIs whose
// current value is read from a numeric fact or entered with a day (every entered value is kept),
// and steps that become tasks through the tasks module's verb. Templates per tier and stage are
// copied into a plan. Every write is a verb: authorize, parse, transaction, audit (and a timeline
// entry where the account's story changes).
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { isUniqueViolation } from '../../db/dialect.ts';
import { AppError, conflict, invalidField } from '../../errors.ts';
import { type Message, msg, readText, storedMessage, storeText } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { addDays, nowIso, today } from '../../time.ts';
import { findAccountRef, getAccountRef } from '../accounts/index.ts';
import { authorize, userNames, writeAudit } from '../auth/index.ts';
import { buildFacts, loadCatalogue, STATE_FACT_KEYS } from '../facts/index.ts';
import { createTask } from '../tasks/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import { assemblePlans, loadPlanRows } from './plan-model.ts';
import {
  CreateKpi,
  CreateObjective,
  CreatePlan,
  CreatePlanTemplate,
  CreateStep,
  type PlanTemplate,
  RecordKpiValue,
  type SuccessPlan,
  UpdateKpi,
  UpdateObjective,
  UpdatePlan,
  UpdatePlanTemplate,
} from './plans.schemas.ts';
import type {
  PlanKpisTable,
  PlanObjectivesTable,
  PlanStepsTable,
  PlanTemplatesTable,
  SuccessPlansTable,
} from './plans.table.ts';
import type { TemplateObjective } from './starters.ts';

const WRITE = 'accounts:update' as const;

// --- reads -------------------------------------------------------------------------------------

/** Assembles plans for one account as of `day` (metric KPIs read the account's facts that day). */
async function assembleFor(
  ctx: Ctx,
  accountId: string,
  rows: Awaited<ReturnType<typeof loadPlanRows>>,
  day: string,
) {
  const read = rows.kpis.flatMap((k) => (k.source === 'metric' && k.metric_fact ? [k.metric_fact] : []));
  // Only the facts the KPIs read: one account's build then ranks nothing across the workspace.
  const facts = read.length
    ? (await buildFacts(ctx, [accountId], day, { only: read })).get(accountId)
    : undefined;
  const owners = await userNames(
    ctx,
    rows.objectives.map((o) => o.owner_id).filter((x): x is string => !!x),
  );
  return assemblePlans(rows, {
    day,
    locale: ctx.locale,
    ownerNames: owners,
    factOf: (_id, key) => {
      const v = facts?.[key];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    },
  });
}

/**
 * An account's success plans (every status, oldest first) with progress as of `day` (default
 * today): the read helper other modules use (QBR reports read KPI progress through it). Answers
 * 404 for an account the caller may not read.
 */
export async function listPlans(ctx: Ctx, accountId: string, day?: string): Promise<SuccessPlan[]> {
  await authorize(ctx, 'read');
  await getAccountRef(ctx, accountId);
  const asOf = day ?? today(ctx);
  const rows = await loadPlanRows(ctx, { accountIds: [accountId], upTo: asOf });
  return assembleFor(ctx, accountId, rows, asOf);
}

export async function getPlan({ ctx, id }: { ctx: Ctx; id: string }): Promise<SuccessPlan> {
  await authorize(ctx, 'read');
  const plan = await planRow(ctx, id);
  // A plan of an account the caller may not read is as absent as one that does not exist.
  if (!(await findAccountRef(ctx, plan.account_id)))
    throw new AppError('not_found', msg('plans.planNotFound', { id }));
  const day = today(ctx);
  const rows = await loadPlanRows(ctx, { planIds: [id], upTo: day });
  return (await assembleFor(ctx, plan.account_id, rows, day))[0]!;
}

async function planRow(ctx: Ctx, id: string): Promise<SuccessPlansTable> {
  const row = await ctx.db
    .selectFrom('success_plans')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', msg('plans.planNotFound', { id }));
  return row;
}

async function objectiveRow(ctx: Ctx, id: string): Promise<PlanObjectivesTable> {
  const row = await ctx.db
    .selectFrom('plan_objectives')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', msg('plans.objectiveNotFound', { id }));
  return row;
}

async function kpiRow(ctx: Ctx, id: string): Promise<PlanKpisTable> {
  const row = await ctx.db
    .selectFrom('plan_kpis')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', msg('plans.kpiNotFound', { id }));
  return row;
}

/** The account behind a plan row, readable and writable by the caller, or 404/403. */
async function writableAccount(ctx: Ctx, accountId: string) {
  const account = await getAccountRef(ctx, accountId);
  await authorize(ctx, WRITE, account.id);
  return account;
}

/** A KPI read from a fact must name a numeric fact buildFacts gives (state facts are not). */
async function checkMetricFact(ctx: Ctx, fact: string, path: string) {
  const catalogue = await loadCatalogue(ctx);
  const state = new Set<string>(STATE_FACT_KEYS);
  const def = catalogue.find((d) => d.key === fact);
  if (def?.type !== 'number' || state.has(fact) || fact.startsWith('health.'))
    throw invalidField(path, msg('plans.metricFactUnknown', { fact }));
}

// --- templates ---------------------------------------------------------------------------------

function templateRowToTemplate(ctx: Ctx, r: PlanTemplatesTable): PlanTemplate {
  const objectives = JSON.parse(r.objectives) as TemplateObjective[];
  const text = (v: string | Message) =>
    typeof v === 'string' ? v : readText(ctx.locale, '', JSON.stringify(v));
  return {
    id: r.id,
    key: r.key,
    name: readText(ctx.locale, r.name, r.name_message),
    kind: r.kind as PlanTemplate['kind'],
    tier: r.tier,
    stage: r.stage,
    objectives: objectives.map((o) => ({
      title: text(o.title),
      dueInDays: o.dueInDays,
      kpis: o.kpis.map((k) => ({
        name: text(k.name),
        unit: k.unit,
        direction: k.direction,
        baseline: k.baseline,
        target: k.target,
        ...(k.metricFact ? { metricFact: k.metricFact } : {}),
      })),
      steps: o.steps.map((s) => ({
        title: text(s.title),
        taskType: s.taskType as PlanTemplate['objectives'][number]['steps'][number]['taskType'],
        dueInDays: s.dueInDays,
      })),
    })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The workspace's plan templates; with tier/stage, those that suit it (or any) first. */
export async function listPlanTemplates({ ctx }: { ctx: Ctx }): Promise<{ items: PlanTemplate[] }> {
  await authorize(ctx, 'read');
  const rows = await ctx.db
    .selectFrom('plan_templates')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('created_at')
    .orderBy('key')
    .execute();
  return { items: rows.map((r) => templateRowToTemplate(ctx, r)) };
}

async function templateRow(ctx: Ctx, id: string): Promise<PlanTemplatesTable> {
  const row = await ctx.db
    .selectFrom('plan_templates')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', msg('plans.templateNotFound', { id }));
  return row;
}

async function checkTemplateFacts(ctx: Ctx, objectives: CreatePlanTemplate['objectives']) {
  for (const [i, o] of objectives.entries())
    for (const [j, k] of (o.kpis ?? []).entries())
      if (k.metricFact) await checkMetricFact(ctx, k.metricFact, `objectives.${i}.kpis.${j}.metricFact`);
}

export async function createPlanTemplate({ ctx, input }: { ctx: Ctx; input: CreatePlanTemplate }) {
  await authorize(ctx, 'settings:write');
  const data = CreatePlanTemplate.parse(input);
  await checkTemplateFacts(ctx, data.objectives);
  const now = nowIso(ctx);
  const row: PlanTemplatesTable = {
    id: newId(),
    workspace_id: ctx.workspace.id,
    key: data.key,
    name: data.name,
    name_message: null,
    kind: data.kind,
    tier: data.tier,
    stage: data.stage,
    objectives: JSON.stringify(data.objectives),
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    try {
      await tx.db.insertInto('plan_templates').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(msg('plans.templateKeyTaken', { key: data.key }));
      throw e;
    }
    await writeAudit(tx, {
      action: 'plan_template.created',
      entityType: 'plan_template',
      entityId: row.id,
      after: data,
    });
  });
  return templateRowToTemplate(ctx, row);
}

export async function updatePlanTemplate({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdatePlanTemplate;
}) {
  await authorize(ctx, 'settings:write');
  const data = UpdatePlanTemplate.parse(input);
  if (data.objectives) await checkTemplateFacts(ctx, data.objectives);
  return inTransaction(ctx, async (tx) => {
    const before = await templateRow(tx, id);
    const patch: Partial<PlanTemplatesTable> = { updated_at: nowIso(tx) };
    if (data.name !== undefined) {
      patch.name = data.name;
      patch.name_message = null;
    }
    if (data.kind !== undefined) patch.kind = data.kind;
    if (data.tier !== undefined) patch.tier = data.tier;
    if (data.stage !== undefined) patch.stage = data.stage;
    if (data.objectives !== undefined) patch.objectives = JSON.stringify(data.objectives);
    await tx.db
      .updateTable('plan_templates')
      .set(patch)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    const after = await templateRow(tx, id);
    await writeAudit(tx, {
      action: 'plan_template.updated',
      entityType: 'plan_template',
      entityId: id,
      before: templateRowToTemplate(tx, before),
      after: templateRowToTemplate(tx, after),
    });
    return templateRowToTemplate(tx, after);
  });
}

export async function deletePlanTemplate({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = await templateRow(tx, id);
    await tx.db
      .deleteFrom('plan_templates')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'plan_template.deleted',
      entityType: 'plan_template',
      entityId: id,
      before: templateRowToTemplate(tx, before),
    });
  });
}

// --- plans -------------------------------------------------------------------------------------

/**
 * Creates a plan on the account: from a template (its objectives, KPIs and steps, due dates counted
 * from the start day) or blank. With createTasks, each step becomes a task for the account's owner.
 */
export async function createPlan({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: CreatePlan;
}) {
  const data = CreatePlan.parse(input);
  const planId = await inTransaction(ctx, async (tx) => {
    const account = await writableAccount(tx, accountId);
    const template = data.templateId ? await templateRow(tx, data.templateId) : null;
    const now = nowIso(tx);
    const start = data.startDate ?? today(tx);
    const name = data.name
      ? { text: data.name, message: null }
      : { text: template!.name, message: template!.name_message };
    const plan: SuccessPlansTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      account_id: account.id,
      template_id: template?.id ?? null,
      name: name.text,
      name_message: name.message,
      kind: data.kind ?? (template?.kind as SuccessPlansTable['kind']) ?? 'custom',
      status: 'active',
      start_date: start,
      created_by: actorId(tx),
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto('success_plans').values(plan).execute();
    const objectives = template ? (JSON.parse(template.objectives) as TemplateObjective[]) : [];
    for (const [i, o] of objectives.entries()) {
      const title = storeText(o.title, 300);
      const objective: PlanObjectivesTable = {
        id: newId(),
        workspace_id: tx.workspace.id,
        plan_id: plan.id,
        account_id: account.id,
        position: i + 1,
        title: title.text,
        title_message: title.message,
        owner_id: account.ownerId,
        due_date: o.dueInDays === null ? null : addDays(start, o.dueInDays),
        status: 'not_started',
        created_at: now,
        updated_at: now,
      };
      await tx.db.insertInto('plan_objectives').values(objective).execute();
      for (const [j, k] of o.kpis.entries()) {
        const kname = storeText(k.name, 300);
        await tx.db
          .insertInto('plan_kpis')
          .values({
            id: newId(),
            workspace_id: tx.workspace.id,
            plan_id: plan.id,
            objective_id: objective.id,
            account_id: account.id,
            position: j + 1,
            name: kname.text,
            name_message: kname.message,
            unit: k.unit,
            direction: k.direction,
            baseline: k.baseline,
            target: k.target,
            source: k.metricFact ? 'metric' : 'manual',
            metric_fact: k.metricFact ?? null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      for (const [j, s] of o.steps.entries()) {
        const stitle = storeText(s.title, 300);
        await tx.db
          .insertInto('plan_steps')
          .values({
            id: newId(),
            workspace_id: tx.workspace.id,
            plan_id: plan.id,
            objective_id: objective.id,
            account_id: account.id,
            position: j + 1,
            title: stitle.text,
            title_message: stitle.message,
            task_type: s.taskType,
            due_date: addDays(start, s.dueInDays),
            task_id: null,
            created_at: now,
          })
          .execute();
      }
    }
    await writeAudit(tx, {
      action: 'success_plan.created',
      entityType: 'success_plan',
      entityId: plan.id,
      after: { accountId: account.id, templateId: plan.template_id, name: plan.name, startDate: start },
    });
    await writeTimeline(tx, {
      accountId: account.id,
      type: 'success_plan',
      title: msg('plans.timeline.created', { name: storedMessage(plan.name_message) ?? plan.name }),
      entityType: 'success_plan',
      entityId: plan.id,
    });
    if (data.createTasks) {
      const steps = await tx.db
        .selectFrom('plan_steps')
        .select('id')
        .where('workspace_id', '=', tx.workspace.id)
        .where('plan_id', '=', plan.id)
        .execute();
      for (const s of steps) await createStepTask({ ctx: tx, stepId: s.id });
    }
    return plan.id;
  });
  return getPlan({ ctx, id: planId });
}

export async function updatePlan({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdatePlan }) {
  const data = UpdatePlan.parse(input);
  await inTransaction(ctx, async (tx) => {
    const before = await planRow(tx, id);
    await writableAccount(tx, before.account_id);
    const patch: Partial<SuccessPlansTable> = { updated_at: nowIso(tx) };
    if (data.name !== undefined) {
      patch.name = data.name;
      patch.name_message = null;
    }
    if (data.status !== undefined) patch.status = data.status;
    await tx.db
      .updateTable('success_plans')
      .set(patch)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'success_plan.updated',
      entityType: 'success_plan',
      entityId: id,
      before: { name: before.name, status: before.status },
      after: data,
    });
  });
  return getPlan({ ctx, id });
}

export async function deletePlan({ ctx, id }: { ctx: Ctx; id: string }) {
  await inTransaction(ctx, async (tx) => {
    const before = await planRow(tx, id);
    await writableAccount(tx, before.account_id);
    const ws = tx.workspace.id;
    const kpiIds = (
      await tx.db
        .selectFrom('plan_kpis')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('plan_id', '=', id)
        .execute()
    ).map((k) => k.id);
    if (kpiIds.length)
      await tx.db
        .deleteFrom('plan_kpi_values')
        .where('workspace_id', '=', ws)
        .where('kpi_id', 'in', kpiIds)
        .execute();
    for (const t of ['plan_kpis', 'plan_steps', 'plan_objectives'] as const)
      await tx.db.deleteFrom(t).where('workspace_id', '=', ws).where('plan_id', '=', id).execute();
    await tx.db.deleteFrom('success_plans').where('workspace_id', '=', ws).where('id', '=', id).execute();
    await writeAudit(tx, {
      action: 'success_plan.deleted',
      entityType: 'success_plan',
      entityId: id,
      before,
    });
  });
}

// --- objectives --------------------------------------------------------------------------------

export async function addObjective({
  ctx,
  planId,
  input,
}: {
  ctx: Ctx;
  planId: string;
  input: CreateObjective;
}) {
  const data = CreateObjective.parse(input);
  await inTransaction(ctx, async (tx) => {
    const plan = await planRow(tx, planId);
    await writableAccount(tx, plan.account_id);
    const last = await tx.db
      .selectFrom('plan_objectives')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('workspace_id', '=', tx.workspace.id)
      .where('plan_id', '=', planId)
      .executeTakeFirst();
    const now = nowIso(tx);
    const row: PlanObjectivesTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      plan_id: planId,
      account_id: plan.account_id,
      position: Number(last?.p ?? 0) + 1,
      title: data.title,
      title_message: null,
      owner_id: data.ownerId ?? null,
      due_date: data.dueDate ?? null,
      status: data.status,
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto('plan_objectives').values(row).execute();
    await writeAudit(tx, {
      action: 'plan_objective.created',
      entityType: 'plan_objective',
      entityId: row.id,
      after: data,
    });
  });
  return getPlan({ ctx, id: planId });
}

export async function updateObjective({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateObjective }) {
  const data = UpdateObjective.parse(input);
  const planId = await inTransaction(ctx, async (tx) => {
    const before = await objectiveRow(tx, id);
    await writableAccount(tx, before.account_id);
    const patch: Partial<PlanObjectivesTable> = { updated_at: nowIso(tx) };
    if (data.title !== undefined) {
      patch.title = data.title;
      patch.title_message = null;
    }
    if (data.ownerId !== undefined) patch.owner_id = data.ownerId;
    if (data.dueDate !== undefined) patch.due_date = data.dueDate;
    if (data.status !== undefined) patch.status = data.status;
    await tx.db
      .updateTable('plan_objectives')
      .set(patch)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'plan_objective.updated',
      entityType: 'plan_objective',
      entityId: id,
      before: {
        title: before.title,
        ownerId: before.owner_id,
        dueDate: before.due_date,
        status: before.status,
      },
      after: data,
    });
    if (data.status === 'done' && before.status !== 'done')
      await writeTimeline(tx, {
        accountId: before.account_id,
        type: 'success_plan',
        title: msg('plans.timeline.objectiveDone', {
          title: storedMessage(before.title_message) ?? before.title,
        }),
        entityType: 'plan_objective',
        entityId: id,
      });
    return before.plan_id;
  });
  return getPlan({ ctx, id: planId });
}

export async function deleteObjective({ ctx, id }: { ctx: Ctx; id: string }) {
  const planId = await inTransaction(ctx, async (tx) => {
    const before = await objectiveRow(tx, id);
    await writableAccount(tx, before.account_id);
    const ws = tx.workspace.id;
    const kpiIds = (
      await tx.db
        .selectFrom('plan_kpis')
        .select('id')
        .where('workspace_id', '=', ws)
        .where('objective_id', '=', id)
        .execute()
    ).map((k) => k.id);
    if (kpiIds.length)
      await tx.db
        .deleteFrom('plan_kpi_values')
        .where('workspace_id', '=', ws)
        .where('kpi_id', 'in', kpiIds)
        .execute();
    await tx.db
      .deleteFrom('plan_kpis')
      .where('workspace_id', '=', ws)
      .where('objective_id', '=', id)
      .execute();
    await tx.db
      .deleteFrom('plan_steps')
      .where('workspace_id', '=', ws)
      .where('objective_id', '=', id)
      .execute();
    await tx.db.deleteFrom('plan_objectives').where('workspace_id', '=', ws).where('id', '=', id).execute();
    await writeAudit(tx, {
      action: 'plan_objective.deleted',
      entityType: 'plan_objective',
      entityId: id,
      before,
    });
    return before.plan_id;
  });
  return getPlan({ ctx, id: planId });
}

// --- KPIs --------------------------------------------------------------------------------------

export async function addKpi({
  ctx,
  objectiveId,
  input,
}: {
  ctx: Ctx;
  objectiveId: string;
  input: CreateKpi;
}) {
  const data = CreateKpi.parse(input);
  if (data.source === 'metric') await checkMetricFact(ctx, data.metricFact!, 'metricFact');
  const planId = await inTransaction(ctx, async (tx) => {
    const objective = await objectiveRow(tx, objectiveId);
    await writableAccount(tx, objective.account_id);
    const last = await tx.db
      .selectFrom('plan_kpis')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('workspace_id', '=', tx.workspace.id)
      .where('objective_id', '=', objectiveId)
      .executeTakeFirst();
    const now = nowIso(tx);
    const row: PlanKpisTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      plan_id: objective.plan_id,
      objective_id: objectiveId,
      account_id: objective.account_id,
      position: Number(last?.p ?? 0) + 1,
      name: data.name,
      name_message: null,
      unit: data.unit,
      direction: data.direction,
      baseline: data.baseline,
      target: data.target,
      source: data.source,
      metric_fact: data.source === 'metric' ? data.metricFact! : null,
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto('plan_kpis').values(row).execute();
    await writeAudit(tx, {
      action: 'plan_kpi.created',
      entityType: 'plan_kpi',
      entityId: row.id,
      after: data,
    });
    return objective.plan_id;
  });
  return getPlan({ ctx, id: planId });
}

export async function updateKpi({ ctx, id, input }: { ctx: Ctx; id: string; input: UpdateKpi }) {
  const data = UpdateKpi.parse(input);
  const planId = await inTransaction(ctx, async (tx) => {
    const before = await kpiRow(tx, id);
    await writableAccount(tx, before.account_id);
    const patch: Partial<PlanKpisTable> = { updated_at: nowIso(tx) };
    if (data.name !== undefined) {
      patch.name = data.name;
      patch.name_message = null;
    }
    if (data.unit !== undefined) patch.unit = data.unit;
    if (data.direction !== undefined) patch.direction = data.direction;
    if (data.baseline !== undefined) patch.baseline = data.baseline;
    if (data.target !== undefined) patch.target = data.target;
    await tx.db
      .updateTable('plan_kpis')
      .set(patch)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'plan_kpi.updated',
      entityType: 'plan_kpi',
      entityId: id,
      before,
      after: data,
    });
    return before.plan_id;
  });
  return getPlan({ ctx, id: planId });
}

export async function deleteKpi({ ctx, id }: { ctx: Ctx; id: string }) {
  const planId = await inTransaction(ctx, async (tx) => {
    const before = await kpiRow(tx, id);
    await writableAccount(tx, before.account_id);
    await tx.db
      .deleteFrom('plan_kpi_values')
      .where('workspace_id', '=', tx.workspace.id)
      .where('kpi_id', '=', id)
      .execute();
    await tx.db
      .deleteFrom('plan_kpis')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, { action: 'plan_kpi.deleted', entityType: 'plan_kpi', entityId: id, before });
    return before.plan_id;
  });
  return getPlan({ ctx, id: planId });
}

/** Records a KPI's value measured on a day; earlier values stay as its history. */
export async function recordKpiValue({
  ctx,
  kpiId,
  input,
}: {
  ctx: Ctx;
  kpiId: string;
  input: RecordKpiValue;
}) {
  const data = RecordKpiValue.parse(input);
  const planId = await inTransaction(ctx, async (tx) => {
    const kpi = await kpiRow(tx, kpiId);
    await writableAccount(tx, kpi.account_id);
    if (kpi.source !== 'manual')
      throw invalidField('value', msg('plans.kpiFromMetric', { fact: kpi.metric_fact ?? '' }));
    const day = data.day ?? today(tx);
    const row = {
      id: newId(),
      workspace_id: tx.workspace.id,
      kpi_id: kpiId,
      account_id: kpi.account_id,
      day,
      value: data.value,
      note: data.note || null,
      recorded_by: actorId(tx),
      created_at: nowIso(tx),
    };
    await tx.db.insertInto('plan_kpi_values').values(row).execute();
    await writeAudit(tx, {
      action: 'plan_kpi.value_recorded',
      entityType: 'plan_kpi',
      entityId: kpiId,
      after: row,
    });
    await writeTimeline(tx, {
      accountId: kpi.account_id,
      type: 'kpi_value',
      title: msg('plans.timeline.kpiValue', {
        kpi: storedMessage(kpi.name_message) ?? kpi.name,
        value: data.value,
        unit: kpi.unit,
      }),
      body: data.note || null,
      entityType: 'plan_kpi',
      entityId: kpiId,
      data: { value: data.value, day },
    });
    return kpi.plan_id;
  });
  return getPlan({ ctx, id: planId });
}

// --- steps -------------------------------------------------------------------------------------

export async function addStep({
  ctx,
  objectiveId,
  input,
}: {
  ctx: Ctx;
  objectiveId: string;
  input: CreateStep;
}) {
  const data = CreateStep.parse(input);
  const planId = await inTransaction(ctx, async (tx) => {
    const objective = await objectiveRow(tx, objectiveId);
    await writableAccount(tx, objective.account_id);
    const last = await tx.db
      .selectFrom('plan_steps')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('workspace_id', '=', tx.workspace.id)
      .where('objective_id', '=', objectiveId)
      .executeTakeFirst();
    const row: PlanStepsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      plan_id: objective.plan_id,
      objective_id: objectiveId,
      account_id: objective.account_id,
      position: Number(last?.p ?? 0) + 1,
      title: data.title,
      title_message: null,
      task_type: data.taskType,
      due_date: data.dueDate ?? null,
      task_id: null,
      created_at: nowIso(tx),
    };
    await tx.db.insertInto('plan_steps').values(row).execute();
    await writeAudit(tx, {
      action: 'plan_step.created',
      entityType: 'plan_step',
      entityId: row.id,
      after: data,
    });
    return objective.plan_id;
  });
  return getPlan({ ctx, id: planId });
}

/**
 * Makes the step's task through the tasks module's verb (assigned to the objective's owner, else
 * the account's owner; routed to a work-content group when one owns the type), once: a step that
 * already has a task returns it unchanged.
 */
export async function createStepTask({ ctx, stepId }: { ctx: Ctx; stepId: string }) {
  return inTransaction(ctx, async (tx) => {
    const step = await tx.db
      .selectFrom('plan_steps')
      .selectAll()
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', stepId)
      .executeTakeFirst();
    if (!step) throw new AppError('not_found', msg('plans.stepNotFound', { id: stepId }));
    await writableAccount(tx, step.account_id);
    if (step.task_id) return { stepId, taskId: step.task_id, created: false };
    const objective = await objectiveRow(tx, step.objective_id);
    const title = storeText(readText('en', step.title, step.title_message), 300);
    const task = await createTask({
      ctx: tx,
      input: {
        accountId: step.account_id,
        title: title.text,
        type: step.task_type as 'onboarding',
        assignee: objective.owner_id ? { userId: objective.owner_id } : { role: 'owner' },
        ...(step.due_date ? { dueDate: step.due_date } : {}),
      },
      ...(step.title_message ? { messages: { title: JSON.parse(step.title_message) as Message } } : {}),
    });
    await tx.db
      .updateTable('plan_steps')
      .set({ task_id: task.id })
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', stepId)
      .execute();
    return { stepId, taskId: task.id, created: true };
  });
}
