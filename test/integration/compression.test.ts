// Bytes on the wire: API answers above 2 KB go out brotli or gzip (whole, with Content-Length, or
// streamed chunk by chunk), small ones and the tracking endpoints' answers stay plain, and the web
// app's files are the build's own .br/.gz copies chosen by Accept-Encoding.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding, compressResponses } from '../../src/server/compress.ts';
import { mountWeb } from '../../src/server/web.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
const dist = mkdtempSync(join(tmpdir(), 'steward-compress-'));

const decode = (body: Buffer, encoding: string | null) =>
  encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body;

async function raw(
  path: string,
  headers: Record<string, string>,
  app: { request: TestApp['app']['request'] } = t.app,
) {
  const res = await app.request(path, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { res, body, text: decode(body, res.headers.get('content-encoding')).toString() };
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Compression');
  const admin = client(t.app, ws.users.admin.token);
  for (let i = 0; i < 40; i++)
    await admin.post('/api/v1/accounts', { name: `Compression account ${i}`, externalId: `cmp-${i}` });
  mkdirSync(join(dist, 'assets'));
  const js = `export const big = ${JSON.stringify('x'.repeat(5000))};`;
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'app-1.js'), js);
  writeFileSync(join(dist, 'assets', 'app-1.js.br'), brotliCompressSync(js));
  writeFileSync(join(dist, 'assets', 'app-1.js.gz'), gzipSync(js));
  writeFileSync(join(dist, 'assets', 'logo-1.png'), Buffer.alloc(100, 1));
}, 120_000);
afterAll(async () => {
  rmSync(dist, { recursive: true, force: true });
  await t?.close();
});

describe('Accept-Encoding', () => {
  it('prefers brotli, honours q-values and refusals', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0.5, gzip;q=0.8')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0')).toBeUndefined();
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding(undefined)).toBeUndefined();
    expect(chooseEncoding('gzip, br', ['gzip'])).toBe('gzip');
  });
});

describe('API responses', () => {
  const auth = () => ({ authorization: `Bearer ${ws.users.admin.token}`, 'accept-language': 'en' });

  it('compresses a large JSON list with brotli or gzip, with Vary and the real Content-Length', async () => {
    const plain = await raw('/api/v1/accounts?limit=100', { ...auth(), 'accept-encoding': 'identity' });
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.res.headers.get('vary')).toContain('Accept-Encoding');
    expect(plain.body.length).toBeGreaterThan(2048);
    for (const encoding of ['br', 'gzip']) {
      const r = await raw('/api/v1/accounts?limit=100', { ...auth(), 'accept-encoding': encoding });
      expect(r.res.status).toBe(200);
      expect(r.res.headers.get('content-encoding')).toBe(encoding);
      expect(r.res.headers.get('vary')).toContain('Accept-Encoding');
      expect(Number(r.res.headers.get('content-length'))).toBe(r.body.length);
      expect(r.body.length).toBeLessThan(plain.body.length / 3);
      expect(JSON.parse(r.text).items).toHaveLength(JSON.parse(plain.text).items.length);
    }
  });

  it('leaves small answers and the tracking endpoints plain', async () => {
    const me = await raw('/api/v1/auth/me', { ...auth(), 'accept-encoding': 'br, gzip' });
    expect(me.res.status).toBe(200);
    expect(me.res.headers.get('content-encoding')).toBeNull();
    expect(me.text).toContain('@test.steward.dev');
    const health = await raw('/healthz', { 'accept-encoding': 'br, gzip' });
    expect(health.res.headers.get('content-encoding')).toBeNull();
    const track = await t.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'br, gzip' },
      body: JSON.stringify({ batch: [] }),
    });
    expect(track.headers.get('content-encoding')).toBeNull();
  });

  it('compresses the OpenAPI document', async () => {
    const spec = await raw('/api/v1/openapi.json', { 'accept-encoding': 'gzip' });
    expect(spec.res.headers.get('content-encoding')).toBe('gzip');
    expect(JSON.parse(spec.text).openapi).toBe('3.1.0');
  });

  it('keeps a streamed body streamed: chunks arrive compressed before the stream ends', async () => {
    const app = new Hono();
    app.use('*', compressResponses());
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.get('/export', () => {
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(encoder.encode(`id,name\n${'1,first\n'.repeat(400)}`));
          controller.enqueue(encoder.encode('2,second\n'.repeat(10)));
          await gate;
          controller.enqueue(encoder.encode('3,last\n'));
          controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/csv; charset=utf-8' } });
    });
    const res = await app.request('/export', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-length')).toBeNull();
    const reader = res.body!.getReader();
    const { createGunzip } = await import('node:zlib');
    const gunzip = createGunzip();
    const out: Buffer[] = [];
    gunzip.on('data', (d: Buffer) => out.push(d));
    // Before the last row exists, the first rows already decode (each chunk is flushed). A chunk
    // may hold only the gzip header, and gunzip decodes on its own time (slow on a busy machine):
    // read on until the rows show. Were they not flushed, the next read would wait for the gate
    // and the test time out.
    const firstRows = async () => {
      for (let i = 0; i < 50; i++) {
        if (Buffer.concat(out).toString().includes('id,name\n1,first')) return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    };
    for (;;) {
      const r = await reader.read();
      expect(r.done).toBe(false);
      gunzip.write(r.value);
      if (await firstRows()) break;
    }
    release();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      gunzip.write(r.value);
    }
    gunzip.end();
    await new Promise((resolve) => gunzip.once('end', resolve));
    expect(Buffer.concat(out).toString().endsWith('3,last\n')).toBe(true);
  });
});

describe('web assets', () => {
  const web = () => {
    const a = new Hono();
    mountWeb(a as never, dist);
    return a;
  };

  it("sends the build's brotli or gzip copy, or the file itself, with Vary and Content-Length", async () => {
    const cases: [string, string | null][] = [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['identity', null],
      ['', null],
    ];
    let original = '';
    for (const [accept, expected] of cases) {
      const r = await raw('/assets/app-1.js', accept ? { 'accept-encoding': accept } : {}, web());
      expect(r.res.status).toBe(200);
      expect(r.res.headers.get('content-encoding'), accept).toBe(expected);
      expect(r.res.headers.get('vary')).toBe('Accept-Encoding');
      expect(r.res.headers.get('content-type')).toContain('text/javascript');
      expect(Number(r.res.headers.get('content-length'))).toBe(r.body.length);
      original ||= r.text;
      expect(r.text).toBe(original);
    }
  });

  it('sends index.html plain when the build has no copy, and binary files as they are', async () => {
    const page = await raw('/accounts', { accept: 'text/html', 'accept-encoding': 'br' }, web());
    expect(page.res.headers.get('content-encoding')).toBeNull();
    expect(page.text).toContain('id="root"');
    const png = await raw('/assets/logo-1.png', { 'accept-encoding': 'br' }, web());
    expect(png.res.headers.get('content-encoding')).toBeNull();
    expect(png.res.headers.get('vary')).toBeNull();
    expect(png.body.length).toBe(100);
  });
});
