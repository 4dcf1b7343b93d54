// The read helpers modules call instead of querying another module's tables: each answers for its
// own workspace only and returns the rows the caller used to select itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import {
  accountsView,
  contactRefsByUserKey,
  contractsView,
  countAccounts,
  createAccount,
  createContact,
  createContract,
} from '../../src/modules/accounts/index.ts';
import { recordSentiment, sentimentsRecordedBetween } from '../../src/modules/health/index.ts';
import { createMetric, lastPositiveDays } from '../../src/modules/metrics/index.ts';
import { addDays } from '../../src/time.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let ctx: Ctx;
const ids: Record<string, string> = {};
const DAY = '2026-06-15';

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Helpers A');
  other = await createTestWorkspace(t.deps, 'Helpers B');
  ctx = ws.ctx;
  for (const [name, owner] of [
    ['Bravo', ws.users.csm.id],
    ['Alpha', ws.users.csm.id],
    ['Charlie', null],
  ] as const) {
    ids[name] = (await createAccount({ ctx, input: { name, externalId: name, ownerId: owner } })).id;
  }
  ids.Elsewhere = (
    await createAccount({ ctx: other.ctx, input: { name: 'Elsewhere', externalId: 'Alpha' } })
  ).id;
});

afterAll(async () => {
  await t?.close();
});

describe('accounts', () => {
  it('accountsView joins and sorts only the workspace’s accounts, with their columns', async () => {
    const rows = await ctx.db
      .selectFrom(accountsView(ctx).as('a'))
      .select(['a.id', 'a.name', 'a.owner_id', 'a.external_id'])
      .orderBy('a.name')
      .execute();
    expect(rows).toEqual([
      { id: ids.Alpha, name: 'Alpha', owner_id: ws.users.csm.id, external_id: 'Alpha' },
      { id: ids.Bravo, name: 'Bravo', owner_id: ws.users.csm.id, external_id: 'Bravo' },
      { id: ids.Charlie, name: 'Charlie', owner_id: null, external_id: 'Charlie' },
    ]);
  });

  it('countAccounts counts the workspace’s accounts, or one owner’s', async () => {
    expect(await countAccounts(ctx)).toBe(3);
    expect(await countAccounts(ctx, { ownerId: ws.users.csm.id })).toBe(2);
    expect(await countAccounts(ctx, { ownerId: ws.users.manager.id })).toBe(0);
    expect(await countAccounts(other.ctx)).toBe(1);
  });

  it('contractsView holds the workspace’s contracts only', async () => {
    const mine = await createContract({
      ctx,
      input: { accountId: ids.Alpha!, startDate: '2026-01-01', endDate: '2026-12-31', amount: 1200 },
    });
    await createContract({
      ctx: other.ctx,
      input: { accountId: ids.Elsewhere!, startDate: '2026-01-01', endDate: '2026-12-31', amount: 900 },
    });
    const rows = await ctx.db
      .selectFrom(contractsView(ctx).as('c'))
      .innerJoin(accountsView(ctx).as('a'), (j) => j.onRef('a.id', '=', 'c.account_id'))
      .select(['c.id', 'c.end_date', 'c.status', 'a.name'])
      .execute();
    expect(rows).toEqual([{ id: mine.id, end_date: '2026-12-31', status: 'active', name: 'Alpha' }]);
  });

  it('contactRefsByUserKey finds contacts by product user id across the workspace’s accounts', async () => {
    const a = await createContact({
      ctx,
      input: { accountId: ids.Alpha!, name: 'Ann', externalUserId: 'u1' },
    });
    const b = await createContact({
      ctx,
      input: { accountId: ids.Bravo!, name: 'Ben', email: 'ben@example.com', externalUserId: 'u2' },
    });
    await createContact({ ctx, input: { accountId: ids.Bravo!, name: 'No key' } });
    await createContact({
      ctx: other.ctx,
      input: { accountId: ids.Elsewhere!, name: 'Other', externalUserId: 'u1' },
    });
    const found = await contactRefsByUserKey(ctx, ['u1', 'u2', 'u3', 'u1']);
    expect(found.sort((x, y) => x.externalUserId.localeCompare(y.externalUserId))).toEqual([
      { id: a.id, accountId: ids.Alpha, name: 'Ann', email: null, role: null, externalUserId: 'u1' },
      {
        id: b.id,
        accountId: ids.Bravo,
        name: 'Ben',
        email: 'ben@example.com',
        role: null,
        externalUserId: 'u2',
      },
    ]);
  });
});

describe('metrics', () => {
  it('lastPositiveDays gives each account’s last day with a positive value in (after, upTo]', async () => {
    const runs = await createMetric({
      ctx,
      input: { key: 'runs', name: 'Runs', eventNames: ['Run'], aggregation: 'count', behaviour: 'value' },
    });
    const views = await createMetric({
      ctx,
      input: { key: 'views', name: 'Views', eventNames: ['View'], aggregation: 'count' },
    });
    const row = (metric: string, account: string, back: number, value: number) => ({
      workspace_id: ctx.workspace.id,
      metric_id: metric,
      account_id: account,
      day: addDays(DAY, -back),
      value,
    });
    await ctx.db
      .insertInto('metric_daily')
      .values([
        row(runs.id, ids.Alpha!, 3, 2),
        row(runs.id, ids.Alpha!, 20, 5),
        row(runs.id, ids.Alpha!, 0, 0), // zero: not a use
        row(runs.id, ids.Bravo!, 45, 1), // before the range
        row(views.id, ids.Charlie!, 1, 9), // another metric
      ])
      .execute();
    const last = await lastPositiveDays(ctx, { metricIds: [runs.id], after: addDays(DAY, -30), upTo: DAY });
    expect([...last]).toEqual([[ids.Alpha, addDays(DAY, -3)]]);
    expect(
      await lastPositiveDays(ctx, { metricIds: [runs.id, views.id], after: addDays(DAY, -60), upTo: DAY }),
    ).toEqual(
      new Map([
        [ids.Alpha!, addDays(DAY, -3)],
        [ids.Bravo!, addDays(DAY, -45)],
        [ids.Charlie!, addDays(DAY, -1)],
      ]),
    );
    expect(await lastPositiveDays(ctx, { metricIds: [], after: '2000-01-01', upTo: DAY })).toEqual(new Map());
  });
});

describe('health', () => {
  it('sentimentsRecordedBetween lists the workspace’s sentiments in [from, to), oldest first', async () => {
    const start = new Date().toISOString();
    await recordSentiment({ ctx, accountId: ids.Alpha!, input: { score: 2, reason: 'Escalation' } });
    await recordSentiment({ ctx, accountId: ids.Bravo!, input: { score: 4, reason: 'Happy' } });
    await recordSentiment({
      ctx: other.ctx,
      accountId: ids.Elsewhere!,
      input: { score: 1, reason: 'Angry' },
    });
    const end = new Date(Date.now() + 1000).toISOString();
    const rows = await sentimentsRecordedBetween(ctx, { from: start, to: end });
    expect(rows.map((r) => [r.accountId, r.score])).toEqual([
      [ids.Alpha, 2],
      [ids.Bravo, 4],
    ]);
    expect(await sentimentsRecordedBetween(ctx, { from: end, to: '2999-01-01T00:00:00.000Z' })).toEqual([]);
  });
});
