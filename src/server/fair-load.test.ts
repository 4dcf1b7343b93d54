import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';
import { fairLoad } from './fair-load.ts';

/** An app with the two halves around a counting stand-in for authentication, and a report that waits. */
function setup() {
  const fair = fairLoad({ heavyPerUser: 1, heavyPerWorkspace: 8 });
  let authenticated = 0;
  let release = () => {};
  const app = new Hono<AppEnv>();
  app.onError((e, c) =>
    e instanceof AppError
      ? c.json({ code: e.code, details: e.details }, 429, e.headers)
      : c.json({ code: 'internal' }, 500),
  );
  app.use('/api/v1/*', fair.early);
  app.use('/api/v1/*', async (c, next) => {
    authenticated++;
    c.set('ctx', { actor: { kind: 'user', userId: 'u1' }, workspace: { id: 'w1' } } as never);
    await next();
  });
  app.use('/api/v1/*', fair.limit);
  app.get('/api/v1/revenue/retention', async (c) => {
    await new Promise<void>((r) => (release = r));
    return c.json({ ok: true });
  });
  app.get('/api/v1/accounts/a1', (c) => c.json({ ok: true }));
  const get = (path: string) => app.request(`/api/v1${path}`, { headers: { authorization: 'Bearer t1' } });
  return { get, authenticated: () => authenticated, release: () => release() };
}

describe('fair load', () => {
  it('refuses a refused token’s next heavy reads before authenticating, held a moment, while its user is at the limit', async () => {
    const s = setup();
    const first = s.get('/revenue/retention');
    await new Promise((r) => setTimeout(r, 10));
    const second = await s.get('/revenue/retention');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('2');
    expect(await second.json()).toMatchObject({ code: 'rate_limited', details: { scope: 'user' } });
    expect(s.authenticated()).toBe(2);

    // Refused again without authenticating, the answer held a moment (a client ignoring
    // Retry-After is slowed down).
    const asked = performance.now();
    const third = await s.get('/revenue/retention');
    expect(third.status).toBe(429);
    expect(performance.now() - asked).toBeGreaterThanOrEqual(240);
    expect(s.authenticated()).toBe(2);
    // The same token's cheap reads still go through.
    expect((await s.get('/accounts/a1')).status).toBe(200);

    s.release();
    expect((await first).status).toBe(200);
    // The user is below the limit again: the next heavy read authenticates and is served.
    const fourth = s.get('/revenue/retention');
    await new Promise((r) => setTimeout(r, 10));
    s.release();
    expect((await fourth).status).toBe(200);
    expect(s.authenticated()).toBe(4);
  });
});
