// Issue 13 item 6 through the API: the built-in default model in /health-models (view, edit as
// the workspace's override, copy, reset), the catch-all that keeps every account scored when a
// first model with a selector is saved, calibrated thresholds and fitted weights applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayInZone } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let T: string;
const api = (path: string) => `/api/v1${path}`;
const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Health trust');
  T = dayInZone(new Date(), ws.workspace.timeZone);
});
afterAll(async () => {
  await t?.close();
});

describe('the built-in default model', () => {
  it('is listed last as a built-in model and read by id, with its hysteresis', async () => {
    const list = await as(ws, 'viewer').get(api('/health-models'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual(['default']);
    expect(list.body.items[0]).toMatchObject({
      key: 'default',
      builtin: true,
      customised: false,
      selector: null,
      hysteresis: 3,
      createdAt: null,
    });
    const one = await as(ws, 'viewer').get(api('/health-models/default'));
    expect(one.status).toBe(200);
    expect(one.body.dimensions.map((d: { key: string }) => d.key)).toEqual(['usage', 'engagement']);
  });

  it('is edited as the workspace’s own version, kept as the catch-all, and reset by deleting it', async () => {
    const manager = as(ws, 'manager');
    const before = (await manager.get(api('/health-models/default'))).body;
    const bands = before.bands.map((b: { min: number }, i: number) => ({ ...b, min: i === 0 ? 75 : b.min }));
    const res = await manager.patch(api('/health-models/default'), { bands, hysteresis: 5, name: 'Ours' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: 'default',
      builtin: true,
      customised: true,
      name: 'Ours',
      hysteresis: 5,
    });
    expect(res.body.bands[0].min).toBe(75);
    expect(res.body.dimensions).toEqual(before.dimensions);
    const read = (await manager.get(api('/health-models'))).body.items;
    expect(read.map((m: { id: string; customised: boolean }) => [m.id, m.customised])).toEqual([
      ['default', true],
    ]);

    // It stays the catch-all: no selector; and a viewer cannot change it.
    const sel = await manager.patch(api('/health-models/default'), { selector: 'arr > 1' });
    expect(sel.status).toBe(400);
    expect(sel.body.error.details.issues[0].path).toBe('selector');
    expect((await as(ws, 'viewer').patch(api('/health-models/default'), { name: 'x' })).status).toBe(403);
    // A bad edit changes nothing.
    const bad = await manager.patch(api('/health-models/default'), { hysteresis: 50 });
    expect(bad.status).toBe(400);
    expect((await manager.get(api('/health-models/default'))).body.hysteresis).toBe(5);

    expect((await manager.delete(api('/health-models/default'))).status).toBe(204);
    const reset = (await manager.get(api('/health-models/default'))).body;
    expect(reset).toMatchObject({ customised: false, hysteresis: 3, name: before.name });
    expect(reset.bands[0].min).toBe(70);
  });

  it('is copied into a stored model tried before it, and its key cannot be taken', async () => {
    const manager = as(ws, 'manager');
    const copy = await manager.post(api('/health-models/default/copy'), {
      key: 'enterprise',
      selector: 'arr > 100000',
    });
    expect(copy.status, JSON.stringify(copy.body)).toBe(201);
    const source = (await manager.get(api('/health-models/default'))).body;
    expect(copy.body).toMatchObject({ key: 'enterprise', builtin: false, name: source.name, hysteresis: 3 });
    expect(copy.body.dimensions).toEqual(source.dimensions);
    const list = (await manager.get(api('/health-models'))).body.items;
    expect(list.map((m: { key: string; position: number }) => [m.key, m.position])).toEqual([
      ['enterprise', 0],
      ['default', 1],
    ]);
    const taken = await manager.post(api('/health-models'), { ...source, key: 'default' });
    expect(taken.status).toBe(400);
    expect((await manager.post(api('/health-models/default/copy'), { key: 'enterprise' })).status).toBe(409);
    expect((await manager.post(api('/health-models/nope/copy'), { key: 'x1' })).status).toBe(404);
    expect((await manager.delete(api(`/health-models/${copy.body.id}`))).status).toBe(204);
  });
});

describe('every account has a score whatever models exist', () => {
  it('scores the accounts a first model’s selector leaves out with the default', async () => {
    const w = await createTestWorkspace(t.deps, 'Health catch-all');
    const admin = as(w, 'admin');
    const ids: string[] = [];
    for (const [name, region] of [
      ['a', 'APAC'],
      ['b', 'EMEA'],
      ['c', 'EMEA'],
    ]) {
      const res = await admin.post(api('/accounts'), { externalId: name, name, region, licensedSeats: 10 });
      ids.push(res.body.id);
      // Something to score on: a CSM's sentiment.
      expect(
        (await admin.post(api(`/accounts/${res.body.id}/sentiment`), { score: 4, reason: 'ok' })).status,
      ).toBe(201);
    }
    const first = await admin.post(api('/health-models'), {
      key: 'apac',
      name: 'APAC',
      selector: 'region = "APAC"',
      dimensions: [
        {
          key: 'size',
          name: 'Size',
          weight: 1,
          components: [
            {
              key: 'seats',
              name: 'Seats',
              fact: 'licensed_seats',
              weight: 1,
              normalisation: { kind: 'linear', min: 0, max: 20 },
            },
          ],
        },
      ],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await admin.post(api('/recompute'), {})).status).toBe(200);
    const states = await t.deps.db
      .selectFrom('account_states')
      .select(['account_id', 'health_model_id', 'health_score'])
      .where('workspace_id', '=', w.workspace.id)
      .execute();
    const byId = new Map(states.map((s) => [s.account_id, s]));
    expect(ids.map((id) => byId.get(id)?.health_model_id)).toEqual([first.body.id, 'default', 'default']);
    for (const id of ids) expect(byId.get(id)?.health_score).not.toBeNull();
  });
});

describe('calibrated thresholds and fitted weights, previewed and applied', () => {
  let cal: TestWorkspace;

  /** An account whose contract ended `endsAgo` days ago, with its default-model snapshot 90 days before. */
  async function outcome(
    i: number,
    status: string,
    components: { dimension: string; key: string; normalised: number }[],
  ) {
    const admin = as(cal, 'admin');
    const account = await admin.post(api('/accounts'), { externalId: `o${i}`, name: `Outcome ${i}` });
    const end = addDays(T, -(10 + i));
    const contract = await admin.post(api('/contracts'), {
      accountId: account.body.id,
      startDate: addDays(end, -364),
      endDate: end,
      amount: 1000,
      status,
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
    const parts = components.map((c) => ({
      ...c,
      fact: c.key,
      raw: c.normalised,
      weight: 0.5,
      contribution: c.normalised / 2,
    }));
    await t.deps.db
      .insertInto('health_scores')
      .values({
        workspace_id: cal.workspace.id,
        account_id: account.body.id,
        day: addDays(end, -90),
        model_id: 'default',
        score: parts.reduce((s, c) => s + c.contribution, 0),
        status: null,
        components: JSON.stringify(parts),
      })
      .execute();
  }

  beforeAll(async () => {
    cal = await createTestWorkspace(t.deps, 'Health fit');
    // Breadth tells renewal from churn; last touch does not (it is higher for churned accounts).
    for (let i = 0; i < 48; i++) {
      const renewed = i % 3 !== 0;
      const jitter = ((i * 37) % 41) - 20;
      await outcome(i, renewed ? 'renewed' : 'churned', [
        {
          dimension: 'usage',
          key: 'breadth',
          normalised: Math.max(0, Math.min(100, (renewed ? 70 : 35) + jitter)),
        },
        { dimension: 'engagement', key: 'last_touch', normalised: renewed ? 40 + (i % 20) : 60 + (i % 20) },
      ]);
    }
  });

  it('proposes weights from outcomes with the backtest before and after, which a manager applies', async () => {
    const res = await as(cal, 'viewer').get(api('/health/fit-weights?daysBefore=90'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const f = res.body;
    expect(f).toMatchObject({
      model: { id: 'default' },
      outcomes: { total: 48, renewed: 32, churned: 16 },
      reason: null,
    });
    const share = (key: string) => f.components.find((c: { key: string }) => c.key === key);
    expect(share('breadth').proposedShare).toBeGreaterThan(share('breadth').currentShare);
    expect(share('last_touch').proposedShare).toBeLessThan(share('last_touch').currentShare);
    expect(share('breadth').observed).toBe(48);
    expect(f.backtest.after.auc).toBeGreaterThan(f.backtest.before.auc);
    expect(f.backtest.crossValidated.n).toBeGreaterThan(0);

    const applied = await as(cal, 'manager').patch(api('/health-models/default'), {
      dimensions: f.proposed.dimensions,
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.customised).toBe(true);
    expect(applied.body.dimensions).toEqual(f.proposed.dimensions);
  });

  it('applies the calibrated thresholds after previewing them', async () => {
    const manager = as(cal, 'manager');
    const c = (await manager.get(api('/health/calibration'))).body;
    expect(c.proposedBands).not.toBeNull();
    const model = (await manager.get(api('/health-models/default'))).body;
    const preview = await manager.post(api('/health-models/preview'), {
      key: 'default',
      dimensions: model.dimensions,
      bands: c.proposedBands,
      sentiment: model.sentiment,
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.distribution.map((d: { status: string | null }) => d.status)).toEqual([
      ...c.proposedBands.map((b: { key: string }) => b.key),
      null,
    ]);
    const applied = await manager.patch(api('/health-models/default'), { bands: c.proposedBands });
    expect(applied.status).toBe(200);
    expect(applied.body.bands).toEqual(c.proposedBands);
    expect((await manager.get(api('/health/calibration'))).body.currentBands).toEqual(c.proposedBands);
  });

  it('says why there is no proposal with too few outcomes, and refuses a bad query', async () => {
    const few = await as(ws, 'viewer').get(api('/health/fit-weights'));
    expect(few.status).toBe(200);
    expect(few.body.proposed).toBeNull();
    expect(few.body.reason).toContain('Too few outcomes');
    const zh = await client(t.app, ws.users.viewer.token, { 'accept-language': 'zh-CN' }).get(
      api('/health/fit-weights'),
    );
    expect(zh.body.reason).toContain('结果太少');
    const bad = await as(ws, 'viewer').get(api('/health/fit-weights?daysBefore=0'));
    expect(bad.status).toBe(400);
    expect((await as(ws, 'viewer').get(api('/health/fit-weights?model=nope'))).status).toBe(404);
  });
});
