// The workspace's QBR settings through the API (GET/PUT /qbr/settings): the defaults are the
// mapping that was fixed in code, only an admin changes them, bad templates, tiers and costs are a
// 400 naming the field, and the QBR report then picks its template by the account's tier through
// them and values hours at their cost, unless the request names its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installDefaultScheme } from '../../src/modules/segments/index.ts';
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

const api = (path: string) => `/api/v1${path}`;
const DEFAULTS = {
  tierTemplates: { strategic: 'strategic', nurture: 'light' },
  defaultTemplate: 'standard',
  hourlyCost: null,
};
let t: TestApp;
let ws: TestWorkspace;
let admin: Client;
/** Accounts by their tier: growth, nurture, strategic, and one with no tier. */
const ids: Record<'growth' | 'nurture' | 'strategic' | 'none', string> = {
  growth: '',
  nurture: '',
  strategic: '',
  none: '',
};

/** The template the report's header names ("Strategic review", ...) and the hours' valuation line. */
async function report(id: string, query = '') {
  const res = await admin.get(api(`/accounts/${id}/reports/qbr?locale=en${query}`));
  expect(res.status).toBe(200);
  const html = res.body as string;
  const template = ['Strategic review', 'Standard review', 'Summary review'].filter((x) => html.includes(x));
  return { html, template };
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'QBR settings');
  admin = client(t.app, ws.users.admin.token);
  // The default scheme (strategic / growth / nurture): the tiers the settings may name.
  await installDefaultScheme(ws.ctx);
  const T = dayInZone(new Date(), ws.workspace.timeZone);
  for (const tier of Object.keys(ids) as (keyof typeof ids)[]) {
    const acc = await admin.post(api('/accounts'), { externalId: `QS-${tier}`, name: `QBR ${tier}` });
    expect(acc.status, JSON.stringify(acc.body)).toBe(201);
    ids[tier] = acc.body.id;
    if (tier === 'none') continue;
    const set = await admin.post(api(`/accounts/${acc.body.id}/tier-override`), {
      tier,
      reason: 'QBR settings test',
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  }
  // The growth account saves 200 hours a month on its baseline: 2,400 hours a year to value.
  const plan = await admin.post(api(`/accounts/${ids.growth}/plans`), {
    name: 'Efficiency plan',
    startDate: addDays(T, -60),
  });
  expect(plan.status, JSON.stringify(plan.body)).toBe(201);
  const ob = await admin.post(api(`/plans/${plan.body.id}/objectives`), { title: 'Less manual work' });
  expect(ob.status, JSON.stringify(ob.body)).toBe(201);
  const objectiveId = ob.body.objectives.at(-1).id;
  const kpi = await admin.post(api(`/plan-objectives/${objectiveId}/kpis`), {
    name: 'Manual work',
    unit: 'hours/month',
    direction: 'decrease',
    baseline: 800,
    target: 500,
  });
  expect(kpi.status, JSON.stringify(kpi.body)).toBe(201);
  const kpiId = kpi.body.objectives.at(-1).kpis.at(-1).id;
  const value = await admin.post(api(`/plan-kpis/${kpiId}/values`), { value: 600, day: addDays(T, -5) });
  expect(value.status, JSON.stringify(value.body)).toBe(201);
}, 60_000);
afterAll(async () => t?.close());

describe('QBR settings', () => {
  it('answers the built-in mapping and no hourly cost to every role before an admin saves', async () => {
    for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) {
      const res = await client(t.app, ws.users[role].token).get(api('/qbr/settings'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual(DEFAULTS);
    }
  });

  it('picks the report templates by tier exactly as the fixed mapping did, hours not valued', async () => {
    expect((await report(ids.strategic)).template).toEqual(['Strategic review']);
    expect((await report(ids.growth)).template).toEqual(['Standard review']);
    expect((await report(ids.nurture)).template).toEqual(['Summary review']);
    expect((await report(ids.none)).template).toEqual(['Standard review']);
    const { html } = await report(ids.growth);
    expect(html).toContain('Manual work: 800 → 600 (hours/month), +200 × 12 (a year) = 2,400 hours');
    expect(html).toContain('no hourly cost was given');
  });

  it('refuses a manager, a CSM and a viewer with 403 in the error shape, changing nothing', async () => {
    const body = { tierTemplates: { growth: 'strategic' }, defaultTemplate: 'light', hourlyCost: 10 };
    for (const role of ['manager', 'csm', 'viewer'] as const) {
      const res = await client(t.app, ws.users[role].token).put(api('/qbr/settings'), body);
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
    }
    expect((await admin.get(api('/qbr/settings'))).body).toEqual(DEFAULTS);
  });

  it('answers unknown templates and tiers and non-positive costs with 400 naming the field', async () => {
    const good = { tierTemplates: { growth: 'strategic' }, defaultTemplate: 'standard', hourlyCost: 150 };
    const issue = async (body: unknown, locale = 'en') => {
      const res = await client(t.app, ws.users.admin.token, { 'accept-language': locale }).put(
        api('/qbr/settings'),
        body,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      return res.body.error.details.issues[0] as { path: string; message: string };
    };
    expect((await issue({ ...good, tierTemplates: { growth: 'premium' } })).path).toBe(
      'tierTemplates.growth',
    );
    expect((await issue({ ...good, defaultTemplate: 'full' })).path).toBe('defaultTemplate');
    expect((await issue({ ...good, hourlyCost: 0 })).path).toBe('hourlyCost');
    expect((await issue({ ...good, hourlyCost: -20 })).path).toBe('hourlyCost');
    expect((await issue({ tierTemplates: {}, defaultTemplate: 'standard' })).path).toBe('hourlyCost');
    // A tier the active scheme does not assign: named, with the tiers it does.
    const tier = await issue({ ...good, tierTemplates: { growth: 'light', enterprise: 'strategic' } });
    expect(tier).toEqual({
      path: 'tierTemplates.enterprise',
      message:
        'Unknown tier "enterprise": the active scheme strategic_growth_nurture assigns strategic, growth, nurture',
    });
    const zh = await issue({ ...good, tierTemplates: { enterprise: 'strategic' } }, 'zh-CN');
    expect(zh.path).toBe('tierTemplates.enterprise');
    expect(zh.message).toContain('未知分层“enterprise”');
    expect((await admin.get(api('/qbr/settings'))).body).toEqual(DEFAULTS);
  });

  it('lets an admin replace them, audited, and the report then follows them', async () => {
    const settings = {
      tierTemplates: { growth: 'strategic', strategic: 'standard' },
      defaultTemplate: 'light',
      hourlyCost: 150,
    };
    const put = await admin.put(api('/qbr/settings'), settings);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toEqual(settings);
    expect((await client(t.app, ws.users.viewer.token).get(api('/qbr/settings'))).body).toEqual(settings);
    const audit = await admin.get(api('/audit-log?action=qbr_settings.updated'));
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actorId: ws.users.admin.id, entityType: 'qbr_settings' });

    expect((await report(ids.growth)).template).toEqual(['Strategic review']);
    expect((await report(ids.strategic)).template).toEqual(['Standard review']);
    // nurture is no longer listed, and an account with no tier: the default, light.
    expect((await report(ids.nurture)).template).toEqual(['Summary review']);
    expect((await report(ids.none)).template).toEqual(['Summary review']);
    const { html } = await report(ids.growth);
    expect(html).toContain('= 2,400 hours × CN¥150 an hour = CN¥360,000');
    expect(html).not.toContain('no hourly cost was given');
  });

  it('still lets a request name its own template and hourly cost', async () => {
    const own = await report(ids.growth, '&template=light&hourlyCost=100');
    expect(own.template).toEqual(['Summary review']);
    expect(own.html).toContain('= 2,400 hours × CN¥100 an hour = CN¥240,000');
  });

  it('keeps each workspace’s settings to itself and clears the cost with null', async () => {
    const other = await createTestWorkspace(t.deps, 'QBR settings B');
    expect((await client(t.app, other.users.admin.token).get(api('/qbr/settings'))).body).toEqual(DEFAULTS);
    const cleared = await admin.put(api('/qbr/settings'), { ...DEFAULTS, hourlyCost: null });
    expect(cleared.status).toBe(200);
    expect((await report(ids.growth)).html).toContain('no hourly cost was given');
    expect((await report(ids.nurture)).template).toEqual(['Summary review']);
  });
});
