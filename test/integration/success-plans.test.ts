// Success plans through the API: starter templates, a plan made from one, KPIs entered with a day
// (history kept) or read from a fact, progress and the plan facts, tasks from steps, and journey
// milestones recorded after a recompute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createContract } from '../../src/modules/accounts/index.ts';
import { recordMilestones } from '../../src/modules/plans/index.ts';
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
let accountId: string;
let T: string;
const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Plans A');
  other = await createTestWorkspace(t.deps, 'Plans B');
  admin = client(t.app, ws.users.admin.token);
  csm = client(t.app, ws.users.csm.token);
  viewer = client(t.app, ws.users.viewer.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const a = await createAccount({
    ctx: ws.ctx,
    input: {
      externalId: 'plan-1',
      name: '华东制造',
      licensedSeats: 50,
      goLiveDate: addDays(T, -100),
      ownerId: ws.users.csm.id,
    },
  });
  accountId = a.id;
  await createContract({
    ctx: ws.ctx,
    input: { accountId, startDate: addDays(T, -100), endDate: addDays(T, 265), amount: 120_000 },
  });
}, 60_000);
afterAll(async () => t.close());

describe('success plans', () => {
  it('seeds the onboarding, adoption and renewal templates in both languages', async () => {
    const en = await admin.get(api('/plan-templates'));
    expect(en.status, JSON.stringify(en.body)).toBe(200);
    expect(en.body.items.map((x: { key: string }) => x.key)).toEqual(
      ['adoption', 'onboarding', 'renewal'].sort(),
    );
    const onboarding = en.body.items.find((x: { key: string }) => x.key === 'onboarding');
    expect(onboarding.name).toBe('Onboarding plan');
    expect(onboarding.objectives[1]).toMatchObject({
      title: 'Basic setup done within 30 days',
      dueInDays: 30,
    });
    const zh = await client(t.app, ws.users.admin.token, { 'accept-language': 'zh-CN' }).get(
      api('/plan-templates'),
    );
    expect(zh.body.items.find((x: { key: string }) => x.key === 'onboarding').name).toBe('入职启用计划');
  });

  it('creates a plan from a template, records KPI values with their history, and shows progress', async () => {
    const templates = (await csm.get(api('/plan-templates'))).body.items;
    const adoption = templates.find((x: { key: string }) => x.key === 'adoption');
    const created = await csm.post(api(`/accounts/${accountId}/plans`), {
      templateId: adoption.id,
      startDate: addDays(T, -90),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const plan = created.body;
    expect(plan).toMatchObject({ name: 'Adoption plan', kind: 'adoption', status: 'active', accountId });
    expect(plan.objectives).toHaveLength(2);
    const value = plan.objectives[1];
    expect(value.dueDate).toBe(addDays(T, 90));
    expect(value.ownerId).toBe(ws.users.csm.id);
    const efficiency = value.kpis[0];
    expect(efficiency).toMatchObject({
      name: 'Workflow time saved',
      unit: '%',
      target: 30,
      source: 'manual',
    });
    expect(efficiency.current).toBeNull();

    await csm.post(api(`/plan-kpis/${efficiency.id}/values`), { value: 10, day: addDays(T, -30) });
    const second = await csm.post(api(`/plan-kpis/${efficiency.id}/values`), {
      value: 24,
      note: 'Q3 review',
    });
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    const kpi = second.body.objectives[1].kpis[0];
    expect(kpi.current).toBe(24);
    expect(kpi.currentDay).toBe(T);
    expect(kpi.progress).toBeCloseTo(0.8, 6);
    // Half of the 180 days have passed; 80% of the way is on track.
    expect(kpi.onTrack).toBe(true);
    expect(kpi.history.map((h: { value: number }) => h.value)).toEqual([10, 24]);

    // A KPI read from a fact refuses hand-entered values; an unknown fact is a 400 naming it.
    const habit = second.body.objectives[0].kpis[0];
    expect(habit).toMatchObject({ source: 'metric', metricFact: 'frequency_30d', current: 0 });
    const refused = await csm.post(api(`/plan-kpis/${habit.id}/values`), { value: 5 });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0].path).toBe('value');
    const bad = await csm.post(api(`/plan-objectives/${value.id}/kpis`), {
      name: 'x',
      target: 1,
      source: 'metric',
      metricFact: 'no_such_fact',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('no_such_fact');

    const facts = (await admin.get(api(`/accounts/${accountId}/facts`))).body;
    const f = facts.facts ?? facts;
    expect(f.active_plans).toBe(1);
    expect(f.plan_progress).toBeGreaterThan(0);
    expect(f.kpis_on_track).toBeGreaterThan(0);
    expect(f.kpis_on_track).toBeLessThanOrEqual(1);

    // Viewers read plans but may not change them; another workspace sees a 404.
    expect((await viewer.get(api(`/accounts/${accountId}/plans`))).body.items).toHaveLength(1);
    expect((await viewer.post(api(`/plan-kpis/${efficiency.id}/values`), { value: 1 })).status).toBe(403);
    const outsider = client(t.app, other.users.admin.token);
    expect(errorCode(await outsider.get(api(`/plans/${plan.id}`)))).toBe('not_found');
  });

  it('makes tasks from plan steps once, through the tasks module', async () => {
    const plans = (await csm.get(api(`/accounts/${accountId}/plans`))).body.items;
    const step = plans[0].objectives[0].steps[0];
    const first = await csm.post(api(`/plan-steps/${step.id}/task`));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.created).toBe(true);
    const again = await csm.post(api(`/plan-steps/${step.id}/task`));
    expect(again.body).toMatchObject({ taskId: first.body.taskId, created: false });
    const task = (await csm.get(api(`/tasks/${first.body.taskId}`))).body;
    expect(task).toMatchObject({
      accountId,
      type: 'adoption',
      assigneeId: ws.users.csm.id,
      title: 'Usage review',
    });
  });

  it('lists the journey milestones and records late ones on the timeline', async () => {
    const list = await admin.get(api('/milestones'));
    expect(list.body.items.map((m: { dueDay: number }) => m.dueDay)).toEqual([30, 90, 180, 365]);
    expect(list.body.items[1].conditionText).toBe('frequency_30d >= 12');
    const result = await recordMilestones(ws.ctx, T);
    // 100 days after go-live without usage: day 30 and day 90 are late.
    expect(result.late).toBe(2);
    expect((await recordMilestones(ws.ctx, T)).late).toBe(0);
    const mine = (await csm.get(api(`/accounts/${accountId}/milestones`))).body.items;
    expect(mine.map((m: { status: string }) => m.status)).toEqual(['late', 'late', 'upcoming', 'upcoming']);
    expect(mine[0]).toMatchObject({ dueDate: addDays(T, -70), lateOn: addDays(T, -69) });
    const timeline = (await csm.get(api(`/accounts/${accountId}/timeline`))).body.items;
    expect(
      timeline.some((e: { title: string }) =>
        e.title.startsWith('Milestone late: Basic setup done by day 30'),
      ),
    ).toBe(true);
    const f = (await admin.get(api(`/accounts/${accountId}/facts`))).body;
    const facts = f.facts ?? f;
    expect(facts.milestones_late).toBe(2);
    expect(facts['milestone.setup_30']).toBe('late');
    expect(facts.milestones_late_keys).toEqual(['setup_30', 'core_use_90']);
  });
});
