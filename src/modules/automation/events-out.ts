// Events out: Steward's own events, sent to the workspace's subscriptions (a signed webhook or a
// WeCom / Feishu / DingTalk group bot) through the rule webhooks' delivery log and retry job.
//
// Most events are what goes on an account's timeline (a health status, tier or stage change, a task
// created or done, a renewal closed, a request logged, a ticket...): the timeline module hands every
// entry it writes to emitTimelineEvents, in the writer's transaction, so an event is queued exactly
// when its change commits and a new kind of event (survey answered) is one line in TIMELINE_EVENTS.
// Other events (not on a timeline) can be emitted directly with emitEvent.
//
// A leaf: it imports no module but accounts' refs.ts (which imports none), so timeline, which
// accounts and every producer import, can call it without an import cycle.
import type { Ctx } from '../../context.ts';
import { LOCALES, type Locale, type Message, type MessageKey, msg, render } from '../../i18n/index.ts';
import { newId } from '../../ids.ts';
import { accountRefs } from '../accounts/refs.ts';
import type { TimelineEntriesTable } from '../timeline/timeline.table.ts';
import { type BotText, botBody, type SubscriptionKind } from './bot-formats.ts';

/**
 * Every event a subscription may choose. Add one here (and its `outEvent.<type>` name in the
 * catalog); timeline-borne events also get a line in TIMELINE_EVENTS.
 */
export const OUT_EVENT_TYPES = [
  'account.health_status_changed',
  'account.tier_changed',
  'account.stage_changed',
  'task.created',
  'task.completed',
  'renewal.closed',
  'request.logged',
  'ticket.created',
  'ticket.solved',
  'ticket.escalated',
  'ticket.low_satisfaction',
] as const;
export type OutEventType = (typeof OUT_EVENT_TYPES)[number];

type Data = Record<string, unknown> | null;
const changedTo = (data: Data, key: string) =>
  ((data?.changes as Record<string, unknown[]> | undefined)?.[key] ?? [])[1];

/** Which timeline entries are which events (an entry may need its data to tell: a task done). */
export const TIMELINE_EVENTS: readonly {
  timeline: string;
  event: OutEventType;
  when?: (d: Data) => boolean;
}[] = [
  { timeline: 'health.status.changed', event: 'account.health_status_changed' },
  { timeline: 'tier.changed', event: 'account.tier_changed' },
  { timeline: 'tier.overridden', event: 'account.tier_changed' },
  { timeline: 'stage.changed', event: 'account.stage_changed' },
  { timeline: 'stage.overridden', event: 'account.stage_changed' },
  { timeline: 'task.created', event: 'task.created' },
  {
    timeline: 'task.status_changed',
    event: 'task.completed',
    when: (d) => changedTo(d, 'status') === 'done',
  },
  { timeline: 'renewal.closed', event: 'renewal.closed' },
  { timeline: 'request.logged', event: 'request.logged' },
  { timeline: 'ticket.created', event: 'ticket.created' },
  { timeline: 'ticket.solved', event: 'ticket.solved' },
  { timeline: 'ticket.escalated', event: 'ticket.escalated' },
  { timeline: 'ticket.low_satisfaction', event: 'ticket.low_satisfaction' },
];

/**
 * Entries dated this long before they are written are history, not news: a backfilled recompute
 * day, an imported ticket from last year. They stay on the timeline and are not sent.
 */
export const NEWS_WINDOW_MS = 36 * 3600_000;

export type OutEvent = {
  type: OutEventType;
  accountId: string | null;
  occurredAt: string;
  /** What happened, in each subscription's language. */
  title: Message | string;
  /** A list under it (a rule alert's accounts, a digest's counts). */
  lines?: readonly (Message | string)[];
  entity?: { type: string; id: string } | null;
  data?: unknown;
};

type Subscriber = {
  id: string;
  kind: SubscriptionKind;
  url: string;
  events: ReadonlySet<string>;
  locale: Locale;
};

// Inside one transaction (a recompute writing thousands of changes) the subscriptions are read once.
const perTransaction = new WeakMap<object, Promise<Subscriber[]>>();

async function loadSubscribers(ctx: Ctx): Promise<Subscriber[]> {
  const rows = await ctx.db
    .selectFrom('event_subscriptions')
    .select(['id', 'kind', 'url', 'events', 'locale'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('enabled', '=', 1)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as SubscriptionKind,
    url: r.url,
    events: new Set(JSON.parse(r.events) as string[]),
    locale: ((LOCALES as readonly string[]).includes(r.locale) ? r.locale : 'en') as Locale,
  }));
}

function subscribers(ctx: Ctx): Promise<Subscriber[]> {
  if (!ctx.db.isTransaction) return loadSubscribers(ctx);
  let p = perTransaction.get(ctx.db);
  if (!p) {
    p = loadSubscribers(ctx);
    perTransaction.set(ctx.db, p);
  }
  return p;
}

/** The event a timeline entry is, or null. */
export function eventOfTimeline(type: string, data: Data): OutEventType | null {
  for (const t of TIMELINE_EVENTS) if (t.timeline === type && (!t.when || t.when(data))) return t.event;
  return null;
}

/** Called by the timeline module with the rows it has just written, in the writer's transaction. */
export async function emitTimelineEvents(ctx: Ctx, rows: readonly TimelineEntriesTable[]): Promise<void> {
  const now = ctx.now().getTime();
  const events: OutEvent[] = [];
  for (const r of rows) {
    const data = r.data === null ? null : (JSON.parse(r.data) as Data);
    const type = eventOfTimeline(r.type, data);
    if (!type || now - Date.parse(r.occurred_at) > NEWS_WINDOW_MS) continue;
    events.push({
      type,
      accountId: r.account_id,
      occurredAt: r.occurred_at,
      title: r.title_message ? (JSON.parse(r.title_message) as Message) : r.title,
      entity: r.entity_type && r.entity_id ? { type: r.entity_type, id: r.entity_id } : null,
      data,
    });
  }
  if (events.length) await emitEvents(ctx, events);
}

export const emitEvent = (ctx: Ctx, event: OutEvent) => emitEvents(ctx, [event]);

const text = (locale: Locale, t: Message | string) => (typeof t === 'string' ? t : render(locale, t));

/** Queues one delivery per subscription that chose each event, in the caller's transaction. */
export async function emitEvents(ctx: Ctx, events: readonly OutEvent[]): Promise<number> {
  const subs = await subscribers(ctx);
  if (!subs.length) return 0;
  const wanted = events.filter((e) => subs.some((s) => s.events.has(e.type)));
  if (!wanted.length) return 0;
  const accounts = await accountRefs(
    ctx,
    wanted.flatMap((e) => (e.accountId ? [e.accountId] : [])),
  );
  const now = ctx.now().toISOString();
  const rows = [];
  for (const e of wanted) {
    const account = e.accountId ? accounts.get(e.accountId) : undefined;
    for (const s of subs) {
      if (!s.events.has(e.type)) continue;
      const id = newId();
      rows.push({
        id,
        workspace_id: ctx.workspace.id,
        subscription_id: s.id,
        event_type: e.type,
        account_id: e.accountId,
        url: s.url,
        payload: renderPayload(s, e, account ?? null, id, ctx.workspace.id),
        status: 'pending',
        attempts: 0,
        log: '[]',
        next_attempt_at: now,
        created_at: now,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 100)
    await ctx.db
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + 100))
      .execute();
  return rows.length;
}

/** The body a subscription is sent for an event: JSON for a webhook, the platform's message for a bot. */
export function renderPayload(
  s: Pick<Subscriber, 'kind' | 'locale'>,
  e: OutEvent,
  account: { id: string; externalId: string; name: string } | null,
  deliveryId: string,
  workspaceId: string,
): string {
  const title = text(s.locale, e.title);
  const lines = (e.lines ?? []).map((l) => text(s.locale, l));
  if (s.kind === 'webhook')
    return JSON.stringify({
      id: deliveryId,
      type: e.type,
      occurredAt: e.occurredAt,
      workspaceId,
      account: account ? { id: account.id, externalId: account.externalId, name: account.name } : null,
      title,
      lines,
      entity: e.entity ?? null,
      data: e.data ?? null,
    });
  const bot: BotText = {
    heading: render(s.locale, msg(`outEvent.${e.type}` as MessageKey)),
    text: account ? render(s.locale, msg('outEvent.onAccount', { account: account.name, title })) : title,
    lines,
  };
  return botBody(s.kind, bot);
}

// ---- Destinations: a subscription named by id (a rule alert, a team digest) --------------------

/** Deliveries that are not one of OUT_EVENT_TYPES: a rule's alert and the team digest. */
export const DIRECT_EVENT_TYPES = ['rule.alert', 'digest.daily'] as const;
export type DirectEventType = (typeof DIRECT_EVENT_TYPES)[number];

export type Destination = Subscriber & { name: string; enabled: boolean };

/** A subscription of the workspace by id (enabled or not), or undefined. */
export async function findDestination(ctx: Ctx, id: string): Promise<Destination | undefined> {
  const r = await ctx.db
    .selectFrom('event_subscriptions')
    .select(['id', 'name', 'kind', 'url', 'events', 'locale', 'enabled'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as SubscriptionKind,
    url: r.url,
    events: new Set(JSON.parse(r.events) as string[]),
    locale: ((LOCALES as readonly string[]).includes(r.locale) ? r.locale : 'en') as Locale,
    enabled: r.enabled === 1,
  };
}

/** What a direct message is made of, in the destination's language (kept while an alert gathers). */
export type DirectMessage = {
  type: DirectEventType;
  heading: string;
  text: string;
  lines: string[];
  /** How many items the lines stand for (lines beyond the cap are counted, not kept). */
  total: number;
  occurredAt: string;
  rule?: { id: string; name: string } | null;
  /** An alert's gathering key: the rule action's index (two alert actions to one group stay two). */
  key?: number;
};

/** Lines a gathering alert keeps: a bot shows 30; a webhook receiver gets up to 500. */
const KEEP_LINES = { bot: 30, webhook: 500 };

function renderDirect(kind: SubscriptionKind, m: DirectMessage, deliveryId: string, workspaceId: string) {
  if (kind === 'webhook')
    return JSON.stringify({
      id: deliveryId,
      type: m.type,
      occurredAt: m.occurredAt,
      workspaceId,
      rule: m.rule ?? null,
      title: m.heading,
      text: m.text,
      lines: m.lines,
      total: m.total,
    });
  return botBody(kind, { heading: m.heading, text: m.text, lines: m.lines, total: m.total });
}

/**
 * Queues one message to a destination now (the team digest; a rule alert's first account, with its
 * rule, run, account and draft), in the caller's transaction; its id.
 */
export async function queueDirect(
  ctx: Ctx,
  dest: Destination,
  m: DirectMessage,
  from: { ruleId: string; runId: string; accountId: string; draft: string } | null = null,
): Promise<string> {
  const id = newId();
  const now = ctx.now().toISOString();
  await ctx.db
    .insertInto('webhook_deliveries')
    .values({
      id,
      workspace_id: ctx.workspace.id,
      ...(from ? { rule_id: from.ruleId, run_id: from.runId, draft: from.draft } : {}),
      subscription_id: dest.id,
      event_type: m.type,
      account_id: from?.accountId ?? null,
      url: dest.url,
      payload: renderDirect(dest.kind, m, id, ctx.workspace.id),
      status: 'pending',
      attempts: 0,
      log: '[]',
      next_attempt_at: now,
      created_at: now,
    })
    .execute();
  return id;
}

/**
 * A rule alert: adds one account's line to its run's message for this destination (made on the
 * first account). A group bot takes about 20 messages a minute, so a run that matches 40 accounts
 * sends one message listing them, not 40. The delivery waits until its run has finished
 * (deliverDueWebhooks holds deliveries of a running run), so the message goes out whole.
 */
export async function gatherRuleAlert(
  ctx: Ctx,
  dest: Destination,
  a: {
    ruleId: string;
    ruleName: string;
    runId: string;
    key: number;
    accountId: string;
    heading: string;
    /** The message's line under the heading for `count` accounts. */
    text: (count: number) => string;
    line: string;
  },
): Promise<{ deliveryId: string; count: number }> {
  const keep = dest.kind === 'webhook' ? KEEP_LINES.webhook : KEEP_LINES.bot;
  const open = await ctx.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'draft'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('run_id', '=', a.runId)
    .where('subscription_id', '=', dest.id)
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .where('draft', 'is not', null)
    .execute();
  const found = open
    .map((r) => ({ id: r.id, draft: JSON.parse(r.draft!) as DirectMessage }))
    .find((r) => r.draft.key === a.key);
  if (found) {
    const m = found.draft;
    m.total += 1;
    if (m.lines.length < keep) m.lines.push(a.line);
    m.text = a.text(m.total);
    await ctx.db
      .updateTable('webhook_deliveries')
      .set({
        draft: JSON.stringify(m),
        payload: renderDirect(dest.kind, m, found.id, ctx.workspace.id),
        // One account's alert names it; several name none (the lines do).
        account_id: null,
      })
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', found.id)
      .execute();
    return { deliveryId: found.id, count: m.total };
  }
  const m: DirectMessage = {
    type: 'rule.alert',
    heading: a.heading,
    text: a.text(1),
    lines: [a.line],
    total: 1,
    occurredAt: ctx.now().toISOString(),
    rule: { id: a.ruleId, name: a.ruleName },
    key: a.key,
  };
  const id = await queueDirect(ctx, dest, m, {
    ruleId: a.ruleId,
    runId: a.runId,
    accountId: a.accountId,
    draft: JSON.stringify(m),
  });
  return { deliveryId: id, count: 1 };
}

/** A delivery's state after an attempt (the team digest's "send now" answer). */
export async function deliveryOutcome(ctx: Ctx, id: string) {
  return ctx.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'status', 'last_status_code', 'attempts'])
    .where('workspace_id', '=', ctx.workspace.id)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}
