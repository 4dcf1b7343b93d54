// Expansion opportunities (seed 001: cross-sell and up-sell; more seats): records on the account
// with kind, added ARR, stage, close date and owner. Writes are verbs (renewals:write: AEs,
// managers and the account's CSM); the renewal forecast reads them through opportunitiesClosing.
import { z } from '@hono/zod-openapi';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { isValidDay, nowIso } from '../../time.ts';
import { accountRefs, fromMinor, getAccountRef, readableAccount, toMinor } from '../accounts/index.ts';
import { authorize, userNames, writeAudit } from '../auth/index.ts';
import { writeTimeline } from '../timeline/index.ts';
import type { OpportunitiesTable } from './expansion.table.ts';

export const OPPORTUNITY_KINDS = ['cross_sell', 'up_sell', 'seats'] as const;
export const OPPORTUNITY_STAGES = [
  'identified',
  'qualified',
  'proposal',
  'negotiation',
  'won',
  'lost',
] as const;
export type OpportunityStage = (typeof OPPORTUNITY_STAGES)[number];
export const OPEN_OPPORTUNITY_STAGES: readonly OpportunityStage[] = [
  'identified',
  'qualified',
  'proposal',
  'negotiation',
];
/** How likely an opportunity at each stage closes: the forecast's weighted expansion ARR. */
export const STAGE_PROBABILITY: Readonly<Record<OpportunityStage, number>> = {
  identified: 0.1,
  qualified: 0.25,
  proposal: 0.5,
  negotiation: 0.75,
  won: 1,
  lost: 0,
};

export const OpportunityKind = z.enum(OPPORTUNITY_KINDS).openapi('OpportunityKind');
export const OpportunityStage = z.enum(OPPORTUNITY_STAGES).openapi('OpportunityStage');
const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');

export const Opportunity = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string(),
    kind: OpportunityKind,
    title: z.string(),
    /** Added ARR in the base currency. */
    amount: z.number(),
    currency: z.string(),
    stage: OpportunityStage,
    probability: z.number(),
    closeDate: z.string().nullable(),
    ownerId: z.string().nullable(),
    ownerName: z.string().nullable(),
    note: z.string().nullable(),
    closedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Opportunity');
export type Opportunity = z.infer<typeof Opportunity>;

export const CreateOpportunity = z.object({
  kind: OpportunityKind,
  title: z.string().trim().min(1).max(300),
  amount: z.number().finite().min(0).max(1e12),
  stage: OpportunityStage.default('identified'),
  closeDate: Day.nullable().optional(),
  ownerId: z.string().min(1).nullable().optional(),
  note: z.string().trim().max(5000).nullable().optional(),
});
export type CreateOpportunity = z.input<typeof CreateOpportunity>;
export const UpdateOpportunity = CreateOpportunity.partial();
export type UpdateOpportunity = z.input<typeof UpdateOpportunity>;

export const ListOpportunities = z.object({
  stage: z.enum([...OPPORTUNITY_STAGES, 'open']).optional(),
  closeFrom: Day.optional(),
  closeTo: Day.optional(),
});

async function toOpportunities(ctx: Ctx, rows: OpportunitiesTable[]): Promise<Opportunity[]> {
  const accounts = await accountRefs(
    ctx,
    rows.map((r) => r.account_id),
  );
  const owners = await userNames(
    ctx,
    rows.map((r) => r.owner_id).filter((x): x is string => !!x),
  );
  const base = ctx.workspace.baseCurrency;
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    accountName: accounts.get(r.account_id)?.name ?? '',
    kind: r.kind as Opportunity['kind'],
    title: r.title,
    amount: fromMinor(Number(r.amount_minor), base),
    currency: base,
    stage: r.stage as OpportunityStage,
    probability: STAGE_PROBABILITY[r.stage as OpportunityStage] ?? 0,
    closeDate: r.close_date,
    ownerId: r.owner_id,
    ownerName: r.owner_id ? (owners.get(r.owner_id) ?? null) : null,
    note: r.note,
    closedAt: r.closed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

const rowsOf = (ctx: Ctx) =>
  ctx.db
    .selectFrom('opportunities')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where(readableAccount(ctx, 'opportunities.account_id'));

/** The account's opportunities, open first by close date, then closed ones. */
export async function listAccountOpportunities({ ctx, accountId }: { ctx: Ctx; accountId: string }) {
  await authorize(ctx, 'read');
  await getAccountRef(ctx, accountId);
  const rows = await rowsOf(ctx)
    .where('account_id', '=', accountId)
    .orderBy('close_date')
    .orderBy('id')
    .execute();
  const open = new Set<string>(OPEN_OPPORTUNITY_STAGES);
  rows.sort((a, b) => Number(!open.has(a.stage)) - Number(!open.has(b.stage)));
  return { items: await toOpportunities(ctx, rows) };
}

/** Every readable opportunity, filtered by stage (or `open`) and close date. */
export async function listOpportunities({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: z.input<typeof ListOpportunities>;
}) {
  await authorize(ctx, 'read');
  const q = ListOpportunities.parse(input);
  let query = rowsOf(ctx);
  if (q.stage === 'open') query = query.where('stage', 'in', [...OPEN_OPPORTUNITY_STAGES]);
  else if (q.stage) query = query.where('stage', '=', q.stage);
  if (q.closeFrom) query = query.where('close_date', '>=', q.closeFrom);
  if (q.closeTo) query = query.where('close_date', '<=', q.closeTo);
  const rows = await query.orderBy('close_date').orderBy('id').limit(5000).execute();
  return { items: await toOpportunities(ctx, rows) };
}

/**
 * Open and won opportunities closing in [from, to] on readable accounts, for the renewal forecast:
 * each with its added ARR (minor units) and the stage's probability.
 */
export async function opportunitiesClosing(
  ctx: Ctx,
  range: { from: string; to: string; ownerId?: string },
): Promise<
  { accountId: string; closeDate: string; amountMinor: number; probability: number; stage: string }[]
> {
  let q = rowsOf(ctx)
    .where('stage', 'in', [...OPEN_OPPORTUNITY_STAGES, 'won'])
    .where('close_date', '>=', range.from)
    .where('close_date', '<=', range.to);
  if (range.ownerId) q = q.where('owner_id', '=', range.ownerId);
  const rows = await q.execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    closeDate: r.close_date!,
    amountMinor: Number(r.amount_minor),
    probability: STAGE_PROBABILITY[r.stage as OpportunityStage] ?? 0,
    stage: r.stage,
  }));
}

async function opportunityRow(ctx: Ctx, id: string): Promise<OpportunitiesTable> {
  const row = await rowsOf(ctx).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', msg('opportunities.notFound', { id }));
  return row;
}

export async function createOpportunity({
  ctx,
  accountId,
  input,
}: {
  ctx: Ctx;
  accountId: string;
  input: CreateOpportunity;
}) {
  const data = CreateOpportunity.parse(input);
  const id = await inTransaction(ctx, async (tx) => {
    const account = await getAccountRef(tx, accountId);
    await authorize(tx, 'renewals:write', account.id);
    const now = nowIso(tx);
    const closed = data.stage === 'won' || data.stage === 'lost';
    const row: OpportunitiesTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      account_id: account.id,
      kind: data.kind,
      title: data.title,
      amount_minor: toMinor(data.amount, tx.workspace.baseCurrency),
      stage: data.stage,
      close_date: data.closeDate ?? null,
      owner_id: data.ownerId === undefined ? (actorId(tx) ?? account.ownerId) : data.ownerId,
      note: data.note || null,
      closed_at: closed ? now : null,
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto('opportunities').values(row).execute();
    await writeAudit(tx, {
      action: 'opportunity.created',
      entityType: 'opportunity',
      entityId: row.id,
      after: row,
    });
    await writeTimeline(tx, {
      accountId: account.id,
      type: 'opportunity',
      title: msg('opportunities.timeline.created', { title: data.title }),
      entityType: 'opportunity',
      entityId: row.id,
      data: { kind: data.kind, amount: data.amount, stage: data.stage },
    });
    return row.id;
  });
  return (await toOpportunities(ctx, [await opportunityRow(ctx, id)]))[0]!;
}

export async function updateOpportunity({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateOpportunity;
}) {
  const data = UpdateOpportunity.parse(input);
  await inTransaction(ctx, async (tx) => {
    const before = await opportunityRow(tx, id);
    await authorize(tx, 'renewals:write', before.account_id);
    const now = nowIso(tx);
    const patch: Partial<OpportunitiesTable> = { updated_at: now };
    if (data.kind !== undefined) patch.kind = data.kind;
    if (data.title !== undefined) patch.title = data.title;
    if (data.amount !== undefined) patch.amount_minor = toMinor(data.amount, tx.workspace.baseCurrency);
    if (data.closeDate !== undefined) patch.close_date = data.closeDate;
    if (data.ownerId !== undefined) patch.owner_id = data.ownerId;
    if (data.note !== undefined) patch.note = data.note || null;
    if (data.stage !== undefined && data.stage !== before.stage) {
      patch.stage = data.stage;
      patch.closed_at = data.stage === 'won' || data.stage === 'lost' ? now : null;
    }
    await tx.db
      .updateTable('opportunities')
      .set(patch)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'opportunity.updated',
      entityType: 'opportunity',
      entityId: id,
      before,
      after: data,
    });
    if (patch.stage)
      await writeTimeline(tx, {
        accountId: before.account_id,
        type: 'opportunity',
        title: msg('opportunities.timeline.stage', {
          title: data.title ?? before.title,
          stage: msg(`opportunities.stage.${patch.stage as OpportunityStage}`),
        }),
        entityType: 'opportunity',
        entityId: id,
        data: { from: before.stage, to: patch.stage },
      });
  });
  return (await toOpportunities(ctx, [await opportunityRow(ctx, id)]))[0]!;
}

export async function deleteOpportunity({ ctx, id }: { ctx: Ctx; id: string }) {
  await inTransaction(ctx, async (tx) => {
    const before = await opportunityRow(tx, id);
    await authorize(tx, 'renewals:write', before.account_id);
    await tx.db
      .deleteFrom('opportunities')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, { action: 'opportunity.deleted', entityType: 'opportunity', entityId: id, before });
  });
}
