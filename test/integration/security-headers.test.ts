// Every response carries the browser security headers: the web app's page, API answers (errors
// included), the API docs and the tracking endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let w: TestWorkspace;
beforeAll(async () => {
  t = await createTestApp();
  w = await createTestWorkspace(t.deps, 'Headers');
});
afterAll(async () => t?.close());

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
  "frame-ancestors 'none'";

function expectSecurityHeaders(headers: Headers, what: string) {
  expect(headers.get('content-security-policy'), what).toBe(CSP);
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('strict-origin-when-cross-origin');
  expect(headers.get('x-frame-options'), what).toBe('DENY');
}

describe('security headers', () => {
  it('are on API answers, successes and errors alike', async () => {
    const api = client(t.app, w.users.viewer.token);
    const ok = await api.get('/api/v1/accounts');
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok.headers, 'GET /accounts');
    const unauthenticated = await client(t.app, null).get('/api/v1/accounts');
    expect(unauthenticated.status).toBe(401);
    expectSecurityHeaders(unauthenticated.headers, '401');
    const invalid = await api.get('/api/v1/accounts?cursor=%7B');
    expect(invalid.status).toBe(400);
    expectSecurityHeaders(invalid.headers, '400');
    const missing = await api.get('/api/v1/no-such-route');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing.headers, '404');
  });

  it('are on the docs page, the health check and the tracking endpoints', async () => {
    const docs = await t.app.request('/api/docs');
    expect(docs.status).toBe(200);
    expectSecurityHeaders(docs.headers, '/api/docs');
    // The docs page loads only same-origin files, which the CSP allows: no inline script.
    const page = await docs.text();
    expect(page).not.toMatch(/<script>(?!<)/);
    expect([...page.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '/api/docs/swagger-ui-bundle.js',
      '/api/docs/init.js',
    ]);
    expectSecurityHeaders((await t.app.request('/healthz')).headers, '/healthz');
    // The web app (or, without a build, the redirect to the docs).
    const web = await t.app.request('/', { headers: { accept: 'text/html' } });
    expect([200, 302]).toContain(web.status);
    expectSecurityHeaders(web.headers, '/');
    const batch = await t.app.request('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"batch":[]}',
    });
    expectSecurityHeaders(batch.headers, '/v1/batch');
  });
});
