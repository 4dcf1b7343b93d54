// Look-backs on history with gaps: health trends, `changed by` and the rules' inputs take the
// nearest snapshot at or before the day looked back to, within a tolerance (3 days for 7-day
// look-backs, 7 for 30-day ones, 14 beyond). And rules run after the recompute has committed, in
// its caller, not inside recomputeDay (which runs in the worker thread).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import { loadHistory } from '../../src/modules/facts/index.ts';
import { recomputeDay, recomputeDays } from '../../src/modules/recompute/index.ts';
import { addDays, today } from '../../src/time.ts';
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
let d: string;
/** The workspace at 10:00 local time today, when the day's rules run after a recompute. */
let morning: Ctx;
const ids = { grew: '', flat: '' };
const GREW = 'health.score changed by >= 15 in 30d';

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Look-backs');
  admin = client(t.app, ws.users.admin.token);
  d = today(ws.ctx);
  morning = { ...ws.ctx, now: () => new Date(`${d}T02:00:00.000Z`) }; // Asia/Shanghai 10:00
  for (const key of ['grew', 'flat'] as const) {
    ids[key] = (await admin.post('/api/v1/accounts', { externalId: `LB-${key}`, name: key })).body.id;
    await admin.post('/api/v1/contracts', {
      accountId: ids[key],
      startDate: addDays(d, -100),
      endDate: addDays(d, 265),
      amount: 100_000,
    });
  }
  // Twenty days ago the grown account tripled its ARR: health 10 then, 30 since.
  await admin.post('/api/v1/contracts', {
    accountId: ids.grew,
    startDate: addDays(d, -20),
    endDate: addDays(d, 345),
    amount: 200_000,
  });
  const model = await admin.post('/api/v1/health-models', {
    key: 'arr_only',
    name: 'ARR only',
    dimensions: [
      {
        key: 'size',
        name: 'Size',
        weight: 1,
        components: [
          {
            key: 'arr',
            name: 'ARR',
            fact: 'arr',
            weight: 1,
            direction: 'higher_better',
            normalisation: { kind: 'linear', min: 0, max: 1_000_000 },
          },
        ],
      },
    ],
  });
  expect(model.status, JSON.stringify(model.body)).toBe(201);
  // Snapshots 37 and 10 days back only: nothing exactly 7 or 30 days before today.
  await recomputeDay(ws.ctx, addDays(d, -37));
  await recomputeDay(ws.ctx, addDays(d, -10));
});
afterAll(() => t?.close());

async function state(accountId: string) {
  return t.deps.db
    .selectFrom('account_states')
    .selectAll()
    .where('workspace_id', '=', ws.workspace.id)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
}

describe('look-backs on history with gaps', () => {
  it('finds the nearest snapshot at or before the day within the tolerance, and none beyond it', async () => {
    const history = (await loadHistory(
      ws.ctx,
      d,
      new Map([
        [30, new Set(['health.score'])], // d-30: the d-37 snapshot, 7 days earlier
        [7, new Set(['health.score'])], // d-7: the d-10 snapshot, 3 days earlier
        [20, new Set(['health.score'])], // d-20: nothing within 7 days before it
        [6, new Set(['health.score'])], // d-6: nothing within 3 days before it (d-10 is 4)
      ]),
    ))!;
    expect(history(ids.grew, 'health.score', 30)).toBe(10);
    expect(history(ids.grew, 'health.score', 7)).toBe(30);
    expect(history(ids.grew, 'health.score', 20)).toBeUndefined();
    expect(history(ids.grew, 'health.score', 6)).toBeUndefined();
  });

  it('fills the 7- and 30-day health trends from weekly-gapped snapshots', async () => {
    const segment = await admin.post('/api/v1/segments', { key: 'grew', name: 'Grew', condition: GREW });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
    const preview = await admin.post('/api/v1/segments/preview', { condition: GREW });
    await recomputeDay(ws.ctx, d);
    expect(await state(ids.grew)).toMatchObject({
      health_score: 30,
      health_trend_7d: 0,
      health_trend_30d: 20,
    });
    expect(await state(ids.flat)).toMatchObject({
      health_score: 10,
      health_trend_7d: 0,
      health_trend_30d: 0,
    });
    const health = await admin.get(`/api/v1/accounts/${ids.grew}/health`);
    expect(health.body).toMatchObject({ score: 30, trend7d: 0, trend30d: 20 });
    // `changed by` over 30 days matches on the same snapshots, in the preview and the recompute.
    const members = await admin.get(`/api/v1/segments/${segment.body.id}/members`);
    expect(members.body.items.map((m: { accountId: string }) => m.accountId)).toEqual([ids.grew]);
    expect(preview.body.sample.map((m: { accountId: string }) => m.accountId)).toEqual([ids.grew]);
  });

  it('answers the facts of a past day with the state as it was then', async () => {
    const facts = await admin.get(`/api/v1/accounts/${ids.grew}/facts`);
    expect(facts.body.facts).toMatchObject({ 'health.score': 30, 'health.trend_30d': 20 });
    const dry = await admin.post('/api/v1/rules', {
      key: 'grew_past',
      name: 'Grew (past)',
      trigger: { type: 'daily' },
      condition: 'health.score <= 10',
      actions: [{ type: 'add_tag', tag: 'small' }],
    });
    // Each past day is judged on its state as replayed for that day, not today's: 37 days ago
    // both scored 10, ten days ago only the flat one did.
    const past = await admin.post(`/api/v1/rules/${dry.body.id}/dry-run`, { day: addDays(d, -10) });
    expect(past.status, JSON.stringify(past.body)).toBe(200);
    expect(past.body.matched).toBe(1);
    const now = await admin.post(`/api/v1/rules/${dry.body.id}/dry-run`, {});
    expect(now.body.matched).toBe(1);
    const older = await admin.post(`/api/v1/rules/${dry.body.id}/dry-run`, { day: addDays(d, -37) });
    expect(older.body.matched).toBe(2);
    await admin.post(`/api/v1/rules/${dry.body.id}/disable`);
  });
});

describe('rules after the recompute', () => {
  it('run in the caller once the recompute has committed, never inside recomputeDay', async () => {
    const rule = await admin.post('/api/v1/rules', {
      key: 'grew',
      name: 'Grew',
      trigger: { type: 'daily' },
      condition: GREW,
      actions: [{ type: 'add_tag', tag: 'grew' }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const runs = () =>
      t.deps.db
        .selectFrom('automation_runs')
        .select(['cause', 'matched', 'acted'])
        .where('workspace_id', '=', ws.workspace.id)
        .where('rule_id', '=', rule.body.id)
        .execute();
    await recomputeDay(morning, d);
    expect(await runs()).toEqual([]);
    await recomputeDays(morning, [d]);
    expect(await runs()).toEqual([{ cause: 'recompute', matched: 1, acted: 1 }]);
    expect((await admin.get(`/api/v1/accounts/${ids.grew}`)).body.tags).toContain('grew');
    expect((await admin.get(`/api/v1/accounts/${ids.flat}`)).body.tags).not.toContain('grew');
  });
});
