// Lifecycle stages through app.request(): the seed-004 defaults, definitions and their order,
// manual stages and stage history; and the defaults applied to facts of accounts whose go-live
// dates and contracts were created through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFacts } from '../../src/modules/facts/build-facts.ts';
import { assignStage, loadStages } from '../../src/modules/lifecycle/index.ts';
import { addDays, dayInZone } from '../../src/time.ts';
import {
  type Client,
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
let admin: Client;
let csm: Client;
let viewer: Client;
let T: string;
const ids = { fresh: '', live: '', renewing: '', renewed: '', gone: '', undated: '' };
type Name = keyof typeof ids;

const api = (path: string) => `/api/v1${path}`;
const keys = (res: { body: { items: { key: string }[] } }) => res.body.items.map((s) => s.key);
const issuePaths = (res: { body: { error: { details?: { issues?: { path: string }[] } } } }) =>
  res.body.error.details?.issues?.map((i) => i.path);

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Lifecycle A');
  other = await createTestWorkspace(t.deps, 'Lifecycle B');
  admin = client(t.app, ws.users.admin.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);

  const contract = (start: number, end: number | null, extra = {}) => ({
    startDate: addDays(T, start),
    endDate: end === null ? null : addDays(T, end),
    amount: 10_000,
    ...extra,
  });
  const accounts: Record<
    Name,
    { goLiveDate?: string; ownerId?: string; contracts: Record<string, unknown>[] }
  > = {
    // Live 10 days, contract ends in a year: onboarding.
    fresh: { goLiveDate: addDays(T, -10), ownerId: ws.users.csm.id, contracts: [contract(-10, 355)] },
    // Live about 200 days, contract ends in 91 days: advanced, one day before the renewal window.
    live: { goLiveDate: addDays(T, -200), contracts: [contract(-200, 91)] },
    // Contract ends in exactly 90 days: renewal.
    renewing: { goLiveDate: addDays(T, -200), contracts: [contract(-200, 90)] },
    // Ends in 30 days but the next contract is signed: expansion.
    renewed: { goLiveDate: addDays(T, -300), contracts: [contract(-300, 30), contract(31, 395)] },
    // The only contract churned: churned.
    gone: { goLiveDate: addDays(T, -400), contracts: [contract(-400, -35, { status: 'churned' })] },
    // No go-live date and no contract: no stage.
    undated: { contracts: [] },
  };
  for (const [name, a] of Object.entries(accounts)) {
    const { contracts, ...fields } = a;
    const res = await admin.post(api('/accounts'), { externalId: name, name, ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[name as Name] = res.body.id;
    for (const c of contracts) {
      const created = await admin.post(api('/contracts'), { accountId: res.body.id, ...c });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  }
});
afterAll(async () => t?.close());

describe('default stages', () => {
  it('installs seed 004’s stages in checking order, once', async () => {
    expect((await viewer.post(api('/lifecycle-stages/defaults'), {})).status).toBe(403);
    const res = await admin.post(api('/lifecycle-stages/defaults'), {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.installed).toBe(6);
    expect(res.body.items.map((s: { key: string; position: number }) => [s.key, s.position])).toEqual([
      ['churned', 1],
      ['renewal', 2],
      ['expansion', 3],
      ['onboarding', 4],
      ['adoption', 5],
      ['advanced', 6],
    ]);
    expect(res.body.items[1]).toMatchObject({
      name: 'Renewal',
      label: { en: 'Renewal', 'zh-CN': '续约期' },
      journeyPosition: 4,
      conditionText: 'days_to_renewal between 0 and 90 and renewal_confirmed = false',
    });
    const again = await admin.post(api('/lifecycle-stages/defaults'), {});
    expect(again.body.installed).toBe(0);
    expect(keys(await viewer.get(api('/lifecycle-stages')))).toEqual(keys(res));
  });

  it('give each fixture account the stage its dates and contracts call for', async () => {
    const facts = await buildFacts(ws.ctx, null, T);
    const stages = await loadStages(ws.ctx);
    const stageOf = (name: Name) => assignStage(stages, facts.get(ids[name])!);
    expect(facts.get(ids.renewing)!.days_to_renewal).toBe(90);
    expect(facts.get(ids.live)!.days_to_renewal).toBe(91);
    expect(Object.fromEntries(Object.keys(ids).map((n) => [n, stageOf(n as Name)]))).toEqual({
      fresh: 'onboarding',
      live: 'advanced',
      renewing: 'renewal',
      renewed: 'expansion',
      gone: 'churned',
      undated: null,
    });
  });
});

describe('stage definitions', () => {
  it('inserts a stage at a position, moves it, and deletes it, renumbering the rest', async () => {
    const created = await admin.post(api('/lifecycle-stages'), {
      key: 'at_risk',
      name: '风险',
      condition: 'health.status = "danger" and renewal_confirmed = false',
      position: 2,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ key: 'at_risk', position: 2 });
    const order = async () =>
      (await admin.get(api('/lifecycle-stages'))).body.items.map((s: { key: string; position: number }) => [
        s.key,
        s.position,
      ]);
    expect(await order()).toEqual([
      ['churned', 1],
      ['at_risk', 2],
      ['renewal', 3],
      ['expansion', 4],
      ['onboarding', 5],
      ['adoption', 6],
      ['advanced', 7],
    ]);
    const moved = await admin.patch(api('/lifecycle-stages/at_risk'), { position: 99, name: '风险客户' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ name: '风险客户', position: 7 });
    expect((await order()).map(([k]: [string]) => k)).toEqual([
      'churned',
      'renewal',
      'expansion',
      'onboarding',
      'adoption',
      'advanced',
      'at_risk',
    ]);
    const appended = await admin.post(api('/lifecycle-stages'), {
      key: 'last',
      name: 'Last',
      condition: 'arr >= 0',
    });
    expect(appended.body.position).toBe(8);
    expect((await admin.get(api(`/lifecycle-stages/${appended.body.id}`))).body.key).toBe('last');
    expect(
      (await admin.post(api('/lifecycle-stages'), { key: 'last', name: 'x', condition: 'arr >= 0' })).status,
    ).toBe(409);
    expect((await admin.delete(api('/lifecycle-stages/at_risk'))).status).toBe(204);
    expect((await admin.delete(api('/lifecycle-stages/last'))).status).toBe(204);
    expect(await order()).toEqual([
      ['churned', 1],
      ['renewal', 2],
      ['expansion', 3],
      ['onboarding', 4],
      ['adoption', 5],
      ['advanced', 6],
    ]);
  });

  it('rejects bad conditions with 400 naming the field', async () => {
    const cases: [unknown, string, RegExp][] = [
      [
        'months_since_golive < 1',
        'condition',
        /Unknown fact "months_since_golive".*did you mean months_since_go_live/,
      ],
      [{ fact: 'is_churned', op: '=', value: 'yes' }, 'condition.value', /not true or false/],
      ['stage = "renewal"', 'condition', /cannot read .*it reads stage/],
    ];
    for (const [condition, path, message] of cases) {
      const res = await admin.post(api('/lifecycle-stages'), { key: 'bad', name: 'x', condition });
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(issuePaths(res)).toEqual([path]);
      expect(res.body.error.message).toMatch(message);
    }
    const position = await admin.patch(api('/lifecycle-stages/renewal'), { position: 0 });
    expect(issuePaths(position)).toEqual(['position']);
  });

  it('answers 401, 403 to a CSM or viewer changing stages, and 404 to another workspace', async () => {
    expect((await client(t.app, null).get(api('/lifecycle-stages'))).status).toBe(401);
    for (const who of [csm, viewer]) {
      for (const res of [
        await who.post(api('/lifecycle-stages'), { key: 'nope', name: 'x', condition: 'arr > 1' }),
        await who.patch(api('/lifecycle-stages/renewal'), { position: 1 }),
        await who.delete(api('/lifecycle-stages/renewal')),
      ]) {
        expect(res.status).toBe(403);
        expect(errorCode(res)).toBe('forbidden');
      }
    }
    const renewal = (await admin.get(api('/lifecycle-stages/renewal'))).body;
    const stranger = client(t.app, other.users.admin.token);
    expect((await stranger.get(api(`/lifecycle-stages/${renewal.id}`))).status).toBe(404);
    expect((await stranger.patch(api(`/lifecycle-stages/${renewal.id}`), { name: 'x' })).status).toBe(404);
    expect((await admin.get(api('/lifecycle-stages/renewal'))).body.position).toBe(2);
  });
});

describe('stage overrides', () => {
  it('lets a CSM on the team set the stage by hand, then the conditions decide again on removal', async () => {
    const set = await csm.post(api(`/accounts/${ids.fresh}/stage-override`), {
      stage: 'advanced',
      reason: '客户已全面使用',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({
      kind: 'stage',
      value: 'advanced',
      expiresOn: null,
      userId: ws.users.csm.id,
    });
    const timeline = await admin.get(api(`/accounts/${ids.fresh}/timeline`));
    expect(timeline.body.items[0]).toMatchObject({
      type: 'stage.overridden',
      title: 'Lifecycle stage set by hand to Advanced: 客户已全面使用',
    });

    expect((await csm.delete(api(`/accounts/${ids.fresh}/stage-override`))).status).toBe(204);
    const history = await viewer.get(api(`/accounts/${ids.fresh}/stage-history`));
    expect(history.status).toBe(200);
    expect(
      history.body.items.map((h: { from: string; to: string; reason: string }) => [h.from, h.to, h.reason]),
    ).toEqual([
      ['advanced', 'onboarding', 'manual override removed'],
      [null, 'advanced', 'manual: 客户已全面使用'],
    ]);
    const audit = await admin.get(api(`/audit-log?entityId=${ids.fresh}`));
    expect(audit.body.items.slice(0, 2).map((a: { action: string }) => a.action)).toEqual([
      'stage_override.removed',
      'stage_override.set',
    ]);
  });

  it('refuses an unknown stage (400), a CSM off the team or a viewer (403), another workspace (404)', async () => {
    const unknown = await admin.post(api(`/accounts/${ids.live}/stage-override`), {
      stage: 'dormant',
      reason: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(issuePaths(unknown)).toEqual(['stage']);
    expect(unknown.body.error.message).toMatch(
      /Unknown stage "dormant": this workspace has churned, renewal/,
    );
    expect(
      (await csm.post(api(`/accounts/${ids.live}/stage-override`), { stage: 'renewal', reason: 'x' })).status,
    ).toBe(403);
    expect((await viewer.delete(api(`/accounts/${ids.fresh}/stage-override`))).status).toBe(403);
    const stranger = client(t.app, other.users.admin.token);
    for (const res of [
      await stranger.post(api(`/accounts/${ids.live}/stage-override`), { stage: 'renewal', reason: 'x' }),
      await stranger.delete(api(`/accounts/${ids.live}/stage-override`)),
      await stranger.get(api(`/accounts/${ids.live}/stage-history`)),
    ]) {
      expect(res.status).toBe(404);
    }
    expect((await admin.get(api(`/accounts/${ids.live}/stage-history`))).body.items).toEqual([]);
  });

  it('refuses to delete a stage an account holds by hand (409) until the override is gone', async () => {
    await admin.post(api(`/accounts/${ids.live}/stage-override`), {
      stage: 'expansion',
      reason: 'signed early',
    });
    const refused = await admin.delete(api('/lifecycle-stages/expansion'));
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual({ accountIds: [ids.live] });
    expect((await admin.delete(api(`/accounts/${ids.live}/stage-override`))).status).toBe(204);
    const history = (await admin.get(api(`/accounts/${ids.live}/stage-history`))).body.items;
    expect(history.map((h: { to: string }) => h.to)).toEqual(['advanced', 'expansion']);
    expect((await admin.delete(api('/lifecycle-stages/expansion'))).status).toBe(204);
  });
});
