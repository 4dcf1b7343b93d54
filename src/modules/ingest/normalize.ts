// Adapters from the wire formats of the official clients to one event shape. See
// ../shared/reference/ingest-and-reliability-notes.md §1: analytics-node and rudder-sdk-node post
// Segment batches to /v1/batch; posthog-node posts its own shape to /batch/.
import { randomUUID } from 'node:crypto';

export const EVENT_TYPES = ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type Source = 'segment' | 'posthog' | 'csv';

/** One incoming message, not yet validated: adapters copy what they find and never throw. */
export type Candidate = {
  source: Source;
  /** The message as received, kept for rejected_events. */
  raw: unknown;
  size: number;
  type: unknown;
  messageId: unknown;
  eventName: unknown;
  userId: unknown;
  anonymousId: unknown;
  previousId: unknown;
  /** The account the message names: group's groupId, context.groupId or PostHog $groups. */
  groupId: unknown;
  properties: unknown;
  traits: unknown;
  context: unknown;
  timestamp: unknown;
  originalTimestamp: unknown;
  sentAt: unknown;
  /** A pre-aggregated count from a CSV (no person behind it): exempt from the identity check. */
  aggregate?: boolean;
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const byteLength = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');

/**
 * A Segment message; `outer` holds the batch-level fields (context, integrations, sentAt) that
 * Segment merges into every message.
 */
export function fromSegment(message: unknown, outer: Record<string, unknown> = {}): Candidate {
  const m = isObject(message) ? message : {};
  const outerContext = isObject(outer.context) ? outer.context : {};
  const context = { ...outerContext, ...(isObject(m.context) ? m.context : {}) };
  const type = m.type;
  return {
    source: 'segment',
    raw: message,
    size: byteLength(message),
    type,
    messageId: m.messageId,
    eventName: type === 'track' ? m.event : type === 'page' || type === 'screen' ? type : type,
    userId: m.userId,
    anonymousId: m.anonymousId,
    previousId: m.previousId,
    groupId: type === 'group' ? m.groupId : context.groupId,
    properties:
      type === 'page' || type === 'screen'
        ? { ...(isObject(m.properties) ? m.properties : {}), ...(m.name ? { name: m.name } : {}) }
        : m.properties,
    traits: m.traits ?? (isObject(context.traits) ? context.traits : undefined),
    context,
    timestamp: m.timestamp,
    originalTimestamp: m.originalTimestamp,
    sentAt: m.sentAt ?? outer.sentAt,
  };
}

/**
 * A posthog-node message: distinct_id is the user, uuid the idempotency key, $groups the account
 * (the first group type's key), and $identify / $groupidentify / $create_alias are identity calls.
 */
export function fromPosthog(message: unknown, outer: Record<string, unknown> = {}): Candidate {
  const m = isObject(message) ? message : {};
  const props = isObject(m.properties) ? m.properties : {};
  const groups = isObject(props.$groups) ? props.$groups : {};
  const firstGroup = Object.values(groups)[0];
  const event = m.event;
  let type: unknown = 'track';
  let groupId: unknown = firstGroup;
  let traits: unknown;
  let previousId: unknown;
  if (event === '$identify') {
    type = 'identify';
    traits = {
      ...(isObject(props.$set_once) ? props.$set_once : {}),
      ...(isObject(props.$set) ? props.$set : {}),
    };
  } else if (event === '$groupidentify') {
    type = 'group';
    groupId = props.$group_key;
    traits = props.$group_set;
  } else if (event === '$create_alias') {
    type = 'alias';
    previousId = props.alias;
  }
  // $groupidentify is sent as "$<type>_<key>" when no user is known; that is not a person.
  const distinct = m.distinct_id ?? m.distinctId;
  const isGroupPseudoUser = type === 'group' && typeof distinct === 'string' && distinct.startsWith('$');
  return {
    source: 'posthog',
    raw: message,
    size: byteLength(message),
    type,
    messageId: m.uuid,
    eventName: type === 'track' ? event : type,
    userId: isGroupPseudoUser ? undefined : distinct,
    anonymousId: isGroupPseudoUser ? distinct : undefined,
    previousId,
    groupId,
    properties: props,
    traits,
    context: undefined,
    timestamp: m.timestamp,
    // posthog-node stamps the client clock at capture and sends sent_at: PostHog corrects the skew
    // with them as Segment does with originalTimestamp, except in a historical migration.
    originalTimestamp: outer.historical_migration === true ? undefined : m.timestamp,
    sentAt: outer.sent_at ?? outer.sentAt,
  };
}

/** Segment's raw HTTP API assigns a messageId when the sender gave none. */
export const assignMessageId = () => `steward-${randomUUID()}`;

export { isObject };
