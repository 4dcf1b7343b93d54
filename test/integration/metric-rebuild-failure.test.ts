// A rebuild that throws (here: the rollup queries, failing as a lost database would) shows failed
// with its error on GET, and an admin can queue it again.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runRollupRebuilds } from '../../src/modules/metrics/index.ts';
import { client, createTestApp, createTestWorkspace, type TestApp } from '../helpers/test-app.ts';

const failing = vi.hoisted(() => ({ on: false }));
vi.mock('../../src/modules/metrics/rollups.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/modules/metrics/rollups.ts')>();
  return {
    ...original,
    rebuildRollups: async (...args: Parameters<typeof original.rebuildRollups>) => {
      if (failing.on) throw new Error('connection to the database was lost');
      return original.rebuildRollups(...args);
    },
  };
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('a failing rebuild', () => {
  it('shows failed with the error, and is queued again on request', async () => {
    const ws = await createTestWorkspace(t.deps, 'Rebuild failure');
    const admin = client(t.app, ws.users.admin.token);
    const key = (await admin.post('/api/v1/write-keys', { name: 'k' })).body.key;
    const send = client(t.app, null, { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
    const res = await send.post('/v1/batch', {
      batch: [
        { type: 'group', userId: 'u1', groupId: 'acme' },
        {
          type: 'track',
          event: 'Login',
          userId: 'u1',
          timestamp: new Date(Date.now() - 60_000).toISOString(),
        },
      ],
    });
    expect(res.body).toMatchObject({ accepted: 2, rejected: 0 });

    const created = await admin.post('/api/v1/metrics', {
      key: 'logins',
      name: 'Logins',
      eventNames: ['Login'],
    });
    expect(created.body.rebuild.status).toBe('queued');
    const drain = () => runRollupRebuilds(t.deps, { node: 'node-a', workspaceId: ws.workspace.id });
    failing.on = true;
    expect(await drain()).toEqual({ done: 0, failed: 1 });
    const failed = (await admin.get('/api/v1/metrics/logins')).body.rebuild;
    expect(failed).toMatchObject({ status: 'failed', error: 'connection to the database was lost' });
    expect(failed.finishedAt).not.toBeNull();
    // Failed stays failed: the job does not retry it by itself.
    expect(await drain()).toEqual({ done: 0, failed: 0 });

    failing.on = false;
    expect(
      (await client(t.app, ws.users.viewer.token).post('/api/v1/metrics/logins/rebuild', {})).status,
    ).toBe(403);
    const retried = await admin.post('/api/v1/metrics/logins/rebuild', {});
    expect(retried.status).toBe(202);
    expect(retried.body.rebuild).toMatchObject({ status: 'queued', error: null });
    expect(await drain()).toEqual({ done: 1, failed: 0 });
    expect((await admin.get('/api/v1/metrics/logins')).body.rebuild).toMatchObject({
      status: 'done',
      progress: 1,
    });
    const rows = await t.deps.db
      .selectFrom('metric_daily')
      .select('value')
      .where('workspace_id', '=', ws.workspace.id)
      .where('metric_id', '=', created.body.id)
      .execute();
    expect(rows.map((r) => Number(r.value))).toEqual([1]);
  });
});
