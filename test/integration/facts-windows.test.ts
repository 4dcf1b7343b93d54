// buildFacts' usage windows on their exact edges: one rollup row on each first and last day of
// every window (and one day outside each), so a wrong bound in the grouped query moves a total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/modules/accounts/index.ts';
import { buildFacts } from '../../src/modules/facts/build-facts.ts';
import { summaryWindows } from '../../src/modules/metrics/analytics.ts';
import { createMetric } from '../../src/modules/metrics/index.ts';
import { addDays } from '../../src/time.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
const DAY = '2026-06-30';

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Facts windows');
});
afterAll(() => t.close());

describe('buildFacts usage windows', () => {
  it('counts a rollup on each window edge in that window and not in its neighbour', async () => {
    const { ctx } = ws;
    const metric = await createMetric({
      ctx,
      input: { key: 'runs', name: 'Runs', eventNames: ['Run'], aggregation: 'count' },
    });
    const account = await createAccount({ ctx, input: { name: 'Edges', externalId: 'E1' } });
    const w = summaryWindows(DAY);
    // Distinct powers of two per day, so every window's sum says exactly which days it took.
    const days: Record<string, number> = {
      [addDays(DAY, 1)]: 1 << 0, // tomorrow: in no window
      [w.last7.to]: 1 << 1,
      [w.last7.from]: 1 << 2,
      [w.prior7.to]: 1 << 3,
      [w.prior7.from]: 1 << 4,
      [addDays(w.prior7.from, -1)]: 1 << 5,
      [w.last30.from]: 1 << 6,
      [w.prior30.to]: 1 << 7,
      [w.prior30.from]: 1 << 8,
      [w.last90.from]: 1 << 9,
      [addDays(w.last90.from, -1)]: 1 << 10, // in no window
      [w.yearAgo30.to]: 1 << 11,
      [w.yearAgo30.from]: 1 << 12,
      [addDays(w.yearAgo30.from, -1)]: 1 << 13, // in no window
    };
    await ctx.db
      .insertInto('metric_daily')
      .values(
        Object.entries(days).map(([day, value]) => ({
          workspace_id: ctx.workspace.id,
          metric_id: metric.id,
          account_id: account.id,
          day,
          value,
        })),
      )
      .execute();
    const f = (await buildFacts(ctx, [account.id], DAY)).get(account.id)!;
    const last7 = 2 + 4;
    const prior7 = 8 + 16;
    const last30 = last7 + prior7 + 32 + 64;
    const prior30 = 128 + 256;
    const yearAgo = 2048 + 4096;
    expect(f['metrics.runs.total_7d']).toBe(last7);
    expect(f['metrics.runs.total_30d']).toBe(last30);
    expect(f['metrics.runs.total_90d']).toBe(last30 + prior30 + 512);
    expect(f['metrics.runs.wow']).toBeCloseTo((last7 - prior7) / prior7, 12);
    expect(f['metrics.runs.mom']).toBeCloseTo((last30 - prior30) / prior30, 12);
    expect(f['metrics.runs.yoy']).toBeCloseTo((last30 - yearAgo) / yearAgo, 12);
  });
});

describe('buildFacts with its scans split over two connections', () => {
  it('builds the same facts as one connection', async () => {
    const { ctx } = ws;
    const metrics = await Promise.all(
      ['a', 'b', 'c'].map((key) =>
        createMetric({
          ctx,
          input: { key: `split_${key}`, name: key, eventNames: [key], aggregation: 'count' },
        }),
      ),
    );
    const accounts = await Promise.all(
      [1, 2, 3, 4].map((n) => createAccount({ ctx, input: { name: `Split ${n}`, externalId: `S${n}` } })),
    );
    await ctx.db
      .insertInto('metric_daily')
      .values(
        metrics.flatMap((m, i) =>
          accounts.map((a, j) => ({
            workspace_id: ctx.workspace.id,
            metric_id: m.id,
            account_id: a.id,
            day: addDays(DAY, -(i + j)),
            value: 10 * i + j + 1,
          })),
        ),
      )
      .execute();
    const one = await buildFacts(ctx, null, DAY, { parallelScansFrom: Number.POSITIVE_INFINITY });
    const two = await buildFacts(ctx, null, DAY, { parallelScansFrom: 0 });
    expect(two.size).toBe(one.size);
    for (const [id, f] of one) expect(two.get(id)).toEqual(f);
    expect(two.get(accounts[3]!.id)!['metrics.split_c.total_7d']).toBe(24);
  });
});
