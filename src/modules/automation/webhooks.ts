// Outbound webhooks: HMAC-SHA256 over "<timestamp>.<body>" (so a captured request cannot be
// replayed later with a new timestamp), at-least-once delivery with exponential backoff through the
// outbound address guard (src/outbound.ts), and a log of every attempt with its status code and
// outcome category. A run writes the delivery in its transaction; the first
// attempt follows the commit, retries come from the `deliver-webhooks` job.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Ctx, Deps } from '../../context.ts';
import { newId } from '../../ids.ts';
import { type OutboundOutcome, postOutbound } from '../../outbound.ts';
import type { WebhookDeliveriesTable } from './automation.table.ts';
import { botRefused, type SubscriptionKind, signedBotRequest } from './bot-formats.ts';

export const SIGNATURE_HEADER = 'x-steward-signature';
export const TIMESTAMP_HEADER = 'x-steward-timestamp';
export const DELIVERY_HEADER = 'x-steward-delivery';

/** Attempts before a delivery is marked failed; waits double from the first retry's. */
export const MAX_ATTEMPTS = 6;
export const FIRST_RETRY_MS = 30_000;
const TIMEOUT_MS = 10_000;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers (and tests): is this a request Steward signed with `secret` within `toleranceSec`
 * of `now`? Compares in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { signature?: string | null; timestamp?: string | null },
  body: string,
  now: Date = new Date(),
  toleranceSec = 300,
): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSec) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Wait before attempt `attempt + 1` after `attempt` failed ones: 30 s, 1 min, 2 min, 4 min, 8 min. */
export const backoffMs = (attempts: number) => FIRST_RETRY_MS * 2 ** (attempts - 1);

/**
 * One attempt as the delivery log shows it. Only a category: raw error text and timings would let a
 * rule author map ports and hosts behind the server.
 */
export type AttemptLog = { at: string; statusCode: number | null; outcome: OutboundOutcome };

/** A stored attempt, including those written before outcomes (with error text and ms), as shown. */
export function toAttemptLog(stored: {
  at: string;
  statusCode: number | null;
  outcome?: OutboundOutcome;
}): AttemptLog {
  const s = stored.statusCode;
  const outcome: OutboundOutcome =
    stored.outcome ??
    (s === null
      ? 'connection_failed'
      : s < 300
        ? 'ok'
        : s < 400
          ? 'redirect_refused'
          : s < 500
            ? 'http_4xx'
            : 'http_5xx');
  return { at: stored.at, statusCode: s, outcome };
}

/** Queues a delivery in the caller's transaction; returns its id. */
export async function queueWebhook(
  ctx: Ctx,
  d: { ruleId: string; runId: string; accountId: string; url: string; payload: unknown },
): Promise<string> {
  const id = newId();
  const now = ctx.now().toISOString();
  await ctx.db
    .insertInto('webhook_deliveries')
    .values({
      id,
      workspace_id: ctx.workspace.id,
      rule_id: d.ruleId,
      run_id: d.runId,
      account_id: d.accountId,
      url: d.url,
      payload: JSON.stringify({ id, ...(d.payload as object) }),
      status: 'pending',
      attempts: 0,
      log: '[]',
      last_status_code: null,
      next_attempt_at: now,
      created_at: now,
      delivered_at: null,
    })
    .execute();
  return id;
}

export const EVENT_HEADER = 'x-steward-event';
/** How much of a receiver's answer a subscription's delivery log keeps. */
export const RESPONSE_CHARS = 1000;

/** Who a delivery is for: a rule's webhook, or a subscription (webhook or group bot). */
type Target = { kind: SubscriptionKind | 'rule'; secret: string | null };

/**
 * The request of one attempt. Webhooks (a rule's or a subscription's) are signed with
 * x-steward-signature over "<timestamp>.<body>"; bots get their platform's signature.
 */
function requestOf(d: WebhookDeliveriesTable, target: Target, now: Date) {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  if (target.kind === 'rule' || target.kind === 'webhook') {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Steward-Webhooks/1',
      [TIMESTAMP_HEADER]: timestamp,
      [DELIVERY_HEADER]: d.id,
    };
    if (target.secret) headers[SIGNATURE_HEADER] = signWebhook(target.secret, timestamp, d.payload);
    if (d.event_type) headers[EVENT_HEADER] = d.event_type;
    return { url: d.url, body: d.payload, headers };
  }
  const signed = signedBotRequest(target.kind, d.url, d.payload, target.secret, now);
  return {
    ...signed,
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Steward-Webhooks/1' },
  };
}

/** One attempt: POST the payload, signed as its receiver expects, then record the outcome. */
export async function attemptDelivery(
  deps: Pick<Deps, 'db' | 'now' | 'logger' | 'config'>,
  d: WebhookDeliveriesTable,
  target: Target,
) {
  const started = deps.now();
  const req = requestOf(d, target, started);
  const result = await postOutbound(req.url, {
    headers: req.headers,
    body: req.body,
    timeoutMs: TIMEOUT_MS,
    allow: deps.config.outboundAllow,
    // A rule's log keeps categories only; a subscription's also the answer (bots refuse with 200).
    keepResponse: target.kind === 'rule' ? 0 : RESPONSE_CHARS,
  });
  const { statusCode, detail } = result;
  const response = result.response ?? null;
  const outcome =
    result.outcome === 'ok' &&
    target.kind !== 'rule' &&
    target.kind !== 'webhook' &&
    botRefused(response ?? '')
      ? 'rejected'
      : result.outcome;
  const ok = outcome === 'ok';
  const attempts = d.attempts + 1;
  const log: AttemptLog[] = [
    ...(JSON.parse(d.log) as AttemptLog[]),
    { at: started.toISOString(), statusCode, outcome },
  ];
  const status = ok ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
  await deps.db
    .updateTable('webhook_deliveries')
    .set({
      status,
      attempts,
      log: JSON.stringify(log),
      last_status_code: statusCode,
      last_response: target.kind === 'rule' ? null : response,
      next_attempt_at:
        status === 'pending' ? new Date(started.getTime() + backoffMs(attempts)).toISOString() : null,
      delivered_at: ok ? deps.now().toISOString() : null,
    })
    .where('id', '=', d.id)
    // Two nodes retrying at once: only the one that saw this attempt count records it.
    .where('attempts', '=', d.attempts)
    .execute();
  if (!ok)
    deps.logger.warn({ delivery: d.id, url: d.url, outcome, detail, attempts }, 'webhook attempt failed');
  return status;
}

/**
 * Attempts every pending delivery that is due (optionally only one run's or subscription's), in
 * bounded batches. Claims each by bumping next_attempt_at first, so concurrent callers do not post
 * twice. A disabled or deleted subscription's deliveries wait (they are cancelled when it is).
 */
export async function deliverDueWebhooks(
  deps: Pick<Deps, 'db' | 'now' | 'logger' | 'config'>,
  options: {
    runId?: string;
    workspaceId?: string;
    subscriptionId?: string;
    deliveryId?: string;
    limit?: number;
  } = {},
): Promise<{ attempted: number; delivered: number; failed: number }> {
  const now = deps.now().toISOString();
  let q = deps.db
    .selectFrom('webhook_deliveries as d')
    .leftJoin('automation_rules as r', (j) =>
      j.onRef('r.id', '=', 'd.rule_id').onRef('r.workspace_id', '=', 'd.workspace_id'),
    )
    .leftJoin('event_subscriptions as s', (j) =>
      j.onRef('s.id', '=', 'd.subscription_id').onRef('s.workspace_id', '=', 'd.workspace_id'),
    )
    .leftJoin('automation_runs as run', (j) =>
      j.onRef('run.id', '=', 'd.run_id').onRef('run.workspace_id', '=', 'd.workspace_id'),
    )
    .selectAll('d')
    .select([
      'r.secret as rule_secret',
      's.secret as sub_secret',
      's.kind as sub_kind',
      's.enabled as sub_enabled',
    ])
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', now)
    // A subscription's delivery (an event, a rule alert, a digest) goes while the subscription is
    // enabled; a rule's webhook while the rule exists.
    .where((eb) =>
      eb.or([
        eb.and([eb('d.subscription_id', 'is', null), eb('r.id', 'is not', null)]),
        eb('s.enabled', '=', 1),
      ]),
    )
    // A rule alert gathers its run's accounts into one message: held while the run is running
    // (a run dead for an hour lets it go), so the minute job never sends half a list.
    .where((eb) =>
      eb.or([
        eb('run.id', 'is', null),
        eb('run.status', '!=', 'running'),
        eb('run.started_at', '<', new Date(deps.now().getTime() - 3600_000).toISOString()),
      ]),
    );
  if (options.runId) q = q.where('d.run_id', '=', options.runId);
  if (options.workspaceId) q = q.where('d.workspace_id', '=', options.workspaceId);
  if (options.subscriptionId) q = q.where('d.subscription_id', '=', options.subscriptionId);
  if (options.deliveryId) q = q.where('d.id', '=', options.deliveryId);
  const due = await q
    .orderBy('d.next_attempt_at')
    .limit(options.limit ?? 100)
    .execute();
  const out = { attempted: 0, delivered: 0, failed: 0 };
  const lease = new Date(deps.now().getTime() + TIMEOUT_MS * 2).toISOString();
  for (const row of due) {
    const claimed = await deps.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: lease })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) continue;
    const { rule_secret, sub_secret, sub_kind, sub_enabled: _, ...d } = row;
    // A rule alert has its rule and its destination: it is sent as the destination's.
    const target: Target = d.subscription_id
      ? { kind: sub_kind as SubscriptionKind, secret: sub_secret }
      : { kind: 'rule', secret: rule_secret };
    const status = await attemptDelivery(deps, d as WebhookDeliveriesTable, target);
    out.attempted++;
    if (status === 'delivered') out.delivered++;
    if (status === 'failed') out.failed++;
  }
  return out;
}

/** Job: due retries of every workspace, a bounded batch a minute. */
export const deliverWebhooksJob = (deps: Deps) => deliverDueWebhooks(deps, { limit: 200 });
