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
  /** A pre-aggregated daily row from a CSV: stored once, standing for `count` occurrences. */
  aggregate?: boolean;
  /** Occurrences (aggregates only; default 1). */
  count?: number;
  /**
   * Sent by a client-side library (a browser or app, whose clock may be off): its timestamp is
   * skew-corrected with sentAt even when explicit. Server libraries' explicit timestamps win.
   */
  clientSide?: boolean;
  /** PostHog $groups on a person's event: the person joins that account as a group call would. */
  linksGroup?: boolean;
};

/** context.library.name of Segment/RudderStack client-side libraries (browser and mobile). */
const CLIENT_LIBRARY =
  /analytics\.js|analytics-next|javascript|ios|android|react-native|flutter|swift|kotlin|unity/i;
/** PostHog's $lib of client-side libraries. */
const POSTHOG_CLIENT_LIB =
  /^(web|posthog-js|posthog-ios|posthog-android|posthog-react-native|posthog-flutter)/i;

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
  const library = isObject(context.library) ? context.library.name : undefined;
  // The account an event names: context.groupId (Segment's convention), else a top-level
  // accountExternalId (Steward's own name for it, as in the usage import).
  const account = context.groupId ?? m.accountExternalId;
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
    groupId: type === 'group' ? m.groupId : account,
    properties:
      type === 'page' || type === 'screen'
        ? { ...(isObject(m.properties) ? m.properties : {}), ...(m.name ? { name: m.name } : {}) }
        : m.properties,
    // A group call's traits are the account's; context.traits (the person's, which analytics.js and
    // RudderStack's browser SDK attach to every call) never stand in for them.
    traits:
      type === 'group' ? m.traits : (m.traits ?? (isObject(context.traits) ? context.traits : undefined)),
    context,
    timestamp: m.timestamp,
    originalTimestamp: m.originalTimestamp,
    sentAt: m.sentAt ?? outer.sentAt,
    clientSide: typeof library === 'string' && CLIENT_LIBRARY.test(library),
  };
}

/**
 * A PostHog message (posthog-node's /batch/, posthog-js's /e/): distinct_id (top-level or in
 * properties) is the user, uuid the idempotency key, $groups the account (the first group type's
 * key, which also links the person to it); $pageview and $screen are page and screen views;
 * $identify / $set / $groupidentify / $create_alias are identity calls; $set and $set_once (in
 * properties or top-level) on any event are person traits.
 */
export function fromPosthog(message: unknown, outer: Record<string, unknown> = {}): Candidate {
  const m = isObject(message) ? message : {};
  const props = isObject(m.properties) ? m.properties : {};
  const groups = isObject(props.$groups) ? props.$groups : {};
  const firstGroup = Object.values(groups).find((v) => typeof v === 'string' && v !== '');
  const event = m.event;
  const setOnce = isObject(props.$set_once) ? props.$set_once : isObject(m.$set_once) ? m.$set_once : {};
  const set = isObject(props.$set) ? props.$set : isObject(m.$set) ? m.$set : {};
  const personTraits = { ...setOnce, ...set };
  let type: unknown = 'track';
  let groupId: unknown = firstGroup;
  let traits: unknown = Object.keys(personTraits).length ? personTraits : undefined;
  let previousId: unknown;
  let properties: Record<string, unknown> = props;
  if (event === '$identify' || event === '$set') {
    type = 'identify';
    traits = personTraits;
    // posthog-js merges the anonymous id it used before into the identified person.
    previousId = event === '$identify' ? props.$anon_distinct_id : undefined;
  } else if (event === '$groupidentify') {
    type = 'group';
    groupId = props.$group_key;
    traits = props.$group_set;
  } else if (event === '$create_alias') {
    type = 'alias';
    previousId = props.alias;
  } else if (event === '$pageview') {
    type = 'page';
    const name = props.title ?? props.$pathname;
    properties = { ...props, ...(name !== undefined ? { name } : {}) };
  } else if (event === '$screen') {
    type = 'screen';
    properties = { ...props, ...(props.$screen_name !== undefined ? { name: props.$screen_name } : {}) };
  }
  // $groupidentify is sent as "$<type>_<key>" when no user is known; that is not a person.
  const distinct = m.distinct_id ?? m.distinctId ?? props.distinct_id;
  const isGroupPseudoUser = type === 'group' && typeof distinct === 'string' && distinct.startsWith('$');
  const historical = outer.historical_migration === true;
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
    properties,
    traits,
    context: undefined,
    // PostHog stamps the client clock at capture and sends sent_at (posthog-js: the `_` query
    // parameter): it corrects the skew with them, except in a historical migration.
    timestamp: historical ? m.timestamp : undefined,
    originalTimestamp: historical ? undefined : m.timestamp,
    sentAt: outer.sent_at ?? outer.sentAt,
    clientSide: typeof props.$lib === 'string' && POSTHOG_CLIENT_LIB.test(props.$lib),
    linksGroup: type !== 'group' && firstGroup !== undefined && !isGroupPseudoUser,
  };
}

/** Segment's raw HTTP API assigns a messageId when the sender gave none. */
export const assignMessageId = () => `steward-${randomUUID()}`;

export { isObject };
