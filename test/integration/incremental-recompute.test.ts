// Fresh within a minute (issue 18): writes mark accounts dirty, the incremental pass recomputes
// only them, GET /accounts/{id}/health carries computedAt, and marks made during a run survive it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import {
  clearDirtyMarks,
  markAccountsDirty,
  recomputeDays,
  recomputeDirty,
} from '../../src/modules/recompute/index.ts';
import { addDays, today } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let admin: ReturnType<typeof client>;
let a: string;
let b: string;
let writeKey: string;
const far = '9999-12-31T00:00:00.000Z';

const dirty = async () =>
  (
    await t.deps.db
      .selectFrom('dirty_accounts')
      .select(['account_id', 'reason', 'marked_at'])
      .where('workspace_id', '=', ws.workspace.id)
      .execute()
  ).sort((x, y) => x.account_id.localeCompare(y.account_id));

const stateOf = (id: string) =>
  t.deps.db
    .selectFrom('account_states')
    .selectAll()
    .where('workspace_id', '=', ws.workspace.id)
    .where('account_id', '=', id)
    .executeTakeFirstOrThrow();

/** ws.ctx at `ms` past now: each pass writes a later updated_at. */
const later = (ms: number): Ctx => ({ ...ws.ctx, now: () => new Date(Date.now() + ms) });

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Incremental');
  admin = client(t.app, ws.users.admin.token);
  const d = today(ws.ctx);
  const make = async (externalId: string, amount: number) => {
    const id = (
      await admin.post('/api/v1/accounts', { externalId, name: externalId, goLiveDate: addDays(d, -100) })
    ).body.id as string;
    await admin.post('/api/v1/contracts', {
      accountId: id,
      startDate: addDays(d, -100),
      endDate: addDays(d, 200),
      amount,
    });
    return id;
  };
  a = await make('INC-A', 2_000_000);
  b = await make('INC-B', 30_000);
  writeKey = (await admin.post('/api/v1/write-keys', { name: 'incremental' })).body.key;
  await recomputeDays(ws.ctx, [today(ws.ctx)]);
  await clearDirtyMarks(ws.ctx, far);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('incremental recompute', () => {
  it('marks an account dirty on a note, a sentiment entry, events and a contract change', async () => {
    expect(await dirty()).toEqual([]);
    expect(
      (await admin.post(`/api/v1/accounts/${a}/timeline`, { type: 'note', body: 'Call went well' })).status,
    ).toBe(201);
    expect((await dirty()).map((r) => [r.account_id, r.reason])).toEqual([[a, 'note']]);
    await admin.post(`/api/v1/accounts/${a}/sentiment`, { score: 2, reason: 'unhappy' });
    expect((await dirty()).map((r) => [r.account_id, r.reason])).toEqual([[a, 'sentiment']]);
    await clearDirtyMarks(ws.ctx, far);

    const res = await t.app.request('/v1/batch', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
      },
      body: JSON.stringify({
        batch: [{ type: 'track', event: 'login', userId: 'u1', context: { groupId: 'INC-B' } }],
      }),
    });
    expect(res.status).toBe(200);
    const afterEvents = await dirty();
    // The event names its account by group: the account it was attached to is marked.
    expect(afterEvents.map((r) => r.account_id)).toEqual([b]);
    for (const r of afterEvents) expect(r.reason).toBe('events');
    await clearDirtyMarks(ws.ctx, far);

    const contract = (await admin.get(`/api/v1/contracts?accountId=${b}`)).body.items[0];
    expect((await admin.patch(`/api/v1/contracts/${contract.id}`, { amount: 40_000 })).status).toBe(200);
    expect((await dirty()).map((r) => [r.account_id, r.reason])).toEqual([[b, 'contract']]);
    await clearDirtyMarks(ws.ctx, far);
  });

  it('recomputes only the dirty account, moving its health computedAt, and clears its mark', async () => {
    const beforeA = await stateOf(a);
    const beforeB = await stateOf(b);
    const healthBefore = (await admin.get(`/api/v1/accounts/${a}/health`)).body;
    expect(healthBefore.source).toBe('stored');
    expect(healthBefore.computedAt).toBe(beforeA.updated_at);

    await markAccountsDirty(ws.ctx, [a], 'test');
    const ctx = later(5_000);
    const r = await recomputeDirty(ctx, ctx.now().toISOString());
    expect(r.accounts).toBe(1);
    expect(await dirty()).toEqual([]);
    const afterA = await stateOf(a);
    expect(afterA.updated_at > beforeA.updated_at).toBe(true);
    expect((await stateOf(b)).updated_at).toBe(beforeB.updated_at);
    const healthAfter = (await admin.get(`/api/v1/accounts/${a}/health`)).body;
    expect(healthAfter.computedAt).toBe(afterA.updated_at);
    expect(healthAfter.computedAt > healthBefore.computedAt).toBe(true);
    // Every account still has its state: a partial pass deletes none.
    expect(
      (
        await t.deps.db
          .selectFrom('account_states')
          .select('account_id')
          .where('workspace_id', '=', ws.workspace.id)
          .execute()
      ).length,
    ).toBe(2);
  }, 60_000);

  it('keeps a mark made after the run started', async () => {
    const started = later(10_000).now().toISOString();
    await markAccountsDirty(later(9_000), [a], 'before');
    await markAccountsDirty(later(11_000), [b], 'during');
    const r = await recomputeDirty(later(10_000), started);
    expect(r.accounts).toBe(1);
    expect((await dirty()).map((x) => [x.account_id, x.reason])).toEqual([[b, 'during']]);
    await clearDirtyMarks(ws.ctx, far);
  }, 60_000);

  it('runs the daily rules after an incremental pass, as after the full one', async () => {
    const rule = (
      await admin.post('/api/v1/rules', {
        key: 'incremental_big',
        name: 'Big accounts',
        trigger: { type: 'daily' },
        condition: 'arr >= 1000000',
        actions: [{ type: 'add_tag', tag: 'big' }],
      })
    ).body;
    expect(rule.id).toBeTruthy();
    // After 09:00 in the workspace's zone, when daily rules run.
    const d = today(ws.ctx);
    const instant = new Date(`${d}T10:00:00+08:00`);
    const ctx: Ctx = { ...ws.ctx, now: () => instant };
    await markAccountsDirty(ctx, [a], 'test');
    await recomputeDirty(ctx, new Date(instant.getTime() + 1).toISOString());
    const runs = (await admin.get(`/api/v1/rules/${rule.id}/runs`)).body.items;
    expect(runs.map((x: { cause: string }) => x.cause)).toEqual(['recompute']);
    expect((await admin.get(`/api/v1/accounts/${a}`)).body.tags).toContain('big');
  }, 60_000);
});
