// The metrics API through app.request(): metric and feature definitions, and the analytics read
// from rollups of events sent to the real tracking endpoint (/v1/batch with a write key), on days
// placed relative to today in the workspace time zone so every expected number is exact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollupRebuilds } from '../../src/modules/metrics/index.ts';
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
let writeKey: string;
/** Today and the same day a year earlier, in the test workspace's zone (Asia/Shanghai). */
let T: string;
let Y: string;
const ids: Record<'acme' | 'beta' | 'gamma' | 'delta', string> = { acme: '', beta: '', gamma: '', delta: '' };

const d = (n: number) => addDays(T, -n);
/** 00:30 local time on `day`: in the past for every day up to today. */
const at = (day: string) => `${day}T00:30:00+08:00`;
const track = (userId: string, event: string, day: string, groupId: string, properties = {}) => ({
  type: 'track',
  userId,
  event,
  timestamp: at(day),
  context: { groupId },
  properties,
});
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

async function sendEvents(events: unknown[]) {
  const res = await client(t.app, null, {
    authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
  }).post('/v1/batch', { batch: events });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body).toMatchObject({ accepted: events.length, rejected: 0, pending: 0 });
}

const api = (path: string) => `/api/v1${path}`;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Metrics A');
  other = await createTestWorkspace(t.deps, 'Metrics B');
  admin = client(t.app, ws.users.admin.token);
  T = dayInZone(new Date(), ws.workspace.timeZone);
  const lastYear = `${Number(T.slice(0, 4)) - 1}${T.slice(4)}`;
  Y = lastYear.endsWith('-02-29') ? lastYear.replace(/29$/, '28') : lastYear;

  const key = await admin.post(api('/write-keys'), { name: 'metrics test' });
  expect(key.status).toBe(201);
  writeKey = key.body.key;

  const csm = ws.users.csm.id;
  const accounts = {
    acme: { region: 'APAC', industry: 'Retail', licensedSeats: 10, ownerId: csm, tags: ['enterprise'] },
    beta: { region: 'APAC', industry: 'Retail', ownerId: csm },
    gamma: { region: 'EMEA', industry: 'Energy' },
    delta: { region: 'APAC', industry: 'Retail' },
  };
  for (const [externalId, fields] of Object.entries(accounts)) {
    const res = await admin.post(api('/accounts'), { externalId, name: externalId, ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[externalId as keyof typeof ids] = res.body.id;
  }

  // Defined before the events arrive: rolled up as they are ingested.
  for (const metric of [
    { key: 'logins', name: 'Logins', eventNames: ['Login'] },
    { key: 'people', name: 'People', aggregation: 'distinct_users', eventNames: ['Login', 'Report Run'] },
    { key: 'rows', name: 'Rows', aggregation: 'sum', eventNames: ['Data Imported'], valueProperty: 'rows' },
    {
      key: 'peak_rows',
      name: 'Peak',
      aggregation: 'max',
      eventNames: ['Data Imported'],
      valueProperty: 'rows',
    },
  ]) {
    const res = await admin.post(api('/metrics'), metric);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  for (const feature of [
    { key: 'reporting', name: 'Reporting', eventNames: ['Report Run'] },
    { key: 'importing', name: 'Importing', eventNames: ['Data Imported'] },
    { key: 'chat', name: 'Chat', eventNames: ['Chat Message'] },
  ]) {
    expect((await admin.post(api('/features'), feature)).status).toBe(201);
  }

  await sendEvents([
    // u1 becomes a contact of acme (group links the person, identify names them).
    { type: 'group', userId: 'u1', groupId: 'acme', timestamp: at(d(50)) },
    {
      type: 'identify',
      userId: 'u1',
      traits: { name: 'Ann Lee', email: 'ann@acme.test' },
      timestamp: `${d(50)}T00:31:00+08:00`,
    },
    // acme logins: last 7 = 4, the 7 before = 2, last 30 = 7, the 30 before = 2, a year ago = 4.
    ...times(2, () => track('u1', 'Login', T, 'acme')),
    track('u1', 'Login', d(2), 'acme'),
    track('u1', 'Login', d(9), 'acme'),
    track('u1', 'Login', d(20), 'acme'),
    track('u1', 'Login', d(45), 'acme'),
    track('u2', 'Login', d(1), 'acme'),
    track('u2', 'Login', d(8), 'acme'),
    track('u2', 'Login', d(35), 'acme'),
    ...times(4, () => track('u3', 'Login', addDays(Y, -3), 'acme')),
    track('u3', 'Login', addDays(Y, -40), 'acme'),
    // Reports (its metric is defined later) and imports (rows: a string is not a number).
    ...times(2, () => track('u1', 'Report Run', d(1), 'acme', { format: 'pdf' })),
    track('u2', 'Report Run', d(5), 'acme', { format: 'csv' }),
    track('u4', 'Report Run', d(15), 'acme', { format: 'csv' }),
    track('u2', 'Data Imported', d(3), 'acme', { rows: 100 }),
    track('u2', 'Data Imported', d(3), 'acme', { rows: 50.5 }),
    track('u1', 'Data Imported', d(12), 'acme', { rows: 20 }),
    track('u1', 'Data Imported', d(12), 'acme', { rows: 'many' }),
    // Other accounts over the last 30 days: beta 3 logins, gamma 10, delta none.
    ...times(3, () => track('u5', 'Login', d(1), 'beta')),
    ...times(10, () => track('u7', 'Login', d(4), 'gamma')),
    // Long ago, on known weekdays (2020-06-01 is a Monday), for interval tests.
    track('u1', 'Login', '2020-06-01', 'acme'),
    track('u1', 'Login', '2020-06-07', 'acme'),
    track('u2', 'Login', '2020-06-07', 'acme'),
    track('u1', 'Login', '2020-06-08', 'acme'),
    track('u2', 'Login', '2020-06-30', 'acme'),
    ...times(3, () => track('u1', 'Login', '2020-07-02', 'acme')),
  ]);

  // Defined after the events: it counts the history, once the rebuild-rollups job has run.
  const reports = await admin.post(api('/metrics'), {
    key: 'reports',
    name: 'Reports run',
    eventNames: ['Report Run'],
    behaviour: 'value',
  });
  expect(reports.status).toBe(201);
  expect(reports.body.rebuild).toMatchObject({ status: 'queued' });
  await rebuild();
});

/** Runs the rebuild-rollups job for this workspace's queued definitions, as the scheduler would. */
const rebuild = () => runRollupRebuilds(t.deps, { node: 'metrics-test', workspaceId: ws.workspace.id });
afterAll(async () => t?.close());

type Keyed = { key: string };
type Summary = { metric: Keyed; totals: Record<string, number> };
type Point = { value: number };
type UserRow = { userKey: string; events: number };
/** The summary of one metric in GET /accounts/{id}/metrics (undefined when the metric is gone). */
const metricOf = (body: { metrics: Summary[] }, key: string) =>
  body.metrics.find((m) => m.metric.key === key) as Summary;
const values = (body: { points: Point[] }) => body.points.map((p) => p.value);
const usersOf = (body: { items: UserRow[] }) => body.items.map((u) => [u.userKey, u.events]);

describe('metric and feature definitions', () => {
  it('lists, reads by id or key, and documents every route in the OpenAPI document', async () => {
    const list = await admin.get(api('/metrics'));
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: Keyed) => m.key)).toEqual([
      'logins',
      'peak_rows',
      'people',
      'reports',
      'rows',
    ]);
    const byKey = await client(t.app, ws.users.viewer.token).get(api('/metrics/rows'));
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({
      key: 'rows',
      aggregation: 'sum',
      valueProperty: 'rows',
      behaviour: 'basic',
    });
    expect((await admin.get(api(`/metrics/${byKey.body.id}`))).body.key).toBe('rows');

    const features = await admin.get(api('/features'));
    expect(features.body.items.map((f: Keyed) => f.key)).toEqual(['chat', 'importing', 'reporting']);
    expect((await admin.get(api('/features/chat'))).body.eventNames).toEqual(['Chat Message']);

    const doc = await admin.get(api('/openapi.json'));
    const paths = doc.body.paths as Record<string, Record<string, { tags: string[] }>>;
    for (const [path, methods] of [
      ['/metrics', ['get', 'post']],
      ['/metrics/{id}', ['get', 'patch', 'delete']],
      ['/features', ['get', 'post']],
      ['/features/{id}', ['patch', 'delete']],
      ['/accounts/{id}/metrics', ['get']],
      ['/accounts/{id}/metrics/{metric}/series', ['get']],
      ['/accounts/{id}/users', ['get']],
      ['/metrics/{metric}/percentile', ['get']],
      ['/metrics/{metric}/series', ['get']],
    ] as const) {
      for (const method of methods)
        expect(paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['Metrics']);
    }
    const params = paths['/metrics/{metric}/series']!.get as unknown as { parameters: { name: string }[] };
    expect(params.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['metric', 'from', 'to', 'interval', 'region', 'industry', 'ownerId', 'tag']),
    );
  });

  it('rejects invalid definitions with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ key: 'Bad Key', name: 'x', eventNames: ['Login'] }, 'key'],
      [{ key: 'no_events', name: 'x', eventNames: [] }, 'eventNames'],
      [{ key: 'no_value', name: 'x', aggregation: 'sum', eventNames: ['Login'] }, 'valueProperty'],
      [{ key: 'bad_agg', name: 'x', aggregation: 'avg', eventNames: ['Login'] }, 'aggregation'],
      [
        {
          key: 'empty_in',
          name: 'x',
          eventNames: ['Login'],
          propertyFilters: [{ property: 'a', op: 'in', value: [] }],
        },
        'propertyFilters.0.value',
      ],
      [
        {
          key: 'bad_gt',
          name: 'x',
          eventNames: ['Login'],
          propertyFilters: [{ property: 'a', op: 'gt', value: 'x' }],
        },
        'propertyFilters.0.value',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await admin.post(api('/metrics'), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(res.body.error.details.issues[0].path).toBe(path);
    }
    // Turning a count into a sum needs a value property: a validation error, not a conflict.
    const patch = await admin.patch(api('/metrics/logins'), { aggregation: 'sum' });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details.issues[0].path).toBe('valueProperty');
    const feature = await admin.post(api('/features'), { key: 'f', name: 'F', eventNames: [] });
    expect(feature.status).toBe(400);
    expect(feature.body.error.details.issues[0].path).toBe('eventNames');
    expect(
      (await admin.post(api('/metrics'), { key: 'logins', name: 'Again', eventNames: ['x'] })).status,
    ).toBe(409);
  });

  it('refuses writes to viewers and CSMs (403) and anonymous callers (401)', async () => {
    for (const role of ['viewer', 'csm'] as const) {
      const c = client(t.app, ws.users[role].token);
      for (const res of [
        await c.post(api('/metrics'), { key: 'nope', name: 'Nope', eventNames: ['Login'] }),
        await c.patch(api('/metrics/logins'), { name: 'Renamed' }),
        await c.delete(api('/metrics/logins')),
        await c.post(api('/features'), { key: 'nope', name: 'Nope', eventNames: ['Login'] }),
        await c.patch(api('/features/chat'), { name: 'Renamed' }),
        await c.delete(api('/features/chat')),
      ]) {
        expect(res.status).toBe(403);
        expect(errorCode(res)).toBe('forbidden');
      }
    }
    expect((await admin.get(api('/metrics/logins'))).body.name).toBe('Logins');
    const anon = client(t.app, null);
    for (const path of [
      '/metrics',
      '/metrics/logins',
      '/features',
      `/accounts/${ids.acme}/metrics`,
      `/accounts/${ids.acme}/metrics/logins/series`,
      `/accounts/${ids.acme}/users`,
      `/metrics/logins/percentile?accountId=${ids.acme}`,
      '/metrics/logins/series',
    ]) {
      const res = await anon.get(api(path));
      expect(res.status, path).toBe(401);
      expect(errorCode(res)).toBe('unauthenticated');
    }
    expect((await anon.post(api('/metrics'), { key: 'x', name: 'x', eventNames: ['x'] })).status).toBe(401);
    expect((await anon.delete(api('/metrics/logins'))).status).toBe(401);
  });

  it("answers 404 for another workspace's metrics, features and accounts", async () => {
    const theirs = client(t.app, other.users.admin.token);
    expect(
      (await theirs.post(api('/metrics'), { key: 'logins', name: 'Logins', eventNames: ['Login'] })).status,
    ).toBe(201);
    const mine = (await admin.get(api('/metrics/logins'))).body.id;
    const feature = (await admin.get(api('/features/chat'))).body.id;
    for (const res of [
      await theirs.get(api(`/metrics/${mine}`)),
      await theirs.patch(api(`/metrics/${mine}`), { name: 'Hijack' }),
      await theirs.delete(api(`/metrics/${mine}`)),
      await theirs.patch(api(`/features/${feature}`), { name: 'Hijack' }),
      await theirs.delete(api(`/features/${feature}`)),
      await theirs.get(api(`/accounts/${ids.acme}/metrics`)),
      await theirs.get(api(`/accounts/${ids.acme}/metrics/logins/series`)),
      await theirs.get(api(`/accounts/${ids.acme}/users`)),
      await theirs.get(api(`/metrics/logins/percentile?accountId=${ids.acme}`)),
      await theirs.get(api(`/metrics/${mine}/series`)),
    ]) {
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(errorCode(res)).toBe('not_found');
    }
    expect((await admin.get(api('/metrics/logins'))).body.name).toBe('Logins');
    const unknown = await admin.get(api(`/accounts/${ids.acme}/metrics/nope/series`));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('nope');
    expect((await admin.get(api('/metrics/nope/percentile?accountId=x'))).status).toBe(404);
    expect((await admin.get(api('/metrics/nope/series'))).status).toBe(404);
  });
});

describe('an account’s usage', () => {
  it('sums every metric over 7/30/90 days with WoW, MoM and YoY, breadth and depth', async () => {
    const res = await client(t.app, ws.users.viewer.token).get(api(`/accounts/${ids.acme}/metrics`));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body;
    expect(body).toMatchObject({
      accountId: ids.acme,
      today: T,
      activeUsers: { last7: 2, last30: 3 },
      licensedSeats: 10,
      breadth: 0.3,
      featuresUsed: 2,
      featuresDefined: 3,
    });
    expect(body.depth).toBeCloseTo(2 / 3, 12);
    expect(body.windows).toEqual({
      last7: { from: d(6), to: T },
      prior7: { from: d(13), to: d(7) },
      last30: { from: d(29), to: T },
      prior30: { from: d(59), to: d(30) },
      last90: { from: d(89), to: T },
      yearAgo30: { from: addDays(Y, -29), to: Y },
    });
    expect(metricOf(body, 'logins')).toEqual({
      metric: expect.objectContaining({ key: 'logins', aggregation: 'count' }),
      totals: { last7: 4, last30: 7, last90: 9 },
      previous: { prior7: 2, prior30: 2, yearAgo30: 4 },
      changes: { wow: 1, mom: 2.5, last30VsPrior30: 2.5, yoy: 0.75 },
    });
    // People over the window, not person-days: u1 and u2 in the last 7, plus u4 in the last 30.
    expect(metricOf(body, 'people')).toMatchObject({
      totals: { last7: 2, last30: 3, last90: 3 },
      previous: { prior7: 2, prior30: 2, yearAgo30: 1 },
      changes: { wow: 0, mom: 0.5, yoy: 2 },
    });
    // The string "many" is not summed; 100 + 50.5 in the last 7 days, 20 in the 7 before.
    expect(metricOf(body, 'rows')).toMatchObject({
      totals: { last7: 150.5, last30: 170.5, last90: 170.5 },
      previous: { prior7: 20, prior30: 0, yearAgo30: 0 },
      changes: { wow: 6.525, mom: null, yoy: null },
    });
    expect(metricOf(body, 'peak_rows')).toMatchObject({
      totals: { last7: 100, last30: 100, last90: 100 },
      previous: { prior7: 20, prior30: 0 },
      changes: { wow: 4, mom: null },
    });
    // Defined after the events arrived: counts them all the same.
    expect(metricOf(body, 'reports')).toMatchObject({
      metric: { key: 'reports', behaviour: 'value' },
      totals: { last7: 3, last30: 4, last90: 4 },
      previous: { prior7: 0 },
      changes: { wow: null },
    });

    const beta = (await admin.get(api(`/accounts/${ids.beta}/metrics`))).body;
    expect(beta).toMatchObject({ licensedSeats: null, breadth: null, featuresUsed: 0, depth: 0 });
    expect(metricOf(beta, 'logins').totals).toEqual({ last7: 3, last30: 3, last90: 3 });
    const delta = (await admin.get(api(`/accounts/${ids.delta}/metrics`))).body;
    expect(metricOf(delta, 'logins')).toMatchObject({
      totals: { last7: 0, last30: 0, last90: 0 },
      changes: { wow: null, mom: null, yoy: null },
    });
  });

  it('gives a zero-filled series by day, week (from Monday) and month', async () => {
    const series = (q: string, metric = 'logins') =>
      admin.get(api(`/accounts/${ids.acme}/metrics/${metric}/series?${q}`));
    const days = await series('from=2020-06-06&to=2020-06-09');
    expect(days.status, JSON.stringify(days.body)).toBe(200);
    expect(days.body).toMatchObject({
      accountId: ids.acme,
      interval: 'day',
      from: '2020-06-06',
      to: '2020-06-09',
      total: 3,
    });
    expect(days.body.points).toEqual([
      { start: '2020-06-06', end: '2020-06-06', value: 0 },
      { start: '2020-06-07', end: '2020-06-07', value: 2 },
      { start: '2020-06-08', end: '2020-06-08', value: 1 },
      { start: '2020-06-09', end: '2020-06-09', value: 0 },
    ]);
    const weeks = await series('from=2020-06-03&to=2020-06-30&interval=week');
    expect(weeks.body.total).toBe(4);
    expect(weeks.body.points).toEqual([
      { start: '2020-06-03', end: '2020-06-07', value: 2 },
      { start: '2020-06-08', end: '2020-06-14', value: 1 },
      { start: '2020-06-15', end: '2020-06-21', value: 0 },
      { start: '2020-06-22', end: '2020-06-28', value: 0 },
      { start: '2020-06-29', end: '2020-06-30', value: 1 },
    ]);
    const months = await series('from=2020-05-20&to=2020-07-10&interval=month');
    expect(months.body.points).toEqual([
      { start: '2020-05-20', end: '2020-05-31', value: 0 },
      { start: '2020-06-01', end: '2020-06-30', value: 5 },
      { start: '2020-07-01', end: '2020-07-10', value: 3 },
    ]);
    // Distinct users per bucket are people: u1 twice and u2 in the first week are 2, not 3.
    const people = await series('from=2020-06-01&to=2020-06-14&interval=week', 'people');
    expect(values(people.body)).toEqual([2, 1]);
    expect(people.body.total).toBe(2);
    // Defaults: the 30 days ending today.
    const recent = await series('');
    expect(recent.body).toMatchObject({ from: d(29), to: T, total: 7 });
    expect(recent.body.points).toHaveLength(30);
    expect(recent.body.points.at(-1)).toEqual({ start: T, end: T, value: 2 });
  });

  it('rejects bad series and user queries with 400 naming the field', async () => {
    const base = `/accounts/${ids.acme}`;
    for (const [path, field] of [
      [`${base}/metrics/logins/series?interval=hour`, 'interval'],
      [`${base}/metrics/logins/series?from=2020-13-01`, 'from'],
      [`${base}/metrics/logins/series?to=yesterday`, 'to'],
      [`${base}/metrics/logins/series?from=2020-06-10&to=2020-06-01`, 'from'],
      [`${base}/metrics/logins/series?from=2015-01-01&to=2020-01-01`, 'from'],
      [`${base}/users?window=0`, 'window'],
      [`${base}/users?order=middle`, 'order'],
      [`${base}/users?limit=1000`, 'limit'],
      ['/metrics/logins/percentile', 'accountId'],
      [`/metrics/logins/percentile?accountId=${ids.acme}&window=abc`, 'window'],
      ['/metrics/logins/series?interval=year', 'interval'],
    ] as const) {
      const res = await admin.get(api(path));
      expect(res.status, path).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(res.body.error.details.issues[0].path, path).toBe(field);
    }
  });

  it('lists the top and bottom users by events with their contact', async () => {
    const top = await admin.get(api(`/accounts/${ids.acme}/users`));
    expect(top.status, JSON.stringify(top.body)).toBe(200);
    expect(top.body).toMatchObject({
      accountId: ids.acme,
      order: 'top',
      window: { from: d(29), to: T, days: 30 },
    });
    expect(top.body.items).toEqual([
      {
        userKey: 'u1',
        events: 9,
        activeDays: 6,
        lastActiveDay: T,
        contact: { id: expect.any(String), name: 'Ann Lee', email: 'ann@acme.test' },
      },
      { userKey: 'u2', events: 5, activeDays: 4, lastActiveDay: d(1), contact: null },
      { userKey: 'u4', events: 1, activeDays: 1, lastActiveDay: d(15), contact: null },
    ]);
    const bottom = await admin.get(api(`/accounts/${ids.acme}/users?order=bottom&limit=2`));
    expect(usersOf(bottom.body)).toEqual([
      ['u4', 1],
      ['u2', 5],
    ]);
    const week = await admin.get(api(`/accounts/${ids.acme}/users?window=7`));
    expect(usersOf(week.body)).toEqual([
      ['u1', 5],
      ['u2', 4],
    ]);
    expect((await admin.get(api(`/accounts/${ids.delta}/users`))).body.items).toEqual([]);
  });
});

describe('accounts compared', () => {
  const percentile = (q: string) => admin.get(api(`/metrics/logins/percentile?${q}`));

  it('ranks an account among all accounts, those without usage counting as 0', async () => {
    const res = await percentile(`accountId=${ids.acme}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      accountId: ids.acme,
      window: { from: d(29), to: T, days: 30 },
      value: 7,
      accounts: 4,
      below: 2,
      equal: 0,
      above: 1,
      rank: 2,
      median: 5,
    });
    expect(res.body.percentile).toBeCloseTo(200 / 3, 10);
    const idle = await percentile(`accountId=${ids.delta}`);
    expect(idle.body).toMatchObject({ value: 0, below: 0, above: 3, rank: 4, percentile: 0 });
    // A 7-day window: acme 4, beta 3, gamma 10, delta 0.
    const week = await percentile(`accountId=${ids.beta}&window=7`);
    expect(week.body).toMatchObject({
      value: 3,
      below: 1,
      above: 2,
      rank: 3,
      percentile: 100 / 3,
      median: 3.5,
    });
  });

  it('ranks among accounts like it: same region, industry or owner', async () => {
    const region = await percentile(`accountId=${ids.acme}&region=APAC`);
    expect(region.body).toMatchObject({
      accounts: 3,
      below: 2,
      rank: 1,
      percentile: 100,
      median: 3,
      segment: { region: 'APAC' },
    });
    const owner = await percentile(`accountId=${ids.beta}&ownerId=${ws.users.csm.id}`);
    expect(owner.body).toMatchObject({ accounts: 2, value: 3, below: 0, above: 1, percentile: 0 });
    // The account is compared even when it is outside the segment it asks about.
    const energy = await percentile(`accountId=${ids.acme}&industry=Energy`);
    expect(energy.body).toMatchObject({ accounts: 2, below: 0, above: 1, rank: 2, percentile: 0 });
    const alone = await percentile(`accountId=${ids.acme}&region=Nowhere`);
    expect(alone.body).toMatchObject({ accounts: 1, rank: 1, percentile: null, median: 7 });
    const other = await percentile('accountId=01900000-0000-7000-8000-00000000dead');
    expect(other.status).toBe(404);
  });

  it('sums a series over a segment of accounts', async () => {
    const all = await admin.get(api(`/metrics/logins/series?from=${d(6)}&to=${T}`));
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body).toMatchObject({ accounts: 4, activeAccounts: 3, total: 17, interval: 'day' });
    expect(values(all.body)).toEqual([0, 0, 10, 0, 1, 4, 2]);
    const apac = await admin.get(
      api(`/metrics/logins/series?from=${d(6)}&to=${T}&region=APAC&industry=Retail`),
    );
    expect(apac.body).toMatchObject({
      segment: { region: 'APAC', industry: 'Retail' },
      accounts: 3,
      activeAccounts: 2,
      total: 7,
    });
    expect(values(apac.body)).toEqual([0, 0, 0, 0, 1, 4, 2]);
    const tagged = await admin.get(api(`/metrics/logins/series?from=${d(6)}&to=${T}&tag=enterprise`));
    expect(tagged.body).toMatchObject({ accounts: 1, total: 4 });
    const owned = await admin.get(
      api(`/metrics/logins/series?from=${d(6)}&to=${T}&ownerId=${ws.users.csm.id}`),
    );
    expect(owned.body).toMatchObject({ accounts: 2, total: 7 });
    // People add up over accounts (each person belongs to one): acme u1, u2 and beta u5.
    const people = await admin.get(
      api(`/metrics/people/series?from=${d(6)}&to=${T}&interval=month&region=APAC`),
    );
    expect(people.body.total).toBe(3);
    const none = await admin.get(api('/metrics/logins/series?region=Nowhere'));
    expect(none.body).toMatchObject({ accounts: 0, activeAccounts: 0, total: 0 });
    expect(values(none.body).every((v) => v === 0)).toBe(true);
  });
});

describe('changing definitions', () => {
  it('recomputes a metric when its filters change and keeps what a rename does not mention', async () => {
    const pdf = await admin.patch(api('/metrics/reports'), {
      propertyFilters: [{ property: 'format', op: 'eq', value: 'pdf' }],
    });
    expect(pdf.status, JSON.stringify(pdf.body)).toBe(200);
    expect(pdf.body.rebuild.status).toBe('queued');
    await rebuild();
    const after = (await admin.get(api(`/accounts/${ids.acme}/metrics`))).body;
    expect(metricOf(after, 'reports').totals).toEqual({ last7: 2, last30: 2, last90: 2 });

    const big = await admin.patch(api('/metrics/rows'), {
      propertyFilters: [{ property: 'rows', op: 'gte', value: 50 }],
    });
    expect(big.body).toMatchObject({ aggregation: 'sum', valueProperty: 'rows' });
    await rebuild();
    const rows = metricOf((await admin.get(api(`/accounts/${ids.acme}/metrics`))).body, 'rows');
    expect(rows).toMatchObject({
      totals: { last7: 150.5, last30: 150.5 },
      previous: { prior7: 0 },
      changes: { wow: null },
    });

    // A rename counts the same events: the history stays, nothing is queued.
    const renamed = await admin.patch(api('/metrics/rows'), { name: 'Rows imported' });
    expect(renamed.body.rebuild.status).toBe('done');
    expect(renamed.body).toMatchObject({
      name: 'Rows imported',
      aggregation: 'sum',
      valueProperty: 'rows',
      propertyFilters: [{ property: 'rows', op: 'gte', value: 50 }],
    });
    const same = metricOf((await admin.get(api(`/accounts/${ids.acme}/metrics`))).body, 'rows');
    expect(same.totals.last30).toBe(150.5);
  });

  it('deleting a metric removes it and its rollups; deleting a feature lowers depth', async () => {
    const reports = (await admin.get(api('/metrics/reports'))).body.id;
    const rollups = () =>
      t.deps.db
        .selectFrom('metric_daily')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', ws.workspace.id)
        .where('metric_id', '=', reports)
        .executeTakeFirstOrThrow();
    expect(Number((await rollups()).n)).toBeGreaterThan(0);
    expect((await client(t.app, ws.users.manager.token).delete(api('/metrics/reports'))).status).toBe(204);
    expect(Number((await rollups()).n)).toBe(0);
    expect((await admin.get(api('/metrics/reports'))).status).toBe(404);
    const summary = (await admin.get(api(`/accounts/${ids.acme}/metrics`))).body;
    expect(metricOf(summary, 'reports')).toBeUndefined();

    const chat = await admin.patch(api('/features/chat'), { eventNames: ['Chat Message', 'Login'] });
    expect(chat.status).toBe(200);
    expect(chat.body.rebuild.status).toBe('queued');
    await rebuild();
    expect((await admin.get(api(`/accounts/${ids.acme}/metrics`))).body).toMatchObject({
      featuresUsed: 3,
      depth: 1,
    });
    expect((await admin.delete(api('/features/reporting'))).status).toBe(204);
    expect((await admin.get(api(`/accounts/${ids.acme}/metrics`))).body).toMatchObject({
      featuresUsed: 2,
      featuresDefined: 2,
      depth: 1,
    });
  });
});
