// The facts buildFacts composes from its providers (accounts, metrics, timeline), on a seeded
// workspace that gives every provider something to read: the whole records equal the values the
// single buildFacts of before the providers gave for the same seed, whether built for every
// account, for a few, or with the metric scans split over two connections. And a fact as of a past
// day reads nothing dated after that day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Ctx, systemCtx } from '../../src/context.ts';
import {
  createAccount,
  createContract,
  createCustomField,
  updateContract,
} from '../../src/modules/accounts/index.ts';
import { FAMILY_FACT_KEYS } from '../../src/modules/facts/family-facts.ts';
import {
  buildFacts,
  type Facts,
  keepPopulations,
  loadCatalogue,
  type Populations,
} from '../../src/modules/facts/index.ts';
import { type CreateMetric, createFeature, createMetric } from '../../src/modules/metrics/index.ts';
import { addNote } from '../../src/modules/timeline/index.ts';
import { createWorkspace, toRef } from '../../src/modules/workspaces/index.ts';
import { addDays, dayInZone } from '../../src/time.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

let t: TestApp;
const DAY = '2026-06-30';
const d = (n: number) => addDays(DAY, n);
/** An instant in the workspace's zone (Asia/Shanghai, +08:00). */
const local = (n: number, time: string) => `${d(n)}T${time}+08:00`;

type Seeded = { ws: TestWorkspace; ids: Record<string, string>; metricIds: Record<string, string> };

/**
 * Six accounts over the contract cases (active with a successor, renewed, upcoming only, churned,
 * ended, none), six custom fields of every type, one metric per aggregation, three features, rollups
 * in every window and notes; nothing dated after DAY.
 */
async function seed(name: string): Promise<Seeded> {
  const ws = await createTestWorkspace(t.deps, name);
  const { ctx } = ws;
  const fields: Parameters<typeof createCustomField>[0]['input'][] = [
    { key: 'code', label: 'Code', type: 'text' },
    { key: 'employees', label: 'Employees', type: 'number' },
    { key: 'signed_on', label: 'Signed on', type: 'date' },
    { key: 'vip', label: 'VIP', type: 'boolean' },
    { key: 'plan', label: 'Plan', type: 'single_select', options: ['basic', 'pro'] },
    { key: 'modules', label: 'Modules', type: 'multi_select', options: ['crm', 'bi'] },
  ];
  for (const input of fields) await createCustomField({ ctx, input });
  const ids: Record<string, string> = {};
  const account = async (key: string, input: Record<string, unknown> = {}) => {
    ids[key] = (
      await createAccount({ ctx, input: { name: key, externalId: key.toUpperCase(), ...input } })
    ).id;
  };
  await account('alpha', {
    region: '华东',
    industry: 'SaaS',
    productLines: ['crm', 'bi'],
    tags: ['vip', 'pilot'],
    ownerId: ws.users.csm.id,
    licensedSeats: 8,
    goLiveDate: d(-45),
    customFields: {
      code: 'A-1',
      employees: 120,
      signed_on: d(-50),
      vip: true,
      plan: 'pro',
      modules: ['crm'],
    },
  });
  await account('beta', { parentId: ids.alpha, licensedSeats: 0, customFields: { plan: 'basic' } });
  await account('gamma', { goLiveDate: d(10), region: '华南' });
  await account('delta', { goLiveDate: d(-400), licensedSeats: 3 });
  await account('epsilon', { goLiveDate: d(-30) });
  await account('zeta');
  const contract = (accountId: string, input: Record<string, unknown>) =>
    createContract({ ctx, input: { accountId, ...input } as Parameters<typeof createContract>[0]['input'] });
  // alpha: in force, and its successor already signed (renewal confirmed).
  const a1 = await contract(ids.alpha!, { startDate: d(-100), endDate: d(264), amount: 120_000 });
  await contract(ids.alpha!, {
    startDate: d(265),
    endDate: d(629),
    amount: 150_000,
    renewsContractId: a1.id,
  });
  // beta: its only contract churned.
  await contract(ids.beta!, { startDate: d(-500), endDate: d(-136), amount: 30_000, status: 'churned' });
  // gamma: only a contract that starts later.
  await contract(ids.gamma!, { startDate: d(10), endDate: d(374), amount: 50_000 });
  // delta: the contract in force renews an earlier one; billed monthly, no end date.
  const d1 = await contract(ids.delta!, { startDate: d(-400), endDate: d(-35), amount: 48_000 });
  await contract(ids.delta!, {
    startDate: d(-34),
    amount: 5_000,
    billingPeriod: 'monthly',
    renewsContractId: d1.id,
  });
  // epsilon: ended without a renewal.
  await contract(ids.epsilon!, { startDate: d(-375), endDate: d(-11), amount: 20_000 });

  const metricIds: Record<string, string> = {};
  const metrics: CreateMetric[] = [
    { key: 'runs', name: 'Runs', eventNames: ['Run'], aggregation: 'count', behaviour: 'value' },
    { key: 'people', name: 'People', eventNames: ['Run'], aggregation: 'distinct_users' },
    { key: 'spend', name: 'Spend', eventNames: ['Pay'], aggregation: 'sum', valueProperty: 'amount' },
    { key: 'peak', name: 'Peak', eventNames: ['Load'], aggregation: 'max', valueProperty: 'n' },
  ];
  for (const input of metrics) metricIds[input.key] = (await createMetric({ ctx, input })).id;
  const features = [];
  for (const key of ['reports', 'export', 'share']) {
    features.push((await createFeature({ ctx, input: { key, name: key, eventNames: [key] } })).id);
  }
  await insertUsage(ctx, ids, metricIds, [
    ['alpha', 'runs', 0, 5],
    ['alpha', 'runs', -3, 2],
    ['alpha', 'runs', -8, 4],
    ['alpha', 'runs', -20, 1],
    ['alpha', 'runs', -40, 6],
    ['alpha', 'runs', -70, 3],
    ['alpha', 'runs', -366, 2],
    ['beta', 'runs', -1, 3],
    ['beta', 'runs', -9, 3],
    ['delta', 'runs', -50, 9],
    ['alpha', 'spend', -1, 12.5],
    ['alpha', 'spend', -9, 10],
    ['alpha', 'spend', -33, 2.5],
    ['delta', 'spend', -2, 40],
    ['alpha', 'peak', 0, 7],
    ['alpha', 'peak', -12, 9],
    ['alpha', 'peak', -45, 4],
    ['gamma', 'peak', -2, 3],
    ['gamma', 'peak', -31, 3],
  ]);
  await insertUserDays(ctx, ids, metricIds.people!, [
    ['alpha', 0, 'u1'],
    ['alpha', -2, 'u2'],
    ['alpha', -10, 'u1'],
    ['alpha', -35, 'u3'],
    ['beta', -5, 'u9'],
    ['delta', -6, 'u4'],
    ['delta', -8, 'u5'],
  ]);
  await insertActivity(ctx, ids, features, {
    users: [
      ['alpha', 0, 'u1'],
      ['alpha', -3, 'u2'],
      ['alpha', -20, 'u3'],
      ['alpha', -25, 'u1'],
      ['alpha', -31, 'u4'],
      ['beta', -10, 'u9'],
      ['delta', -6, 'u4'],
    ],
    features: [
      ['alpha', 0, 0],
      ['alpha', -15, 1],
      ['alpha', -31, 2],
      ['beta', -2, 0],
      ['delta', -6, 0],
      ['delta', -7, 1],
      ['delta', -8, 2],
    ],
  });
  await addNote({
    ctx,
    accountId: ids.alpha!,
    input: { type: 'note', body: 'QBR prep', occurredAt: local(-3, '10:00:00') },
  });
  await addNote({
    ctx,
    accountId: ids.alpha!,
    input: { type: 'call', body: 'Check-in', occurredAt: local(-1, '23:30:00') },
  });
  await addNote({
    ctx,
    accountId: ids.beta!,
    input: { type: 'meeting', body: 'Kick-off', occurredAt: local(-10, '09:00:00') },
  });
  await addNote({
    ctx,
    accountId: ids.delta!,
    input: { type: 'email', body: 'Renewal', occurredAt: local(0, '07:00:00') },
  });
  return { ws, ids, metricIds };
}

async function insertUsage(
  ctx: Ctx,
  ids: Record<string, string>,
  metricIds: Record<string, string>,
  rows: [account: string, metric: string, day: number, value: number][],
) {
  await ctx.db
    .insertInto('metric_daily')
    .values(
      rows.map(([a, m, day, value]) => ({
        workspace_id: ctx.workspace.id,
        metric_id: metricIds[m]!,
        account_id: ids[a]!,
        day: d(day),
        value,
      })),
    )
    .execute();
}

async function insertUserDays(
  ctx: Ctx,
  ids: Record<string, string>,
  metricId: string,
  rows: [account: string, day: number, user: string][],
) {
  await ctx.db
    .insertInto('metric_user_days')
    .values(
      rows.map(([a, day, user]) => ({
        workspace_id: ctx.workspace.id,
        metric_id: metricId,
        account_id: ids[a]!,
        day: d(day),
        user_key: user,
      })),
    )
    .execute();
}

async function insertActivity(
  ctx: Ctx,
  ids: Record<string, string>,
  features: string[],
  rows: {
    users: [account: string, day: number, user: string][];
    features: [account: string, day: number, feature: number][];
  },
) {
  await ctx.db
    .insertInto('account_user_daily')
    .values(
      rows.users.map(([a, day, user]) => ({
        workspace_id: ctx.workspace.id,
        account_id: ids[a]!,
        day: d(day),
        user_key: user,
        events: 1,
      })),
    )
    .execute();
  await ctx.db
    .insertInto('account_feature_daily')
    .values(
      rows.features.map(([a, day, f]) => ({
        workspace_id: ctx.workspace.id,
        account_id: ids[a]!,
        day: d(day),
        feature_id: features[f]!,
        events: 1,
      })),
    )
    .execute();
}

const METRIC_FACTS = [
  'total_7d',
  'total_30d',
  'total_90d',
  'wow',
  'mom',
  'last30_vs_prior30',
  'yoy',
  'percentile',
];
type Usage = (number | null)[];
type Expected = {
  facts: Facts;
  custom: Facts;
  peak: Usage;
  people: Usage;
  runs: Usage;
  spend: Usage;
};

/**
 * What buildFacts gave for this seed before it was split into providers (each window, change and
 * rank can be worked out by hand from the rows above: alpha's runs over the last 7 days are the 5
 * of DAY and the 2 of DAY-3; the 4 of DAY-8 is the 7 before, so wow is 0.75). owner_id and
 * parent_id are filled in per workspace.
 */
const EXPECTED: Record<string, Expected> = {
  alpha: {
    facts: {
      external_id: 'ALPHA',
      name: 'alpha',
      region: '华东',
      industry: 'SaaS',
      product_lines: ['crm', 'bi'],
      tags: ['vip', 'pilot'],
      owner_id: 'csm',
      parent_id: null,
      licensed_seats: 8,
      go_live_date: '2026-05-16',
      days_since_go_live: 45,
      months_since_go_live: 1,
      arr: 120000,
      mrr: 10000,
      renewal_date: '2027-03-21',
      days_to_renewal: 264,
      contract_status: 'active',
      renewal_confirmed: true,
      days_since_renewal: null,
      is_churned: false,
      active_users_7d: 2,
      active_users_30d: 3,
      breadth: 0.375,
      features_used_30d: 2,
      depth: 2 / 3,
      days_since_last_touch: 1,
      tickets_open: 0,
      tickets_30d: 0,
      tickets_90d: 0,
      ticket_resolution_hours_90d: null,
      ticket_escalations_90d: 0,
      ticket_satisfaction_90d: null,
      nps: null,
      nps_trend: null,
      csat_90d: null,
      churn_risk: null,
      churn_risk_drivers: [],
    },
    custom: {
      code: 'A-1',
      employees: 120,
      modules: ['crm'],
      plan: 'pro',
      signed_on: '2026-05-11',
      vip: true,
    },
    peak: [7, 9, 9, -2 / 9, 1.25, 1.25, null, 100],
    people: [2, 2, 3, 1, 1, 1, null, 90],
    runs: [7, 12, 21, 0.75, 1, 1, 5, 100],
    spend: [12.5, 22.5, 25, 0.25, 8, 8, null, 80],
  },
  beta: {
    facts: {
      external_id: 'BETA',
      name: 'beta',
      region: null,
      industry: null,
      product_lines: [],
      tags: [],
      owner_id: null,
      parent_id: 'alpha',
      licensed_seats: 0,
      go_live_date: null,
      days_since_go_live: null,
      months_since_go_live: null,
      arr: 0,
      mrr: 0,
      renewal_date: null,
      days_to_renewal: null,
      contract_status: 'churned',
      renewal_confirmed: false,
      days_since_renewal: null,
      is_churned: true,
      active_users_7d: 0,
      active_users_30d: 1,
      breadth: null,
      features_used_30d: 1,
      depth: 1 / 3,
      days_since_last_touch: 10,
      tickets_open: 0,
      tickets_30d: 0,
      tickets_90d: 0,
      ticket_resolution_hours_90d: null,
      ticket_escalations_90d: 0,
      ticket_satisfaction_90d: null,
      nps: null,
      nps_trend: null,
      csat_90d: null,
      churn_risk: null,
      churn_risk_drivers: [],
    },
    custom: { plan: 'basic' },
    peak: [0, 0, 0, null, null, null, null, 30],
    people: [1, 1, 1, null, null, null, null, 60],
    runs: [3, 6, 6, 0, null, null, null, 80],
    spend: [0, 0, 0, null, null, null, null, 30],
  },
  gamma: {
    facts: {
      external_id: 'GAMMA',
      name: 'gamma',
      region: '华南',
      industry: null,
      product_lines: [],
      tags: [],
      owner_id: null,
      parent_id: null,
      licensed_seats: null,
      go_live_date: '2026-07-10',
      days_since_go_live: -10,
      months_since_go_live: -1,
      arr: 0,
      mrr: 0,
      renewal_date: null,
      days_to_renewal: null,
      contract_status: 'upcoming',
      renewal_confirmed: false,
      days_since_renewal: null,
      is_churned: false,
      active_users_7d: 0,
      active_users_30d: 0,
      breadth: null,
      features_used_30d: 0,
      depth: 0,
      days_since_last_touch: null,
      tickets_open: 0,
      tickets_30d: 0,
      tickets_90d: 0,
      ticket_resolution_hours_90d: null,
      ticket_escalations_90d: 0,
      ticket_satisfaction_90d: null,
      nps: null,
      nps_trend: null,
      csat_90d: null,
      churn_risk: null,
      churn_risk_drivers: [],
    },
    custom: {},
    peak: [3, 3, 3, null, 0, 0, null, 80],
    people: [0, 0, 0, null, null, null, null, 20],
    runs: [0, 0, 0, null, null, null, null, 30],
    spend: [0, 0, 0, null, null, null, null, 30],
  },
  delta: {
    facts: {
      external_id: 'DELTA',
      name: 'delta',
      region: null,
      industry: null,
      product_lines: [],
      tags: [],
      owner_id: null,
      parent_id: null,
      licensed_seats: 3,
      go_live_date: '2025-05-26',
      days_since_go_live: 400,
      months_since_go_live: 13,
      arr: 60000,
      mrr: 5000,
      renewal_date: null,
      days_to_renewal: null,
      contract_status: 'active',
      renewal_confirmed: false,
      days_since_renewal: 34,
      is_churned: false,
      active_users_7d: 1,
      active_users_30d: 1,
      breadth: 1 / 3,
      features_used_30d: 3,
      depth: 1,
      days_since_last_touch: 0,
      tickets_open: 0,
      tickets_30d: 0,
      tickets_90d: 0,
      ticket_resolution_hours_90d: null,
      ticket_escalations_90d: 0,
      ticket_satisfaction_90d: null,
      nps: null,
      nps_trend: null,
      csat_90d: null,
      churn_risk: null,
      churn_risk_drivers: [],
    },
    custom: {},
    peak: [0, 0, 0, null, null, null, null, 30],
    people: [1, 2, 2, 0, null, null, null, 90],
    runs: [0, 0, 9, null, -1, -1, null, 30],
    spend: [40, 40, 40, null, null, null, null, 100],
  },
  epsilon: {
    facts: {
      external_id: 'EPSILON',
      name: 'epsilon',
      region: null,
      industry: null,
      product_lines: [],
      tags: [],
      owner_id: null,
      parent_id: null,
      licensed_seats: null,
      go_live_date: '2026-05-31',
      days_since_go_live: 30,
      months_since_go_live: 0,
      arr: 0,
      mrr: 0,
      renewal_date: null,
      days_to_renewal: null,
      contract_status: 'ended',
      renewal_confirmed: false,
      days_since_renewal: null,
      is_churned: true,
      active_users_7d: 0,
      active_users_30d: 0,
      breadth: null,
      features_used_30d: 0,
      depth: 0,
      days_since_last_touch: null,
      tickets_open: 0,
      tickets_30d: 0,
      tickets_90d: 0,
      ticket_resolution_hours_90d: null,
      ticket_escalations_90d: 0,
      ticket_satisfaction_90d: null,
      nps: null,
      nps_trend: null,
      csat_90d: null,
      churn_risk: null,
      churn_risk_drivers: [],
    },
    custom: {},
    peak: [0, 0, 0, null, null, null, null, 30],
    people: [0, 0, 0, null, null, null, null, 20],
    runs: [0, 0, 0, null, null, null, null, 30],
    spend: [0, 0, 0, null, null, null, null, 30],
  },
  zeta: {
    facts: {
      external_id: 'ZETA',
      name: 'zeta',
      region: null,
      industry: null,
      product_lines: [],
      tags: [],
      owner_id: null,
      parent_id: null,
      licensed_seats: null,
      go_live_date: null,
      days_since_go_live: null,
      months_since_go_live: null,
      arr: 0,
      mrr: 0,
      renewal_date: null,
      days_to_renewal: null,
      contract_status: 'none',
      renewal_confirmed: false,
      days_since_renewal: null,
      is_churned: false,
      active_users_7d: 0,
      active_users_30d: 0,
      breadth: null,
      features_used_30d: 0,
      depth: 0,
      days_since_last_touch: null,
      tickets_open: 0,
      tickets_30d: 0,
      tickets_90d: 0,
      ticket_resolution_hours_90d: null,
      ticket_escalations_90d: 0,
      ticket_satisfaction_90d: null,
      nps: null,
      nps_trend: null,
      csat_90d: null,
      churn_risk: null,
      churn_risk_drivers: [],
    },
    custom: {},
    peak: [0, 0, 0, null, null, null, null, 30],
    people: [0, 0, 0, null, null, null, null, 20],
    runs: [0, 0, 0, null, null, null, null, 30],
    spend: [0, 0, 0, null, null, null, null, 30],
  },
};

/** The full record an account should have: every key of the catalogue but the state facts. */
function expectedRecord({ ws, ids }: Seeded, name: string): Facts {
  const e = EXPECTED[name]!;
  const record: Facts = {
    ...e.facts,
    owner_id: e.facts.owner_id === 'csm' ? ws.users.csm.id : null,
    parent_id: e.facts.parent_id === null ? null : ids[e.facts.parent_id as string],
  };
  for (const key of ['code', 'employees', 'modules', 'plan', 'signed_on', 'vip']) {
    record[`cf.${key}`] = e.custom[key] ?? null;
  }
  for (const metric of ['peak', 'people', 'runs', 'spend'] as const) {
    METRIC_FACTS.forEach((fact, i) => {
      record[`metrics.${metric}.${fact}`] = e[metric][i];
    });
  }
  return record;
}

function expectFixture(s: Seeded, facts: Map<string, Facts>, names: readonly string[]) {
  expect(facts.size).toBe(names.length);
  for (const name of names) {
    const expected = expectedRecord(s, name);
    const got = facts.get(s.ids[name]!)!;
    // The fixture's providers' facts exactly; the value-realisation providers' (RFM, requests,
    // expansion, plans, milestones) have their own tests (success-plans, expansion-families).
    const own = Object.fromEntries(
      Object.keys(got)
        .filter((k) => !VALUE_FACT.test(k))
        .map((k) => [k, got[k]]),
    );
    expect(own, name).toEqual(expected);
  }
}

const VALUE_FACT =
  /^(recency_days|frequency_30d|rfm_[rfm]|rfm_segment|usage_growth_30d|requests_shipped_30d|opportunities_.*|expansion_signals|plan_progress|kpis_on_track|active_plans|milestones?[._].*)$/;
const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
/** The state facts come from the stored state (loadStateFacts), not from buildFacts. */
const STATE_FACTS = [
  'health.score',
  'health.status',
  'health.trend_7d',
  'health.trend_30d',
  'health.sentiment',
  'tier',
  'stage',
  'days_in_stage',
  'segments',
];

let seeded: Seeded;
beforeAll(async () => {
  t = await createTestApp();
  seeded = await seed('Facts providers');
});
afterAll(() => t.close());

describe('facts composed from the providers', () => {
  it("builds every account's facts as the single buildFacts did", async () => {
    expectFixture(seeded, await buildFacts(seeded.ws.ctx, null, DAY), NAMES);
  });

  it("builds a few accounts' facts the same, ranking them among the whole workspace", async () => {
    const { ids } = seeded;
    const facts = await buildFacts(seeded.ws.ctx, [ids.gamma!, ids.alpha!, 'no-such-account'], DAY);
    expectFixture(seeded, facts, ['gamma', 'alpha']);
  });

  it('ranks a few accounts against the values a whole build kept for the day, as the whole build does', async () => {
    const { ids, ws } = seeded;
    const populations: Populations = new Map();
    const whole = await buildFacts(ws.ctx, null, DAY, { populations });
    expect([...populations.keys()]).toEqual(
      expect.arrayContaining(['metrics.runs.last30', 'rfm.recency', 'rfm.frequency', 'rfm.monetary']),
    );
    const ranked = (f: Facts) =>
      Object.fromEntries(Object.entries(f).filter(([k]) => /\.percentile$|^rfm_/.test(k)));
    try {
      await keepPopulations(ws.ctx, DAY, populations);
      const few = await buildFacts(ws.ctx, [ids.gamma!, ids.alpha!], DAY);
      for (const id of [ids.gamma!, ids.alpha!]) expect(ranked(few.get(id)!)).toEqual(ranked(whole.get(id)!));
      // The kept values are what it ranks among: where every account used nothing, any use ranks top.
      const used = NAMES.map((n) => ids[n]!).find((id) => {
        const f = whole.get(id)!;
        return Number(f['metrics.runs.total_30d']) > 0 && Number(f['metrics.runs.percentile']) < 100;
      })!;
      expect(used).toBeDefined();
      const nothing = new Map([...populations].map(([k, v]) => [k, new Float64Array(v.length)]));
      await keepPopulations(ws.ctx, DAY, nothing);
      expect((await buildFacts(ws.ctx, [used], DAY)).get(used)!['metrics.runs.percentile']).toBe(100);
      // Another day's kept values are not used: that build reads the workspace.
      const before = (await buildFacts(ws.ctx, [ids.alpha!], d(-1))).get(ids.alpha!)!;
      expect(ranked(before)).toEqual(ranked((await buildFacts(ws.ctx, null, d(-1))).get(ids.alpha!)!));
    } finally {
      await ws.ctx.db
        .deleteFrom('fact_populations')
        .where('workspace_id', '=', ws.ctx.workspace.id)
        .execute();
    }
  });

  it('builds only what the named facts need, with the same values for them', async () => {
    const { ids, ws } = seeded;
    const full = (await buildFacts(ws.ctx, [ids.alpha!], DAY)).get(ids.alpha!)!;
    // A KPI's read: the metric provider's windows, no rank among every account, no later provider.
    const kpi = (await buildFacts(ws.ctx, [ids.alpha!], DAY, { only: ['metrics.runs.total_30d'] })).get(
      ids.alpha!,
    )!;
    expect(kpi['metrics.runs.total_30d']).toBe(full['metrics.runs.total_30d']);
    expect(kpi['metrics.runs.mom']).toBe(full['metrics.runs.mom']);
    expect(kpi.arr).toBe(full.arr);
    expect(kpi['metrics.runs.percentile']).toBeNull();
    expect(full['metrics.runs.percentile']).not.toBeNull();
    expect(kpi.days_since_last_touch).toBeNull();
    expect(kpi.frequency_30d).toBeNull();
    // A rank named is a rank among the whole workspace, as in the full build.
    const ranked = (
      await buildFacts(ws.ctx, [ids.alpha!], DAY, { only: ['metrics.runs.percentile', 'rfm_f'] })
    ).get(ids.alpha!)!;
    expect(ranked['metrics.runs.percentile']).toBe(full['metrics.runs.percentile']);
    expect(ranked.rfm_f).toBe(full.rfm_f);
    expect(ranked.frequency_30d).toBe(full.frequency_30d);
    // Facts of two providers (a success plan's KPIs): neither ranks, the providers between are skipped.
    const two = (
      await buildFacts(ws.ctx, [ids.alpha!], DAY, { only: ['metrics.runs.total_30d', 'frequency_30d'] })
    ).get(ids.alpha!)!;
    expect(two['metrics.runs.total_30d']).toBe(full['metrics.runs.total_30d']);
    expect(two.frequency_30d).toBe(full.frequency_30d);
    expect(two['metrics.runs.percentile']).toBeNull();
    expect(two.days_since_last_touch).toBeNull();
    // A fact made from every fact before it (the churn model's) builds them all.
    const risk = (await buildFacts(ws.ctx, [ids.alpha!], DAY, { only: ['churn_risk'] })).get(ids.alpha!)!;
    expect(risk['metrics.runs.percentile']).toBe(full['metrics.runs.percentile']);
    expect(risk.days_since_last_touch).toBe(full.days_since_last_touch);
    // Frequency without its score: the same count, no score.
    const frequency = (await buildFacts(ws.ctx, [ids.alpha!], DAY, { only: ['frequency_30d'] })).get(
      ids.alpha!,
    )!;
    expect(frequency.frequency_30d).toBe(full.frequency_30d);
    expect(frequency.rfm_f).toBeNull();
  });

  it('builds the same facts with the metric scans split over two connections', async () => {
    expectFixture(seeded, await buildFacts(seeded.ws.ctx, null, DAY, { parallelScansFrom: 0 }), NAMES);
  });

  it('lists in the catalogue every key a record has, and the state facts', async () => {
    const catalogue = (await loadCatalogue(seeded.ws.ctx)).map((f) => f.key);
    expect(catalogue).toEqual([
      'external_id',
      'name',
      'region',
      'industry',
      'product_lines',
      'tags',
      'owner_id',
      'parent_id',
      'licensed_seats',
      'go_live_date',
      'days_since_go_live',
      'months_since_go_live',
      'arr',
      'mrr',
      'renewal_date',
      'days_to_renewal',
      'contract_status',
      'renewal_confirmed',
      'days_since_renewal',
      'is_churned',
      'active_users_7d',
      'active_users_30d',
      'breadth',
      'features_used_30d',
      'depth',
      'days_since_last_touch',
      'tickets_open',
      'tickets_30d',
      'tickets_90d',
      'ticket_resolution_hours_90d',
      'ticket_escalations_90d',
      'ticket_satisfaction_90d',
      'nps',
      'nps_trend',
      'csat_90d',
      'churn_risk',
      'churn_risk_drivers',
      'recency_days',
      'frequency_30d',
      'rfm_r',
      'rfm_f',
      'rfm_m',
      'usage_growth_30d',
      'rfm_segment',
      'requests_shipped_30d',
      'opportunities_open',
      'opportunities_open_amount',
      'opportunities_won',
      'expansion_signals',
      'plan_progress',
      'kpis_on_track',
      'active_plans',
      'milestones_achieved',
      'milestones_late',
      'milestones_late_keys',
      ...STATE_FACTS,
      ...FAMILY_FACT_KEYS,
      'cf.code',
      'cf.employees',
      'cf.modules',
      'cf.plan',
      'cf.signed_on',
      'cf.vip',
      ...['peak', 'people', 'runs', 'spend'].flatMap((m) => METRIC_FACTS.map((f) => `metrics.${m}.${f}`)),
      'milestone.setup_30',
      'milestone.core_use_90',
      'milestone.goals_180',
      'milestone.expansion_365',
      ...['peak', 'people', 'runs', 'spend'].map((m) => `family.metrics.${m}.total_30d`),
    ]);
    const record = (await buildFacts(seeded.ws.ctx, [seeded.ids.alpha!], DAY)).get(seeded.ids.alpha!)!;
    const derived = (k: string) => STATE_FACTS.includes(k) || k.startsWith('family.');
    expect(Object.keys(record).sort()).toEqual(catalogue.filter((k) => !derived(k)).sort());
  });
});

describe('facts as of a past day', () => {
  it('read nothing dated after the day: rollups, user and feature days, notes, contracts starting later', async () => {
    const s = await seed('Facts as of a day');
    const { ctx } = s.ws;
    const { ids, metricIds } = s;
    const before = await buildFacts(ctx, null, DAY);
    await insertUsage(ctx, ids, metricIds, [
      ['alpha', 'runs', 1, 100],
      ['zeta', 'runs', 1, 100],
      ['gamma', 'peak', 2, 50],
    ]);
    await insertUserDays(ctx, ids, metricIds.people!, [['alpha', 1, 'u8']]);
    const shared = await ctx.db
      .selectFrom('features')
      .select('id')
      .where('workspace_id', '=', ctx.workspace.id)
      .execute();
    await insertActivity(
      ctx,
      ids,
      shared.map((f) => f.id),
      {
        users: [
          ['alpha', 1, 'u5'],
          ['epsilon', 1, 'u6'],
        ],
        features: [['epsilon', 1, 0]],
      },
    );
    // 03:00 on the next day in Shanghai is still the day in UTC (19:00Z): a UTC bound read it.
    await addNote({
      ctx,
      accountId: ids.epsilon!,
      input: { type: 'call', body: 'Early call', occurredAt: local(1, '03:00:00') },
    });
    await addNote({
      ctx,
      accountId: ids.alpha!,
      input: { type: 'note', body: 'At midnight', occurredAt: local(1, '00:00:00') },
    });
    await createContract({
      ctx,
      input: { accountId: ids.alpha!, startDate: d(1), endDate: d(365), amount: 1_000_000 },
    });

    const after = await buildFacts(ctx, null, DAY);
    for (const name of NAMES) expect(after.get(ids[name]!), name).toEqual(before.get(ids[name]!));
    expect(after.get(ids.epsilon!)!.days_since_last_touch).toBeNull();

    // The next day reads them all.
    const next = await buildFacts(ctx, null, d(1));
    expect(next.get(ids.alpha!)).toMatchObject({
      'metrics.runs.total_7d': 5 + 2 + 100,
      'metrics.people.total_7d': 3,
      active_users_7d: 3,
      arr: 1_120_000,
      days_since_last_touch: 0,
    });
    expect(next.get(ids.zeta!)!['metrics.runs.total_7d']).toBe(100);
    expect(next.get(ids.epsilon!)).toMatchObject({
      active_users_7d: 1,
      features_used_30d: 1,
      days_since_last_touch: 0,
    });
  });

  it('see a contract marked churned after the day as in force on it (the mark is not known yet)', async () => {
    const { ctx } = await createTestWorkspace(t.deps, 'Facts before a churn mark');
    const account = await createAccount({ ctx, input: { name: 'Churns later', externalId: 'LATER' } });
    const contract = await createContract({
      ctx,
      input: { accountId: account.id, startDate: d(-100), endDate: d(265), amount: 120_000 },
    });
    await updateContract({ ctx, id: contract.id, input: { status: 'churned' } });
    const then = (await buildFacts(ctx, [account.id], DAY)).get(account.id)!;
    expect(then).toMatchObject({ contract_status: 'active', is_churned: false, renewal_date: d(265) });
    expect(then.arr).toBeGreaterThan(0);
    // The day the mark was written (the test's clock, after DAY) sees the churn.
    const today = dayInZone(new Date(), ctx.workspace.timeZone);
    expect((await buildFacts(ctx, [account.id], today)).get(account.id)).toMatchObject({
      contract_status: 'churned',
      is_churned: true,
      arr: 0,
    });
  });

  it('count a touch late in the day in a zone behind UTC for that day, not the next', async () => {
    const workspace = await createWorkspace(t.deps, {
      name: 'Facts in New York',
      baseCurrency: 'USD',
      timeZone: 'America/New_York',
    });
    const ctx = systemCtx(t.deps, toRef(workspace), 'test');
    const account = await createAccount({ ctx, input: { name: 'Evening', externalId: 'EVE' } });
    // 21:00 in New York (EDT) is 01:00Z the next day.
    await addNote({
      ctx,
      accountId: account.id,
      input: { type: 'call', body: 'Evening call', occurredAt: `${DAY}T21:00:00-04:00` },
    });
    const touch = async (day: string) =>
      (await buildFacts(ctx, [account.id], day)).get(account.id)!.days_since_last_touch;
    expect(await touch(d(-1))).toBeNull();
    expect(await touch(DAY)).toBe(0);
    expect(await touch(d(3))).toBe(3);
  });
});
