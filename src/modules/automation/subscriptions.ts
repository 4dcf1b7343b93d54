// Subscriptions to Steward's own events: where they go (a signed webhook, or a WeCom / Feishu /
// DingTalk group bot), which events, in which language; a test send; the delivery log. Admins
// only (keys:manage): a subscription sends account data out of the workspace, and a bot's URL is
// its credential.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { actorId, type Ctx, inTransaction } from '../../context.ts';
import { invalidField, notFound } from '../../errors.ts';
import { DEFAULT_LOCALE, LOCALES, type Locale, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { literalBlockedReason, OUTBOUND_OUTCOMES } from '../../outbound.ts';
import { decodeCursor, encodeCursor, Limit } from '../../pagination.ts';
import { nowIso } from '../../time.ts';
import { authorize, writeAudit } from '../auth/index.ts';
import type { EventSubscriptionsTable, WebhookDeliveriesTable } from './automation.table.ts';
import { botBody, SUBSCRIPTION_KINDS, type SubscriptionKind } from './bot-formats.ts';
import { OUT_EVENT_TYPES } from './events-out.ts';
import { attemptDelivery, toAttemptLog } from './webhooks.ts';

export const SubscriptionKindSchema = z.enum(SUBSCRIPTION_KINDS).openapi('SubscriptionKind');
export const OutEventType = z.enum(OUT_EVENT_TYPES).openapi('OutEventType');

const Url = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const CreateSubscription = z.object({
  name: z.string().trim().min(1).max(200),
  kind: SubscriptionKindSchema,
  url: Url,
  /** May be empty: a group bot that only receives rule alerts or the team digest. */
  events: z.array(OutEventType).max(OUT_EVENT_TYPES.length),
  /** Feishu / DingTalk: the bot's signing secret (加签), when its security setting uses one. */
  secret: z.string().trim().min(1).max(200).nullable().optional(),
  locale: z.enum(LOCALES).optional(),
  enabled: z.boolean().default(true),
});
export type CreateSubscription = z.infer<typeof CreateSubscription>;

export const UpdateSubscription = CreateSubscription.omit({ kind: true })
  .partial()
  .extend({ enabled: z.boolean().optional() });
export type UpdateSubscription = z.infer<typeof UpdateSubscription>;

export const Subscription = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: SubscriptionKindSchema,
    url: z.string(),
    events: z.array(OutEventType),
    locale: z.enum(LOCALES),
    enabled: z.boolean(),
    /** A webhook's signing key (x-steward-signature); for a bot, whether a signing secret is set. */
    secret: z.string().nullable(),
    hasSecret: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Subscription');
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionDelivery = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventType: z.string(),
    accountId: z.string().nullable(),
    status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
    attempts: z.number(),
    lastStatusCode: z.number().nullable(),
    /** The start of the receiver's last answer (a bot's `{"errcode":0,...}`). */
    lastResponse: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    log: z.array(
      z.object({ at: z.string(), statusCode: z.number().nullable(), outcome: z.enum(OUTBOUND_OUTCOMES) }),
    ),
    payload: z.string(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi('SubscriptionDelivery');
export type SubscriptionDelivery = z.infer<typeof SubscriptionDelivery>;

export const ListDeliveries = z.object({
  cursor: z.string().optional(),
  limit: Limit,
  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']).optional(),
});
export type ListDeliveries = z.infer<typeof ListDeliveries>;

const rowToSubscription = (r: EventSubscriptionsTable): Subscription => ({
  id: r.id,
  name: r.name,
  kind: r.kind as SubscriptionKind,
  url: r.url,
  events: JSON.parse(r.events) as Subscription['events'],
  locale: r.locale as Locale,
  enabled: r.enabled === 1,
  secret: r.kind === 'webhook' ? r.secret : null,
  hasSecret: r.secret !== null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const rowToDelivery = (d: WebhookDeliveriesTable): SubscriptionDelivery => ({
  id: d.id,
  subscriptionId: d.subscription_id ?? '',
  eventType: d.event_type ?? '',
  accountId: d.account_id,
  status: d.status as SubscriptionDelivery['status'],
  attempts: d.attempts,
  lastStatusCode: d.last_status_code,
  lastResponse: d.last_response,
  nextAttemptAt: d.next_attempt_at,
  log: (JSON.parse(d.log) as Parameters<typeof toAttemptLog>[0][]).map(toAttemptLog),
  payload: d.payload,
  createdAt: d.created_at,
  deliveredAt: d.delivered_at,
});

/** For the audit log: never a secret. */
const audited = (s: Subscription) => ({ ...s, secret: null });

function checkUrl(ctx: Ctx, url: string) {
  const why = literalBlockedReason(url, ctx.config.outboundAllow);
  if (why)
    throw invalidField(
      'url',
      msg('integrations.error.blockedUrl', { host: new URL(url).hostname, reason: why }),
    );
}

async function getRow(ctx: Ctx, id: string): Promise<EventSubscriptionsTable> {
  const row = await ctx.db
    .selectFrom('event_subscriptions')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound(msg('entity.subscription'), id);
  return row;
}

const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

export async function listSubscriptions({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'keys:manage');
  const rows = await ctx.db
    .selectFrom('event_subscriptions')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return { items: rows.map(rowToSubscription), nextCursor: null };
}

export async function getSubscription({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'keys:manage');
  return rowToSubscription(await getRow(ctx, id));
}

export async function createSubscription({ ctx, input }: { ctx: Ctx; input: CreateSubscription }) {
  await authorize(ctx, 'keys:manage');
  const data = CreateSubscription.parse(input);
  checkUrl(ctx, data.url);
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx);
    const row: EventSubscriptionsTable = {
      id: newId(),
      workspace_id: tx.workspace.id,
      name: data.name,
      kind: data.kind,
      url: data.url,
      // A webhook is always signed with a key Steward makes; WeCom bots do not sign.
      secret:
        data.kind === 'webhook' ? newWebhookSecret() : data.kind === 'wecom' ? null : (data.secret ?? null),
      events: JSON.stringify([...new Set(data.events)]),
      locale: data.locale ?? tx.locale ?? DEFAULT_LOCALE,
      enabled: data.enabled ? 1 : 0,
      created_by: actorId(tx),
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto('event_subscriptions').values(row).execute();
    const out = rowToSubscription(row);
    await writeAudit(tx, {
      action: 'subscription.created',
      entityType: 'subscription',
      entityId: row.id,
      after: audited(out),
    });
    return out;
  });
}

/** Pending deliveries of a subscription that stops (disabled, deleted) are cancelled, not sent later. */
async function cancelPending(ctx: Ctx, subscriptionId: string) {
  await ctx.db
    .updateTable('webhook_deliveries')
    .set({ status: 'cancelled', next_attempt_at: null })
    .where('workspace_id', '=', ctx.workspace.id)
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'pending')
    .execute();
}

export async function updateSubscription({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: UpdateSubscription;
}) {
  await authorize(ctx, 'keys:manage');
  const data = UpdateSubscription.parse(input);
  if (data.url !== undefined) checkUrl(ctx, data.url);
  return inTransaction(ctx, async (tx) => {
    const before = await getRow(tx, id);
    const set: Partial<EventSubscriptionsTable> = { updated_at: nowIso(tx) };
    if (data.name !== undefined) set.name = data.name;
    if (data.url !== undefined) set.url = data.url;
    if (data.events !== undefined) set.events = JSON.stringify([...new Set(data.events)]);
    if (data.locale !== undefined) set.locale = data.locale;
    if (data.enabled !== undefined) set.enabled = data.enabled ? 1 : 0;
    if (data.secret !== undefined && before.kind !== 'webhook' && before.kind !== 'wecom')
      set.secret = data.secret;
    await tx.db
      .updateTable('event_subscriptions')
      .set(set)
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    if (data.enabled === false) await cancelPending(tx, id);
    const after = rowToSubscription(await getRow(tx, id));
    await writeAudit(tx, {
      action: 'subscription.updated',
      entityType: 'subscription',
      entityId: id,
      before: audited(rowToSubscription(before)),
      after: audited(after),
    });
    return after;
  });
}

export async function deleteSubscription({ ctx, id }: { ctx: Ctx; id: string }) {
  await authorize(ctx, 'keys:manage');
  await inTransaction(ctx, async (tx) => {
    const before = await getRow(tx, id);
    await cancelPending(tx, id);
    await tx.db
      .deleteFrom('event_subscriptions')
      .where('workspace_id', '=', tx.workspace.id)
      .where('id', '=', id)
      .execute();
    await writeAudit(tx, {
      action: 'subscription.deleted',
      entityType: 'subscription',
      entityId: id,
      before: audited(rowToSubscription(before)),
    });
  });
}

/**
 * Sends a test message now (in the subscription's format and language, signed as it will be) and
 * returns its delivery; a failed test is retried like any delivery.
 */
export async function testSubscription({ ctx, id }: { ctx: Ctx; id: string }): Promise<SubscriptionDelivery> {
  await authorize(ctx, 'keys:manage');
  const row = await getRow(ctx, id);
  const locale = row.locale as Locale;
  const deliveryId = newId();
  const now = nowIso(ctx);
  const kindName = render(locale, msg(`integrations.kind.${row.kind as SubscriptionKind}`));
  const text = render(locale, msg('outEvent.testText', { name: row.name, kind: kindName }));
  const payload =
    row.kind === 'webhook'
      ? JSON.stringify({
          id: deliveryId,
          type: 'test',
          occurredAt: now,
          workspaceId: ctx.workspace.id,
          account: null,
          title: text,
          lines: [],
          entity: null,
          data: null,
        })
      : botBody(row.kind as Exclude<SubscriptionKind, 'webhook'>, {
          heading: render(locale, msg('outEvent.test')),
          text,
        });
  await ctx.db
    .insertInto('webhook_deliveries')
    .values({
      id: deliveryId,
      workspace_id: ctx.workspace.id,
      subscription_id: row.id,
      event_type: 'test',
      url: row.url,
      payload,
      status: 'pending',
      attempts: 0,
      log: '[]',
      next_attempt_at: now,
      created_at: now,
    })
    .execute();
  // Attempted at once, even while the subscription is disabled: testing before enabling is the
  // point. A failed test waits for the retry job like any delivery (only while enabled).
  await attemptDelivery(ctx, await deliveryRow(ctx, deliveryId), {
    kind: row.kind as SubscriptionKind,
    secret: row.secret,
  });
  return rowToDelivery(await deliveryRow(ctx, deliveryId));
}

async function deliveryRow(ctx: Ctx, id: string) {
  return ctx.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** The subscription's deliveries, newest first, with every attempt and the receiver's last answer. */
export async function listSubscriptionDeliveries({
  ctx,
  id,
  input,
}: {
  ctx: Ctx;
  id: string;
  input: ListDeliveries;
}) {
  await authorize(ctx, 'keys:manage');
  const sub = await getRow(ctx, id);
  let q = ctx.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('workspace_id', '=', ctx.workspace.id)
    .where('subscription_id', '=', sub.id);
  if (input.status) q = q.where('status', '=', input.status);
  if (input.cursor) {
    const [at, did] = decodeCursor(input.cursor, ['string', 'string']) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', did)])]),
    );
  }
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit + 1)
    .execute();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(rowToDelivery),
    nextCursor: rows.length > input.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

export const Destination = z
  .object({ id: z.string(), name: z.string(), kind: SubscriptionKindSchema, enabled: z.boolean() })
  .openapi('Destination');
export type Destination = z.infer<typeof Destination>;

/**
 * Where a rule alert or a team digest can go: the subscriptions by name and kind, never their URL
 * or secret (a bot's URL is its credential). For those who write rules and digests (managers).
 */
export async function listDestinations({ ctx }: { ctx: Ctx }) {
  await authorize(ctx, 'settings:write');
  const rows = await ctx.db
    .selectFrom('event_subscriptions')
    .select(['id', 'name', 'kind', 'enabled'])
    .where('workspace_id', '=', ctx.workspace.id)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind as SubscriptionKind,
      enabled: r.enabled === 1,
    })),
    nextCursor: null,
  };
}
