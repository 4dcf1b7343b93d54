// NUL bytes and lone surrogates are refused the same way on both engines: a 400 naming the field for
// API bodies, queries and paths, and an `invalid_text` drop for tracked events (names, ids, traits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let w: TestWorkspace;
let n = 0;
beforeAll(async () => {
  t = await createTestApp();
  w = await createTestWorkspace(t.deps, 'Input text');
});
afterAll(async () => t?.close());

const accounts = async () =>
  Number(
    (
      await t.deps.db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('workspace_id', '=', w.workspace.id)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('API requests', () => {
  it.each([
    ['a NUL in a field', { name: 'Ac\u0000me' }, 'name', 'contains a NUL character'],
    ['a lone high surrogate', { name: 'Ac\uD800me' }, 'name', 'unpaired UTF-16 surrogate'],
    ['a lone low surrogate', { name: '\uDC00' }, 'name', 'unpaired UTF-16 surrogate'],
    [
      'a NUL nested in custom fields',
      { name: 'Fine', customFields: { tier: 'x\u0000' } },
      'customFields.tier',
      'NUL',
    ],
    [
      'a NUL in a key',
      { name: 'Fine', customFields: { 't\u0000': 'x' } },
      'customFields.t\\u0000',
      'name contains a NUL',
    ],
  ])('refuse %s in a JSON body with a field error, writing nothing', async (_, body, path, message) => {
    const before = await accounts();
    const res = await client(t.app, w.users.admin.token).post('/api/v1/accounts', {
      externalId: `text-${n++}`,
      ...body,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(res.body.error.details.issues[0].path).toBe(path);
    expect(res.body.error.details.issues[0].message).toContain(message);
    expect(await accounts()).toBe(before);
  });

  it("say what is wrong in the reader's language", async () => {
    const zh = client(t.app, w.users.admin.token, { 'accept-language': 'zh-CN' });
    const nul = await zh.post('/api/v1/accounts', { externalId: `text-${n++}`, name: 'Ac\u0000me' });
    expect(nul.body.error.details.issues[0]).toMatchObject({ path: 'name', message: '包含 NUL 字符' });
    const key = await zh.post('/api/v1/accounts', {
      externalId: `text-${n++}`,
      name: 'Fine',
      customFields: { 't\uD800': 'x' },
    });
    expect(key.body.error.details.issues[0].message).toBe(
      '名称包含不成对的 UTF-16 代理字符（不是有效的 Unicode）',
    );
  });

  it('keep paired surrogates (emoji) and other text', async () => {
    const res = await client(t.app, w.users.admin.token).post('/api/v1/accounts', {
      externalId: `text-${n++}`,
      name: 'Acme 😀 é 中文',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.name).toBe('Acme 😀 é 中文');
  });

  it('refuse a NUL in a query string or path', async () => {
    const api = client(t.app, w.users.admin.token);
    const query = await api.get('/api/v1/accounts?q=a%00b');
    expect(query.status).toBe(400);
    expect(query.body.error.details.issues).toEqual([{ path: 'q', message: 'contains a NUL character' }]);
    const path = await api.get('/api/v1/accounts/acc%00x');
    expect(path.status).toBe(400);
    expect(path.body.error.details.issues[0].path).toBe('path');
  });

  it('leave malformed JSON to the route: still the malformed-JSON answer', async () => {
    const res = await client(t.app, w.users.admin.token).post('/api/v1/accounts', '{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Malformed JSON in request body');
  });
});

describe('tracked events', () => {
  it('drop names, ids and traits with NUL or lone surrogates as invalid_text', async () => {
    const admin = client(t.app, w.users.admin.token);
    const key = (await admin.post('/api/v1/write-keys', { name: 'text' })).body.key as string;
    const mid = () => `text-${n++}`;
    const events = [
      { type: 'track', event: 'Clicked', userId: 'u1', messageId: mid() },
      { type: 'track', event: 'Click\u0000ed', userId: 'u1', messageId: mid() },
      { type: 'track', event: 'Clicked', userId: 'u\uD800', messageId: mid() },
      { type: 'group', groupId: 'g1', userId: 'u1', traits: { name: '=evil\u0000' }, messageId: mid() },
      { type: 'identify', userId: 'u1', traits: { nick: 'x\uDFFF' }, messageId: mid() },
      { type: 'track', event: 'Clicked', userId: 'u1', properties: { 'k\u0000': 1 }, messageId: mid() },
    ];
    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      },
      body: JSON.stringify({ batch: events }),
    });
    const body = (await res.json()) as {
      accepted: number;
      errors: { index: number; reason: string; detail: string }[];
    };
    expect(res.status).toBe(200);
    expect(body.accepted).toBe(1);
    expect(body.errors.map((e) => [e.index, e.reason])).toEqual([
      [1, 'invalid_text'],
      [2, 'invalid_text'],
      [3, 'invalid_text'],
      [4, 'invalid_text'],
      [5, 'invalid_text'],
    ]);
    expect(body.errors[0]!.detail).toBe('event contains a NUL character');
    expect(body.errors[2]!.detail).toBe('traits.name contains a NUL character');
    expect(body.errors[4]!.detail).toBe('properties.k\\u0000 name contains a NUL character');

    const rejected = await admin.get('/api/v1/ingest/rejected?reason=invalid_text&limit=50');
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.items).toHaveLength(5);
  });
});
