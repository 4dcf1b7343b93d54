import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let big: string;
let small: string;
const day0 = () => today({ now: () => new Date(), workspace: { timeZone: 'Asia/Shanghai' } } as never);

async function state(accountId: string) {
  return t.deps.db
    .selectFrom('account_states')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Recompute');
  const admin = client(t.app, ws.users.admin.token);
  const d = day0();
  big = (
    await admin.post('/api/v1/accounts', {
      externalId: 'R-BIG',
      name: 'Big',
      goLiveDate: addDays(d, -300),
      licensedSeats: 10,
    })
  ).body.id;
  small = (
    await admin.post('/api/v1/accounts', {
      externalId: 'R-SMALL',
      name: 'Small',
      goLiveDate: addDays(d, -10),
      licensedSeats: 10,
    })
  ).body.id;
  // Big: 1.2M ARR ending in 60 days (renewal window); small: 50k, a year ahead.
  await admin.post('/api/v1/contracts', {
    accountId: big,
    startDate: addDays(d, -305),
    endDate: addDays(d, 60),
    amount: 1_200_000,
  });
  await admin.post('/api/v1/contracts', {
    accountId: small,
    startDate: addDays(d, -10),
    endDate: addDays(d, 355),
    amount: 50_000,
  });
  await admin.post('/api/v1/metrics', {
    key: 'reports',
    name: 'Reports',
    eventNames: ['report'],
    behaviour: 'value',
  });
  await admin.post('/api/v1/tiering-schemes', {
    key: 'size',
    name: 'Size',
    active: true,
    defaultTier: 'nurture',
    rules: [
      { tier: 'strategic', when: 'arr >= 1000000' },
      { tier: 'growth', when: 'arr >= 100000' },
    ],
  });
  await admin.post('/api/v1/lifecycle-stages/defaults', {});
  const key = (await admin.post('/api/v1/write-keys', { name: 'k' })).body.key;
  const batch = Array.from({ length: 8 }, (_, i) => ({
    type: 'track',
    userId: `u${i % 4}`,
    event: 'report',
    context: { groupId: 'R-BIG' },
    messageId: `r-${i}`,
    timestamp: `${addDays(d, -(i % 5))}T03:00:00.000Z`,
  }));
  const res = await t.app.request('/v1/batch', {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ batch }),
  });
  expect(res.status).toBe(200);
});
afterAll(async () => t?.close());

describe('recompute', () => {
  it('scores health, assigns tier and stage and stores the current state for every account', async () => {
    const res = await client(t.app, ws.users.manager.token).post('/api/v1/recompute', {});
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ day: day0(), accounts: 2, scored: 2 });
    const b = await state(big);
    expect(b).toMatchObject({ tier: 'strategic', stage: 'renewal', day: day0(), tier_since: day0() });
    expect(typeof b.health_score).toBe('number');
    expect(b.health_status).toMatch(/excellent|fair|danger/);
    const s = await state(small);
    expect(s).toMatchObject({ tier: 'nurture', stage: 'onboarding' });
    const health = await client(t.app, ws.users.viewer.token).get(`/api/v1/accounts/${big}/health`);
    expect(health.status).toBe(200);
    expect(health.body.score).toBe(b.health_score);
    const contributions = health.body.components.map((c: { contribution: number }) => c.contribution);
    expect(contributions.reduce((x: number, y: number) => x + y, 0)).toBeCloseTo(b.health_score!, 1);
  });

  it('is idempotent for a day: a second run changes nothing and records no change', async () => {
    const before = await t.deps.db
      .selectFrom('state_changes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      // Other test files recompute their own workspaces on the shared PostgreSQL database.
      .where('workspace_id', '=', ws.workspace.id)
      .executeTakeFirstOrThrow();
    const res = await client(t.app, ws.users.admin.token).post('/api/v1/recompute', {});
    expect(res.body.items[0].changes).toEqual({
      health_status: 0,
      tier: 0,
      stage: 0,
      segment_enter: 0,
      segment_exit: 0,
    });
    const after = await t.deps.db
      .selectFrom('state_changes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      // Other test files recompute their own workspaces on the shared PostgreSQL database.
      .where('workspace_id', '=', ws.workspace.id)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('records a tier change as history and on the timeline', async () => {
    const admin = client(t.app, ws.users.admin.token);
    await admin.post('/api/v1/contracts', {
      accountId: small,
      startDate: addDays(day0(), -5),
      endDate: addDays(day0(), 360),
      amount: 200_000,
    });
    const res = await admin.post('/api/v1/recompute', {});
    expect(res.body.items[0].changes.tier).toBe(1);
    expect((await state(small)).tier).toBe('growth');
    const history = await client(t.app, ws.users.viewer.token).get(`/api/v1/accounts/${small}/tier-history`);
    expect(history.body.items[0]).toMatchObject({ from: 'nurture', to: 'growth', day: day0() });
    const timeline = await client(t.app, ws.users.viewer.token).get(
      `/api/v1/accounts/${small}/timeline?type=tier.changed`,
    );
    expect(timeline.body.items[0].title).toBe('Tier Nurture → Growth');
  });

  it('backfills past days in order and keeps one snapshot a day', async () => {
    const from = addDays(day0(), -14);
    const res = await client(t.app, ws.users.admin.token).post('/api/v1/recompute', {
      from,
      to: day0(),
      step: 7,
    });
    expect(res.body.items.map((r: { day: string }) => r.day)).toEqual([from, addDays(day0(), -7), day0()]);
    const days = await t.deps.db
      .selectFrom('health_scores')
      .select('day')
      .where('account_id', '=', big)
      .orderBy('day')
      .execute();
    expect(days.map((d) => d.day)).toEqual([from, addDays(day0(), -7), day0()]);
    expect((await state(big)).day).toBe(day0());
  });

  it('refuses CSMs, bad ranges and anonymous callers', async () => {
    const csm = await client(t.app, ws.users.csm.token).post('/api/v1/recompute', {});
    expect(csm.status).toBe(403);
    const future = await client(t.app, ws.users.admin.token).post('/api/v1/recompute', {
      to: addDays(day0(), 3),
    });
    expect(future.status).toBe(400);
    expect(future.body.error.details.issues[0].path).toBe('to');
    const reversed = await client(t.app, ws.users.admin.token).post('/api/v1/recompute', {
      from: day0(),
      to: addDays(day0(), -3),
    });
    expect(errorCode(reversed)).toBe('validation_failed');
    expect((await client(t.app, null).post('/api/v1/recompute', {})).status).toBe(401);
  });
});
