// Property: what a preview says is what the recompute then writes. Over random workspaces (accounts,
// contracts that change ARR inside the look-back windows, health models, a tiering scheme, stages,
// weekly-gapped history) and random conditions (percentiles among all and within tier, `changed by`
// over 7 and 30 days, health, tier and stage), each preview (segment, tiering scheme, health
// model, lifecycle stages) is compared with the state the next recompute writes once the previewed
// thing is saved. Both load through the one evaluation batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import { Rng, seededRandom } from '../../src/modules/facts/condition.fixtures.ts';
import { type PreviewHealthModel, previewHealthModel } from '../../src/modules/health/index.ts';
import { previewLifecycleStages } from '../../src/modules/lifecycle/index.ts';
import { recomputeDay } from '../../src/modules/recompute/index.ts';
import { previewSegment, previewTieringScheme } from '../../src/modules/segments/index.ts';
import { addDays, today } from '../../src/time.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
} from '../helpers/test-app.ts';

const CASES = Number(process.env.PREVIEW_PROPERTY_CASES ?? 4);
const REGIONS = ['华东', '华北', '华南'];

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** Random condition text over what a workspace of this test has; `reads` limits the state facts. */
function randomCondition(
  rng: Rng,
  reads: { tier?: boolean; stage?: boolean; health?: boolean },
  depth = 2,
): string {
  const leaves: (() => string)[] = [
    () => `arr ${rng.pick(['>=', '<', '>'])} ${rng.pick([50_000, 200_000, 500_000, 1_000_000])}`,
    () => `licensed_seats ${rng.pick(['>=', '<'])} ${rng.pick([20, 60, 120])}`,
    () => `region ${rng.pick(['=', '!='])} "${rng.pick(REGIONS)}"`,
    () => `percentile(arr) ${rng.pick(['<=', '>='])} ${rng.pick([25, 50, 75])}`,
    () => `arr changed by ${rng.pick(['>=', '<'])} ${rng.pick(['10%', '50%', '1'])} in ${rng.pick([7, 30])}d`,
  ];
  if (reads.health) {
    leaves.push(
      () => `health.score ${rng.pick(['>=', '<'])} ${rng.pick([30, 50, 70])}`,
      () =>
        `health.score changed by ${rng.pick(['>=', '<=', '>'])} ${rng.pick([-5, 0, 5])} in ${rng.pick([7, 30])}d`,
    );
  }
  if (reads.tier) {
    leaves.push(
      () => `tier ${rng.pick(['=', '!='])} "${rng.pick(['gold', 'silver', 'bronze'])}"`,
      () => `percentile(arr within tier) ${rng.pick(['<=', '>='])} ${rng.pick([30, 50, 70])}`,
      () => `percentile(licensed_seats within tier) ${rng.pick(['<=', '>='])} ${rng.pick([30, 50, 70])}`,
    );
    if (reads.health) leaves.push(() => `percentile(health.score within tier) ${rng.pick(['<=', '>'])} 50`);
  }
  if (reads.stage) leaves.push(() => `stage = "${rng.pick(['early', 'big', 'other'])}"`);
  const node = (d: number): string => {
    if (d === 0 || rng.chance(0.4)) return rng.pick(leaves)();
    const parts = [node(d - 1), node(d - 1)];
    const joined = parts.join(rng.chance(0.5) ? ' and ' : ' or ');
    return rng.chance(0.2) ? `not (${joined})` : `(${joined})`;
  };
  return node(depth);
}

const model = (
  key: string,
  selector: string | null,
  position: number,
): PreviewHealthModel & { key: string } => ({
  key,
  name: key,
  position,
  selector,
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
          weight: 2,
          direction: 'higher_better',
          normalisation: { kind: 'linear', min: 0, max: 2_000_000 },
        },
        {
          key: 'seats',
          name: 'Seats',
          fact: 'licensed_seats',
          weight: 1,
          direction: 'higher_better',
          normalisation: { kind: 'percentile' },
        },
      ],
    },
  ],
});

type StateRow = {
  id: string;
  score: number | null;
  status: string | null;
  model: string | null;
  tier: string | null;
  stage: string | null;
  segments: string;
};

async function states(ctx: Ctx): Promise<Map<string, StateRow>> {
  const rows = await ctx.db
    .selectFrom('account_states')
    .select(['account_id', 'health_score', 'health_status', 'health_model_id', 'tier', 'stage', 'segments'])
    .where('workspace_id', '=', ctx.workspace.id)
    .execute();
  return new Map(
    rows.map((r) => [
      r.account_id,
      {
        id: r.account_id,
        score: r.health_score === null ? null : Number(r.health_score),
        status: r.health_status,
        model: r.health_model_id,
        tier: r.tier,
        stage: r.stage,
        segments: r.segments,
      },
    ]),
  );
}

/**
 * Recomputes today until a run changes nothing (the state feeds the next run: selectors read the
 * tier, tier rules read health), so a preview of the stored state can be compared with the next
 * run. false when it does not settle (a random loop such as a tier that flips its own health).
 */
async function settle(ctx: Ctx, day: string): Promise<boolean> {
  let before = JSON.stringify([...(await states(ctx))]);
  for (let i = 0; i < 5; i++) {
    await recomputeDay(ctx, day);
    const after = JSON.stringify([...(await states(ctx))]);
    if (after === before) return true;
    before = after;
  }
  return false;
}

async function randomWorkspace(rng: Rng, seed: number) {
  const ws = await createTestWorkspace(t.deps, `Preview property ${seed}`);
  const admin = client(t.app, ws.users.admin.token);
  const d = today(ws.ctx);
  const n = 8 + rng.int(6);
  for (let i = 0; i < n; i++) {
    const account = await admin.post('/api/v1/accounts', {
      externalId: `P${seed}-${i}`,
      name: `Account ${seed}-${i}`,
      region: rng.pick(REGIONS),
      licensedSeats: 5 + rng.int(195),
      goLiveDate: addDays(d, -(30 + rng.int(300))),
    });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    await admin.post('/api/v1/contracts', {
      accountId: account.body.id,
      startDate: addDays(d, -200),
      endDate: addDays(d, 30 + rng.int(400)),
      amount: (1 + rng.int(150)) * 10_000,
    });
    // A second contract inside the look-back windows: ARR moves over 7 or 30 days.
    if (rng.chance(0.5)) {
      await admin.post('/api/v1/contracts', {
        accountId: account.body.id,
        startDate: addDays(d, -(2 + rng.int(40))),
        endDate: addDays(d, 300),
        amount: (1 + rng.int(80)) * 10_000,
      });
    }
  }
  const ok = async (res: { status: number; body: unknown }) =>
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  await ok(
    await admin.post(
      '/api/v1/health-models',
      model('m_a', randomCondition(rng, { tier: true, stage: true }), 1),
    ),
  );
  await ok(await admin.post('/api/v1/health-models', model('m_b', null, 2)));
  await ok(
    await admin.post('/api/v1/tiering-schemes', {
      key: 'base',
      name: 'Base',
      active: true,
      defaultTier: 'bronze',
      rules: [
        // Not reading health here: the models' selectors read the tier, and the two together
        // could flip each other forever. The scheme checked later may read it.
        { tier: 'gold', when: randomCondition(rng, {}) },
        { tier: 'silver', when: randomCondition(rng, {}) },
      ],
    }),
  );
  await ok(
    await admin.post('/api/v1/lifecycle-stages', {
      key: 'early',
      name: 'Early',
      condition: randomCondition(rng, { tier: true }),
    }),
  );
  await ok(
    await admin.post('/api/v1/lifecycle-stages', {
      key: 'other',
      name: 'Other',
      condition: 'arr is empty or arr is not empty',
    }),
  );
  // History with gaps: snapshots 37 and 10 days back only, then today. Look-backs of 30 and 7
  // days find them within their tolerance (7 and 3 days).
  for (const day of [addDays(d, -37), addDays(d, -10)]) await recomputeDay(ws.ctx, day);
  return { ws, admin, d };
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

async function checkSegment(rng: Rng, ctx: Ctx, admin: Client, d: string, i: number) {
  const condition = randomCondition(rng, { tier: true, stage: true, health: true }, 3);
  const preview = await previewSegment({ ctx, input: { condition, limit: 500 } });
  const created = await admin.post('/api/v1/segments', { key: `seg_${i}`, name: `Seg ${i}`, condition });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await recomputeDay(ctx, d);
  const members = await ctx.db
    .selectFrom('segment_members')
    .select('account_id')
    .where('workspace_id', '=', ctx.workspace.id)
    .where('segment_id', '=', created.body.id)
    .execute();
  expect(sorted(members.map((m) => m.account_id)), condition).toEqual(
    sorted(preview.sample.map((m) => m.accountId)),
  );
  return preview.count;
}

async function checkScheme(rng: Rng, ctx: Ctx, admin: Client, d: string, i: number) {
  const rules = [
    { tier: 'gold', when: randomCondition(rng, { health: true }, 3) },
    { tier: 'silver', when: randomCondition(rng, { health: true }, 3) },
  ];
  const before = await states(ctx);
  const preview = await previewTieringScheme({ ctx, input: { rules, defaultTier: 'bronze', limit: 500 } });
  const expected = new Map([...before].map(([id, s]) => [id, s.tier]));
  for (const m of preview.moves.items) expected.set(m.accountId, m.to);
  const created = await admin.post('/api/v1/tiering-schemes', {
    key: `scheme_${i}`,
    name: `Scheme ${i}`,
    active: true,
    defaultTier: 'bronze',
    rules,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await recomputeDay(ctx, d);
  const after = await states(ctx);
  expect(new Map([...after].map(([id, s]) => [id, s.tier])), JSON.stringify(rules)).toEqual(expected);
}

async function checkHealthModel(rng: Rng, ctx: Ctx, admin: Client, d: string, i: number) {
  const selector = randomCondition(rng, { tier: true, stage: true }, 3);
  // Saved first (position 0, its key sorting before the others'), it scores exactly the accounts
  // its selector matches: the ones the preview scores with it alone.
  const spec = model(`a_${i}`, selector, 0);
  const preview = await previewHealthModel({ ctx, input: spec });
  const created = await admin.post('/api/v1/health-models', spec);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await recomputeDay(ctx, d);
  const scored = [...(await states(ctx)).values()].filter((s) => s.model === created.body.id);
  expect(scored.length, selector).toBe(preview.matched);
  const counts = new Map<string | null, number>();
  for (const s of scored) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  expect(
    preview.distribution.filter((b) => b.count > 0).map((b) => [b.status, b.count]),
    selector,
  ).toEqual(
    preview.distribution.filter((b) => b.count > 0).map((b) => [b.status, counts.get(b.status) ?? 0]),
  );
  const now = await states(ctx);
  for (const c of preview.changes.items) {
    expect(now.get(c.accountId)).toMatchObject({ score: c.after.score, status: c.after.status });
  }
}

async function checkStages(rng: Rng, ctx: Ctx, admin: Client, d: string) {
  const stages = [
    { key: 'big', condition: randomCondition(rng, { tier: true, health: true }, 3) },
    { key: 'early', condition: randomCondition(rng, { tier: true, health: true }, 3) },
    { key: 'other', condition: 'arr is empty or arr is not empty' },
  ];
  const before = await states(ctx);
  const preview = await previewLifecycleStages({ ctx, input: { stages, limit: 500 } });
  const expected = new Map([...before].map(([id, s]) => [id, s.stage]));
  for (const m of preview.moves.items) expected.set(m.accountId, m.to);
  for (const s of (await admin.get('/api/v1/lifecycle-stages')).body.items) {
    expect((await admin.delete(`/api/v1/lifecycle-stages/${s.id}`)).status).toBe(204);
  }
  for (const s of stages) {
    const created = await admin.post('/api/v1/lifecycle-stages', { ...s, name: s.key });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  await recomputeDay(ctx, d);
  const after = await states(ctx);
  expect(new Map([...after].map(([id, s]) => [id, s.stage])), JSON.stringify(stages)).toEqual(expected);
}

describe('previews say what the recompute then writes', () => {
  for (let seed = 1; seed <= CASES; seed++) {
    it(`on random workspace and conditions #${seed}`, async () => {
      const rng = new Rng(seededRandom(seed * 7919));
      const { ws, admin, d } = await randomWorkspace(rng, seed);
      const ctx = ws.ctx;
      const checks = [
        (i: number) => checkSegment(rng, ctx, admin, d, i),
        (i: number) => checkHealthModel(rng, ctx, admin, d, i),
        (i: number) => checkSegment(rng, ctx, admin, d, i),
        // From here stages and tiers may read health while selectors read them: such a loop may
        // never settle, and what follows it is then not checked. Everything before it settles.
        () => checkStages(rng, ctx, admin, d),
        (i: number) => checkScheme(rng, ctx, admin, d, i),
        (i: number) => checkSegment(rng, ctx, admin, d, i),
      ];
      let checked = 0;
      for (const [i, check] of checks.entries()) {
        if (!(await settle(ctx, d))) break;
        await check(i);
        checked++;
      }
      expect(checked, 'every check before stages and tiers read health runs').toBeGreaterThanOrEqual(3);
    }, 180_000);
  }
});
