// What the browser SDKs send, at the HTTP level (the browsers themselves are in
// test/e2e/sdks.test.ts): CORS on every tracking route, analytics.js's short paths and settings,
// posthog-js's bodies (gzip without a header, base64, form) and endpoints, RudderStack's
// sourceConfig and beacon, the one timestamp rule, account-level events, `pending` after a
// batch's own group calls, and an oversized body's connection being closed.
import { Agent, request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { listen } from '../../src/server/serve.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let key: string;
const ORIGIN = 'https://www.customer.example';
const basic = () => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Browser wire');
  key = (await client(t.app, ws.users.admin.token).post('/api/v1/write-keys', { name: 'browser' })).body.key;
});
afterAll(async () => t?.close());

async function post(
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
  app = t.app,
) {
  const res = await app.request(path, { method: 'POST', headers: { origin: ORIGIN, ...headers }, body });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, body: json, headers: res.headers };
}

async function eventsOf(userKey: string) {
  return t.deps.db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', ws.workspace.id)
    .where('user_key', '=', userKey)
    .orderBy('timestamp')
    .execute();
}
const accountId = async (externalId: string) =>
  (
    await t.deps.db
      .selectFrom('accounts')
      .select('id')
      .where('workspace_id', '=', ws.workspace.id)
      .where('external_id', '=', externalId)
      .executeTakeFirst()
  )?.id;

describe('CORS on the tracking routes', () => {
  it('answers a preflight 204 with the Origin, credentials and the headers asked for', async () => {
    for (const path of [
      '/v1/t',
      '/v1/batch',
      '/e/',
      '/i/v0/e/',
      '/flags/',
      '/beacon/v1/batch',
      '/sourceConfig/',
    ]) {
      const res = await t.app.request(path, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,anonymousid',
        },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type,anonymousid');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    }
  });

  it('carries the Origin on answers, errors included, and not on the rest of the API', async () => {
    const bad = await post('/v1/t', '{"type":"track"', {
      'content-type': 'text/plain',
      authorization: basic(),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const unknown = await post(
      '/e/',
      JSON.stringify([{ event: 'x', properties: { token: 'nope', distinct_id: 'u' } }]),
    );
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const api = await t.app.request('/api/v1/accounts', { headers: { origin: ORIGIN } });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('analytics.js (analytics-next)', () => {
  it('serves settings naming Steward as the API host, and 404 for an unknown key', async () => {
    const res = await t.app.request(`/v1/projects/${key}/settings`, {
      headers: { origin: ORIGIN, host: 'track.steward.example', 'x-forwarded-proto': 'https' },
    });
    expect(res.status).toBe(200);
    const settings = (await res.json()) as any;
    expect(settings.integrations['Segment.io']).toMatchObject({
      apiKey: key,
      apiHost: 'track.steward.example/v1',
      protocol: 'https',
    });
    expect(settings.remotePlugins).toEqual([]);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect((await t.app.request('/v1/projects/wk_unknown/settings')).status).toBe(404);
  });

  it('takes /v1/i /v1/g /v1/p /v1/t as text/plain with the key in the body, /v1/b batches, ignores /v1/m', async () => {
    const sentAt = new Date().toISOString();
    const lib = { library: { name: 'analytics.js', version: 'npm:next-1.84.3' } };
    const msg = (m: Record<string, unknown>) =>
      JSON.stringify({ ...m, writeKey: key, anonymousId: 'anon-a', sentAt, context: lib, timestamp: sentAt });
    const text = { 'content-type': 'text/plain' };
    expect(
      (await post('/v1/i', msg({ type: 'identify', userId: 'ajs-u', traits: { email: 'a@x.test' } }), text))
        .status,
    ).toBe(200);
    expect(
      (
        await post(
          '/v1/g',
          msg({ type: 'group', userId: 'ajs-u', groupId: 'ajs-acct', traits: { name: 'AJS' } }),
          text,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await post(
          '/v1/p',
          msg({ type: 'page', userId: 'ajs-u', name: 'Home', properties: { path: '/' } }),
          text,
        )
      ).status,
    ).toBe(200);
    const tr = await post(
      '/v1/t',
      msg({ type: 'track', userId: 'ajs-u', event: 'Clicked', messageId: 'ajs-1' }),
      text,
    );
    expect(tr.body).toMatchObject({ accepted: 1, rejected: 0 });
    // Batching mode: the key only in the Basic header, each event without sentAt, one sentAt outside.
    const b = await post(
      '/v1/b',
      JSON.stringify({
        batch: [
          {
            type: 'track',
            userId: 'ajs-u',
            event: 'Clicked',
            messageId: 'ajs-2',
            timestamp: sentAt,
            context: lib,
          },
        ],
        sentAt,
      }),
      { ...text, authorization: basic() },
    );
    expect(b.body).toMatchObject({ accepted: 1 });
    const m = await post(
      '/v1/m',
      JSON.stringify({ series: [{ type: 'Counter', metric: 'x', value: 1 }] }),
      text,
    );
    expect(m.status).toBe(200);
    const events = await eventsOf('ajs-u');
    expect(events.map((e) => [e.type, e.event_name])).toEqual([
      ['identify', 'identify'],
      ['group', 'group'],
      ['page', 'page'],
      ['track', 'Clicked'],
      ['track', 'Clicked'],
    ]);
    const account = await accountId('ajs-acct');
    expect(events.every((e) => e.account_id === account)).toBe(true);
  });

  it('corrects a browser clock: stored = timestamp + (receivedAt - sentAt); a server library’s explicit timestamp wins', async () => {
    const received = new Date('2026-06-01T12:00:00.000Z');
    const fixed = createApp({ ...t.deps, now: () => received });
    // A browser clock one hour fast: the event happened 5 s before it was sent.
    const res = await post(
      '/v1/t',
      JSON.stringify({
        writeKey: key,
        type: 'track',
        userId: 'skew-u',
        event: 'E',
        timestamp: '2026-06-01T12:59:55.000Z',
        sentAt: '2026-06-01T13:00:00.000Z',
        context: { library: { name: 'analytics.js' } },
      }),
      { 'content-type': 'text/plain' },
      fixed,
    );
    expect(res.body).toMatchObject({ accepted: 1 });
    // rudder-sdk-node with an explicit timestamp (a backfill): it wins over originalTimestamp + sentAt.
    const server = await fixed.request('/v1/batch', {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/json' },
      body: JSON.stringify({
        batch: [
          {
            type: 'track',
            userId: 'skew-u',
            event: 'Backfilled',
            timestamp: '2026-05-01T08:00:00.000Z',
            originalTimestamp: '2026-06-01T11:59:59.000Z',
            sentAt: '2026-06-01T12:00:00.000Z',
            context: { library: { name: 'analytics-node' } },
          },
        ],
      }),
    });
    expect(server.status).toBe(200);
    const stored = await eventsOf('skew-u');
    expect(stored.map((e) => [e.event_name, e.timestamp])).toEqual([
      ['Backfilled', '2026-05-01T08:00:00.000Z'],
      ['E', '2026-06-01T11:59:55.000Z'],
    ]);
  });
});

describe('posthog-js', () => {
  const phEvent = (event: string, props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    uuid: crypto.randomUUID(),
    event,
    properties: { token: key, $lib: 'web', ...props },
    timestamp: new Date().toISOString(),
    ...extra,
  });

  it('reads gzip without a header, base64 forms and plain JSON on /e/ and /i/v0/e/; $groups links the person', async () => {
    const batch1 = [
      phEvent(
        '$identify',
        {
          distinct_id: 'ph-u',
          $anon_distinct_id: 'anon-ph',
          $set: { email: 'ph@x.test', name: 'P H' },
        },
        { timestamp: new Date(Date.now() - 1000).toISOString() },
      ),
      phEvent('$pageview', {
        distinct_id: 'ph-u',
        title: 'Pricing',
        $current_url: 'https://x/pricing',
        $groups: { company: 'ph-acct' },
      }),
    ];
    const gz = await post(
      `/e/?compression=gzip-js&ver=1.449.2&_=${Date.now()}`,
      gzipSync(JSON.stringify(batch1)),
      {
        'content-type': 'text/plain',
      },
    );
    expect(gz.status).toBe(200);
    expect(gz.body).toMatchObject({ status: 1, accepted: 2, pending: 0 });
    // No compression parameter: gzip is recognised by its magic bytes.
    const magic = await post(
      '/i/v0/e/',
      gzipSync(JSON.stringify([phEvent('clicked', { distinct_id: 'ph-u', n: 1 })])),
      {
        'content-type': 'text/plain',
      },
    );
    expect(magic.body).toMatchObject({ accepted: 1 });
    const b64 = Buffer.from(
      JSON.stringify(phEvent('$screen', { distinct_id: 'ph-u', $screen_name: 'Home' })),
    ).toString('base64');
    const form = await post('/e/?compression=base64', `data=${encodeURIComponent(b64)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.body).toMatchObject({ accepted: 1 });
    const plain = await post(
      '/capture/',
      JSON.stringify(phEvent('$set', { distinct_id: 'ph-u', $set: { title: 'CTO' } })),
      {
        'content-type': 'application/json',
      },
    );
    expect(plain.body).toMatchObject({ accepted: 1 });
    const events = await eventsOf('ph-u');
    expect(events.map((e) => [e.type, e.event_name])).toEqual([
      ['identify', 'identify'],
      ['page', 'page'],
      ['track', 'clicked'],
      ['screen', 'screen'],
      ['identify', 'identify'],
    ]);
    const account = await accountId('ph-acct');
    expect(account).toBeDefined();
    // The $identify before the $groups link was pending, then attached by the same batch.
    expect(events.every((e) => e.account_id === account)).toBe(true);
    expect(JSON.parse(events[1]!.properties)).toMatchObject({ name: 'Pricing' });
    const identity = await t.deps.db
      .selectFrom('identities')
      .select(['account_id', 'traits'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('user_key', '=', 'ph-u')
      .executeTakeFirstOrThrow();
    expect(identity.account_id).toBe(account);
    expect(JSON.parse(identity.traits)).toMatchObject({ email: 'ph@x.test', title: 'CTO' });
    const contact = await t.deps.db
      .selectFrom('contacts')
      .select(['account_id', 'email'])
      .where('external_user_id', '=', 'ph-u')
      .executeTakeFirstOrThrow();
    expect(contact).toEqual({ account_id: account, email: 'ph@x.test' });
  });

  it('answers /flags and /decide with no flags, serves /array/<token>/config, accepts and ignores /s/', async () => {
    for (const path of ['/flags/?v=2', '/decide/?v=4']) {
      const res = await post(path, gzipSync(JSON.stringify({ token: key, distinct_id: 'x' })), {
        'content-type': 'text/plain',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ featureFlags: {}, flags: {}, errorsWhileComputingFlags: false });
    }
    const config = await t.app.request(`/array/${key}/config`, { headers: { origin: ORIGIN } });
    expect(await config.json()).toMatchObject({ token: key, sessionRecording: false, surveys: false });
    const script = await t.app.request(`/array/${key}/config.js`);
    expect(await script.text()).toContain('_POSTHOG_REMOTE_CONFIG');
    expect((await t.app.request('/array/wk_nope/config')).status).toBe(404);
    const s = await post('/s/', gzipSync('x'.repeat(10_000)), { 'content-type': 'text/plain' });
    expect(s.status).toBe(200);
  });
});

describe('RudderStack JavaScript SDK', () => {
  it('loads /sourceConfig with the key as Basic auth, and takes /beacon/v1/batch with ?writeKey=', async () => {
    const res = await t.app.request('/sourceConfig/?p=npm&v=3.34.1&writeKey=x', {
      headers: { authorization: basic(), origin: ORIGIN },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.source).toMatchObject({
      id: ws.workspace.id,
      writeKey: key,
      enabled: true,
      destinations: [],
    });
    expect(typeof body.source.config).toBe('object');
    expect((await t.app.request('/sourceConfig/?writeKey=wk_nope')).status).toBe(404);
    const sentAt = new Date().toISOString();
    const beacon = await post(
      `/beacon/v1/batch?writeKey=${key}`,
      JSON.stringify({
        batch: [
          {
            type: 'track',
            event: 'Left',
            userId: 'rs-b',
            messageId: 'rs-b-1',
            originalTimestamp: sentAt,
            sentAt,
            context: { library: { name: 'RudderLabs JavaScript SDK' } },
          },
        ],
        sentAt,
      }),
      { 'content-type': 'text/plain;charset=UTF-8' },
    );
    expect(beacon.body).toMatchObject({ accepted: 1 });
  });
});

describe('account-level events and pending', () => {
  it('takes events that name only their account, and names the right field when nothing names anyone', async () => {
    const acct = (
      await client(t.app, ws.users.admin.token).post('/api/v1/accounts', {
        externalId: 'lvl-1',
        name: 'Level',
      })
    ).body.id;
    const res = await post(
      '/v1/batch',
      JSON.stringify({
        batch: [
          { type: 'track', event: 'ticket_opened', messageId: 'lvl-a', context: { groupId: 'lvl-1' } },
          {
            type: 'track',
            event: 'invoice_paid',
            messageId: 'lvl-b',
            accountExternalId: 'lvl-1',
            properties: { amount: 10 },
          },
          { type: 'track', event: 'nobody', messageId: 'lvl-c' },
          { type: 'identify', messageId: 'lvl-d', accountExternalId: 'lvl-1', traits: { a: 1 } },
        ],
      }),
      { authorization: basic(), 'content-type': 'application/json' },
    );
    expect(res.body.accepted).toBe(2);
    expect(res.body.errors).toEqual([
      {
        index: 2,
        reason: 'missing_identity',
        detail: expect.stringMatching(/userId or anonymousId.*context\.groupId \(or accountExternalId\)/),
      },
      { index: 3, reason: 'missing_identity', detail: 'userId or anonymousId is required for identify' },
    ]);
    const stored = await t.deps.db
      .selectFrom('events')
      .select(['event_name', 'account_id', 'user_key'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('message_id', 'in', ['lvl-a', 'lvl-b'])
      .orderBy('message_id')
      .execute();
    expect(stored).toEqual([
      { event_name: 'ticket_opened', account_id: acct, user_key: null },
      { event_name: 'invoice_paid', account_id: acct, user_key: null },
    ]);
  });

  it('counts as pending only what is still pending after the batch’s own group call', async () => {
    const t0 = Date.parse('2026-06-01T10:00:00Z');
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const res = await post(
      '/v1/batch',
      JSON.stringify({
        batch: [
          { type: 'track', userId: 'pend-u', event: 'early', timestamp: at(0) },
          { type: 'group', userId: 'pend-u', groupId: 'pend-acct', timestamp: at(5) },
          { type: 'track', userId: 'pend-u', event: 'late', timestamp: at(10) },
          { type: 'track', userId: 'pend-other', event: 'nobody knows', timestamp: at(10) },
        ],
      }),
      { authorization: basic(), 'content-type': 'application/json' },
    );
    expect(res.body).toMatchObject({ accepted: 4, pending: 1 });
  });
});

describe('an oversized body', () => {
  it('is refused and its connection closed, so no half-read request is left on a keep-alive socket', async () => {
    const server = await listen(t.deps, 0, '127.0.0.1');
    try {
      const big = Buffer.alloc(600 * 1024, 0x20);
      const answer = await new Promise<{ status: number; connection: string | undefined; closed: boolean }>(
        (resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port: server.port,
              path: '/v1/batch',
              method: 'POST',
              agent: new Agent({ keepAlive: true }),
              headers: {
                authorization: basic(),
                'content-type': 'application/json',
                'transfer-encoding': 'chunked',
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => {
                const socket = res.socket;
                setTimeout(
                  () =>
                    resolve({
                      status: res.statusCode!,
                      connection: res.headers.connection,
                      closed: socket.destroyed || !socket.writable,
                    }),
                  200,
                );
              });
            },
          );
          req.on('error', reject);
          req.end(big);
        },
      );
      expect(answer.status).toBe(400);
      expect(answer.connection).toBe('close');
      expect(answer.closed).toBe(true);
    } finally {
      await server.close();
    }
  });
});
