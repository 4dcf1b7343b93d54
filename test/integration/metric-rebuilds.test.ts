// A new or changed metric rebuilds its history in the rebuild-rollups job, never in the request:
// the request answers at once with a queued rebuild, GET shows it running with progress, then
// done (the rollups equal a full rebuild) or failed with the error; claims are safe between nodes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildRollups, runRollupRebuilds } from '../../src/modules/metrics/index.ts';
import { claimRebuild, runRebuild } from '../../src/modules/metrics/rebuild-job.ts';
import { addDays, dayInZone } from '../../src/time.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let admin: Client;
let today: string;

const api = (path: string) => `/api/v1${path}`;

/** 90 days of events on two accounts: several chunks of CHUNK_DAYS for the rebuild. */
beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Rebuilds');
  admin = client(t.app, ws.users.admin.token);
  today = dayInZone(new Date(), ws.workspace.timeZone);
  const key = (await admin.post(api('/write-keys'), { name: 'k' })).body.key;
  const events = [];
  for (let d = 0; d < 90; d++) {
    const day = addDays(today, -d);
    for (const [group, n] of [
      ['acme', 1 + (d % 3)],
      ['beta', d % 2],
    ] as const)
      for (let i = 0; i < n; i++)
        events.push({
          type: 'track',
          event: 'Report Run',
          userId: `${group}-u${i}`,
          timestamp: `${day}T10:00:00+08:00`,
          context: { groupId: group },
          properties: { format: i === 0 ? 'pdf' : 'csv' },
        });
  }
  const send = client(t.app, null, { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
  expect((await send.post('/v1/group', { userId: 'acme-u0', groupId: 'acme' })).status).toBe(200);
  expect((await send.post('/v1/group', { userId: 'beta-u0', groupId: 'beta' })).status).toBe(200);
  for (let i = 0; i < events.length; i += 100) {
    const res = await send.post('/v1/batch', { batch: events.slice(i, i + 100) });
    expect(res.body).toMatchObject({ rejected: 0, pending: 0 });
  }
});
afterAll(async () => t?.close());

const rollupsOf = async (metricId: string) =>
  (
    await t.deps.db
      .selectFrom('metric_daily')
      .select(['account_id', 'day', 'value'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('metric_id', '=', metricId)
      .orderBy('account_id')
      .orderBy('day')
      .execute()
  ).map((r) => `${r.account_id}|${r.day}|${Number(r.value)}`);

describe('metric history rebuilds', () => {
  it('creating a metric answers at once with a queued rebuild; the job fills the history as a full rebuild would', async () => {
    const created = await admin.post(api('/metrics'), {
      key: 'reports',
      name: 'Reports',
      eventNames: ['Report Run'],
    });
    expect(created.status).toBe(201);
    expect(created.body.rebuild).toMatchObject({
      status: 'queued',
      progress: 0,
      error: null,
      startedAt: null,
    });
    expect(await rollupsOf(created.body.id)).toEqual([]);
    expect((await admin.get(api('/metrics/reports'))).body.rebuild.status).toBe('queued');

    // The job runs beside requests: GET sees it running, part done, between its chunks.
    const seen: { status: string; progress: number }[] = [];
    const job = runRollupRebuilds(t.deps, { node: 'node-a', workspaceId: ws.workspace.id });
    let finished = false;
    void job.then(() => {
      finished = true;
    });
    while (!finished) {
      const r = (await admin.get(api('/metrics/reports'))).body.rebuild;
      seen.push({ status: r.status, progress: r.progress });
      // better-sqlite3 answers without I/O: yield to the job's turns as a server's sockets would.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(await job).toEqual({ done: 1, failed: 0 });
    const running = seen.filter((s) => s.status === 'running');
    expect(
      running.some((s) => s.progress > 0 && s.progress < 1),
      JSON.stringify(seen),
    ).toBe(true);
    // Progress only moves forward.
    const progress = running.map((s) => s.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const after = (await admin.get(api('/metrics/reports'))).body.rebuild;
    expect(after).toMatchObject({ status: 'done', progress: 1, error: null, daysTotal: 90, daysDone: 90 });
    expect(after.finishedAt).not.toBeNull();

    const byJob = await rollupsOf(created.body.id);
    // acme: 1-3 a day, 180 events over 90 days; beta every other day.
    expect(byJob).toHaveLength(90 + 45);
    await rebuildRollups(ws.ctx, { metricIds: [created.body.id], featureIds: [], activity: false });
    expect(await rollupsOf(created.body.id)).toEqual(byJob);
  });

  it('changing what a metric counts queues a rebuild; a rename does not', async () => {
    const changed = await admin.patch(api('/metrics/reports'), {
      propertyFilters: [{ property: 'format', op: 'eq', value: 'pdf' }],
    });
    expect(changed.body.rebuild.status).toBe('queued');
    // Until the job runs, the old history stands.
    const id = changed.body.id as string;
    const before = await rollupsOf(id);
    expect(before).toHaveLength(135);
    expect(await runRollupRebuilds(t.deps, { node: 'node-a', workspaceId: ws.workspace.id })).toEqual({
      done: 1,
      failed: 0,
    });
    const pdfOnly = await rollupsOf(id);
    expect(pdfOnly.every((r) => r.endsWith('|1'))).toBe(true);
    expect(pdfOnly).toHaveLength(90 + 45);
    const renamed = await admin.patch(api('/metrics/reports'), { name: 'PDF reports' });
    expect(renamed.body.rebuild.status).toBe('done');
    expect(await runRollupRebuilds(t.deps, { node: 'node-a', workspaceId: ws.workspace.id })).toEqual({
      done: 0,
      failed: 0,
    });
  });

  it('one claimer wins a rebuild, and a second rebuild of the same metric waits for the running one', async () => {
    await admin.patch(api('/metrics/reports'), { propertyFilters: [] });
    const claims = await Promise.all(
      ['node-a', 'node-b', 'node-c'].map((node) => claimRebuild(t.deps, node, ws.workspace.id)),
    );
    const winners = claims.filter((c) => c !== undefined);
    expect(winners).toHaveLength(1);
    // Changed again while it runs: queued behind it, and not claimable beside it.
    const again = await admin.patch(api('/metrics/reports'), { eventNames: ['Report Run', 'Login'] });
    expect(again.body.rebuild.status).toBe('queued');
    expect(await claimRebuild(t.deps, 'node-b', ws.workspace.id)).toBeUndefined();
    expect(await runRebuild(t.deps, winners[0]!)).toBe('done');
    const next = await claimRebuild(t.deps, 'node-b', ws.workspace.id);
    expect(next?.target_id).toBe(again.body.id);
    expect(await runRebuild(t.deps, next!)).toBe('done');
    expect((await admin.get(api('/metrics/reports'))).body.rebuild.status).toBe('done');
  });

  it('a rebuild whose node died (no heartbeat for 10 minutes) is taken over', async () => {
    await admin.patch(api('/metrics/reports'), { eventNames: ['Report Run'] });
    const first = await claimRebuild(t.deps, 'node-dead', ws.workspace.id);
    expect(first).toBeDefined();
    expect(await claimRebuild(t.deps, 'node-b', ws.workspace.id)).toBeUndefined();
    await t.deps.db
      .updateTable('rollup_rebuilds')
      .set({ heartbeat_at: new Date(Date.now() - 11 * 60_000).toISOString() })
      .where('id', '=', first!.id)
      .execute();
    const taken = await claimRebuild(t.deps, 'node-b', ws.workspace.id);
    expect(taken?.id).toBe(first!.id);
    // The dead node, were it to wake, stops at its next chunk without writing.
    expect(await runRebuild(t.deps, first!)).toBe('failed');
    expect(await runRebuild(t.deps, taken!)).toBe('done');
    expect((await admin.get(api('/metrics/reports'))).body.rebuild).toMatchObject({
      status: 'done',
      progress: 1,
    });
  });

  it('deleting a metric drops its rebuilds, and a running one stops without writing', async () => {
    const created = await admin.post(api('/metrics'), {
      key: 'doomed',
      name: 'Doomed',
      eventNames: ['Report Run'],
    });
    const claim = await claimRebuild(t.deps, 'node-a', ws.workspace.id);
    expect(claim?.target_id).toBe(created.body.id);
    expect((await admin.delete(api('/metrics/doomed'))).status).toBe(204);
    expect(await runRebuild(t.deps, claim!)).toBe('failed');
    expect(await rollupsOf(created.body.id)).toEqual([]);
    const left = await t.deps.db
      .selectFrom('rollup_rebuilds')
      .select('id')
      .where('target_id', '=', created.body.id)
      .execute();
    expect(left).toEqual([]);
  });

  it('a metric made before any event is attached has nothing to rebuild: done at once', async () => {
    const fresh = await createTestWorkspace(t.deps, 'Rebuilds fresh');
    const res = await client(t.app, fresh.users.admin.token).post(api('/metrics'), {
      key: 'early',
      name: 'Early',
      eventNames: ['Login'],
    });
    expect(res.body.rebuild).toMatchObject({ status: 'done', progress: 1 });
  });
});
