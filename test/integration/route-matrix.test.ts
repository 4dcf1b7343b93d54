import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

/**
 * Walks every operation of the OpenAPI document, so a new route is checked for authentication,
 * workspace isolation and the viewer's read-only role without anyone remembering to add a test.
 */

type Op = { method: string; path: string };
type Sample = { body?: unknown; headers?: Record<string, string>; query?: string };

let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;
let ops: Op[];
/** Path prefix (the part before `/{param}`) -> a real id (or key) of that resource in workspace A. */
let ids: Record<string, string>;
/** Values for path parameters after the first, by name (e.g. `{metric}` in /accounts/{id}/metrics/{metric}/series). */
let params: Record<string, string>;
let samples: Record<string, Sample>;
let adminToken: string;

const PUBLIC = new Set(['POST /auth/login', 'POST /auth/logout', 'GET /demo/status']);
/** Authenticated by a rule's own secret, not a user: no user, token or workspace applies. */
const SECRET_AUTH = new Set(['POST /rules/{id}/webhook']);
const key = (op: Op) => `${op.method} ${op.path}`;
const hasParam = (op: Op) => op.path.includes('{');
const isWrite = (op: Op) => op.method !== 'GET';

function resolve(path: string): string {
  const at = path.indexOf('/{');
  if (at === -1) return `/api/v1${path}`;
  const prefix = path.slice(0, at);
  const id = ids[prefix];
  if (id === undefined) throw new Error(`No id for path prefix ${prefix}: add one to the map in beforeAll`);
  let first = true;
  return `/api/v1${path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = first ? id : params[name];
    first = false;
    if (value === undefined)
      throw new Error(`No value for path parameter {${name}}: add one to params in beforeAll`);
    return encodeURIComponent(value);
  })}`;
}

/** Sends the operation with its sample body as the holder of `token` (null: anonymous). */
function send(op: Op, token: string | null, path = resolve(op.path)): Promise<ApiResponse> {
  const sample = samples[key(op)] ?? {};
  return client(t.app, token, sample.headers ?? {}).request(
    op.method,
    path + (sample.query ?? ''),
    sample.body,
  );
}

let n = 0;
const unique = (prefix: string) => `${prefix}-${Date.now()}-${n++}`;

beforeAll(async () => {
  t = await createTestApp();
  // The product's default read access: CSMs and viewers see their group's accounts.
  a = await createTestWorkspace(t.deps, 'Matrix A', { readScope: 'group' });
  b = await createTestWorkspace(t.deps, 'Matrix B');
  const admin = client(t.app, a.users.admin.token);

  const doc = await admin.get('/api/v1/openapi.json');
  expect(doc.status).toBe(200);
  ops = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path })),
  );

  const account = await admin.post('/api/v1/accounts', { externalId: unique('matrix'), name: 'Matrix' });
  const contact = await admin.post('/api/v1/contacts', {
    accountId: account.body.id,
    name: 'Matrix contact',
  });
  const contract = await admin.post('/api/v1/contracts', {
    accountId: account.body.id,
    startDate: '2020-01-01',
    // An end date makes it a renewal too (/renewals/{id} takes contract ids).
    endDate: '2030-12-31',
    amount: 100,
  });
  const field = await admin.post('/api/v1/custom-fields', { key: 'matrix', label: 'Matrix', type: 'text' });
  const token = await admin.post('/api/v1/tokens', { name: 'matrix' });
  const writeKey = await admin.post('/api/v1/write-keys', { name: 'matrix' });
  const rates = await admin.get('/api/v1/currency-rates');
  const metric = await admin.post('/api/v1/metrics', {
    key: 'matrix_metric',
    name: 'Matrix',
    eventNames: ['matrix'],
  });
  const feature = await admin.post('/api/v1/features', {
    key: 'matrix_feature',
    name: 'Matrix',
    eventNames: ['matrix'],
  });
  const healthModelBody = (key: string) => ({
    key,
    name: 'Matrix health',
    dimensions: [
      {
        key: 'size',
        name: 'Size',
        weight: 1,
        components: [
          { key: 'arr', name: 'ARR', fact: 'arr', weight: 1, normalisation: { kind: 'percentile' } },
        ],
      },
    ],
  });
  const healthModel = await admin.post('/api/v1/health-models', healthModelBody('matrix_health'));
  for (const res of [account, contact, contract, field, token, writeKey, metric, feature, healthModel]) {
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  const scheme = await admin.post('/api/v1/tiering-schemes', {
    key: 'matrix_scheme',
    name: 'Matrix',
    rules: [{ tier: 'matrix', when: 'arr >= 1000' }],
    defaultTier: 'small',
  });
  const segment = await admin.post('/api/v1/segments', {
    key: 'matrix_segment',
    name: 'Matrix',
    condition: 'arr > 0',
  });
  const stage = await admin.post('/api/v1/lifecycle-stages', {
    key: 'matrix_stage',
    name: 'Matrix',
    condition: 'arr > 0',
  });
  for (const res of [scheme, segment, stage]) expect(res.status, JSON.stringify(res.body)).toBe(201);
  const rule = await admin.post('/api/v1/rules', {
    key: 'matrix_rule',
    name: 'Matrix',
    trigger: { type: 'daily' },
    condition: 'arr < 0',
    actions: [{ type: 'create_task', title: '{{name}}', taskType: 'other' }],
  });
  const playbook = await admin.post('/api/v1/playbooks', {
    key: 'matrix_playbook',
    name: 'Matrix',
    tier: 'matrix',
  });
  for (const res of [rule, playbook]) expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect((await admin.post('/api/v1/rules/run', {})).status).toBe(200);
  const ruleRun = (await admin.get(`/api/v1/rules/${rule.body.id}/runs`)).body.items[0];
  // Assigned to the CSM, so the CSM has a notification to stand for /notifications/{id}.
  const task = await admin.post('/api/v1/tasks', {
    accountId: account.body.id,
    title: 'Matrix task',
    type: 'call',
    assignee: { userId: a.users.csm.id },
  });
  expect(task.status, JSON.stringify(task.body)).toBe(201);
  const notification = (await client(t.app, a.users.csm.token).get('/api/v1/notifications')).body.items[0];
  // Two alike requests: the second joins the first in an automatic group.
  const request = await admin.post('/api/v1/requests', {
    accountId: account.body.id,
    title: 'Matrix 导出报表',
  });
  const request2 = await admin.post('/api/v1/requests', {
    accountId: account.body.id,
    title: 'Matrix 导出报表',
  });
  for (const res of [request, request2]) expect(res.status, JSON.stringify(res.body)).toBe(201);
  const group = await admin.post('/api/v1/team/groups', {
    key: 'matrix_group',
    name: 'Matrix',
    members: [{ userId: a.users.csm.id }],
  });
  expect(group.status, JSON.stringify(group.body)).toBe(201);
  const savedView = await admin.post('/api/v1/saved-views', { name: 'Matrix view', visibility: 'shared' });
  expect(savedView.status, JSON.stringify(savedView.body)).toBe(201);
  // Imports: a run in the history, a saved mapping and an owner alias.
  const importer = client(t.app, a.users.admin.token, { 'content-type': 'text/csv' });
  // The account as it is: the run is recorded, nothing changes.
  const rerun = await importer.post(
    '/api/v1/imports/accounts',
    `externalId,name\n${account.body.externalId},Matrix\n`,
  );
  expect(rerun.status, JSON.stringify(rerun.body)).toBe(200);
  const importRun = (await admin.get('/api/v1/imports/runs')).body.items[0];
  const mapping = await admin.post('/api/v1/imports/mappings', {
    entity: 'accounts',
    name: 'Matrix',
    map: { 客户编号: 'externalId', 客户名称: 'name' },
  });
  expect(mapping.status, JSON.stringify(mapping.body)).toBe(200);
  const alias = await admin.post('/api/v1/imports/owner-aliases', { alias: '矩阵', userId: a.users.csm.id });
  expect(alias.status, JSON.stringify(alias.body)).toBe(200);
  const surveyResponse = await admin.post('/api/v1/surveys/responses', {
    accountId: account.body.id,
    kind: 'nps',
    score: 9,
  });
  expect(surveyResponse.status, JSON.stringify(surveyResponse.body)).toBe(201);
  // Value realisation: a plan from a starter template (objective, manual KPI, step), a milestone
  // and an opportunity.
  const template = (await admin.get('/api/v1/plan-templates')).body.items.find(
    (x: { key: string }) => x.key === 'adoption',
  );
  const plan = await admin.post(`/api/v1/accounts/${account.body.id}/plans`, { templateId: template.id });
  expect(plan.status, JSON.stringify(plan.body)).toBe(201);
  const objective = plan.body.objectives[1];
  const milestone = (await admin.get('/api/v1/milestones')).body.items[0];
  const opportunity = await admin.post(`/api/v1/accounts/${account.body.id}/opportunities`, {
    kind: 'seats',
    title: 'Matrix seats',
    amount: 1000,
  });
  expect(opportunity.status, JSON.stringify(opportunity.body)).toBe(201);
  // A name that never resolves: a test send fails fast, without a network.
  const subscription = await admin.post('/api/v1/subscriptions', {
    name: 'Matrix',
    kind: 'webhook',
    url: 'https://hooks.invalid/steward',
    events: ['task.created'],
  });
  expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
  const channelDigest = await admin.post('/api/v1/channel-digests', {
    name: 'Matrix digest',
    destinationId: subscription.body.id,
  });
  expect(channelDigest.status, JSON.stringify(channelDigest.body)).toBe(201);
  adminToken = token.body.token;
  ids = {
    '/plans': plan.body.id,
    '/plan-objectives': objective.id,
    '/plan-kpis': objective.kpis[0].id,
    '/plan-steps': objective.steps[0].id,
    '/plan-templates': template.id,
    '/milestones': milestone.id,
    '/opportunities': opportunity.body.id,
    '/subscriptions': subscription.body.id,
    '/channel-digests': channelDigest.body.id,
    '/surveys/responses': surveyResponse.body.id,
    '/imports/runs': importRun.id,
    '/imports/mappings': mapping.body.id,
    '/imports/owner-aliases': '矩阵',
    '/accounts': account.body.id,
    '/accounts/by-external-id': account.body.externalId,
    '/contacts': contact.body.id,
    '/contracts': contract.body.id,
    '/custom-fields': field.body.id,
    '/currency-rates': rates.body.items.find((r: { currency: string }) => r.currency === 'GBP').id,
    '/users': a.users.csm.id,
    '/tokens': token.body.id,
    '/write-keys': writeKey.body.id,
    '/imports': 'accounts',
    '/metrics': metric.body.key,
    '/features': feature.body.id,
    '/tiering-schemes': scheme.body.id,
    '/segments': segment.body.id,
    '/lifecycle-stages': stage.body.id,
    '/health-models': healthModel.body.id,
    '/rules': rule.body.id,
    '/playbooks': playbook.body.id,
    '/tasks': task.body.id,
    '/notifications': notification.id,
    '/requests': request.body.id,
    '/requests/groups': request2.body.groupId,
    '/team/groups': group.body.id,
    '/team/members': a.users.csm.id,
    '/renewals': contract.body.id,
    '/saved-views': savedView.body.id,
  };
  params = { metric: metric.body.key, runId: ruleRun.id };

  // A valid request for every write, so the answer is about who asks, not about the body.
  samples = {
    'PATCH /auth/me': { body: { locale: 'en' } },
    'POST /users': {
      body: {
        email: `${unique('matrix')}@test.steward.dev`,
        name: 'M',
        role: 'viewer',
        password: 'long-enough',
      },
    },
    'PATCH /users/{id}': { body: { name: 'Matrix renamed' } },
    'POST /tokens': { body: { name: 'matrix 2' } },
    'DELETE /tokens/{id}': {},
    'POST /write-keys': { body: { name: 'matrix 2' } },
    'DELETE /write-keys/{id}': {},
    'POST /accounts': { body: { externalId: unique('matrix'), name: 'Matrix 2' } },
    'POST /accounts/bulk-update': { body: { ids: [account.body.id], addTags: ['matrix'] } },
    'POST /accounts/bulk': { body: { ids: [account.body.id], actions: [{ type: 'addTag', tag: 'matrix' }] } },
    'POST /users/{id}/reset-password': { body: {} },
    'PATCH /accounts/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /accounts/{id}': {},
    'POST /accounts/{id}/timeline': { body: { body: 'Matrix note' } },
    'POST /contacts': { body: { accountId: account.body.id, name: 'Matrix contact 2' } },
    'PATCH /contacts/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /contacts/{id}': {},
    'POST /contracts': { body: { accountId: account.body.id, startDate: '2021-01-01', amount: 1 } },
    'PATCH /contracts/{id}': { body: { amount: 2 } },
    'DELETE /contracts/{id}': {},
    'POST /custom-fields': { body: { key: 'matrix_two', label: 'Matrix 2', type: 'text' } },
    'PATCH /custom-fields/{id}': { body: { label: 'Matrix renamed' } },
    'DELETE /custom-fields/{id}': {},
    'POST /currency-rates': { body: { currency: 'EUR', rate: 8, effectiveDate: '2024-01-01' } },
    'DELETE /currency-rates/{id}': {},
    'PATCH /ingest/settings': { body: { maxFutureHours: 48 } },
    'POST /recompute': { body: {} },
    'POST /metrics': { body: { key: `m_${Date.now()}_${n++}`, name: 'Matrix 2', eventNames: ['x'] } },
    'PATCH /metrics/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /metrics/{id}': {},
    'POST /metrics/{metric}/rebuild': { body: {} },
    'POST /features': { body: { key: `f_${Date.now()}_${n++}`, name: 'Matrix 2', eventNames: ['x'] } },
    'PATCH /features/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /features/{id}': {},
    'GET /metrics/{metric}/percentile': { query: `?accountId=${account.body.id}` },
    'POST /health-models': { body: healthModelBody(`h_${Date.now()}_${n++}`) },
    'PATCH /health-models/{id}': { body: { name: 'Matrix renamed' } },
    'POST /health-models/{id}/copy': { body: { key: `copy_${Date.now()}_${n++}` } },
    'DELETE /health-models/{id}': {},
    'POST /health-models/preview': { body: healthModelBody('matrix_preview') },
    'POST /accounts/{id}/sentiment': { body: { score: 3, reason: 'Matrix' } },
    'POST /tiering-schemes/preview': {
      body: { rules: [{ tier: 'matrix', when: 'arr > 1' }], defaultTier: 'small' },
    },
    'POST /tiering-schemes': {
      body: { key: `t_${Date.now()}_${n++}`, name: 'Matrix 2', rules: [], defaultTier: 'small' },
    },
    'PATCH /tiering-schemes/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /tiering-schemes/{id}': {},
    'POST /segments/preview': { body: { condition: 'arr > 1' } },
    'POST /lifecycle-stages/preview': { body: { stages: [{ key: 'matrix_stage', condition: 'arr > 1' }] } },
    'POST /segments': { body: { key: `s_${Date.now()}_${n++}`, name: 'Matrix 2', condition: 'arr > 1' } },
    'PATCH /segments/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /segments/{id}': {},
    'POST /accounts/{id}/tier-override': { body: { tier: 'matrix', reason: 'Matrix' } },
    'DELETE /accounts/{id}/tier-override': {},
    'POST /lifecycle-stages/defaults': { body: {} },
    'POST /lifecycle-stages': {
      body: { key: `l_${Date.now()}_${n++}`, name: 'Matrix 2', condition: 'arr > 1' },
    },
    'PATCH /lifecycle-stages/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /lifecycle-stages/{id}': {},
    'POST /accounts/{id}/stage-override': { body: { stage: 'matrix_stage', reason: 'Matrix' } },
    'DELETE /accounts/{id}/stage-override': {},
    'POST /rules/run': { body: {} },
    'POST /accounts/{id}/plans': { body: { name: 'Matrix plan' } },
    'PATCH /plans/{id}': { body: { name: 'Matrix plan renamed' } },
    'POST /plans/{id}/objectives': { body: { title: 'Matrix objective' } },
    'PATCH /plan-objectives/{id}': { body: { status: 'in_progress' } },
    'POST /plan-objectives/{id}/kpis': { body: { name: 'Matrix KPI', target: 10 } },
    'POST /plan-objectives/{id}/steps': { body: { title: 'Matrix step' } },
    'PATCH /plan-kpis/{id}': { body: { target: 40 } },
    'POST /plan-kpis/{id}/values': { body: { value: 12 } },
    'POST /plan-templates': {
      body: { key: `t_${Date.now()}_${n++}`, name: 'Matrix template', objectives: [{ title: 'Goal' }] },
    },
    'PATCH /plan-templates/{id}': { body: { name: 'Matrix template renamed' } },
    'POST /milestones': {
      body: { key: `m_${Date.now()}_${n++}`, name: 'Matrix milestone', dueDay: 60, condition: 'arr > 1' },
    },
    'PATCH /milestones/{id}': { body: { name: 'Matrix milestone renamed' } },
    'POST /accounts/{id}/opportunities': { body: { kind: 'up_sell', title: 'Matrix up-sell', amount: 5000 } },
    'PATCH /opportunities/{id}': { body: { stage: 'qualified' } },
    'DELETE /opportunities/{id}': {},
    'DELETE /plans/{id}': {},
    'DELETE /plan-objectives/{id}': {},
    'DELETE /plan-kpis/{id}': {},
    'DELETE /plan-templates/{id}': {},
    'DELETE /milestones/{id}': {},
    'POST /plan-steps/{id}/task': {},
    'POST /rules': {
      body: {
        key: `r_${Date.now()}_${n++}`,
        name: 'Matrix 2',
        trigger: { type: 'daily' },
        actions: [{ type: 'add_tag', tag: 'matrix' }],
      },
    },
    'PATCH /rules/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /rules/{id}': {},
    'POST /rules/{id}/enable': {},
    'POST /rules/{id}/disable': {},
    'POST /rules/{id}/rotate-secret': {},
    'POST /rules/{id}/dry-run': { body: {} },
    'POST /playbooks/{id}/dry-run': { body: {} },
    'POST /rules/{id}/webhook': { body: { accountId: account.body.id } },
    'POST /playbooks/defaults': { body: {} },
    'POST /playbooks': { body: { key: `p_${Date.now()}_${n++}`, name: 'Matrix 2' } },
    'PATCH /playbooks/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /playbooks/{id}': {},
    'POST /requests': { body: { accountId: account.body.id, title: 'Matrix request 2' } },
    'POST /surveys/responses': { body: { accountId: account.body.id, kind: 'csat', score: 4 } },
    // The contact has no email: a 200 that sends nothing (skipped), so the answer is about who asks.
    'POST /surveys/send': {
      body: { accountId: account.body.id, kind: 'csat', contactIds: [contact.body.id] },
    },
    'PATCH /surveys/settings': { body: { throttleDays: 60 } },
    'PUT /qbr/settings': {
      body: { tierTemplates: { nurture: 'standard' }, defaultTemplate: 'standard', hourlyCost: 200 },
    },
    'POST /surveys/responses/import': {
      body: `accountExternalId,kind,score\n${account.body.externalId},nps,8\n`,
      headers: { 'content-type': 'text/csv' },
    },
    'PATCH /requests/{id}': { body: { status: 'planned' } },
    'DELETE /requests/{id}': {},
    'GET /requests/similar': { query: `?text=${encodeURIComponent('Matrix 导出报表')}` },
    'PATCH /requests/settings': { body: { renewalWindowDays: 60 } },
    'POST /requests/import': {
      body: `accountExternalId,title\n${account.body.externalId},Imported request\n`,
      headers: { 'content-type': 'text/csv' },
    },
    'POST /requests/groups/merge': { body: { requestIds: [request.body.id, request2.body.id] } },
    'PATCH /requests/groups/{id}': { body: { title: 'Matrix renamed' } },
    'POST /requests/groups/{id}/split': { body: { requestIds: [request.body.id] } },
    'PATCH /team/settings': { body: { groupSize: 6 } },
    'POST /team/capacity/what-if': { body: { growth: 0.2 } },
    'POST /team/groups': { body: { key: `g_${Date.now()}_${n++}`, name: 'Matrix 2' } },
    'PATCH /team/groups/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /team/groups/{id}': {},
    'POST /team/assignment/preview': { body: {} },
    'POST /team/assignment/apply': { body: {} },
    'POST /team/members/{id}/offboard/preview': { body: {} },
    'POST /team/members/{id}/offboard': { body: {} },
    'PATCH /renewals/{id}': { body: { stage: 'in_negotiation' } },
    'POST /renewals/{id}/outcome': { body: { outcome: 'renewed' } },
    'POST /churn/train': { body: {} },
    'POST /imports/usage': {
      body: `account,day,event,count\n${account.body.externalId},2024-01-01,matrix,1\n`,
      headers: { 'content-type': 'text/csv' },
      query: '?map=account=accountExternalId,day=day,event=event,count=count',
    },
    'POST /tasks': { body: { accountId: account.body.id, title: 'Matrix task 2', type: 'call' } },
    'PATCH /tasks/{id}': { body: { status: 'done' } },
    'POST /tasks/{id}/follow-ups': { body: { summary: 'Matrix follow-up' } },
    'POST /notifications/{id}/read': {},
    'POST /notifications/read-all': {},
    'PUT /notifications/settings': { body: { dailyDigest: true } },
    'GET /search': { query: '?q=matrix' },
    'POST /saved-views': { body: { name: unique('view') } },
    'PATCH /saved-views/{id}': { body: { name: 'Matrix view renamed' } },
    'DELETE /saved-views/{id}': {},
    'POST /subscriptions': {
      body: {
        name: unique('sub'),
        kind: 'wecom',
        url: 'https://hooks.invalid/wecom',
        events: ['task.created'],
      },
    },
    'PATCH /subscriptions/{id}': { body: { name: 'Matrix renamed' } },
    'DELETE /subscriptions/{id}': {},
    'POST /subscriptions/{id}/test': {},
    'POST /channel-digests': { body: { name: unique('digest'), destinationId: subscription.body.id } },
    'PATCH /channel-digests/{id}': { body: { name: 'Matrix digest renamed' } },
    'DELETE /channel-digests/{id}': {},
    'POST /channel-digests/{id}/send': {},
    'POST /tickets/webhook': {
      body: {
        externalId: unique('ticket'),
        accountExternalId: account.body.externalId,
        subject: 'Matrix ticket',
      },
    },
    'GET /reports/scorecards/detail': { query: `?kind=csm&id=${a.users.csm.id}` },
    'POST /imports/mappings': {
      body: { entity: 'contacts', name: unique('mapping'), map: { 邮箱: 'email' } },
    },
    'DELETE /imports/mappings/{id}': {},
    'POST /imports/owner-aliases': { body: { alias: unique('alias'), userId: a.users.csm.id } },
    'DELETE /imports/owner-aliases/{alias}': {},
    'POST /imports/{entity}/preview': {
      body: `externalId,name\n${unique('matrix-preview')},Previewed\n`,
      headers: { 'content-type': 'text/csv' },
    },
    'POST /imports/{entity}': {
      body: `externalId,name\n${unique('matrix-import')},Imported\n`,
      headers: { 'content-type': 'text/csv' },
    },
  };
});
afterAll(async () => t?.close());

/** Workspace A's resources are as beforeAll left them. */
async function expectWorkspaceAUntouched() {
  const admin = client(t.app, a.users.admin.token);
  const account = await admin.get(`/api/v1/accounts/${ids['/accounts']}`);
  expect(account.status).toBe(200);
  expect(account.body).toMatchObject({ name: 'Matrix', tags: [], arr: 100 });
  expect((await admin.get(`/api/v1/contacts/${ids['/contacts']}`)).body.name).toBe('Matrix contact');
  expect((await admin.get(`/api/v1/tasks/${ids['/tasks']}`)).body).toMatchObject({
    title: 'Matrix task',
    status: 'open',
  });
  expect((await admin.get('/api/v1/tasks')).body.items).toHaveLength(1);
  expect((await admin.get(`/api/v1/contracts/${ids['/contracts']}`)).body.amount).toBe(100);
  expect((await admin.get(`/api/v1/users/${ids['/users']}`)).body).toMatchObject({
    name: 'csm user',
    active: true,
  });
  const fields = (await admin.get('/api/v1/custom-fields')).body.items;
  expect(fields.map((f: { key: string; label: string }) => [f.key, f.label])).toEqual([['matrix', 'Matrix']]);
  const rates = (await admin.get('/api/v1/currency-rates')).body.items;
  expect(rates.map((r: { id: string }) => r.id)).toContain(ids['/currency-rates']);
  expect(rates.filter((r: { currency: string }) => r.currency === 'EUR')).toHaveLength(1);
  expect((await client(t.app, adminToken).get('/api/v1/auth/me')).status).toBe(200);
  const keys = (await admin.get('/api/v1/write-keys')).body.items;
  expect(keys.find((k: { id: string }) => k.id === ids['/write-keys']).revokedAt).toBeNull();
  expect((await admin.get('/api/v1/accounts?includeTotal=true')).body.total).toBe(1);
  const timeline = (await admin.get(`/api/v1/accounts/${ids['/accounts']}/timeline`)).body.items;
  expect(timeline.map((e: { type: string }) => e.type)).toEqual([
    'opportunity',
    'success_plan',
    'survey.response',
    'request.logged',
    'request.logged',
    'task.created',
    'contract.created',
    'contact.created',
    'account.created',
  ]);
}

describe('every operation in the OpenAPI document', () => {
  it('is found in the document, covering every module, with a sample request for every write', () => {
    expect(ops.length).toBeGreaterThanOrEqual(35);
    const paths = new Set(ops.map((o) => o.path));
    for (const p of [
      '/auth/me',
      '/users/{id}',
      '/tokens/{id}',
      '/write-keys/{id}',
      '/audit-log',
      '/accounts/{id}',
      '/accounts/{id}/timeline',
      '/accounts/bulk-update',
      '/accounts/bulk',
      '/accounts/{id}/state-overrides',
      '/users/{id}/reset-password',
      '/contacts/{id}',
      '/contracts/{id}',
      '/custom-fields/{id}',
      '/currency-rates/{id}',
      '/imports/{entity}',
    ]) {
      expect(paths).toContain(p);
    }
    const missing = ops.filter((o) => isWrite(o) && !PUBLIC.has(key(o)) && !(key(o) in samples)).map(key);
    expect(missing).toEqual([]);
    for (const o of ops.filter(hasParam)) expect(() => resolve(o.path)).not.toThrow();
  });

  it('answers 401 in the error shape without credentials, except login and logout', async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => !PUBLIC.has(key(o)))) {
      const res = await send(op, null);
      if (res.status !== 401 || errorCode(res) !== 'unauthenticated')
        wrong.push(`${key(op)} -> ${res.status}`);
      const bogus = await send(op, 'stw_not_a_real_token');
      if (bogus.status !== 401) wrong.push(`${key(op)} with a bogus token -> ${bogus.status}`);
    }
    expect(wrong).toEqual([]);
    await expectWorkspaceAUntouched();
  });

  it('answers 404 to another workspace’s admin for every id of workspace A, changing nothing', async () => {
    const wrong: string[] = [];
    const withIds = ops.filter(
      (o) => hasParam(o) && !o.path.startsWith('/imports/') && !SECRET_AUTH.has(key(o)),
    );
    expect(withIds.length).toBeGreaterThanOrEqual(16);
    for (const op of withIds) {
      const res = await send(op, b.users.admin.token);
      if (res.status !== 404 || errorCode(res) !== 'not_found') {
        wrong.push(`${key(op)} -> ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(wrong).toEqual([]);
    await expectWorkspaceAUntouched();
  });

  it('answers 404 in the error shape for an id that exists nowhere', async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => hasParam(o) && !o.path.startsWith('/imports/'))) {
      const path = `/api/v1${op.path.replace(/\{\w+\}/, '01900000-0000-7000-8000-00000000dead')}`;
      const res = await send(op, a.users.admin.token, path);
      if (res.status !== 404 || errorCode(res) !== 'not_found') wrong.push(`${key(op)} -> ${res.status}`);
      else if (!res.body.error.message.includes('01900000-0000-7000-8000-00000000dead')) {
        wrong.push(`${key(op)} does not name the id: ${res.body.error.message}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 to a viewer for every write outside /auth, changing nothing', async () => {
    const wrong: string[] = [];
    // A viewer's own notifications (marked read, digest setting) are theirs to change, like /auth/me;
    // so are their saved views (another's view answers 403 or 404: saved-views.test.ts).
    const writes = ops.filter(
      (o) =>
        isWrite(o) &&
        !o.path.startsWith('/auth/') &&
        !o.path.startsWith('/notifications') &&
        !o.path.startsWith('/saved-views') &&
        !SECRET_AUTH.has(key(o)),
    );
    expect(writes.length).toBeGreaterThanOrEqual(22);
    // The viewer may read every account here, so the answer is about the role (an account outside
    // their read access is a 404 before any role check, tested below).
    const admin = client(t.app, a.users.admin.token);
    expect((await admin.patch('/api/v1/team/settings', { csmReadScope: 'all' })).status).toBe(200);
    try {
      for (const op of writes) {
        const res = await send(op, a.users.viewer.token);
        if (res.status !== 403 || errorCode(res) !== 'forbidden') {
          wrong.push(`${key(op)} -> ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    } finally {
      await admin.patch('/api/v1/team/settings', { csmReadScope: 'group' });
    }
    expect(wrong).toEqual([]);
    await expectWorkspaceAUntouched();
  });

  it('lets a viewer change their own profile under /auth', async () => {
    const res = await client(t.app, a.users.viewer.token).patch('/api/v1/auth/me', { locale: 'en' });
    expect(res.status).toBe(200);
    expect(res.body.locale).toBe('en');
  });

  it('answers 403 to a read-only token for every write, even an admin’s', async () => {
    const created = await client(t.app, a.users.admin.token).post('/api/v1/tokens', {
      name: 'read only',
      scopes: ['read'],
    });
    const wrong: string[] = [];
    for (const op of ops.filter((o) => isWrite(o) && !PUBLIC.has(key(o)) && !SECRET_AUTH.has(key(o)))) {
      const res = await send(op, created.body.token);
      if (res.status !== 403 || !/read scope/.test(res.body?.error?.message)) {
        wrong.push(`${key(op)} -> ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
    await client(t.app, a.users.admin.token).delete(`/api/v1/tokens/${created.body.id}`);
    await expectWorkspaceAUntouched();
  });

  it('hides every row of an account outside a CSM’s or viewer’s read access: 404 by id, nothing in lists', async () => {
    // The account is unowned and on no one's team; the CSM's group (matrix_group) owns nothing, so
    // under the default "their group's accounts" neither the CSM nor the viewer may read it.
    const hidden = [
      ids['/accounts'],
      ids['/contacts'],
      ids['/contracts'],
      ids['/tasks'],
      ids['/requests'],
      ids['/surveys/responses'],
    ];
    const byId = new Set([
      '/accounts',
      '/accounts/by-external-id',
      '/contacts',
      '/contracts',
      '/tasks',
      '/requests',
      '/renewals',
      '/plans',
      '/surveys/responses',
    ]);
    const reads = ops.filter((o) => o.method === 'GET');
    expect(reads.length).toBeGreaterThanOrEqual(60);
    const wrong: string[] = [];
    for (const role of ['csm', 'viewer'] as const) {
      for (const op of reads) {
        const res = await send(op, a.users[role].token);
        const prefix = op.path.slice(0, op.path.indexOf('/{') === -1 ? undefined : op.path.indexOf('/{'));
        const accountBound =
          (hasParam(op) && byId.has(prefix)) || key(op) === 'GET /metrics/{metric}/percentile';
        if (accountBound) {
          if (res.status !== 404 || errorCode(res) !== 'not_found')
            wrong.push(`${role} ${key(op)} -> ${res.status}`);
          continue;
        }
        if (res.status !== 200 && res.status !== 403) {
          wrong.push(`${role} ${key(op)} -> ${res.status} ${JSON.stringify(res.body)}`);
          continue;
        }
        // A notification was sent to this user (the task assigned to them): their own inbox.
        if (op.path.startsWith('/notifications')) continue;
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        const leaked = hidden.filter((id) => text.includes(id));
        if (leaked.length) wrong.push(`${role} ${key(op)} shows ${leaked.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
    // The same account read by the admin: the rows are there to hide.
    const admin = client(t.app, a.users.admin.token);
    expect((await admin.get('/api/v1/accounts')).body.items.map((x: { id: string }) => x.id)).toContain(
      ids['/accounts'],
    );
    expect((await admin.get('/api/v1/tasks')).body.items).toHaveLength(1);
  });

  it('answers every read with 200 for the workspace’s admin', async () => {
    const wrong: string[] = [];
    for (const op of ops.filter((o) => o.method === 'GET')) {
      const res = await send(op, a.users.admin.token);
      if (res.status !== 200) wrong.push(`${key(op)} -> ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('requests no route accepts', () => {
  it('answers an unknown route with 404 in the error shape naming method and path', async () => {
    const res = await client(t.app, a.users.admin.token).get('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(errorCode(res)).toBe('not_found');
    expect(res.body.error.message).toBe('No route for GET /api/v1/no-such-thing');
    const method = await client(t.app, a.users.admin.token).put('/api/v1/custom-fields', {});
    expect(method.status).toBe(404);
    expect(method.body.error.message).toBe('No route for PUT /api/v1/custom-fields');
    const outside = await client(t.app, null).get('/nowhere');
    expect(outside.status).toBe(404);
    expect(errorCode(outside)).toBe('not_found');
  });

  it('answers a malformed JSON body with 400 bad_request naming malformed JSON', async () => {
    const c = client(t.app, a.users.admin.token);
    for (const [method, path] of [
      ['POST', '/api/v1/accounts'],
      ['PATCH', `/api/v1/accounts/${ids['/accounts']}`],
      ['POST', '/api/v1/currency-rates'],
    ] as const) {
      const res = await c.request(method, path, '{"name": "unterminated');
      expect(res.status, path).toBe(400);
      expect(errorCode(res)).toBe('bad_request');
      expect(res.body.error.message).toMatch(/malformed JSON/i);
    }
    await expectWorkspaceAUntouched();
  });

  it('refuses a JSON body over 1 MB with 413 payload_too_large, and validates one just under it', async () => {
    const c = client(t.app, a.users.admin.token);
    const externalId = unique('huge');
    const huge = await c.post('/api/v1/accounts', { externalId, name: 'x'.repeat(1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(errorCode(huge)).toBe('payload_too_large');
    expect(huge.body.error.message).toMatch(/1 MB/);
    const anonymous = await client(t.app, null).post('/api/v1/accounts', { name: 'x'.repeat(1024 * 1024) });
    expect(anonymous.status).toBe(413);

    const under = await c.post('/api/v1/accounts', { externalId, name: 'x'.repeat(1000 * 1000) });
    expect(under.status).toBe(400);
    expect(under.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['name']);
    expect((await c.get(`/api/v1/accounts/by-external-id/${externalId}`)).status).toBe(404);
  });
});
