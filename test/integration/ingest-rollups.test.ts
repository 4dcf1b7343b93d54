// The rollups step applies a batch's rollups once: the events the batch attaches directly and the
// pending ones its own group call attaches go through one applyRollups, and the values equal the
// events (before, each group and linked user of the batch was applied on its own, after the batch's).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STEPS } from '../../src/modules/ingest/index.ts';
import * as metrics from '../../src/modules/metrics/index.ts';
import { addDays, dayInZone } from '../../src/time.ts';
import { client, createTestApp, createTestWorkspace, type TestApp } from '../helpers/test-app.ts';

vi.mock('../../src/modules/metrics/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/modules/metrics/index.ts')>();
  return { ...original, applyRollups: vi.fn(original.applyRollups) };
});

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('rollups step', () => {
  it('runs the steps the pipeline declares, in order', () => {
    expect(STEPS).toEqual(['authenticate', 'validate', 'dedup', 'resolve-identity', 'write', 'rollups']);
  });

  it('applies one batch once, including the pending events its group call attaches', async () => {
    const ws = await createTestWorkspace(t.deps, 'Rollups once');
    const admin = client(t.app, ws.users.admin.token);
    const key = (await admin.post('/api/v1/write-keys', { name: 'k' })).body.key;
    for (const metric of [
      { key: 'clicks', name: 'Clicks', eventNames: ['Clicked'] },
      { key: 'people', name: 'People', aggregation: 'distinct_users', eventNames: ['Clicked'] },
    ])
      expect((await admin.post('/api/v1/metrics', metric)).status).toBe(201);

    // u1's first two clicks come before the group call that makes the account: pending, then
    // attached by the same batch; the last two go straight to the account.
    // Noon yesterday in the workspace's zone: every event on one day.
    const yesterday = addDays(dayInZone(new Date(), ws.workspace.timeZone), -1);
    const base = new Date(`${yesterday}T12:00:00+08:00`).getTime();
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const batch = [
      { type: 'track', event: 'Clicked', userId: 'u1', timestamp: at(0), context: { groupId: 'acme' } },
      { type: 'track', event: 'Clicked', userId: 'u1', timestamp: at(1) },
      { type: 'group', userId: 'u1', groupId: 'acme', timestamp: at(2), traits: { name: 'Acme' } },
      { type: 'track', event: 'Clicked', userId: 'u1', timestamp: at(3) },
      { type: 'track', event: 'Clicked', userId: 'u2', timestamp: at(4), context: { groupId: 'acme' } },
    ];
    const apply = vi.mocked(metrics.applyRollups);
    apply.mockClear();
    const res = await client(t.app, null, {
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
    }).post('/v1/batch', { batch });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 5, rejected: 0 });

    expect(apply).toHaveBeenCalledTimes(1);
    const applied = apply.mock.calls[0]![1];
    expect(applied.filter((e) => e.eventName === 'Clicked')).toHaveLength(4);

    const values = await t.deps.db
      .selectFrom('metric_daily')
      .innerJoin('metric_definitions', 'metric_definitions.id', 'metric_daily.metric_id')
      .select(['metric_definitions.key', 'metric_daily.value'])
      .where('metric_daily.workspace_id', '=', ws.workspace.id)
      .orderBy('metric_definitions.key')
      .execute();
    expect(values.map((v) => [v.key, Number(v.value)])).toEqual([
      ['clicks', 4],
      ['people', 2],
    ]);
    const users = await t.deps.db
      .selectFrom('account_user_daily')
      .select(['user_key', (eb) => eb.fn.sum<number>('events').as('events')])
      .where('workspace_id', '=', ws.workspace.id)
      .groupBy('user_key')
      .orderBy('user_key')
      .execute();
    expect(users.map((u) => [u.user_key, Number(u.events)])).toEqual([
      ['u1', 3],
      ['u2', 1],
    ]);
  });
});
