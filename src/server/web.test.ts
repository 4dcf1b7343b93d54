import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { mountWeb } from './web.ts';

const dist = mkdtempSync(join(tmpdir(), 'steward-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
writeFileSync(join(dist, 'favicon.svg'), '<svg/>');

function app(dir: string) {
  const a = new Hono();
  a.get('/healthz', (c) => c.json({ status: 'ok' }));
  a.get('/api/v1/thing', (c) => c.json({ ok: true }));
  mountWeb(a as never, dir);
  a.notFound((c) => c.json({ error: { code: 'not_found' } }, 404));
  return a;
}
const html = { accept: 'text/html,application/xhtml+xml' };

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('serving the web app', () => {
  it('serves index.html at / and for any app route a browser navigates to', async () => {
    for (const path of ['/', '/accounts/0193', '/config/health']) {
      const res = await app(dist).request(path, { headers: html });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('id="root"');
    }
  });

  it('serves hashed assets with a year of caching and other files with revalidation', async () => {
    const js = await app(dist).request('/assets/app-1234.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const icon = await app(dist).request('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('leaves the API, health check and missing assets to the server', async () => {
    expect(await (await app(dist).request('/api/v1/thing', { headers: html })).json()).toEqual({ ok: true });
    expect((await app(dist).request('/api/v1/missing', { headers: html })).status).toBe(404);
    expect(await (await app(dist).request('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app(dist).request('/assets/gone-999.js', { headers: html })).status).toBe(404);
    expect((await app(dist).request('/v1/batch', { headers: html })).status).toBe(404);
    // A script asking for an unknown path gets the JSON 404, not a page.
    expect((await app(dist).request('/nowhere')).status).toBe(404);
  });

  it('never serves a file from outside the build', async () => {
    const res = await app(dist).request('/..%2f..%2fetc%2fpasswd', { headers: html });
    expect(await res.text()).not.toContain('root:');
  });

  it('redirects / to the API docs when the app is not built', async () => {
    const res = await app(join(dist, 'missing')).request('/', { headers: html });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/api/docs');
  });
});
