import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import { createLogger } from '../../logger.ts';
import { sendError, toAppError } from '../../server/errors.ts';
import { type JobOutcome, WriteQueue } from './write-queue.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteQueue (group commit)', () => {
  /** A queue whose groups are recorded and held until released. */
  function recorder(options: { concurrency?: number; maxWaiting?: number; maxGroupWeight?: number } = {}) {
    const groups: number[][] = [];
    const releases: (() => void)[] = [];
    const q = new WriteQueue<number, string>({
      concurrency: options.concurrency ?? 1,
      maxWaiting: options.maxWaiting ?? 100,
      maxGroupWeight: options.maxGroupWeight ?? 1000,
      weight: (job) => job,
      runGroup: async (jobs): Promise<JobOutcome<string>[]> => {
        groups.push(jobs);
        await new Promise<void>((resolve) => releases.push(resolve));
        return jobs.map((j) =>
          j === 13 ? { ok: false, error: new Error('unlucky') } : { ok: true, value: `done ${j}` },
        );
      },
    });
    // Releases every group as it starts (the next group starts a turn of the event loop later).
    const releaseAll = async () => {
      for (let round = 0; round < 20; round++) {
        while (releases.length) releases.shift()!();
        await tick();
      }
    };
    return { q, groups, releases, releaseAll };
  }

  it('runs a job on the next turn, and the ones that queued meanwhile as one group', async () => {
    const { q, groups, releaseAll } = recorder();
    const first = q.submit(1);
    await tick();
    expect(groups).toEqual([[1]]);
    const rest = [2, 3, 4].map((j) => q.submit(j));
    await tick();
    expect(q.depth).toBe(3);
    await releaseAll();
    expect(await first).toBe('done 1');
    expect(await Promise.all(rest)).toEqual(['done 2', 'done 3', 'done 4']);
    expect(groups).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a group by weight, but always takes at least one job', async () => {
    const { q, groups, releaseAll } = recorder({ maxGroupWeight: 100 });
    const all = [5, 60, 30, 20, 500, 7].map((j) => q.submit(j));
    await tick();
    await releaseAll();
    await Promise.all(all);
    expect(groups).toEqual([[5, 60, 30], [20], [500], [7]]);
  });

  it('fails only the job whose outcome failed; the others of its group succeed', async () => {
    const { q, releaseAll } = recorder();
    const first = q.submit(1);
    const group = [12, 13, 14].map((j) => q.submit(j).catch((e: Error) => e.message));
    await tick();
    await releaseAll();
    await first;
    expect(await Promise.all(group)).toEqual(['done 12', 'unlucky', 'done 14']);
  });

  it('rejects every job of a group whose runner threw, and goes on with the next group', async () => {
    let calls = 0;
    const q = new WriteQueue<number, number>({
      concurrency: 1,
      maxWaiting: 10,
      maxGroupWeight: 10,
      weight: () => 1,
      runGroup: async (jobs) => {
        calls++;
        if (calls === 1) throw new Error('database down');
        return jobs.map((j) => ({ ok: true as const, value: j * 2 }));
      },
    });
    await expect(q.submit(1)).rejects.toThrow('database down');
    expect(await q.submit(2)).toBe(4);
  });

  it('runs up to `concurrency` groups at once and answers 429 beyond maxWaiting', async () => {
    const { q, groups, releaseAll } = recorder({ concurrency: 2, maxWaiting: 2, maxGroupWeight: 0 });
    const running = [q.submit(1), q.submit(2)];
    await tick();
    expect(groups).toEqual([[1], [2]]);
    const queued = [q.submit(3), q.submit(4)];
    const refused = await q.submit(5).catch((e: unknown) => e as AppError);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('rate_limited');
    expect((refused as AppError).headers).toMatchObject({ 'Retry-After': '1' });
    expect(Number((refused as AppError).headers?.['X-RateLimit-Reset'])).toBeGreaterThan(Date.now());
    await releaseAll();
    await Promise.all([...running, ...queued]);
    await releaseAll();
    expect(groups.slice(2).flat().sort()).toEqual([3, 4]);
  });
});

describe('WriteQueue overload at the HTTP edge', () => {
  it('answers 429 with Retry-After and X-RateLimit-Reset when the queue is full, 200 once it drains', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const q = new WriteQueue<string, string>({
      concurrency: 1,
      maxWaiting: 1,
      maxGroupWeight: 1,
      weight: () => 1,
      runGroup: async (jobs) => {
        await held;
        return jobs.map((j) => ({ ok: true as const, value: j }));
      },
    });
    const app = new Hono();
    app.onError((err, c) => sendError(c, toAppError(err, createLogger('silent'), 'test')));
    app.post('/v1/batch', async (c) => c.json({ result: await q.submit(c.req.header('x-job') ?? '') }));
    const post = (job: string) => app.request('/v1/batch', { method: 'POST', headers: { 'x-job': job } });

    const running = post('a');
    await tick();
    const waiting = post('b');
    await tick();
    const before = Date.now();
    const refused = await post('c');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    const reset = Number(refused.headers.get('x-ratelimit-reset'));
    expect(reset).toBeGreaterThanOrEqual(before + 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() + 1000);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');

    release();
    expect((await running).status).toBe(200);
    expect((await waiting).status).toBe(200);
    expect((await post('d')).status).toBe(200);
  });
});

describe('transient database errors at the HTTP edge', () => {
  it.each([
    'SQLITE_BUSY',
    'SQLITE_BUSY_SNAPSHOT',
    'SQLITE_LOCKED',
    'ECONNREFUSED',
    '57P01',
    '57P03',
    '40P01',
    '08006',
  ])('%s -> 503 with Retry-After', async (code) => {
    const app = new Hono();
    app.onError((err, c) => sendError(c, toAppError(err, createLogger('silent'), 'test')));
    app.post('/v1/batch', () => {
      throw Object.assign(new Error('database trouble'), { code });
    });
    const res = await app.request('/v1/batch', { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).not.toContain('database trouble');
  });

  it('other database errors are a 500 without internals', async () => {
    const app = new Hono();
    app.onError((err, c) => sendError(c, toAppError(err, createLogger('silent'), 'test')));
    app.post('/v1/batch', () => {
      throw Object.assign(new Error('no such table: events'), { code: 'SQLITE_ERROR' });
    });
    const res = await app.request('/v1/batch', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('no such table');
  });
});
