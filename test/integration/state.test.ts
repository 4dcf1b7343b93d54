// The one writer of account state under backfills: recomputing past days records what happened on
// those days and never moves the current state, stageSince, today's history or the current
// segment members. Before the state module, recomputing one past day wrote 115 stage changes that
// never happened, moved stageSince, and the next recompute wrote 115 reversals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegment } from '../../src/modules/segments/index.ts';
import { loadStatesAsOf } from '../../src/modules/state/index.ts';
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
let renewing: string;
let steady: string;
let d0: string;
const d = (n: number) => addDays(d0, n);

/** Everything the writer may touch, for before/after comparisons. */
async function snapshot() {
  const id = ws.workspace.id;
  const db = t.deps.db;
  return {
    states: await db
      .selectFrom('account_states')
      .selectAll()
      .where('workspace_id', '=', id)
      .orderBy('account_id')
      .execute(),
    changes: await db
      .selectFrom('state_changes')
      .select(['id', 'account_id', 'day', 'kind', 'from_value', 'to_value'])
      .where('workspace_id', '=', id)
      .orderBy('id')
      .execute(),
    timeline: await db
      .selectFrom('timeline_entries')
      .select(['id', 'account_id', 'type', 'title', 'occurred_at'])
      .where('workspace_id', '=', id)
      .orderBy('id')
      .execute(),
    members: await db
      .selectFrom('segment_members')
      .select(['segment_id', 'account_id', 'since'])
      .where('workspace_id', '=', id)
      .orderBy('segment_id')
      .orderBy('account_id')
      .execute(),
  };
}

async function recompute(from: string, to: string) {
  const res = await admin.post('/api/v1/recompute', { from, to });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as { day: string; changes: Record<string, number> }[];
}

const NO_CHANGES = { health_status: 0, tier: 0, stage: 0, segment_enter: 0, segment_exit: 0 };

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'State');
  admin = client(t.app, ws.users.admin.token);
  d0 = today(ws.ctx);
  // Live for over a year, so both are advanced until a renewal window opens. Renewing's contract
  // ends 89 days after today: its 90-day renewal window opens yesterday (d(-1)).
  renewing = (
    await admin.post('/api/v1/accounts', { externalId: 'S-REN', name: 'Renewing', goLiveDate: d(-400) })
  ).body.id;
  steady = (
    await admin.post('/api/v1/accounts', { externalId: 'S-STEADY', name: 'Steady', goLiveDate: d(-400) })
  ).body.id;
  await admin.post('/api/v1/contracts', {
    accountId: renewing,
    startDate: d(-276),
    endDate: d(89),
    amount: 200_000,
  });
  await admin.post('/api/v1/contracts', {
    accountId: steady,
    startDate: d(-65),
    endDate: d(300),
    amount: 50_000,
  });
  await admin.post('/api/v1/tiering-schemes', {
    key: 'size',
    name: 'Size',
    active: true,
    defaultTier: 'nurture',
    rules: [{ tier: 'growth', when: 'arr >= 100000' }],
  });
  await admin.post('/api/v1/lifecycle-stages/defaults', {});
  // Through the verb: the API's save computes today's state at once, and this test builds the
  // history day by day from the oldest day.
  await createSegment({
    ctx: ws.ctx,
    input: { key: 'renewing', name: 'Renewing', condition: 'stage = "renewal"' },
  });
  // The workspace's history, day by day, as the hourly job would have built it.
  await recompute(d(-6), d0);
});
afterAll(async () => t?.close());

describe('the state writer', () => {
  it('built the history day by day: the renewal window opened yesterday', async () => {
    const stages = await admin.get(`/api/v1/accounts/${renewing}/stage-history`);
    expect(
      stages.body.items.map((c: { day: string; from: string; to: string }) => [c.day, c.from, c.to]),
    ).toEqual([
      [d(-1), 'advanced', 'renewal'],
      [d(-6), null, 'advanced'],
    ]);
    const list = await admin.get(`/api/v1/account-states?accountIds=${renewing}`);
    expect(list.body.items[0]).toMatchObject({
      stage: 'renewal',
      stageSince: d(-1),
      tier: 'growth',
      segments: ['renewing'],
    });
  });

  it('leaves everything alone when past days are recomputed with nothing new (the measured bug)', async () => {
    const before = await snapshot();
    // One past day on which the account was in another stage than today's.
    expect((await recompute(d(-3), d(-3))).map((r) => r.changes)).toEqual([NO_CHANGES]);
    const items = await recompute(d(-4), d(-1));
    expect(items.map((r) => r.changes)).toEqual([NO_CHANGES, NO_CHANGES, NO_CHANGES, NO_CHANGES]);
    const after = await snapshot();
    expect(after.states).toEqual(before.states);
    expect(after.changes).toEqual(before.changes);
    expect(after.timeline).toEqual(before.timeline);
    expect(after.members).toEqual(before.members);
    // And today's recompute finds nothing to reverse.
    expect((await recompute(d0, d0))[0]!.changes).toEqual(NO_CHANGES);
    expect((await snapshot()).changes).toEqual(before.changes);
  });

  it('records a changed past on its own days only, keeps the current state, and recomputing it again writes nothing', async () => {
    // The tiering rules change: under them Renewing (200,000) is nurture on every day.
    const scheme = await admin.patch('/api/v1/tiering-schemes/size', {
      rules: [{ tier: 'growth', when: 'arr >= 300000' }],
    });
    expect(scheme.status, JSON.stringify(scheme.body)).toBe(200);
    const before = await snapshot();
    const items = await recompute(d(-3), d(-1));
    expect(items.map((r) => [r.day, r.changes.tier])).toEqual([
      [d(-3), 1],
      [d(-2), 0],
      [d(-1), 0],
    ]);
    const after = await snapshot();
    // The current state, stageSince and tierSince did not move; neither did the current members.
    expect(after.states).toEqual(before.states);
    expect(after.members).toEqual(before.members);
    const current = after.states.find((s) => s.account_id === renewing)!;
    expect([current.tier, current.tier_since, current.stage, current.stage_since]).toEqual([
      'growth',
      d(-6),
      'renewal',
      d(-1),
    ]);
    // One change, dated the day it happened; today's history is as it was.
    const added = after.changes.filter((c) => !before.changes.some((b) => b.id === c.id));
    expect(added.map((c) => [c.account_id, c.day, c.kind, c.from_value, c.to_value])).toEqual([
      [renewing, d(-3), 'tier', 'growth', 'nurture'],
    ]);
    expect(after.changes.filter((c) => c.day === d0)).toEqual(before.changes.filter((c) => c.day === d0));
    const entries = after.timeline.filter((e) => !before.timeline.some((b) => b.id === e.id));
    expect(entries.map((e) => [e.account_id, e.type, e.title, e.occurred_at.slice(0, 10)])).toEqual([
      [renewing, 'tier.changed', 'Tier Growth → Nurture', d(-3)],
    ]);
    // The same backfill again changes nothing at all.
    const again = await recompute(d(-3), d(-1));
    expect(again.map((r) => r.changes)).toEqual([NO_CHANGES, NO_CHANGES, NO_CHANGES]);
    expect(await snapshot()).toEqual(after);

    // Today's recompute then moves the current state without a reversal: the tier has been
    // nurture since the day the history now says.
    const now = await recompute(d0, d0);
    expect(now[0]!.changes).toEqual(NO_CHANGES);
    const moved = (await snapshot()).states.find((s) => s.account_id === renewing)!;
    expect([moved.tier, moved.tier_since, moved.stage, moved.stage_since]).toEqual([
      'nurture',
      d(-3),
      'renewal',
      d(-1),
    ]);
    const tiers = await admin.get(`/api/v1/accounts/${renewing}/tier-history`);
    expect(
      tiers.body.items.map((c: { day: string; from: string; to: string }) => [c.day, c.from, c.to]),
    ).toEqual([
      [d(-3), 'growth', 'nurture'],
      [d(-6), null, 'growth'],
    ]);
  });

  it('answers the state as of any past day from the daily history', async () => {
    const ids = [renewing, steady];
    const past = await loadStatesAsOf(ws.ctx, ids, d(-2));
    expect(past.get(renewing)).toMatchObject({
      knownOn: d(-2),
      tier: 'nurture',
      tierSince: d(-3),
      stage: 'advanced',
      stageSince: d(-6),
      segments: [],
    });
    expect(typeof past.get(renewing)!.healthScore).toBe('number');
    expect(past.get(steady)).toMatchObject({ knownOn: d(-2), tier: 'nurture', stage: 'advanced' });
    const yesterday = await loadStatesAsOf(ws.ctx, null, d(-1));
    expect(yesterday.get(renewing)).toMatchObject({
      stage: 'renewal',
      stageSince: d(-1),
      segments: ['renewing'],
    });
    // Before any computed day nothing is known; today and later read the current state.
    expect((await loadStatesAsOf(ws.ctx, ids, d(-30))).size).toBe(0);
    expect((await loadStatesAsOf(ws.ctx, ids, d0)).get(renewing)).toMatchObject({
      knownOn: d0,
      tier: 'nurture',
    });
  });

  it('a manual stage today is recorded once: the next recompute finds nothing to change', async () => {
    const set = await admin.post(`/api/v1/accounts/${steady}/stage-override`, {
      stage: 'expansion',
      reason: 'upsell signed',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const now = await recompute(d0, d0);
    expect(now[0]!.changes).toEqual(NO_CHANGES);
    const history = await admin.get(`/api/v1/accounts/${steady}/stage-history`);
    expect(history.body.items[0]).toMatchObject({ day: d0, from: 'advanced', to: 'expansion' });
    expect(history.body.items).toHaveLength(2);
    // A backfill of yesterday does not undo today's manual stage either.
    await recompute(d(-1), d(-1));
    const list = await admin.get(`/api/v1/account-states?accountIds=${steady}`);
    expect(list.body.items[0]).toMatchObject({ stage: 'expansion', stageSince: d0 });
  });
});
