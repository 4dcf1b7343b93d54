// The team digest: once a day, a message to a chat group (a WeCom / Feishu / DingTalk bot, or a
// webhook: a subscription under Integrations) with the day's at-risk accounts, overdue tasks and
// renewals due, for the whole workspace or a team (chosen owners). Managers and admins set it up
// (settings:write) and pick the destination by name; they never see its URL or secret.
// The message is queued through events-out (the destination's format, language and signing) and
// attempted at once; the deliver-webhooks job retries it like any delivery.
import { z } from 'zod';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { invalidField, notFound } from '../../errors.ts';
import { type Locale, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { addDays, nowIso, today } from '../../time.ts';
import { accountsView } from '../accounts/index.ts';
import { authorize, userRefs, writeAudit } from '../auth/index.ts';
import {
  type Destination,
  type DirectMessage,
  deliveryOutcome,
  findDestination,
  queueDirect,
} from '../automation/events-out.ts';
import { deliverDueWebhooks } from '../automation/webhooks.ts';
import { DEFAULT_BANDS, loadHealthModels } from '../health/index.ts';
import { listAccountStates } from '../state/index.ts';
import { ListTasks, listTasks, type Task } from '../tasks/index.ts';
import type { ChannelDigestsTable } from './notifications.table.ts';

/** Lines per section: a bot shows about 30 lines in all, so three sections of ten. */
export const CHANNEL_SECTION_LINES = 10;

export const CreateChannelDigest = z.object({
  name: z.string().trim().min(1).max(200),
  /** A subscription id (GET /alert-destinations). */
  destinationId: z.string().trim().min(1).max(100),
  /** Only these owners' accounts and tasks (a team); empty or absent: the whole workspace. */
  ownerIds: z.array(z.string().min(1).max(100)).max(200).default([]),
  /** Renewals within this many days are listed. */
  renewalDays: z.int().min(1).max(365).default(30),
  enabled: z.boolean().default(true),
});
export type CreateChannelDigest = z.input<typeof CreateChannelDigest>;

export const UpdateChannelDigest = z
  .object({
    name: CreateChannelDigest.shape.name,
    destinationId: CreateChannelDigest.shape.destinationId,
    ownerIds: z.array(z.string().min(1).max(100)).max(200),
    renewalDays: z.int().min(1).max(365),
    enabled: z.boolean(),
  })
  .partial();
export type UpdateChannelDigest = z.input<typeof UpdateChannelDigest>;

export const ChannelDigest = z
  .object({
    id: z.string(),
    name: z.string(),
    destinationId: z.string(),
    ownerIds: z.array(z.string()),
    renewalDays: z.number(),
    enabled: z.boolean(),
    lastSentDay: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('ChannelDigest');
export type ChannelDigest = z.infer<typeof ChannelDigest>;

const rowToDigest = (r: ChannelDigestsTable): ChannelDigest => ({
  id: r.id,
  name: r.name,
  destinationId: r.subscription_id,
  ownerIds: r.owner_ids ? (JSON.parse(r.owner_ids) as string[]) : [],
  renewalDays: r.renewal_days,
  enabled: r.enabled === 1,
  lastSentDay: r.last_sent_day,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

async function check(ctx: Ctx, input: { destinationId?: string; ownerIds?: string[] }) {
  if (input.destinationId !== undefined && !(await findDestination(ctx, input.destinationId)))
    throw invalidField(
      'destinationId',
      msg('channelDigest.error.noDestination', { id: input.destinationId }),
    );
  if (input.ownerIds?.length) {
    const users = await userRefs(ctx, input.ownerIds);
    const i = input.ownerIds.findIndex((id) => !users.has(id));
    if (i >= 0)
      throw invalidField(`ownerIds.${i}`, msg('channelDigest.error.noUser', { id: input.ownerIds[i]! }));
  }
}

async function getRow(ctx: Ctx, id: string) {
  const row = await ctx.db
    .selectFrom('channel_digests')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(msg('entity.channelDigest'), id);
  return row;
}

export async function listChannelDigests({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'settings:write');
  const rows = await ctx.db
    .selectFrom('channel_digests')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { items: rows.map(rowToDigest), nextCursor: null };
}

export async function createChannelDigest({ ctx, input }: { ctx: Ctx; input: CreateChannelDigest }) {
  await authorize(ctx, 'settings:write');
  const data = CreateChannelDigest.parse(input);
  await check(ctx, data);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: ChannelDigestsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      name: data.name,
      subscription_id: data.destinationId,
      owner_ids: data.ownerIds.length ? JSON.stringify([...new Set(data.ownerIds)]) : null,
      renewal_days: data.renewalDays,
      enabled: data.enabled ? 1 : 0,
      last_sent_day: null,
      created_by: actorId(tx),
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto('channel_digests').values(row).execute();
    const out = rowToDigest(row);
    await writeAudit(tx, {
      action: 'channel_digest.created',
      entityType: 'channel_digest',
      entityId: row.id,
      after: out,
    });
    return out;
  });
}

export async function updateChannelDigest({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateChannelDigest;
}) {
  await authorize(ctx, 'settings:write');
  const data = UpdateChannelDigest.parse(input);
  await check(ctx, data);
  return inTransaction(ctx, async (tx) => {
    const before = await getRow(tx, id);
    const set: Partial<ChannelDigestsTable> = { updated_at: nowIso(tx) };
    if (data.name !== undefined) set.name = data.name;
    if (data.destinationId !== undefined) set.subscription_id = data.destinationId;
    if (data.ownerIds !== undefined)
      set.owner_ids = data.ownerIds.length ? JSON.stringify([...new Set(data.ownerIds)]) : null;
    if (data.renewalDays !== undefined) set.renewal_days = data.renewalDays;
    if (data.enabled !== undefined) set.enabled = data.enabled ? 1 : 0;
    await tx.db
      .updateTable('channel_digests')
      .set(set)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    const after = rowToDigest(await getRow(tx, id));
    await writeAudit(tx, {
      action: 'channel_digest.updated',
      entityType: 'channel_digest',
      entityId: id,
      before: rowToDigest(before),
      after,
    });
    return after;
  });
}

export async function deleteChannelDigest({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  await inTransaction(ctx, async (tx) => {
    const before = await getRow(tx, id);
    await tx.db
      .deleteFrom('channel_digests')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'channel_digest.deleted',
      entityType: 'channel_digest',
      entityId: id,
      before: rowToDigest(before),
    });
  });
}

type Section = { lines: string[]; total: number };

/** The day's content for a team: at-risk accounts, overdue tasks, renewals due (each capped, counted). */
export async function loadChannelDigest(
  jobCtx: Ctx,
  digest: Pick<ChannelDigest, 'ownerIds' | 'renewalDays'>,
  locale: Locale,
  day: string,
): Promise<{ atRisk: Section; overdue: Section; renewals: Section }> {
  const ctx: Ctx = { ...jobCtx, locale };
  const owners: (string | undefined)[] = digest.ownerIds.length ? digest.ownerIds : [undefined];
  const take = CHANNEL_SECTION_LINES;
  const nobody = render(locale, msg('channelDigest.nobody'));

  // At risk: the last (danger) band of each health model, as the danger notification reads it.
  const models = await loadHealthModels(ctx);
  const dangerKeys = [
    ...new Set([...models.map((m) => m.bands.at(-1)?.key), DEFAULT_BANDS.at(-1)?.key].filter(Boolean)),
  ] as string[];
  const risky: { name: string; ownerId: string | null }[] = [];
  let atRiskTotal = 0;
  for (const ownerId of owners)
    for (const health of dangerKeys) {
      const page = await listAccountStates({
        ctx,
        input: { ownerId, health, sort: 'name', limit: take, includeTotal: true },
      });
      atRiskTotal += page.total ?? page.items.length;
      risky.push(...page.items.map((a) => ({ name: a.name, ownerId: a.ownerId })));
    }

  // Overdue: the tasks list's own rule (open, in progress, or snoozed until a day that has come).
  const late: Task[] = [];
  let overdueTotal = 0;
  for (const assigneeId of owners) {
    let cursor: string | undefined;
    do {
      const page = await listTasks({
        ctx,
        input: ListTasks.parse({ assigneeId, due: 'overdue', sort: 'priority', limit: 200, cursor }),
      });
      if (late.length < take * owners.length) late.push(...page.items);
      overdueTotal += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  late.sort((a, b) => (a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : 0));

  // Renewals due within the window, soonest first.
  const until = addDays(day, digest.renewalDays);
  let renewalsQ = accountsView(ctx).where('renewal_date', '>=', day).where('renewal_date', '<=', until);
  if (digest.ownerIds.length) renewalsQ = renewalsQ.where('owner_id', 'in', digest.ownerIds);
  const renewing = await renewalsQ.orderBy('renewal_date').orderBy('id').limit(take).execute();
  const renewalsCount = await ctx.db
    .selectFrom(renewalsQ.as('r'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();

  const people = await userRefs(ctx, [
    ...risky.flatMap((a) => (a.ownerId ? [a.ownerId] : [])),
    ...renewing.flatMap((a) => (a.owner_id ? [a.owner_id] : [])),
  ]);
  const who = (id: string | null) => (id ? (people.get(id)?.name ?? nobody) : nobody);
  return {
    atRisk: {
      total: atRiskTotal,
      lines: risky
        .slice(0, take)
        .map((a) =>
          render(locale, msg('channelDigest.atRiskLine', { account: a.name, owner: who(a.ownerId) })),
        ),
    },
    overdue: {
      total: overdueTotal,
      lines: late.slice(0, take).map((t) =>
        render(
          locale,
          msg('channelDigest.taskLine', {
            priority: t.priority,
            title: t.title,
            account: t.accountName,
            assignee: t.assigneeName ?? nobody,
            date: t.dueDate ? { date: t.dueDate } : '',
          }),
        ),
      ),
    },
    renewals: {
      total: Number(renewalsCount?.n ?? 0),
      lines: renewing.map((a) =>
        render(
          locale,
          msg('channelDigest.renewalLine', {
            account: a.name,
            date: { date: a.renewal_date! },
            owner: who(a.owner_id),
          }),
        ),
      ),
    },
  };
}

/** The message: a heading, the three counts, and each section's first lines (with "and N more"). */
export function buildChannelDigest(
  name: string,
  day: string,
  renewalDays: number,
  c: Awaited<ReturnType<typeof loadChannelDigest>>,
  locale: Locale,
): DirectMessage {
  const lines: string[] = [];
  const section = (
    key: 'channelDigest.atRisk' | 'channelDigest.overdue' | 'channelDigest.renewals',
    s: Section,
  ) => {
    if (s.total === 0) return;
    lines.push(`【${render(locale, msg(key, { count: s.total }))}】`, ...s.lines);
    if (s.total > s.lines.length)
      lines.push(render(locale, msg('channelDigest.more', { count: s.total - s.lines.length })));
  };
  section('channelDigest.atRisk', c.atRisk);
  section('channelDigest.overdue', c.overdue);
  section('channelDigest.renewals', c.renewals);
  return {
    type: 'digest.daily',
    heading: render(locale, msg('channelDigest.heading', { name, date: { date: day } })),
    text: render(
      locale,
      msg('channelDigest.text', {
        atRisk: c.atRisk.total,
        overdue: c.overdue.total,
        renewals: c.renewals.total,
        days: renewalDays,
      }),
    ),
    lines,
    total: lines.length,
    occurredAt: new Date().toISOString(),
  };
}

export type SendChannelDigestsResult = { digests: number; sent: number; failed: number; skipped: number };

/**
 * Daily: each enabled team digest once (claimed by a conditional update of last_sent_day, so two
 * nodes or a rerun send one a day), queued to its destination and attempted at once. A destination
 * that is gone or disabled skips the day.
 */
export async function sendChannelDigests(ctx: Ctx, only?: string): Promise<SendChannelDigestsResult> {
  const day = today(ctx);
  let q = ctx.db
    .selectFrom('channel_digests')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('enabled', '=', 1);
  if (only) q = q.where('id', '=', only);
  const rows = await q.orderBy('id').execute();
  const result: SendChannelDigestsResult = { digests: rows.length, sent: 0, failed: 0, skipped: 0 };
  for (const row of rows) {
    const dest: Destination | undefined = await findDestination(ctx, row.subscription_id);
    if (!dest?.enabled) {
      result.skipped++;
      continue;
    }
    const claimed = await ctx.db
      .updateTable('channel_digests')
      .set({ last_sent_day: day })
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', row.id)
      .where((eb) => eb.or([eb('last_sent_day', 'is', null), eb('last_sent_day', '<', day)]))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    const digest = rowToDigest(row);
    const content = await loadChannelDigest(ctx, digest, dest.locale, day);
    const message = buildChannelDigest(digest.name, day, digest.renewalDays, content, dest.locale);
    message.occurredAt = ctx.now().toISOString();
    const deliveryId = await queueDirect(ctx, dest, message);
    const sent = await deliverDueWebhooks(ctx, { workspaceId: ctx.workspace.id, deliveryId });
    if (sent.delivered) result.sent++;
    else result.failed++;
  }
  return result;
}

/** Sends one team digest now (a manager's "send now"), even if today's went out; its delivery id. */
export async function sendChannelDigestNow({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'settings:write');
  const row = await getRow(ctx, id);
  const dest = await findDestination(ctx, row.subscription_id);
  if (!dest)
    throw invalidField(
      'destinationId',
      msg('channelDigest.error.noDestination', { id: row.subscription_id }),
    );
  const day = today(ctx);
  const digest = rowToDigest(row);
  const message = buildChannelDigest(
    digest.name,
    day,
    digest.renewalDays,
    await loadChannelDigest(ctx, digest, dest.locale, day),
    dest.locale,
  );
  message.occurredAt = ctx.now().toISOString();
  const deliveryId = await queueDirect(ctx, dest, message);
  await deliverDueWebhooks(ctx, { workspaceId: ctx.workspace.id, deliveryId });
  const d = await deliveryOutcome(ctx, deliveryId);
  return { deliveryId: d.id, status: d.status, statusCode: d.last_status_code, attempts: d.attempts };
}
