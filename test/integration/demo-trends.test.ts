// The demo's history is weekly until the last two weeks: the 30-day health trend (and `changed by
// ... in 30d`) must still read it, from the weekly snapshot 35 days back (within the 7-day
// tolerance). It used to need a snapshot exactly 30 to 33 days back and was empty for every account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/demo.ts';
import { addDays, today } from '../../src/time.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Demo trends');
  await generateDemo(ws.ctx, { accounts: 12, days: 60, seed: 11 });
}, 240_000);
afterAll(async () => t?.close());

describe('demo health trends', () => {
  it('fills the 30-day trend of every account scored 35 days ago from the weekly history', async () => {
    const d = today(ws.ctx);
    const states = await t.deps.db
      .selectFrom('account_states')
      .select(['account_id', 'health_score', 'health_trend_7d', 'health_trend_30d'])
      .where('workspace_id', '=', ws.workspace.id)
      .execute();
    const month = new Map(
      (
        await t.deps.db
          .selectFrom('health_scores')
          .select(['account_id', 'score'])
          .where('workspace_id', '=', ws.workspace.id)
          .where('day', '=', addDays(d, -35))
          .execute()
      ).map((r) => [r.account_id, r.score === null ? null : Number(r.score)]),
    );
    const comparable = states.filter(
      (s) => s.health_score !== null && typeof month.get(s.account_id) === 'number',
    );
    expect(comparable.length).toBeGreaterThan(0);
    for (const s of comparable) {
      expect(s.health_trend_30d, s.account_id).not.toBeNull();
      const expected = Math.round((Number(s.health_score) - month.get(s.account_id)!) * 100) / 100;
      expect(Number(s.health_trend_30d), s.account_id).toBeCloseTo(expected, 2);
      expect(s.health_trend_7d).not.toBeNull();
    }
  });
});
