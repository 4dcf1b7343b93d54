// The tracking endpoints through app.request(): dedup, size limits, gzip, write-key variants,
// drop reasons and their listing, timestamps, pending events, settings and transient failures.
import { gzipSync } from 'node:zlib';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Deps, systemCtx } from '../../src/context.ts';
import type { Database } from '../../src/db/schema.ts';
import { type Candidate, DROP_REASONS, fromSegment, ingestBatches } from '../../src/modules/ingest/index.ts';
import { toRef } from '../../src/modules/workspaces/index.ts';
import { createApp } from '../../src/server/app.ts';
import { dayInZone } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  ENGINE,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let key: string;
let otherKey: string;

type App = ReturnType<typeof createApp>;
type Auth = { via: 'basic' | 'writeKey' | 'write_key' | 'api_key' | 'none'; key?: string };
type SendOptions = {
  auth?: Auth;
  gzip?: boolean;
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
};

/** POSTs a tracking body with the write key where the options say; returns status, JSON and headers. */
async function send(app: App, path: string, body: Record<string, unknown>, options: SendOptions = {}) {
  const auth = options.auth ?? { via: 'basic', key };
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  let payload: Record<string, unknown> = body;
  if (auth.via === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.key}:`).toString('base64')}`;
  else if (auth.via !== 'none') payload = { ...body, [auth.via]: auth.key };
  let data: string | Uint8Array = options.raw ?? JSON.stringify(payload);
  if (options.gzip) {
    data = gzipSync(data);
    headers['content-encoding'] = 'gzip';
  }
  const res = await app.request(path, { method: 'POST', headers, body: data });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

const batch = (app: App, events: unknown[], options?: SendOptions) =>
  send(app, '/v1/batch', { batch: events }, options);

let seq = 0;
const mid = (prefix = 'm') => `${prefix}-${Date.now().toString(36)}-${seq++}`;
const track = (extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Clicked',
  userId: 'u-1',
  messageId: mid(),
  ...extra,
});

async function storedByMessageId(workspaceId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return t.deps.db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', ids)
    .execute();
}

async function newWriteKey(w: TestWorkspace, name = 'test') {
  const res = await client(t.app, w.users.admin.token).post('/api/v1/write-keys', { name });
  expect(res.status).toBe(201);
  return res.body as { id: string; key: string };
}

const stats = async (w: TestWorkspace) =>
  (await client(t.app, w.users.viewer.token).get('/api/v1/ingest/stats')).body;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Ingest A');
  other = await createTestWorkspace(t.deps, 'Ingest B');
  key = (await newWriteKey(ws)).key;
  otherKey = (await newWriteKey(other)).key;
});
afterAll(async () => t?.close());

describe('dedup by messageId', () => {
  it('stores a messageId once within a batch and across retries', async () => {
    const a = track();
    const b = track();
    const first = await batch(t.app, [a, b, { ...a, event: 'Clicked again' }]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, accepted: 2, duplicates: 1, rejected: 0 });

    // The client missed the answer and retries the whole batch (twice, as the SDKs may).
    for (let i = 0; i < 2; i++) {
      const retry = await batch(t.app, [a, b, { ...a, event: 'Clicked again' }]);
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ accepted: 0, duplicates: 3 });
    }
    const rows = await storedByMessageId(ws.workspace.id, [a.messageId, b.messageId]);
    expect(rows.map((r) => r.message_id).sort()).toEqual([a.messageId, b.messageId].sort());
    expect(rows.find((r) => r.message_id === a.messageId)!.event_name).toBe('Clicked');
  });

  it('scopes messageIds to the workspace: the same id is stored once in each', async () => {
    const e = track();
    expect((await batch(t.app, [e])).body.accepted).toBe(1);
    expect((await batch(t.app, [e], { auth: { via: 'basic', key: otherKey } })).body.accepted).toBe(1);
    expect(await storedByMessageId(ws.workspace.id, [e.messageId])).toHaveLength(1);
    expect(await storedByMessageId(other.workspace.id, [e.messageId])).toHaveLength(1);
  });

  it('assigns a messageId when the sender gave none (the raw HTTP API)', async () => {
    const res = await batch(t.app, [{ type: 'track', event: 'No id', userId: 'u-noid' }]);
    expect(res.body.accepted).toBe(1);
    const row = await t.deps.db
      .selectFrom('events')
      .select('message_id')
      .where('workspace_id', '=', ws.workspace.id)
      .where('user_key', '=', 'u-noid')
      .executeTakeFirstOrThrow();
    expect(row.message_id).toMatch(/^steward-/);
  });
});

describe('size limits', () => {
  it('rejects an event over 32 KB with event_too_large and stores the rest of the batch', async () => {
    const small1 = track();
    const big = track({ properties: { blob: 'x'.repeat(33 * 1024) } });
    const small2 = track();
    const res = await batch(t.app, [small1, big, small2]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.body.errors).toEqual([
      { index: 1, reason: 'event_too_large', detail: expect.stringMatching(/32768/) },
    ]);
    const rows = await storedByMessageId(ws.workspace.id, [
      small1.messageId,
      big.messageId,
      small2.messageId,
    ]);
    expect(rows.map((r) => r.message_id).sort()).toEqual([small1.messageId, small2.messageId].sort());
  });

  it('answers 400 (not retried by Segment clients) to a batch over 500 KB and stores nothing', async () => {
    const events = Array.from({ length: 26 }, () => track({ properties: { blob: 'y'.repeat(20 * 1024) } }));
    const res = await batch(t.app, events);
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('bad_request');
    expect(res.body.error.message).toMatch(/500 KB/);
    expect(
      await storedByMessageId(
        ws.workspace.id,
        events.map((e) => e.messageId),
      ),
    ).toEqual([]);
  });

  it('answers 400 to a single /v1/track call over 32 KB', async () => {
    const res = await send(t.app, '/v1/track', track({ properties: { blob: 'z'.repeat(33 * 1024) } }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/32 KB/);
  });

  it('answers 413 (posthog-node halves its batch) to a PostHog body over 20 MB, plain or gzip', async () => {
    // Trailing spaces keep the JSON valid, so only the size can be the reason.
    const json = `{"api_key":"${key}","batch":[]}`;
    const huge = Buffer.alloc(20 * 1024 * 1024 + 1, 0x20);
    Buffer.from(json).copy(huge);
    const plain = await send(t.app, '/batch/', {}, { auth: { via: 'none' }, raw: huge });
    expect(plain.status).toBe(413);
    expect(errorCode(plain)).toBe('payload_too_large');
    // A small gzip body that inflates past 20 MB is refused while inflating.
    const bomb = await send(t.app, '/batch/', {}, { auth: { via: 'none' }, raw: huge, gzip: true });
    expect(bomb.status).toBe(413);
    // Just under the limit is accepted.
    const under = await send(
      t.app,
      '/batch/',
      {},
      { auth: { via: 'none' }, raw: huge.subarray(0, 20 * 1024 * 1024) },
    );
    expect(under.status).toBe(200);
  });

  it('answers 400 to a gzip Segment batch that inflates past 500 KB', async () => {
    const res = await batch(t.app, [track({ properties: { pad: ' '.repeat(600 * 1024) } })], { gzip: true });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/500 KB/);
  });
});

describe('gzip bodies', () => {
  it('inflates a valid gzip batch', async () => {
    const e = track();
    const res = await batch(t.app, [e], { gzip: true });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(await storedByMessageId(ws.workspace.id, [e.messageId])).toHaveLength(1);
  });

  it('answers 400 naming gzip when Content-Encoding is gzip but the body is not', async () => {
    const res = await send(
      t.app,
      '/v1/batch',
      {},
      { raw: JSON.stringify({ batch: [track()] }), headers: { 'content-encoding': 'gzip' } },
    );
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('bad_request');
    expect(res.body.error.message).toMatch(/not valid gzip/);
    const truncated = gzipSync(JSON.stringify({ batch: [track()] })).subarray(0, 20);
    const cut = await send(
      t.app,
      '/v1/batch',
      {},
      { raw: truncated, headers: { 'content-encoding': 'gzip' } },
    );
    expect(cut.status).toBe(400);
  });
});

describe('write keys', () => {
  it('accepts the key as Basic username, body writeKey, body write_key and PostHog api_key', async () => {
    const variants: Auth['via'][] = ['basic', 'writeKey', 'write_key'];
    for (const via of variants) {
      const e = track();
      const res = await batch(t.app, [e], { auth: { via, key } });
      expect(res.status, via).toBe(200);
      expect(await storedByMessageId(ws.workspace.id, [e.messageId]), via).toHaveLength(1);
    }
    // A Basic header without the colon is still the username.
    const e = track();
    const noColon = await send(
      t.app,
      '/v1/batch',
      { batch: [e] },
      {
        auth: { via: 'none' },
        headers: { authorization: `Basic ${Buffer.from(key).toString('base64')}` },
      },
    );
    expect(noColon.status).toBe(200);

    const uuid = crypto.randomUUID();
    const ph = await send(
      t.app,
      '/batch/',
      {
        batch: [{ event: 'opened', distinct_id: 'ph-1', uuid, properties: {} }],
        sent_at: new Date().toISOString(),
      },
      { auth: { via: 'api_key', key } },
    );
    expect(ph.status).toBe(200);
    expect(await storedByMessageId(ws.workspace.id, [uuid])).toHaveLength(1);
    const capture = await send(
      t.app,
      '/capture/',
      { event: 'captured', distinct_id: 'ph-1', uuid: crypto.randomUUID(), properties: {} },
      { auth: { via: 'api_key', key } },
    );
    expect(capture.body.accepted).toBe(1);
  });

  it('answers 401 to a missing, unknown or revoked key', async () => {
    const missing = await batch(t.app, [track()], { auth: { via: 'none' } });
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe('unauthenticated');
    expect(missing.body.error.message).toMatch(/Missing write key/);
    const unknown = await batch(t.app, [track()], { auth: { via: 'basic', key: 'wk_not_a_key' } });
    expect(unknown.status).toBe(401);

    const doomed = await newWriteKey(ws, 'doomed');
    const e = track();
    expect((await batch(t.app, [e], { auth: { via: 'writeKey', key: doomed.key } })).status).toBe(200);
    expect((await client(t.app, ws.users.admin.token).delete(`/api/v1/write-keys/${doomed.id}`)).status).toBe(
      200,
    );
    const revoked = await batch(t.app, [track()], { auth: { via: 'writeKey', key: doomed.key } });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toMatch(/revoked/);
    const ph = await send(t.app, '/batch/', { batch: [] }, { auth: { via: 'api_key', key: doomed.key } });
    expect(ph.status).toBe(401);
  });

  it('checks the write key before reading the body: a bad key never gets a 19 MB body read or parsed', async () => {
    const size = 19 * 1024 * 1024;
    /** A body that counts the bytes the server pulls from it; nothing is produced until pulled. */
    const streamed = (prefix: string) => {
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (pulled >= size) return controller.close();
            const chunk = pulled === 0 ? Buffer.from(prefix) : Buffer.alloc(64 * 1024, 0x20);
            pulled += chunk.byteLength;
            controller.enqueue(chunk);
          },
        },
        { highWaterMark: 0 },
      );
      return { stream, pulled: () => pulled };
    };
    const post = (path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
      t.app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
        duplex: 'half',
      } as RequestInit);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const basic = streamed('{"batch":[');
      const res = await post('/v1/batch', basic.stream, {
        authorization: `Basic ${Buffer.from('wk_not_a_key:').toString('base64')}`,
      });
      expect(res.status).toBe(401);
      expect(basic.pulled()).toBe(0);

      // posthog-node sends api_key first: the read stops there.
      const ph = streamed('{"api_key":"phc_not_a_key","batch":[');
      const phRes = await post('/batch/', ph.stream);
      expect(phRes.status).toBe(401);
      expect(((await phRes.json()) as { error: { message: string } }).error.message).toMatch(
        /Unknown or revoked/,
      );
      expect(ph.pulled()).toBeLessThan(256 * 1024);
      // Neither body was parsed (only the small error answers were).
      const bigParses = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 1e5);
      expect(bigParses).toEqual([]);
    } finally {
      parse.mockRestore();
    }
  });

  it("stores into the key's own workspace only", async () => {
    const e = track({ userId: 'cross-user' });
    const res = await batch(t.app, [e], { auth: { via: 'basic', key: otherKey } });
    expect(res.status).toBe(200);
    expect(await storedByMessageId(other.workspace.id, [e.messageId])).toHaveLength(1);
    expect(await storedByMessageId(ws.workspace.id, [e.messageId])).toHaveLength(0);
    // A group call through another workspace's key creates the account there, not here.
    const g = {
      type: 'group',
      userId: 'cross-user',
      groupId: 'cross-co',
      messageId: mid(),
      traits: { name: 'Cross' },
    };
    expect((await batch(t.app, [g], { auth: { via: 'basic', key: otherKey } })).status).toBe(200);
    const accounts = await t.deps.db
      .selectFrom('accounts')
      .select('workspace_id')
      .where('external_id', '=', 'cross-co')
      .where('workspace_id', 'in', [ws.workspace.id, other.workspace.id])
      .execute();
    expect(accounts).toEqual([{ workspace_id: other.workspace.id }]);
    const list = await client(t.app, ws.users.viewer.token).get('/api/v1/accounts?q=cross-co');
    expect(list.body.items).toEqual([]);
  });
});

describe('malformed bodies', () => {
  it('answers 400 naming malformed JSON, a non-object body and a missing batch', async () => {
    const bad = await send(t.app, '/v1/batch', {}, { raw: '{"batch": [' });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('bad_request');
    expect(bad.body.error.message).toBe('Malformed JSON in request body');
    const gz = await send(t.app, '/v1/batch', {}, { raw: '{"batch": [', gzip: true });
    expect(gz.body.error.message).toBe('Malformed JSON in request body');
    const array = await send(t.app, '/v1/batch', {}, { raw: '[1,2]' });
    expect(array.status).toBe(400);
    expect(array.body.error.message).toMatch(/JSON object/);
    const noBatch = await send(t.app, '/v1/batch', { events: [] });
    expect(noBatch.status).toBe(400);
    expect(noBatch.body.error.message).toMatch(/"batch" array/);
    const phNoBatch = await send(t.app, '/batch/', { events: [] }, { auth: { via: 'api_key', key } });
    expect(phNoBatch.status).toBe(400);
  });
});

describe('drop reasons', () => {
  let rw: TestWorkspace;
  let rkey: string;
  beforeAll(async () => {
    rw = await createTestWorkspace(t.deps, 'Reasons');
    rkey = (await newWriteKey(rw)).key;
  });

  it('counts each reason in /ingest/stats and lists it in /ingest/rejected', async () => {
    const now = Date.now();
    const cases: Record<Exclude<(typeof DROP_REASONS)[number], 'duplicate'>, Record<string, unknown>> = {
      invalid_type: { type: 'purchase', userId: 'u', messageId: mid() },
      missing_identity: { type: 'track', event: 'x', messageId: mid() },
      missing_event_name: { type: 'track', userId: 'u', messageId: mid() },
      missing_group_id: { type: 'group', userId: 'u', messageId: mid() },
      missing_previous_id: { type: 'alias', userId: 'u', messageId: mid() },
      invalid_message_id: { type: 'track', event: 'x', userId: 'u', messageId: 42 },
      invalid_properties: { type: 'track', event: 'x', userId: 'u', messageId: mid(), properties: [1, 2] },
      invalid_text: {
        type: 'track',
        event: 'x',
        userId: 'u',
        messageId: mid(),
        properties: { plan: 'a\u0000b' },
      },
      invalid_timestamp: { type: 'track', event: 'x', userId: 'u', messageId: mid(), timestamp: 'yesterday' },
      future_timestamp: {
        type: 'track',
        event: 'x',
        userId: 'u',
        messageId: mid(),
        timestamp: new Date(now + 25 * 3_600_000).toISOString(),
      },
      event_too_large: track({ properties: { blob: 'q'.repeat(40 * 1024) } }),
    };
    const good = track();
    const events = [good, ...Object.values(cases), good];
    const res = await batch(t.app, events, { auth: { via: 'basic', key: rkey } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, duplicates: 1, rejected: Object.keys(cases).length });
    expect(res.body.errors.map((e: { index: number; reason: string }) => [e.index, e.reason])).toEqual(
      Object.keys(cases).map((reason, i) => [i + 1, reason]),
    );

    const s = await stats(rw);
    expect(s).toEqual({
      accepted: 1,
      duplicates: 1,
      pending: 1,
      attached: 0,
      rejected: Object.fromEntries(Object.keys(cases).map((r) => [r, 1])),
    });
    // Every reason the pipeline knows is exercised here; 'duplicate' is counted as duplicates,
    // not listed as a rejection (a retry storm would otherwise fill the table).
    expect([...Object.keys(cases), 'duplicate'].sort()).toEqual([...DROP_REASONS].sort());

    const viewer = client(t.app, rw.users.viewer.token);
    const all = await viewer.get('/api/v1/ingest/rejected?limit=200');
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { reason: string }) => i.reason).sort()).toEqual(Object.keys(cases).sort());
    for (const item of all.body.items) {
      expect(item.detail).toBeTruthy();
      expect(typeof item.receivedAt).toBe('string');
    }
    const missing = all.body.items.find((i: { reason: string }) => i.reason === 'missing_identity');
    expect(missing.payload).toEqual(cases.missing_identity);

    for (const reason of Object.keys(cases)) {
      const one = await viewer.get(`/api/v1/ingest/rejected?reason=${reason}`);
      expect(one.body.items.map((i: { reason: string }) => i.reason)).toEqual([reason]);
    }
    expect((await viewer.get('/api/v1/ingest/rejected?reason=duplicate')).body.items).toEqual([]);
    expect((await viewer.get('/api/v1/ingest/rejected?reason=nope')).status).toBe(400);

    // Pages of 4 walk the whole list once, newest first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await viewer.get(
        `/api/v1/ingest/rejected?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((i: { id: string }) => i.id));

    // Another workspace sees none of them.
    expect(
      (await client(t.app, ws.users.viewer.token).get('/api/v1/ingest/rejected?reason=invalid_type')).body
        .items,
    ).toEqual([]);
    expect((await client(t.app, null).get('/api/v1/ingest/stats')).status).toBe(401);
  });
});

describe('timestamps', () => {
  const RECEIVED = new Date('2026-06-01T12:00:00.000Z');
  let fixed: App;
  beforeAll(() => {
    fixed = createApp({ ...t.deps, now: () => RECEIVED });
  });

  const stored = async (messageId: string) => (await storedByMessageId(ws.workspace.id, [messageId]))[0]!;

  it('corrects client clock skew: timestamp = receivedAt - (sentAt - originalTimestamp)', async () => {
    // The device clock is an hour behind; the event happened 10 s before it was sent.
    const behind = track({
      originalTimestamp: '2026-06-01T10:59:50.000Z',
      sentAt: '2026-06-01T11:00:00.000Z',
    });
    // Three days ahead (would be "future" uncorrected); sentAt at batch level, as analytics.js sends it.
    const ahead = track({ originalTimestamp: '2026-06-04T09:00:00.000Z' });
    const res = await send(fixed, '/v1/batch', { batch: [behind], sentAt: '2026-06-01T11:00:05.000Z' });
    expect(res.body.accepted).toBe(1);
    const res2 = await send(fixed, '/v1/batch', { batch: [ahead], sentAt: '2026-06-04T09:00:05.000Z' });
    expect(res2.body.accepted).toBe(1);

    const b = await stored(behind.messageId);
    // The message's own sentAt wins over the batch's.
    expect(b).toMatchObject({
      timestamp: '2026-06-01T11:59:50.000Z',
      original_timestamp: '2026-06-01T10:59:50.000Z',
      sent_at: '2026-06-01T11:00:00.000Z',
      received_at: '2026-06-01T12:00:00.000Z',
      day: '2026-06-01',
    });
    const a = await stored(ahead.messageId);
    expect(a).toMatchObject({
      timestamp: '2026-06-01T11:59:55.000Z',
      original_timestamp: '2026-06-04T09:00:00.000Z',
      sent_at: '2026-06-04T09:00:05.000Z',
    });
  });

  it('corrects PostHog timestamps with sent_at, except in a historical migration', async () => {
    const live = crypto.randomUUID();
    const migrated = crypto.randomUUID();
    const message = (uuid: string) => ({
      event: 'opened',
      distinct_id: 'ph-skew',
      uuid,
      timestamp: '2026-06-01T10:59:50.000Z',
      properties: {},
    });
    const auth = { auth: { via: 'api_key' as const, key } };
    await send(fixed, '/batch/', { batch: [message(live)], sent_at: '2026-06-01T11:00:00.000Z' }, auth);
    await send(
      fixed,
      '/batch/',
      { batch: [message(migrated)], sent_at: '2026-06-01T11:00:00.000Z', historical_migration: true },
      auth,
    );
    expect(await stored(live)).toMatchObject({
      timestamp: '2026-06-01T11:59:50.000Z',
      original_timestamp: '2026-06-01T10:59:50.000Z',
    });
    expect(await stored(migrated)).toMatchObject({
      timestamp: '2026-06-01T10:59:50.000Z',
      original_timestamp: null,
    });
  });

  it('records when a person was first and last seen, whatever the order in the batch', async () => {
    const later = track({ userId: 'seen-1', timestamp: '2026-06-01T09:00:00.000Z' });
    const earlier = track({ userId: 'seen-1', timestamp: '2026-06-01T08:00:00.000Z' });
    await send(fixed, '/v1/batch', { batch: [later, earlier] });
    const identity = await t.deps.db
      .selectFrom('identities')
      .select(['first_seen_at', 'last_seen_at'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('user_key', '=', 'seen-1')
      .executeTakeFirstOrThrow();
    expect(identity).toEqual({
      first_seen_at: '2026-06-01T08:00:00.000Z',
      last_seen_at: '2026-06-01T09:00:00.000Z',
    });
    // A historical event later does not move last_seen_at back; a traits change is still saved.
    await send(fixed, '/v1/batch', {
      batch: [
        track({ userId: 'seen-1', timestamp: '2025-01-01T00:00:00.000Z' }),
        {
          type: 'identify',
          userId: 'seen-1',
          messageId: mid(),
          timestamp: '2025-01-01T00:00:01.000Z',
          traits: { plan: 'gold' },
        },
      ],
    });
    const after = await t.deps.db
      .selectFrom('identities')
      .select(['first_seen_at', 'last_seen_at', 'traits'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('user_key', '=', 'seen-1')
      .executeTakeFirstOrThrow();
    expect(after.last_seen_at).toBe('2026-06-01T09:00:00.000Z');
    expect(JSON.parse(after.traits)).toEqual({ plan: 'gold' });
  });

  it('keeps a timestamp the client set, and uses receivedAt when there is none', async () => {
    const given = track({ timestamp: '2026-06-01T08:15:00+08:00' });
    const none = track();
    await send(fixed, '/v1/batch', { batch: [given, none] });
    expect((await stored(given.messageId)).timestamp).toBe('2026-06-01T00:15:00.000Z');
    expect((await stored(none.messageId)).timestamp).toBe(RECEIVED.toISOString());
  });

  it('rejects a timestamp more than 24 h ahead of receipt, accepts one just inside', async () => {
    const far = track({ timestamp: new Date(RECEIVED.getTime() + 24 * 3_600_000 + 1000).toISOString() });
    const near = track({ timestamp: new Date(RECEIVED.getTime() + 23 * 3_600_000).toISOString() });
    const res = await send(fixed, '/v1/batch', { batch: [far, near] });
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.body.errors[0]).toMatchObject({ index: 0, reason: 'future_timestamp' });
    expect(await storedByMessageId(ws.workspace.id, [far.messageId])).toEqual([]);
    expect((await stored(near.messageId)).day).toBe('2026-06-02');
  });

  it('accepts historical events (a year ago) on the day of the workspace time zone', async () => {
    const old = track({ timestamp: '2025-06-01T20:30:00.000Z' });
    const res = await send(fixed, '/v1/batch', { batch: [old] });
    expect(res.body.accepted).toBe(1);
    const row = await stored(old.messageId);
    expect(row.timestamp).toBe('2025-06-01T20:30:00.000Z');
    // 20:30 UTC is 04:30 the next day in Asia/Shanghai.
    expect(row.day).toBe('2025-06-02');
    expect(row.day).toBe(dayInZone(new Date(row.timestamp), ws.workspace.timeZone));
  });
});

describe('pending events', () => {
  let pw: TestWorkspace;
  let pkey: string;
  beforeAll(async () => {
    pw = await createTestWorkspace(t.deps, 'Pending');
    pkey = (await newWriteKey(pw)).key;
  });
  const auth = () => ({ auth: { via: 'basic' as const, key: pkey } });

  it('keeps events of an unknown account pending, then attaches them when a group call creates it', async () => {
    const named = track({ userId: 'p-1', event: 'Opened', context: { groupId: 'later-co' } });
    const anonymous = track({ userId: 'p-2', event: 'Opened' });
    const first = await batch(t.app, [named, anonymous], auth());
    expect(first.body).toMatchObject({ accepted: 2, pending: 2 });
    const pendingRows = await storedByMessageId(pw.workspace.id, [named.messageId, anonymous.messageId]);
    expect(pendingRows.map((r) => r.account_id)).toEqual([null, null]);
    expect(await stats(pw)).toMatchObject({ accepted: 2, pending: 2, attached: 0 });
    expect(
      await t.deps.db
        .selectFrom('accounts')
        .select('id')
        .where('workspace_id', '=', pw.workspace.id)
        .execute(),
    ).toEqual([]);

    const group = {
      type: 'group',
      userId: 'p-2',
      groupId: 'later-co',
      messageId: mid(),
      traits: { name: 'Later Co' },
    };
    const second = await batch(t.app, [group], auth());
    expect(second.body).toMatchObject({ accepted: 1, pending: 0 });

    const account = await t.deps.db
      .selectFrom('accounts')
      .selectAll()
      .where('workspace_id', '=', pw.workspace.id)
      .where('external_id', '=', 'later-co')
      .executeTakeFirstOrThrow();
    expect(account.name).toBe('Later Co');
    const rows = await storedByMessageId(pw.workspace.id, [
      named.messageId,
      anonymous.messageId,
      group.messageId,
    ]);
    expect(rows.map((r) => r.account_id)).toEqual([account.id, account.id, account.id]);
    expect(await stats(pw)).toMatchObject({ accepted: 3, pending: 0, attached: 2 });

    const daily = await t.deps.db
      .selectFrom('account_user_daily')
      .select(['user_key', 'events'])
      .where('workspace_id', '=', pw.workspace.id)
      .where('account_id', '=', account.id)
      .orderBy('user_key')
      .execute();
    expect(daily).toEqual([
      { user_key: 'p-1', events: 1 },
      { user_key: 'p-2', events: 1 },
    ]);

    // Later events of the linked user go straight to the account.
    const after = track({ userId: 'p-2', event: 'Opened' });
    expect((await batch(t.app, [after], auth())).body).toMatchObject({ accepted: 1, pending: 0 });
    expect((await storedByMessageId(pw.workspace.id, [after.messageId]))[0]!.account_id).toBe(account.id);
  });

  it('attaches within one batch when the group call comes later in it', async () => {
    const ts = Date.now() - 60_000;
    const early = track({
      userId: 'p-3',
      context: { groupId: 'same-batch-co' },
      timestamp: new Date(ts).toISOString(),
    });
    const group = {
      type: 'group',
      userId: 'p-3',
      groupId: 'same-batch-co',
      messageId: mid(),
      timestamp: new Date(ts + 1000).toISOString(),
    };
    const res = await batch(t.app, [early, group], auth());
    expect(res.body).toMatchObject({ accepted: 2 });
    const rows = await storedByMessageId(pw.workspace.id, [early.messageId, group.messageId]);
    expect(rows.every((r) => r.account_id !== null)).toBe(true);
    const s = await stats(pw);
    expect(s.pending).toBe(0);
  });
});

describe('single-call endpoints', () => {
  it('take one message each at /v1/{track,identify,group,page,screen,alias}', async () => {
    const calls: [string, Record<string, unknown>][] = [
      ['track', { event: 'Single', userId: 's-1' }],
      ['identify', { userId: 's-1', traits: { email: 's1@example.com' } }],
      ['group', { userId: 's-1', groupId: 'single-co', traits: { name: 'Single Co' } }],
      ['page', { userId: 's-1', name: 'Home' }],
      ['screen', { userId: 's-1', name: 'Main' }],
      ['alias', { userId: 's-1', previousId: 'anon-s-1' }],
    ];
    for (const [type, body] of calls) {
      const messageId = mid(type);
      const res = await send(t.app, `/v1/${type}`, { ...body, messageId });
      expect(res.status, type).toBe(200);
      expect(res.body.accepted, type).toBe(1);
      expect((await storedByMessageId(ws.workspace.id, [messageId]))[0]!.type).toBe(type);
    }
  });
});

describe('ingest settings', () => {
  let sw: TestWorkspace;
  let skey: string;
  beforeAll(async () => {
    sw = await createTestWorkspace(t.deps, 'Settings');
    skey = (await newWriteKey(sw)).key;
  });

  it('managers change them (audited), CSMs get 403, a bad mapping 400 naming the field', async () => {
    const manager = client(t.app, sw.users.manager.token);
    expect((await manager.get('/api/v1/ingest/settings')).body).toEqual({
      groupTraitMap: {
        name: 'name',
        industry: 'industry',
        region: 'region',
        seats: 'licensedSeats',
        licensed_seats: 'licensedSeats',
      },
      maxFutureHours: 24,
      retentionDays: 730,
      writeKeyRenames: false,
    });
    const patched = await manager.patch('/api/v1/ingest/settings', {
      groupTraitMap: { company_name: 'name', plan_seats: 'licensedSeats', sector: 'industry' },
      maxFutureHours: 48,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      groupTraitMap: { company_name: 'name', plan_seats: 'licensedSeats', sector: 'industry' },
      maxFutureHours: 48,
      retentionDays: 730,
      writeKeyRenames: false,
    });
    const audit = await client(t.app, sw.users.admin.token).get(
      `/api/v1/audit-log?entityId=${sw.workspace.id}`,
    );
    expect(audit.body.items.map((i: { action: string }) => i.action)).toContain('ingest_settings.updated');

    const csm = await client(t.app, sw.users.csm.token).patch('/api/v1/ingest/settings', {
      maxFutureHours: 1,
    });
    expect(csm.status).toBe(403);
    expect(errorCode(csm)).toBe('forbidden');
    expect(
      (await client(t.app, sw.users.viewer.token).patch('/api/v1/ingest/settings', { maxFutureHours: 1 }))
        .status,
    ).toBe(403);

    const bad = await manager.patch('/api/v1/ingest/settings', { groupTraitMap: { tier: 'arr' } });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('validation_failed');
    expect(bad.body.error.details.issues[0].path).toBe('groupTraitMap.tier');
    const badCf = await manager.patch('/api/v1/ingest/settings', { groupTraitMap: { tier: 'cf.Bad Key' } });
    expect(badCf.status).toBe(400);
    const badHours = await manager.patch('/api/v1/ingest/settings', { maxFutureHours: -1 });
    expect(badHours.status).toBe(400);
    expect(badHours.body.error.details.issues[0].path).toBe('maxFutureHours');
    // Refused changes left the saved settings alone.
    expect((await manager.get('/api/v1/ingest/settings')).body.maxFutureHours).toBe(48);
  });

  it('applies the saved mapping and future tolerance to later batches', async () => {
    const auth = { auth: { via: 'basic' as const, key: skey } };
    const group = {
      type: 'group',
      userId: 'set-1',
      groupId: 'mapped-co',
      messageId: mid(),
      traits: { company_name: 'Mapped Inc', plan_seats: 7, sector: 'Retail', name: 'ignored' },
    };
    const soon = track({ userId: 'set-1', timestamp: new Date(Date.now() + 30 * 3_600_000).toISOString() });
    const res = await batch(t.app, [group, soon], auth);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 0 });
    const account = await t.deps.db
      .selectFrom('accounts')
      .selectAll()
      .where('workspace_id', '=', sw.workspace.id)
      .where('external_id', '=', 'mapped-co')
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({ name: 'Mapped Inc', licensed_seats: 7, industry: 'Retail' });
  });
});

describe('transient database failure', () => {
  it('answers 503 with Retry-After when the database cannot be reached or is locked, and nothing is stored', async () => {
    let db: Kysely<Database>;
    let release: () => void = () => {};
    if (ENGINE === 'postgres') {
      // Nothing listens on port 1: every query fails with ECONNREFUSED.
      db = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/test', max: 1 }),
        }),
      });
    } else {
      const file = (t.deps.config.database as { file: string }).file;
      // Another connection holds the write lock; ours gives up after 50 ms instead of 5 s.
      const locker = new SQLite(file);
      locker.exec('begin immediate');
      release = () => {
        if (!locker.open) return;
        locker.exec('rollback');
        locker.close();
      };
      const conn = new SQLite(file);
      conn.pragma('busy_timeout = 50');
      db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
    }
    const deps: Deps = { ...t.deps, db };
    try {
      const e = track();
      const res = await batch(createApp(deps), [e]);
      expect(res.status).toBe(503);
      expect(errorCode(res)).toBe('unavailable');
      expect(res.headers.get('retry-after')).toBe('1');
      release();
      expect(await storedByMessageId(ws.workspace.id, [e.messageId])).toEqual([]);
      // The client's retry, once the database is back, is stored.
      expect((await batch(t.app, [e])).body.accepted).toBe(1);
    } finally {
      release();
      await db.destroy();
    }
  });
});

describe('concurrent batches', () => {
  // Each app has its own writer, as separate server processes on one database would; on PostgreSQL
  // their transactions really run at once.
  const nodes = () => Array.from({ length: 8 }, () => createApp(t.deps));

  it('creates an account named by many simultaneous first group calls once, and stores every batch', async () => {
    const n = 8;
    const apps = nodes();
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        batch(apps[i]!, [
          {
            type: 'identify',
            userId: `race-${i}`,
            messageId: mid('ri'),
            traits: { email: `race${i}@example.com` },
          },
          {
            type: 'group',
            userId: `race-${i}`,
            groupId: 'race-co',
            messageId: mid('rg'),
            traits: { name: 'Race Co' },
          },
          track({ userId: `race-${i}`, context: { groupId: 'race-co' } }),
        ]),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
    const accounts = await t.deps.db
      .selectFrom('accounts')
      .select('id')
      .where('workspace_id', '=', ws.workspace.id)
      .where('external_id', '=', 'race-co')
      .execute();
    expect(accounts).toHaveLength(1);
    const contacts = await t.deps.db
      .selectFrom('contacts')
      .select('external_user_id')
      .where('workspace_id', '=', ws.workspace.id)
      .where('account_id', '=', accounts[0]!.id)
      .execute();
    expect(contacts).toHaveLength(n);

    // The same new person identified by simultaneous batches becomes one contact.
    const same = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        batch(apps[i]!, [
          { type: 'group', userId: 'race-same', groupId: 'race-co', messageId: mid('sg') },
          { type: 'identify', userId: 'race-same', messageId: mid('si'), traits: { name: `Same ${i}` } },
        ]),
      ),
    );
    expect(same.map((r) => r.status)).toEqual(Array(n).fill(200));
    const one = await t.deps.db
      .selectFrom('contacts')
      .select('name')
      .where('workspace_id', '=', ws.workspace.id)
      .where('external_user_id', '=', 'race-same')
      .execute();
    expect(one).toHaveLength(1);
  });
});

describe('group commit', () => {
  it('commits several batches (of different workspaces) together, each with its own result', async () => {
    const a = [track(), track()];
    const b = [track({ userId: 'gc-other' })];
    const jobs = [
      {
        ctx: systemCtx(t.deps, toRef(ws.workspace)),
        candidates: a.map((m) => fromSegment(m)),
        receivedAt: new Date(),
      },
      {
        ctx: systemCtx(t.deps, toRef(other.workspace)),
        candidates: b.map((m) => fromSegment(m)),
        receivedAt: new Date(),
      },
      // The same ids again in a later batch of the group: duplicates of the first.
      {
        ctx: systemCtx(t.deps, toRef(ws.workspace)),
        candidates: a.map((m) => fromSegment(m)),
        receivedAt: new Date(),
      },
    ];
    const outcomes = await ingestBatches(jobs);
    expect(outcomes.map((o) => (o.ok ? [o.value.accepted, o.value.duplicates] : 'failed'))).toEqual([
      [2, 0],
      [1, 0],
      [0, 2],
    ]);
    expect(
      await storedByMessageId(
        ws.workspace.id,
        a.map((e) => e.messageId),
      ),
    ).toHaveLength(2);
    expect(
      await storedByMessageId(
        other.workspace.id,
        b.map((e) => e.messageId),
      ),
    ).toHaveLength(1);
  });

  it('retries each batch alone when the shared transaction fails, so only the bad one fails', async () => {
    const good1 = [track()];
    const good2 = [track()];
    // A payload that cannot be serialized into rejected_events makes its whole batch throw.
    const poisoned: Candidate = { ...fromSegment({ type: 'bogus' }), raw: { big: 1n } };
    const ctx = systemCtx(t.deps, toRef(ws.workspace));
    const outcomes = await ingestBatches([
      { ctx, candidates: good1.map((m) => fromSegment(m)), receivedAt: new Date() },
      { ctx, candidates: [fromSegment(track()), poisoned], receivedAt: new Date() },
      { ctx, candidates: good2.map((m) => fromSegment(m)), receivedAt: new Date() },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(
      await storedByMessageId(
        ws.workspace.id,
        [...good1, ...good2].map((e) => e.messageId),
      ),
    ).toHaveLength(2);
  });

  it('answers every one of many simultaneous requests after its own batch is stored', async () => {
    const batches = Array.from({ length: 30 }, () => [track(), track(), track()]);
    const results = await Promise.all(batches.map((events) => batch(t.app, events)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(results.every((r) => r.body.accepted === 3)).toBe(true);
    const ids = batches.flat().map((e) => e.messageId);
    expect(await storedByMessageId(ws.workspace.id, ids)).toHaveLength(ids.length);
  });
});
