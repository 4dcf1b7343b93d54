// validate: one event's shape, identity, size and timestamps, judged on its own.
import { render } from '../../../i18n/index.ts';
import { findBadText } from '../../../text.ts';
import { dayInZone } from '../../../time.ts';
import { assignMessageId, type Candidate, EVENT_TYPES, type EventType, isObject } from '../normalize.ts';
import { type BatchStep, drop, ok, type StepResult } from './result.ts';

/** 32 KB per event, as Segment and the clients enforce. */
export const MAX_EVENT_BYTES = 32 * 1024;

export type ValidEvent = {
  messageId: string;
  source: Candidate['source'];
  type: EventType;
  eventName: string;
  userId: string | null;
  anonymousId: string | null;
  userKey: string | null;
  previousId: string | null;
  groupExternalId: string | null;
  properties: Record<string, unknown>;
  traits: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  timestamp: string;
  originalTimestamp: string | null;
  sentAt: string | null;
  receivedAt: string;
  day: string;
  /** Occurrences (a daily usage aggregate); 1 for a tracked event. */
  count: number;
  /** PostHog $groups on a person's event: the person joins the account (resolve-identity). */
  linksGroup: boolean;
};

export type ValidateEnv = { receivedAt: Date; maxFutureMs: number; timeZone: string };

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v : typeof v === 'number' ? String(v) : null;

function parseInstant(v: unknown): Date | null | 'invalid' {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' && !(v instanceof Date)) return 'invalid';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? 'invalid' : d;
}

/** validate: shape, identity, size and timestamps; corrects client clock skew as Segment does. */
export function validate(c: Candidate, env: ValidateEnv): StepResult<ValidEvent> {
  if (c.size > MAX_EVENT_BYTES)
    return drop('event_too_large', `${c.size} bytes; the limit is ${MAX_EVENT_BYTES}`);
  if (typeof c.type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(c.type)) {
    return drop('invalid_type', `type must be one of ${EVENT_TYPES.join(', ')}`);
  }
  const type = c.type as EventType;
  let messageId: string;
  if (c.messageId === undefined || c.messageId === null || c.messageId === '') messageId = assignMessageId();
  else if (typeof c.messageId === 'string' && c.messageId.length <= 200) messageId = c.messageId;
  else return drop('invalid_message_id', 'messageId must be a string of at most 200 characters');

  const userId = str(c.userId);
  const anonymousId = str(c.anonymousId);
  const groupExternalId = str(c.groupId);
  // An account-level event (a ticket, a daily count, a server job) names only its account.
  const accountLevel = type !== 'identify' && type !== 'alias' && !!groupExternalId;
  if (!userId && !anonymousId && !accountLevel && !c.aggregate) {
    return drop(
      'missing_identity',
      type === 'identify' || type === 'alias'
        ? `userId or anonymousId is required for ${type}`
        : 'userId or anonymousId is required, or an account: context.groupId (or accountExternalId)',
    );
  }
  const eventName = type === 'track' ? str(c.eventName) : type;
  if (!eventName || eventName.length > 200)
    return drop('missing_event_name', 'track needs an event name (1-200 characters)');
  if (type === 'group' && !groupExternalId) return drop('missing_group_id', 'group needs a groupId');
  const previousId = str(c.previousId);
  if (type === 'alias' && !previousId) return drop('missing_previous_id', 'alias needs a previousId');
  if (c.properties !== undefined && c.properties !== null && !isObject(c.properties)) {
    return drop('invalid_properties', 'properties must be an object');
  }
  if (c.traits !== undefined && c.traits !== null && !isObject(c.traits))
    return drop('invalid_properties', 'traits must be an object');
  // NUL and lone surrogates anywhere in what is stored (names, ids, properties, traits, context):
  // PostgreSQL refuses them where SQLite keeps them, so both engines drop the event instead.
  const bad = findBadText({
    messageId: c.messageId,
    event: c.eventName,
    userId: c.userId,
    anonymousId: c.anonymousId,
    previousId: c.previousId,
    groupId: c.groupId,
    properties: c.properties,
    traits: c.traits,
    context: c.context,
  });
  // Drop reasons are the ingest API's own English words, like the others here.
  if (bad) return drop('invalid_text', `${bad.path} ${render('en', bad.message)}`);

  const timestamp = parseInstant(c.timestamp);
  const original = parseInstant(c.originalTimestamp);
  const sentAt = parseInstant(c.sentAt);
  if (timestamp === 'invalid' || original === 'invalid' || sentAt === 'invalid') {
    return drop('invalid_timestamp', 'timestamp, originalTimestamp and sentAt must be ISO-8601 instants');
  }
  // One rule for every client. An explicit timestamp wins, except from a client-side library
  // (browser, app), whose clock may be off: there, and for a clock reading sent as
  // originalTimestamp, stored = timestamp + (receivedAt - sentAt) when sentAt came along.
  const skew = sentAt ? env.receivedAt.getTime() - sentAt.getTime() : 0;
  let at: Date;
  if (timestamp) at = c.clientSide ? new Date(timestamp.getTime() + skew) : timestamp;
  else if (original) at = new Date(original.getTime() + skew);
  else at = env.receivedAt;
  if (at.getTime() > env.receivedAt.getTime() + env.maxFutureMs) {
    return drop(
      'future_timestamp',
      `timestamp ${at.toISOString()} is more than ${env.maxFutureMs / 3_600_000} h in the future`,
    );
  }
  return ok({
    messageId,
    source: c.source,
    type,
    eventName,
    userId,
    anonymousId,
    userKey: userId ?? anonymousId,
    previousId,
    groupExternalId,
    properties: isObject(c.properties) ? c.properties : {},
    traits: isObject(c.traits) ? c.traits : null,
    context: isObject(c.context) && Object.keys(c.context).length ? c.context : null,
    timestamp: at.toISOString(),
    originalTimestamp: original ? original.toISOString() : null,
    sentAt: sentAt ? sentAt.toISOString() : null,
    receivedAt: env.receivedAt.toISOString(),
    day: dayInZone(at, env.timeZone),
    count: c.count ?? 1,
    linksGroup: !!c.linksGroup && !!groupExternalId && !!(userId ?? anonymousId),
  });
}

export const validateStep: BatchStep<Candidate, ValidEvent> = {
  name: 'validate',
  pure: true,
  run: async (env, events) => {
    const maxFutureMs = env.settings.maxFutureHours * 3_600_000;
    const timeZone = env.tx.workspace.timeZone;
    return events.map(({ tag, value }) =>
      validate(value, { receivedAt: tag.receivedAt, maxFutureMs, timeZone }),
    );
  },
};
