// The demo's customer requests: clusters of the same ask from many small accounts, single asks
// from strategic ones, status history, and a ranked list that reads as seed 000 says it should.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/demo.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;

beforeAll(async () => {
  t = await createTestApp();
  a = await createTestWorkspace(t.deps, 'Requests demo A');
  b = await createTestWorkspace(t.deps, 'Requests demo B');
  await generateDemo(a.ctx, { accounts: 150, days: 60, seed: 11 });
  await generateDemo(b.ctx, { accounts: 150, days: 60, seed: 11 });
}, 240_000);
afterAll(async () => t?.close());

const requestsOf = (w: TestWorkspace) =>
  t.deps.db
    .selectFrom('customer_requests as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .select([
      'r.number',
      'r.title',
      'r.status',
      'r.type',
      'r.group_id',
      'r.logged_by',
      'r.created_at',
      'a.external_id',
      'a.arr_minor',
    ])
    .where('r.workspace_id', '=', w.workspace.id)
    .orderBy('r.number')
    .execute();

describe('demo customer requests', () => {
  it('logs about 15% of smaller accounts’ asks plus strategic accounts’ own, in Chinese and English', async () => {
    const rows = await requestsOf(a);
    expect(rows.length).toBeGreaterThanOrEqual(22);
    expect(rows.length).toBeLessThan(80);
    expect(rows.some((r) => /[\u4e00-\u9fff]/.test(r.title))).toBe(true);
    expect(rows.filter((r) => r.logged_by !== null).length).toBeGreaterThan(rows.length * 0.8);
    // Logged in order over the past, never in the future.
    const created = rows.map((r) => r.created_at);
    expect(created).toEqual([...created].sort());
    expect(Date.parse(created.at(-1)!)).toBeLessThanOrEqual(Date.now());
    expect(new Set(rows.map((r) => r.status)).size).toBeGreaterThan(2);
  });

  it('groups small accounts’ shared asks, and ranks a group of many above single small asks', async () => {
    const ranked = await client(t.app, a.users.viewer.token).get('/api/v1/requests/ranked?limit=200');
    expect(ranked.status).toBe(200);
    const rows = await requestsOf(a);
    const sizes = new Map<string, number>();
    for (const r of rows) if (r.group_id) sizes.set(r.group_id, (sizes.get(r.group_id) ?? 0) + 1);
    expect(sizes.size).toBeGreaterThan(3);
    expect(Math.max(...sizes.values())).toBeGreaterThanOrEqual(3);
    const groups = ranked.body.items.filter((i: { kind: string }) => i.kind === 'group');
    expect(groups.length).toBeGreaterThan(0);
    const biggest = Math.max(...groups.map((g: { accountCount: number }) => g.accountCount));
    expect(biggest).toBeGreaterThanOrEqual(2);
    const smallSingles = ranked.body.items.filter(
      (i: { kind: string; priority: { highValue: boolean; factors: { key: string }[] } }) =>
        i.kind === 'request' &&
        !i.priority.highValue &&
        !i.priority.factors.some((f) => f.key === 'renewal_window'),
    );
    const top = groups.find((g: { accountCount: number }) => g.accountCount === biggest);
    for (const s of smallSingles) expect(top.priority.score).toBeGreaterThan(s.priority.score);
  });

  it('is the same for the same seed', async () => {
    const strip = (rows: Awaited<ReturnType<typeof requestsOf>>) =>
      rows.map((r) => [r.number, r.title, r.status, r.type, r.external_id, r.group_id === null]);
    expect(strip(await requestsOf(b))).toEqual(strip(await requestsOf(a)));
  });
});
