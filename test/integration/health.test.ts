// The health API through app.request(): model CRUD and validation, preview against current
// states, an account's health with its explanation (snapshots written by the same functions the
// recompute pipeline calls), sentiment, history, and calibration on a synthetic renewal history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import {
  loadHealthModels,
  loadScoresAsOf,
  loadScoreValuesAsOf,
  loadSentiments,
  type ScoringModel,
  scoreAll,
  writeHealthScores,
} from '../../src/modules/health/index.ts';
import { addDays, dayInZone } from '../../src/time.ts';
import {
  type ApiResponse,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let T: string;
let seats: { id: string; key: string };
const ids: Record<'acme' | 'beta' | 'gamma' | 'delta', string> = { acme: '', beta: '', gamma: '', delta: '' };

type Issue = { path: string; message: string };
const api = (path: string) => `/api/v1${path}`;
const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);
const paths = (res: ApiResponse) => (res.body.error.details.issues as Issue[]).map((i) => i.path);
const d = (n: number) => addDays(T, -n);

const component = (over: Record<string, unknown> = {}) => ({
  key: 'seats',
  name: 'Licensed seats',
  fact: 'licensed_seats',
  weight: 1,
  normalisation: { kind: 'linear', min: 0, max: 100 },
  ...over,
});
const SEATS_MODEL = {
  key: 'seats',
  name: 'Seats and touch',
  position: 0,
  dimensions: [
    { key: 'size', name: 'Size', weight: 3, components: [component()] },
    {
      key: 'touch',
      name: 'Touch',
      weight: 1,
      components: [
        component({
          key: 'last_touch',
          name: 'Last touch',
          fact: 'days_since_last_touch',
          direction: 'lower_better',
          normalisation: {
            kind: 'bands',
            bands: [
              { upTo: 7, score: 100 },
              { upTo: null, score: 0 },
            ],
          },
        }),
      ],
    },
  ],
  sentiment: { weight: 1, expiresAfterDays: 30 },
};

async function setState(
  ctx: Ctx,
  accountId: string,
  status: string | null,
  score: number | null,
  modelId: string | null,
) {
  await ctx.db
    .insertInto('account_states')
    .values({
      workspace_id: ctx.workspace.id,
      account_id: accountId,
      day: T,
      health_score: score,
      health_status: status,
      health_model_id: modelId,
      health_trend_7d: null,
      health_trend_30d: null,
      tier: null,
      tier_since: null,
      stage: null,
      stage_since: null,
      segments: '[]',
      updated_at: new Date().toISOString(),
    })
    .execute();
}

async function seatsModel(ctx: Ctx): Promise<ScoringModel> {
  return (await loadHealthModels(ctx)).find((m) => m.key === 'seats')!;
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Health A');
  other = await createTestWorkspace(t.deps, 'Health B');
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const admin = as(ws, 'admin');
  const accounts = {
    acme: { licensedSeats: 10, region: 'APAC', ownerId: ws.users.csm.id },
    beta: { licensedSeats: 80, region: 'APAC' },
    gamma: { licensedSeats: 50, region: 'EMEA' },
    delta: { region: 'EMEA' },
  };
  for (const [name, fields] of Object.entries(accounts)) {
    const res = await admin.post(api('/accounts'), { externalId: `${name}-${T}`, name, ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[name as keyof typeof ids] = res.body.id;
  }
  const res = await admin.post(api('/health-models'), SEATS_MODEL);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  seats = res.body;
});
afterAll(async () => t?.close());

describe('health model CRUD', () => {
  it('creates a model with a text selector, stores it as a tree, and lists models by position', async () => {
    const manager = as(ws, 'manager');
    const created = await manager.post(api('/health-models'), {
      key: 'big',
      name: 'Big APAC accounts',
      selector: 'arr >= 100000 and region = "APAC"',
      dimensions: [
        {
          key: 'size',
          name: 'Size',
          weight: 1,
          components: [component({ fact: 'arr', normalisation: { kind: 'percentile' } })],
        },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      key: 'big',
      position: 1,
      sentiment: null,
      selector: {
        and: [
          { fact: 'arr', op: '>=', value: 100000 },
          { fact: 'region', op: '=', value: 'APAC' },
        ],
      },
    });
    expect(created.body.bands.map((b: { key: string; min: number }) => [b.key, b.min])).toEqual([
      ['excellent', 70],
      ['fair', 40],
      ['danger', 0],
    ]);
    expect(created.body.dimensions[0].components[0].direction).toBe('higher_better');

    const list = await as(ws, 'viewer').get(api('/health-models'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { key: string }) => m.key)).toEqual(['seats', 'big', 'default']);
    const byKey = await as(ws, 'csm').get(api('/health-models/big'));
    expect(byKey.status).toBe(200);
    expect(byKey.body.id).toBe(created.body.id);
    expect((await as(ws, 'viewer').get(api(`/health-models/${created.body.id}`))).body.key).toBe('big');
  });

  it('changes a model: name, selector as a JSON tree, custom bands; and deletes it', async () => {
    const admin = as(ws, 'admin');
    const created = await admin.post(api('/health-models'), {
      key: 'temp',
      name: 'Temporary',
      position: 9,
      selector: { fact: 'region', op: '=', value: 'EMEA' },
      dimensions: [{ key: 'size', name: 'Size', weight: 1, components: [component()] }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bands = [
      { key: 'green', label: { 'zh-CN': '健康', en: 'Healthy' }, color: '#22aa22', min: 50 },
      { key: 'red', label: { 'zh-CN': '风险', en: 'At risk' }, color: '#dd2222', min: 0 },
    ];
    const patched = await as(ws, 'manager').patch(api('/health-models/temp'), {
      name: 'Renamed',
      bands,
      selector: null,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', bands, selector: null, position: 9 });
    expect(patched.body.dimensions).toEqual(created.body.dimensions);

    expect((await as(ws, 'manager').delete(api(`/health-models/${created.body.id}`))).status).toBe(204);
    const gone = await admin.get(api(`/health-models/${created.body.id}`));
    expect(gone.status).toBe(404);
    expect(errorCode(gone)).toBe('not_found');
  });

  it('answers 400 naming the path for an unknown or non-numeric fact, a bad selector or a bad shape', async () => {
    const admin = as(ws, 'admin');
    const body = (components: unknown[], extra = {}) => ({
      key: 'bad',
      name: 'Bad',
      dimensions: [{ key: 'd', name: 'D', weight: 1, components }],
      ...extra,
    });
    const unknown = await admin.post(
      api('/health-models'),
      body([component(), component({ key: 'x', fact: 'metrics.nope.total_30d' })]),
    );
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown)).toBe('validation_failed');
    expect(paths(unknown)).toEqual(['dimensions.0.components.1.fact']);
    expect(unknown.body.error.message).toMatch(
      /dimensions\.0\.components\.1\.fact: unknown fact metrics\.nope\.total_30d/,
    );

    const text = await admin.post(api('/health-models'), body([component({ fact: 'region' })]));
    expect(text.status).toBe(400);
    expect(text.body.error.details.issues).toEqual([
      { path: 'dimensions.0.components.0.fact', message: 'region is a string, not a number' },
    ]);

    const selector = await admin.post(
      api('/health-models'),
      body([component()], { selector: 'no_such_fact > 3' }),
    );
    expect(selector.status).toBe(400);
    expect(paths(selector)[0]).toMatch(/^selector/);
    expect(selector.body.error.message).toMatch(/no_such_fact/);

    const shape = await admin.post(api('/health-models'), { key: 'bad', name: 'Bad', dimensions: [] });
    expect(shape.status).toBe(400);
    expect(paths(shape)).toEqual(['dimensions']);
    const weights = await admin.post(
      api('/health-models'),
      body([component({ normalisation: { kind: 'linear', min: 3, max: 1 } })]),
    );
    expect(paths(weights)).toEqual(['dimensions.0.components.0.normalisation.max']);

    const patch = await admin.patch(api('/health-models/seats'), {
      dimensions: [{ key: 'd', name: 'D', weight: 1, components: [component({ fact: 'tags' })] }],
    });
    expect(patch.status).toBe(400);
    expect(paths(patch)).toEqual(['dimensions.0.components.0.fact']);
    expect(
      await admin.get(api('/health-models')).then((r) => r.body.items.map((m: { key: string }) => m.key)),
    ).not.toContain('bad');
  });

  it('answers 409 for a key already used in the workspace, but not in another', async () => {
    const again = await as(ws, 'admin').post(api('/health-models'), SEATS_MODEL);
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('conflict');
    const elsewhere = await as(other, 'admin').post(api('/health-models'), SEATS_MODEL);
    expect(elsewhere.status).toBe(201);
    await as(other, 'admin').delete(api(`/health-models/${elsewhere.body.id}`));
  });

  it('answers 401 without credentials and 403 to CSMs and viewers who try to change models', async () => {
    expect((await client(t.app, null).get(api('/health-models'))).status).toBe(401);
    expect((await client(t.app, null).post(api('/health-models'), SEATS_MODEL)).status).toBe(401);
    for (const role of ['csm', 'viewer'] as const) {
      const c = as(ws, role);
      const create = await c.post(api('/health-models'), { ...SEATS_MODEL, key: 'nope' });
      expect(create.status).toBe(403);
      expect(errorCode(create)).toBe('forbidden');
      expect((await c.patch(api('/health-models/seats'), { name: 'x' })).status).toBe(403);
      expect((await c.delete(api('/health-models/seats'))).status).toBe(403);
      expect((await c.post(api('/health-models/preview'), SEATS_MODEL)).status).toBe(403);
    }
    expect((await as(ws, 'admin').get(api('/health-models/seats'))).body.name).toBe('Seats and touch');
  });

  it('answers 404 to another workspace for every model route, changing nothing', async () => {
    const b = as(other, 'admin');
    for (const ref of [seats.id, seats.key]) {
      expect((await b.get(api(`/health-models/${ref}`))).status).toBe(404);
      expect((await b.patch(api(`/health-models/${ref}`), { name: 'Stolen' })).status).toBe(404);
      expect((await b.delete(api(`/health-models/${ref}`))).status).toBe(404);
    }
    expect((await b.get(api('/health-models'))).body.items.map((m: { key: string }) => m.key)).toEqual([
      'default',
    ]);
    for (const path of [`/accounts/${ids.acme}/health`, `/accounts/${ids.acme}/health/history`]) {
      const res = await b.get(api(path));
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain(ids.acme);
    }
    expect((await b.post(api(`/accounts/${ids.acme}/sentiment`), { score: 1, reason: 'x' })).status).toBe(
      404,
    );
    expect((await as(ws, 'admin').get(api('/health-models/seats'))).body.name).toBe('Seats and touch');
  });

  it('documents every route under the Health tag', async () => {
    const doc = await as(ws, 'viewer').get(api('/openapi.json'));
    const p = doc.body.paths as Record<string, Record<string, { tags: string[] }>>;
    for (const [path, methods] of [
      ['/health-models', ['get', 'post']],
      ['/health-models/{id}', ['get', 'patch', 'delete']],
      ['/health-models/preview', ['post']],
      ['/accounts/{id}/health', ['get']],
      ['/accounts/{id}/health/history', ['get']],
      ['/accounts/{id}/sentiment', ['post']],
      ['/health/calibration', ['get']],
    ] as const) {
      for (const method of methods) expect(p[path]?.[method]?.tags, `${method} ${path}`).toEqual(['Health']);
    }
  });
});

describe('preview', () => {
  it('scores today’s facts with an unsaved model: distribution, unmatched accounts and status changes', async () => {
    await setState(ws.ctx, ids.acme, 'danger', 12, seats.id);
    await setState(ws.ctx, ids.beta, 'fair', 55, seats.id);
    const size = { key: 'size', name: 'Size', weight: 1, components: [component()] };
    const apac = await as(ws, 'manager').post(api('/health-models/preview'), {
      selector: 'region = "APAC"',
      dimensions: [size],
    });
    expect(apac.status, JSON.stringify(apac.body)).toBe(200);
    expect(apac.body).toMatchObject({ day: T, matched: 2, unmatched: 2 });
    expect(apac.body.distribution.map((s: { status: string; count: number }) => [s.status, s.count])).toEqual(
      [
        ['excellent', 1],
        ['fair', 0],
        ['danger', 1],
        [null, 0],
      ],
    );
    expect(apac.body.distribution[0]).toMatchObject({
      label: { 'zh-CN': '优秀', en: 'Excellent' },
      color: 'green',
    });
    // acme stays danger (10 seats); beta goes from fair to excellent (80).
    expect(apac.body.changes).toEqual({
      total: 1,
      items: [
        {
          accountId: ids.beta,
          name: 'beta',
          before: { score: 55, status: 'fair' },
          after: { score: 80, status: 'excellent' },
        },
      ],
    });

    const all = await as(ws, 'admin').post(api('/health-models/preview'), { dimensions: [size] });
    expect(all.body).toMatchObject({ matched: 4, unmatched: 0 });
    expect(all.body.distribution.map((s: { count: number }) => s.count)).toEqual([1, 1, 1, 1]);
    expect(
      all.body.changes.items.map((c: { name: string; after: { status: string } }) => [
        c.name,
        c.after.status,
      ]),
    ).toEqual([
      ['beta', 'excellent'],
      ['gamma', 'fair'],
    ]);
  });

  it('validates the previewed model like a saved one', async () => {
    const res = await as(ws, 'manager').post(api('/health-models/preview'), {
      dimensions: [{ key: 'size', name: 'Size', weight: 1, components: [component({ fact: 'name' })] }],
    });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['dimensions.0.components.0.fact']);
  });
});

describe("an account's health", () => {
  it('shows the stored score with its band, components, what moved it over 7 days, and trends', async () => {
    const model = await seatsModel(ws.ctx);
    const score = (facts: Record<string, unknown>, sentiment?: number) =>
      scoreAll(
        [model],
        new Map([[ids.acme, facts]]),
        undefined,
        sentiment ? new Map([[ids.acme, { score: sentiment, ageDays: 1 }]]) : undefined,
      );
    // A week ago: 80 seats (60 points) and touched 3 days before (25): 85, excellent.
    expect(
      await writeHealthScores(ws.ctx, d(7), score({ licensed_seats: 80, days_since_last_touch: 3 })),
    ).toBe(1);
    // Today: no touch for 20 days (0), a happy CSM (5 -> 100 × 0.2 = 20), seats 48: 68, fair.
    const today = score({ licensed_seats: 80, days_since_last_touch: 20 }, 5);
    expect(today.get(ids.acme)!.score).toBe(68);
    await writeHealthScores(ws.ctx, T, today);
    // Rewriting the day replaces its row.
    await writeHealthScores(ws.ctx, T, today);
    await t.deps.db
      .insertInto('health_scores')
      .values({
        workspace_id: ws.workspace.id,
        account_id: ids.acme,
        day: d(30),
        model_id: seats.id,
        score: 50,
        status: 'fair',
        components: '[]',
      })
      .execute();

    const res = await as(ws, 'viewer').get(api(`/accounts/${ids.acme}/health`));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const h = res.body;
    expect(h).toMatchObject({
      accountId: ids.acme,
      day: T,
      source: 'stored',
      score: 68,
      status: 'fair',
      band: { key: 'fair', label: { 'zh-CN': '一般', en: 'Fair' }, color: 'orange', min: 40 },
      model: { id: seats.id, key: 'seats', name: 'Seats and touch' },
      missing: [],
      trend7d: -17,
      trend30d: 18,
    });
    expect(h.components).toEqual([
      {
        dimension: 'size',
        dimensionName: 'Size',
        key: 'seats',
        name: 'Licensed seats',
        fact: 'licensed_seats',
        raw: 80,
        normalised: 80,
        weight: 0.6,
        contribution: 48,
      },
      {
        dimension: 'touch',
        dimensionName: 'Touch',
        key: 'last_touch',
        name: 'Last touch',
        fact: 'days_since_last_touch',
        raw: 20,
        normalised: 0,
        weight: 0.2,
        contribution: 0,
      },
      {
        dimension: 'sentiment',
        dimensionName: 'Sentiment',
        key: 'sentiment',
        name: 'CSM sentiment',
        fact: 'health.sentiment',
        raw: 5,
        normalised: 100,
        weight: 0.2,
        contribution: 20,
      },
    ]);
    expect(
      h.components.reduce((s: number, c: { contribution: number }) => s + c.contribution, 0),
    ).toBeCloseTo(h.score, 9);
    expect(h.change).toMatchObject({ since: d(7), scoreBefore: 85, statusBefore: 'excellent', change: -17 });
    expect(h.change.movedBy.map((m: { key: string; change: number }) => [m.key, m.change])).toEqual([
      ['last_touch', -25],
      ['sentiment', 20],
      ['seats', -12],
    ]);
    expect(h.change.movedBy[0]).toMatchObject({
      name: 'Last touch',
      before: { raw: 3, normalised: 100, contribution: 25 },
      after: { raw: 20, normalised: 0, contribution: 0 },
    });
    expect(h.sentiment).toBeNull();
  });

  it('computes the score live from today’s facts when no recompute has stored one, listing what is missing', async () => {
    const res = await as(ws, 'csm').get(api(`/accounts/${ids.gamma}/health`));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // 50 seats, never touched, no sentiment: seats alone make the score.
    expect(res.body).toMatchObject({
      source: 'live',
      day: T,
      score: 50,
      status: 'fair',
      model: { key: 'seats' },
      change: null,
      trend7d: null,
      trend30d: null,
    });
    expect(res.body.components.map((c: { key: string; weight: number }) => [c.key, c.weight])).toEqual([
      ['seats', 1],
    ]);
    expect(res.body.missing.map((m: { key: string }) => m.key)).toEqual(['last_touch', 'sentiment']);

    const delta = await as(ws, 'viewer').get(api(`/accounts/${ids.delta}/health`));
    expect(delta.body).toMatchObject({
      source: 'live',
      score: null,
      status: null,
      band: null,
      components: [],
    });
    const nowhere = await as(ws, 'viewer').get(api('/accounts/01900000-0000-7000-8000-00000000dead/health'));
    expect(nowhere.status).toBe(404);
  });
});

describe('sentiment', () => {
  it('lets the account’s CSM record a sentiment that expires with the model, on the timeline, and scores it', async () => {
    const res = await as(ws, 'csm').post(api(`/accounts/${ids.acme}/sentiment`), {
      score: 2,
      reason: '  Champion left  ',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      accountId: ids.acme,
      userId: ws.users.csm.id,
      score: 2,
      reason: 'Champion left',
    });
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(30 * 86_400_000);

    const health = await as(ws, 'viewer').get(api(`/accounts/${ids.acme}/health`));
    expect(health.body.sentiment).toMatchObject({
      id: res.body.id,
      score: 2,
      reason: 'Champion left',
      ageDays: 0,
      expired: false,
    });

    const timeline = await as(ws, 'viewer').get(api(`/accounts/${ids.acme}/timeline`));
    expect(timeline.body.items[0]).toMatchObject({
      type: 'health.sentiment',
      title: 'Sentiment 2/5',
      body: 'Champion left',
    });

    const sentiments = await loadSentiments(ws.ctx, T);
    expect(sentiments.get(ids.acme)).toMatchObject({ score: 2, ageDays: 0 });
    expect(await loadSentiments(ws.ctx, d(1))).toEqual(new Map());
    const scored = scoreAll(
      [await seatsModel(ws.ctx)],
      new Map([[ids.acme, { licensed_seats: 10 }]]),
      undefined,
      sentiments,
    );
    expect(scored.get(ids.acme)!.components.at(-1)).toMatchObject({
      key: 'sentiment',
      raw: 2,
      normalised: 25,
      weight: 0.25,
    });
  });

  it('uses only the latest sentiment, and lets managers record one on any account', async () => {
    const res = await as(ws, 'manager').post(api(`/accounts/${ids.acme}/sentiment`), {
      score: 4,
      reason: 'New champion',
    });
    expect(res.status).toBe(201);
    expect((await loadSentiments(ws.ctx, T)).get(ids.acme)).toMatchObject({ id: res.body.id, score: 4 });
    expect(
      (await as(ws, 'manager').post(api(`/accounts/${ids.gamma}/sentiment`), { score: 3, reason: 'Fine' }))
        .status,
    ).toBe(201);
  });

  it('refuses viewers, read-only tokens, scores outside 1-5 and an empty reason', async () => {
    const viewer = await as(ws, 'viewer').post(api(`/accounts/${ids.acme}/sentiment`), {
      score: 3,
      reason: 'x',
    });
    expect(viewer.status).toBe(403);
    const token = await as(ws, 'admin').post(api('/tokens'), { name: 'ro', scopes: ['read'] });
    const ro = await client(t.app, token.body.token).post(api(`/accounts/${ids.acme}/sentiment`), {
      score: 3,
      reason: 'x',
    });
    expect(ro.status).toBe(403);
    for (const [body, path] of [
      [{ score: 6, reason: 'x' }, 'score'],
      [{ score: 0, reason: 'x' }, 'score'],
      [{ score: 2.5, reason: 'x' }, 'score'],
      [{ score: 3, reason: '   ' }, 'reason'],
    ] as const) {
      const res = await as(ws, 'csm').post(api(`/accounts/${ids.acme}/sentiment`), body);
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual([path]);
    }
    expect((await loadSentiments(ws.ctx, T)).get(ids.acme)?.score).toBe(4);
  });
});

describe('history', () => {
  it('lists daily scores between two days, oldest first, the last 90 days by default', async () => {
    const c = as(ws, 'viewer');
    const all = await c.get(api(`/accounts/${ids.acme}/health/history`));
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ accountId: ids.acme, from: d(89), to: T });
    expect(all.body.items).toEqual([
      { day: d(30), score: 50, status: 'fair', modelId: seats.id },
      { day: d(7), score: 85, status: 'excellent', modelId: seats.id },
      { day: T, score: 68, status: 'fair', modelId: seats.id },
    ]);
    const week = await c.get(api(`/accounts/${ids.acme}/health/history?from=${d(7)}&to=${d(1)}`));
    expect(week.body.items.map((i: { day: string }) => i.day)).toEqual([d(7)]);
    expect((await c.get(api(`/accounts/${ids.beta}/health/history`))).body.items).toEqual([]);
  });

  it('answers 400 for a day that does not exist or a range that runs backwards', async () => {
    const c = as(ws, 'viewer');
    const bad = await c.get(api(`/accounts/${ids.acme}/health/history?from=2025-02-30`));
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['from']);
    const backwards = await c.get(api(`/accounts/${ids.acme}/health/history?from=${T}&to=${d(3)}`));
    expect(backwards.status).toBe(400);
    expect(paths(backwards)).toEqual(['from']);
  });
});

describe('calibration', () => {
  let cal: TestWorkspace;

  /** An account whose contract ended `endsAgo` days ago with `status`, scored `scores` days before the end. */
  async function outcome(name: string, endsAgo: number, status: string, scores: [number, number, string?][]) {
    const admin = as(cal, 'admin');
    const account = await admin.post(api('/accounts'), { externalId: `${name}-${T}`, name });
    expect(account.status).toBe(201);
    const end = d(endsAgo);
    const contract = await admin.post(api('/contracts'), {
      accountId: account.body.id,
      startDate: addDays(end, -364),
      endDate: end,
      amount: 1000,
      status,
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
    for (const [daysBeforeEnd, score, modelId] of scores) {
      await t.deps.db
        .insertInto('health_scores')
        .values({
          workspace_id: cal.workspace.id,
          account_id: account.body.id,
          day: addDays(end, -daysBeforeEnd),
          model_id: modelId ?? 'default',
          score,
          status: null,
          components: '[]',
        })
        .execute();
    }
    return account.body.id as string;
  }

  beforeAll(async () => {
    cal = await createTestWorkspace(t.deps, 'Health calibration');
    // Renewed (renewed, expanded, downgraded): 80, 60, 45, 70. A snapshot after the target day
    // (89 days before the end) must not be used.
    await outcome('r1', 10, 'renewed', [
      [90, 80],
      [89, 10],
    ]);
    await outcome('r2', 20, 'expanded', [[95, 60]]);
    await outcome('r3', 30, 'downgraded', [[90, 45]]);
    await outcome('r4', 40, 'renewed', [[90, 70]]);
    // Churned: 30, 50 (the nearer snapshot belongs to another model), and one scored too early.
    await outcome('c1', 15, 'churned', [[90, 30]]);
    await outcome('c2', 25, 'churned', [
      [90, 99, 'other-model'],
      [92, 50],
    ]);
    await outcome('c3', 12, 'churned', [[110, 5]]);
    // Not outcomes: still active, or ending in the future.
    await outcome('n1', 5, 'active', [[90, 5]]);
    await outcome('n2', -30, 'renewed', [[90, 5]]);
  });

  it('proposes bands from the renewed accounts’ scores and backtests them against churn', async () => {
    const res = await as(cal, 'viewer').get(api('/health/calibration'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const c = res.body;
    expect(c).toMatchObject({
      model: { id: 'default', key: 'default' },
      asOf: T,
      daysBefore: 90,
      windowDays: 14,
      percentiles: [50, 10],
      outcomes: { total: 7, withoutScore: 1 },
    });
    // Renewed 45, 60, 70, 80: median 65, 10th percentile 49.5.
    expect(c.proposedBands.map((b: { key: string; min: number }) => [b.key, b.min])).toEqual([
      ['excellent', 65],
      ['fair', 49.5],
      ['danger', 0],
    ]);
    expect(c.currentBands.map((b: { min: number }) => b.min)).toEqual([70, 40, 0]);
    // 7 of the 8 renewed/churned pairs are ordered right (45 < 50 is the miss).
    expect(c.backtest).toEqual({
      renewed: 4,
      churned: 2,
      auc: 0.875,
      current: { flagged: 1, truePositives: 1, precision: 1, recall: 0.5 },
      proposed: { flagged: 2, truePositives: 1, precision: 0.5, recall: 0.5 },
    });
    // By contract end, oldest first.
    expect(c.samples.map((s: { outcome: string; score: number }) => [s.outcome, s.score])).toEqual([
      ['renewed', 70],
      ['renewed', 45],
      ['churned', 50],
      ['renewed', 60],
      ['churned', 30],
      ['renewed', 80],
    ]);
    expect(c.samples[5]).toMatchObject({ endDate: d(10), day: addDays(d(10), -90) });
  });

  it('takes the days before renewal, the window and the percentiles as parameters', async () => {
    const v = as(cal, 'viewer');
    const wide = await v.get(api('/health/calibration?windowDays=30&percentiles=75,25'));
    expect(wide.status, JSON.stringify(wide.body)).toBe(200);
    expect(wide.body.outcomes).toEqual({ total: 7, withoutScore: 0 });
    expect(wide.body.percentiles).toEqual([75, 25]);
    const near = await v.get(api('/health/calibration?daysBefore=30'));
    expect(near.body).toMatchObject({
      outcomes: { total: 7, withoutScore: 7 },
      proposedBands: null,
      samples: [],
    });
    expect(near.body.backtest).toMatchObject({ renewed: 0, churned: 0, auc: null, proposed: null });
  });

  it('answers 400 for percentiles that do not fit the bands and 404 for an unknown model', async () => {
    const v = as(cal, 'viewer');
    for (const q of ['percentiles=50', 'percentiles=10,50', 'percentiles=abc', 'daysBefore=0']) {
      const res = await v.get(api(`/health/calibration?${q}`));
      expect(res.status, q).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
    }
    const missing = await v.get(api('/health/calibration?model=nope'));
    expect(missing.status).toBe(404);
    // Workspace A calibrates its own models and sees none of these outcomes.
    const a = await as(ws, 'viewer').get(api('/health/calibration?model=seats'));
    expect(a.body).toMatchObject({ model: { key: 'seats' }, outcomes: { total: 0, withoutScore: 0 } });
  });
});

// What every trend, fact and report reads a past day's health through: each account's latest
// score within the tolerance, none past it.
describe('scores as of a day', () => {
  it('gives each account its latest score within the tolerance and none past it', async () => {
    const make = async (name: string) =>
      (await as(ws, 'admin').post(api('/accounts'), { name, externalId: `ASOF-${name}` })).body.id as string;
    const [recent, stale] = [await make('As-of recent'), await make('As-of stale')];
    const row = (accountId: string, day: string, score: number) => ({
      workspace_id: ws.workspace.id,
      account_id: accountId,
      day,
      model_id: seats.id,
      score,
      status: score >= 50 ? 'fair' : 'danger',
      components: '[]',
    });
    await t.deps.db
      .insertInto('health_scores')
      .values([row(recent, d(5), 20), row(recent, d(3), 40), row(recent, d(1), 60), row(stale, d(9), 10)])
      .execute();
    const ids = [recent, stale];
    const today = await loadScoreValuesAsOf(ws.ctx, T, 6, ids);
    expect(today.get(recent)).toEqual({ score: 60, status: 'fair' });
    expect(today.has(stale)).toBe(false);
    // Two days ago the latest was three days ago's; a week back the stale one is within reach.
    expect(
      (await loadScoresAsOf(ws.ctx, d(2), { accountIds: ids, toleranceDays: 6 })).get(recent),
    ).toMatchObject({
      day: d(3),
      score: 40,
    });
    // The window's latest scored day has one account; the other's score comes from earlier in it.
    const mixed = await loadScoreValuesAsOf(ws.ctx, d(3), 6, ids);
    expect(mixed.get(recent)).toEqual({ score: 40, status: 'danger' });
    expect(mixed.get(stale)).toEqual({ score: 10, status: 'danger' });
    // Without named accounts: every account's latest, the same answers.
    const all = await loadScoreValuesAsOf(ws.ctx, d(3), 6);
    expect([all.get(recent), all.get(stale)]).toEqual([mixed.get(recent), mixed.get(stale)]);
    const weekAgo = await loadScoreValuesAsOf(ws.ctx, d(7), 6, ids);
    expect(weekAgo.get(stale)?.score).toBe(10);
    expect(weekAgo.has(recent)).toBe(false);
  });
});
