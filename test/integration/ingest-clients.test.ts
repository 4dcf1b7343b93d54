// The official tracking clients, unchanged, against the real server on loopback: each sends
// identify, group (with traits), track (linked by context.groupId or PostHog groups) and a page
// view; then the stored rows are checked in the database and through GET /api/v1/ingest/stats.
// Wire formats: ../shared/reference/ingest-and-reliability-notes.md §1.
import RudderAnalytics from '@rudderstack/rudder-sdk-node';
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/server/serve.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let server: { port: number; close: () => Promise<void> };
let host: string;
let writeKey: string;

/** A REST call to the listening server as the workspace admin. */
async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${host}${path}`, {
    method,
    headers: { authorization: `Bearer ${ws.users.admin.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Clients');
  server = await listen(t.deps, 0, '127.0.0.1');
  host = `http://127.0.0.1:${server.port}`;
  const created = await api('POST', '/api/v1/write-keys', { name: 'official clients' });
  expect(created.status).toBe(201);
  writeKey = created.body.key;
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const db = () => t.deps.db;
const wsId = () => ws.workspace.id;

async function eventsOf(userKey: string) {
  return db()
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', wsId())
    .where('user_key', '=', userKey)
    .orderBy('timestamp')
    .orderBy('id')
    .execute();
}

async function accountOf(externalId: string) {
  return db()
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', wsId())
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

async function contactOf(userId: string) {
  return db()
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', wsId())
    .where('external_user_id', '=', userId)
    .execute();
}

async function activity(accountId: string) {
  return db()
    .selectFrom('account_user_daily')
    .select(['user_key', 'day', 'events'])
    .where('workspace_id', '=', wsId())
    .where('account_id', '=', accountId)
    .execute();
}

/** Wraps a client call that reports delivery through a Node-style callback. */
const delivered = (send: (done: (err?: unknown) => void) => unknown) =>
  new Promise<void>((resolve, reject) => {
    send((err) => (err ? reject(err) : resolve()));
  });

describe('@segment/analytics-node', () => {
  it('identify, group, track with context.groupId and page land on the account and its contact', async () => {
    // An account that already exists (from the CRM): the group call updates it with its traits,
    // except its name (write keys may not rename existing accounts unless the workspace allows it).
    const before = await api('POST', '/api/v1/accounts', { externalId: 'seg-acme', name: 'acme (crm)' });
    expect(before.status).toBe(201);

    const errors: unknown[] = [];
    const analytics = new SegmentAnalytics({ writeKey, host, flushAt: 1, maxRetries: 0 });
    analytics.on('error', (e) => errors.push(e));
    await delivered((done) =>
      analytics.identify({ userId: 'seg-u1', traits: { email: 'ann@acme.test', name: 'Ann Lee' } }, done),
    );
    await delivered((done) =>
      analytics.group(
        {
          userId: 'seg-u1',
          groupId: 'seg-acme',
          traits: { name: 'Acme Corp', industry: 'Software', region: 'East', seats: 25 },
        },
        done,
      ),
    );
    await delivered((done) =>
      analytics.track(
        {
          userId: 'seg-u1',
          event: 'Report Exported',
          properties: { format: 'csv', rows: 120 },
          context: { groupId: 'seg-acme' },
        },
        done,
      ),
    );
    await delivered((done) =>
      analytics.page({ userId: 'seg-u1', name: 'Dashboard', properties: { path: '/dashboard' } }, done),
    );
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const account = await accountOf('seg-acme');
    expect(account).toMatchObject({
      id: before.body.id,
      name: 'acme (crm)',
      industry: 'Software',
      region: 'East',
      licensed_seats: 25,
    });

    const events = await eventsOf('seg-u1');
    expect(events.map((e) => [e.type, e.event_name])).toEqual([
      ['identify', 'identify'],
      ['group', 'group'],
      ['track', 'Report Exported'],
      ['page', 'page'],
    ]);
    for (const e of events) {
      expect(e.source).toBe('segment');
      expect(e.account_id).toBe(account!.id);
      expect(e.user_id).toBe('seg-u1');
      expect(e.message_id).toMatch(/^node-next-\d+-/);
      expect(JSON.parse(e.context!).library.name).toBe('@segment/analytics-node');
    }
    expect(events[1]!.group_external_id).toBe('seg-acme');
    expect(events[2]!.group_external_id).toBe('seg-acme');
    expect(JSON.parse(events[2]!.properties)).toEqual({ format: 'csv', rows: 120 });
    expect(JSON.parse(events[3]!.properties)).toEqual({ path: '/dashboard', name: 'Dashboard' });
    // analytics-node sends `timestamp` (no originalTimestamp): stored as sent.
    expect(events.every((e) => e.original_timestamp === null)).toBe(true);

    const contacts = await contactOf('seg-u1');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ account_id: account!.id, name: 'Ann Lee', email: 'ann@acme.test' });

    // identify and group are not product activity: track + page = 2 events for the user that day.
    expect(await activity(account!.id)).toEqual([{ user_key: 'seg-u1', day: events[2]!.day, events: 2 }]);
  });
});

describe('@rudderstack/rudder-sdk-node', () => {
  it('sends gzip batches with Basic auth and originalTimestamp; group creates the account', async () => {
    const errors: unknown[] = [];
    const rudder = new RudderAnalytics(writeKey, {
      dataPlaneUrl: host,
      flushAt: 1,
      retryCount: 0,
      logLevel: 'error',
      errorHandler: (e: unknown) => errors.push(e),
    });
    expect((rudder as unknown as { gzip: boolean }).gzip).toBe(true); // the default, left on
    type Cb = () => void;
    const cb = (done: (err?: unknown) => void) => done as unknown as Cb;
    await delivered((done) =>
      rudder.identify(
        { userId: 'rs-u1', traits: { email: 'bo@globex.test', firstName: 'Bo', lastName: 'Chen' } },
        cb(done),
      ),
    );
    await delivered((done) =>
      rudder.group(
        { userId: 'rs-u1', groupId: 'rs-globex', traits: { name: 'Globex', industry: 'Energy', seats: 8 } },
        cb(done),
      ),
    );
    await delivered((done) =>
      rudder.track(
        {
          userId: 'rs-u1',
          event: 'Invoice Sent',
          properties: { amount: 42 },
          context: { groupId: 'rs-globex' },
        },
        cb(done),
      ),
    );
    await delivered((done) => rudder.page({ userId: 'rs-u1', name: 'Billing' }, cb(done)));
    // A second group call with new traits updates the account it created.
    await delivered((done) =>
      rudder.group({ userId: 'rs-u1', groupId: 'rs-globex', traits: { seats: 12 } }, cb(done)),
    );
    await rudder.flush();
    expect(errors).toEqual([]);

    const account = await accountOf('rs-globex');
    expect(account).toMatchObject({ name: 'Globex', industry: 'Energy', licensed_seats: 12 });

    const events = await eventsOf('rs-u1');
    expect(events.map((e) => [e.type, e.event_name])).toEqual([
      ['identify', 'identify'],
      ['group', 'group'],
      ['track', 'Invoice Sent'],
      ['page', 'page'],
      ['group', 'group'],
    ]);
    for (const e of events) {
      expect(e.source).toBe('segment');
      expect(e.account_id).toBe(account!.id);
      expect(e.message_id).toMatch(/^[0-9a-f-]{36}$/);
      // rudder sends originalTimestamp + sentAt: the stored timestamp is skew-corrected.
      expect(e.original_timestamp).not.toBeNull();
      expect(e.sent_at).not.toBeNull();
      const skew = Date.parse(e.sent_at!) - Date.parse(e.original_timestamp!);
      expect(Date.parse(e.timestamp)).toBe(Date.parse(e.received_at) - skew);
    }

    const contacts = await contactOf('rs-u1');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ account_id: account!.id, name: 'Bo Chen', email: 'bo@globex.test' });
    expect(await activity(account!.id)).toEqual([{ user_key: 'rs-u1', day: events[2]!.day, events: 2 }]);
  });
});

describe('posthog-node', () => {
  it('sends gzip /batch/ with api_key; groupIdentify creates the account and $groups link captures', async () => {
    const posthog = new PostHog(writeKey, { host, flushAt: 1, flushInterval: 0, fetchRetryCount: 0 });
    expect((posthog as unknown as { disableCompression: boolean }).disableCompression).toBe(false);
    const errors: unknown[] = [];
    posthog.on('error', (e) => errors.push(e));
    posthog.identify({ distinctId: 'ph-u1', properties: { email: 'cy@initech.test', name: 'Cy Wu' } });
    await posthog.flush();
    posthog.groupIdentify({
      groupType: 'company',
      groupKey: 'ph-initech',
      distinctId: 'ph-u1',
      properties: { name: 'Initech', industry: 'Finance', seats: 40 },
    });
    await posthog.flush();
    posthog.capture({
      distinctId: 'ph-u1',
      event: 'report_exported',
      properties: { format: 'pdf' },
      groups: { company: 'ph-initech' },
    });
    await posthog.flush();
    posthog.capture({
      distinctId: 'ph-u1',
      event: '$pageview',
      properties: { $current_url: 'https://app.test/home' },
      groups: { company: 'ph-initech' },
    });
    await posthog.shutdown();
    expect(errors).toEqual([]);

    const account = await accountOf('ph-initech');
    expect(account).toMatchObject({ name: 'Initech', industry: 'Finance', licensed_seats: 40 });

    const events = await eventsOf('ph-u1');
    expect(events.map((e) => [e.type, e.event_name])).toEqual([
      ['identify', 'identify'],
      ['group', 'group'],
      ['track', 'report_exported'],
      // $pageview is a page view, as Segment's page call.
      ['page', 'page'],
    ]);
    for (const e of events) {
      expect(e.source).toBe('posthog');
      expect(e.account_id).toBe(account!.id);
      // posthog-node's uuid (v7) is the idempotency key.
      expect(e.message_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      // Its timestamp + the batch's sent_at are skew-corrected as PostHog does.
      const skew = Date.parse(e.sent_at!) - Date.parse(e.original_timestamp!);
      expect(Date.parse(e.timestamp)).toBe(Date.parse(e.received_at) - skew);
    }
    expect(events[2]!.group_external_id).toBe('ph-initech');
    expect(JSON.parse(events[2]!.properties)).toMatchObject({ format: 'pdf', $lib: 'posthog-node' });

    const contacts = await contactOf('ph-u1');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ account_id: account!.id, name: 'Cy Wu', email: 'cy@initech.test' });
    expect(await activity(account!.id)).toEqual([{ user_key: 'ph-u1', day: events[2]!.day, events: 2 }]);
  });
});

describe('after all three clients', () => {
  it('counts every event as accepted, none duplicate, pending or rejected', async () => {
    const stats = await api('GET', '/api/v1/ingest/stats');
    expect(stats.status).toBe(200);
    // Each identify came before its user's group call: stored pending, then attached by the group.
    expect(stats.body).toEqual({ accepted: 13, duplicates: 0, pending: 0, attached: 3, rejected: {} });
    const stored = await db()
      .selectFrom('events')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.count<number>('message_id').distinct().as('ids'),
      ])
      .where('workspace_id', '=', wsId())
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(13);
    expect(Number(stored.ids)).toBe(13);
    const pending = await db()
      .selectFrom('events')
      .select('id')
      .where('workspace_id', '=', wsId())
      .where('account_id', 'is', null)
      .execute();
    expect(pending).toEqual([]);
  });
});

describe('timestamps, $groups and flags (issue 14)', () => {
  it('rudder-sdk-node and analytics-node: an explicit timestamp wins (a backfill is stored when it happened)', async () => {
    const errors: unknown[] = [];
    const rudder = new RudderAnalytics(writeKey, {
      dataPlaneUrl: host,
      flushAt: 1,
      retryCount: 0,
      logLevel: 'error',
      errorHandler: (e: unknown) => errors.push(e),
    });
    // rudder-sdk-node adds originalTimestamp (now) and sentAt; the explicit timestamp still wins.
    await delivered((done) =>
      rudder.track(
        { userId: 'ts-u1', event: 'Backfilled', timestamp: new Date('2026-01-15T08:00:00.000Z') },
        done as never,
      ),
    );
    await rudder.flush();
    const analytics = new SegmentAnalytics({ writeKey, host, flushAt: 1, maxRetries: 0 });
    analytics.on('error', (e) => errors.push(e));
    await delivered((done) =>
      analytics.track({ userId: 'ts-u1', event: 'Imported', timestamp: '2026-01-16T09:30:00.000Z' }, done),
    );
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);
    const events = await eventsOf('ts-u1');
    expect(events.map((e) => [e.event_name, e.timestamp])).toEqual([
      ['Backfilled', '2026-01-15T08:00:00.000Z'],
      ['Imported', '2026-01-16T09:30:00.000Z'],
    ]);
    // The rudder event still carries the client's originalTimestamp and sentAt beside it.
    expect(events[0]!.original_timestamp).not.toBeNull();
    expect(events[0]!.sent_at).not.toBeNull();
  });

  it('posthog-node: $groups on a capture links the person to the account; flags are answered (none)', async () => {
    const posthog = new PostHog(writeKey, { host, flushAt: 1, flushInterval: 0, fetchRetryCount: 0 });
    const errors: unknown[] = [];
    posthog.on('error', (e) => errors.push(e));
    // The account exists (from the CRM); this person never sends a $groupidentify.
    const created = await api('POST', '/api/v1/accounts', { externalId: 'ph-hooli', name: 'Hooli' });
    expect(created.status).toBe(201);
    posthog.capture({ distinctId: 'ph-u2', event: 'dashboard_opened', groups: { company: 'ph-hooli' } });
    await posthog.flush();
    // Later events without $groups still land on the account: the person was linked.
    posthog.capture({ distinctId: 'ph-u2', event: '$screen', properties: { $screen_name: 'Inbox' } });
    await posthog.flush();
    expect(await posthog.getAllFlags('ph-u2')).toEqual({});
    expect(await posthog.isFeatureEnabled('anything', 'ph-u2')).toBeFalsy();
    await posthog.shutdown();
    expect(errors).toEqual([]);
    const events = await eventsOf('ph-u2');
    expect(events.map((e) => [e.type, e.event_name, e.account_id])).toEqual([
      ['track', 'dashboard_opened', created.body.id],
      ['screen', 'screen', created.body.id],
      // posthog-node reports the flag check as an event of its own.
      ['track', '$feature_flag_called', created.body.id],
    ]);
    const identity = await db()
      .selectFrom('identities')
      .select(['account_id', 'group_external_id'])
      .where('workspace_id', '=', wsId())
      .where('user_key', '=', 'ph-u2')
      .executeTakeFirstOrThrow();
    expect(identity).toEqual({ account_id: created.body.id, group_external_id: 'ph-hooli' });
    // The account keeps its name: a $groups link carries no traits.
    expect(await accountOf('ph-hooli')).toMatchObject({ name: 'Hooli' });
  });
});
