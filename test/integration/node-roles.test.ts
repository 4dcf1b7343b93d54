// Several nodes: what each `--role` answers (server/roles.ts), and the read replica path
// (server/read-replica.ts): the named list/report/analytics routes read deps.readDb, on a connection
// that refuses writes, and every other route (one record, writes) stays on the primary.
import SQLite from 'better-sqlite3';
import { Kysely, type KyselyPlugin, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/context.ts';
import { type Db, openDatabase } from '../../src/db/index.ts';
import type { Database } from '../../src/db/schema.ts';
import { createApp } from '../../src/server/app.ts';
import { isReplicaRead } from '../../src/server/read-replica.ts';
import { parseRoles } from '../../src/server/roles.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let key: string;
let replica: { db: Db; close: () => Promise<void> };
let replicaQueries = 0;

/** Counts the queries the replica connection runs. */
const counter: KyselyPlugin = {
  transformQuery: (args) => {
    replicaQueries++;
    return args.node;
  },
  transformResult: async (args) => args.result,
};

/** A second connection to the same database that refuses every write, as a standby does. */
function openReadOnly(deps: Deps) {
  const target = deps.config.database;
  if (target.kind === 'postgres') {
    const handle = openDatabase(target, { poolSize: 2, readOnly: true });
    return { db: handle.db.withPlugin(counter), close: handle.close };
  }
  const sqlite = new SQLite(target.file, { readonly: true, fileMustExist: true });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db: db.withPlugin(counter), close: () => db.destroy() };
}

const batchBody = (n: number) =>
  JSON.stringify({
    batch: Array.from({ length: n }, (_, i) => ({
      type: 'track',
      event: 'Opened',
      userId: `u-${i}`,
      messageId: `roles-${Date.now().toString(36)}-${i}`,
    })),
  });
const post = (app: ReturnType<typeof createApp>, path: string, body: string) =>
  app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
    },
    body,
  });

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Roles');
  const res = await client(t.app, ws.users.admin.token).post('/api/v1/write-keys', { name: 'roles' });
  key = res.body.key;
  replica = openReadOnly(t.deps);
}, 60_000);
afterAll(async () => {
  await replica?.close();
  await t?.close();
});

describe('--role', () => {
  it('parses all, one role and lists, and refuses unknown names', () => {
    expect([...parseRoles('all')!].sort()).toEqual(['api', 'ingest', 'jobs']);
    expect([...parseRoles('ingest,jobs')!].sort()).toEqual(['ingest', 'jobs']);
    expect(parseRoles('api,web')).toBeUndefined();
    expect(parseRoles('')).toBeUndefined();
  });

  it('an ingest node answers the tracking endpoints and /healthz, not the API or the web app', async () => {
    const app = createApp(t.deps, { roles: parseRoles('ingest')! });
    expect((await app.request('/healthz')).status).toBe(200);
    const res = await post(app, '/v1/batch', batchBody(3));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: 3 });
    const api = await app.request('/api/v1/accounts', {
      headers: { authorization: `Bearer ${ws.users.admin.token}` },
    });
    expect(api.status).toBe(404);
    expect((await app.request('/api/docs')).status).toBe(404);
    expect((await app.request('/', { headers: { accept: 'text/html' } })).status).toBe(404);
  });

  it('an api node answers the API, not the tracking endpoints', async () => {
    const app = createApp(t.deps, { roles: parseRoles('api')! });
    expect((await post(app, '/v1/batch', batchBody(1))).status).toBe(404);
    expect((await client(app, ws.users.admin.token).get('/api/v1/accounts')).status).toBe(200);
    // The ingest statistics are part of the API (the settings page), so they show the ingest node's work.
    const stats = await client(app, ws.users.admin.token).get('/api/v1/ingest/stats');
    expect(stats.body.accepted).toBeGreaterThanOrEqual(3);
  });

  it('a jobs node answers /healthz only', async () => {
    const app = createApp(t.deps, { roles: parseRoles('jobs')! });
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await post(app, '/v1/batch', batchBody(1))).status).toBe(404);
    expect((await app.request('/api/v1/auth/me')).status).toBe(404);
  });
});

describe('read replica (DATABASE_READ_URL)', () => {
  it('serves the named lists, reports and analytics from the replica, which never sees a write', async () => {
    const deps: Deps = { ...t.deps, readDb: replica.db };
    const app = createApp(deps);
    const admin = client(app, ws.users.admin.token);
    const account = await admin.post('/api/v1/accounts', { name: 'Replica Co', externalId: 'replica-co' });
    expect(account.status).toBe(201);
    const id = account.body.id as string;
    const metric = 'replica_opens';
    const made = await admin.post('/api/v1/metrics', { key: metric, name: 'Opens', eventNames: ['Opened'] });
    expect(made.status).toBe(201);

    const paths = [
      '/api/v1/accounts',
      '/api/v1/accounts?q=Replica',
      '/api/v1/accounts/facets',
      '/api/v1/account-states',
      '/api/v1/account-states/summary',
      '/api/v1/renewals',
      '/api/v1/renewals/window',
      '/api/v1/requests/ranked',
      '/api/v1/churn/accounts',
      '/api/v1/audit-log',
      '/api/v1/search?q=Replica',
      '/api/v1/reports/scorecards',
      '/api/v1/reports/stages',
      '/api/v1/revenue/arr',
      '/api/v1/revenue/churn',
      '/api/v1/revenue/forecast',
      '/api/v1/revenue/movement',
      '/api/v1/revenue/retention',
      '/api/v1/automation/effectiveness',
      '/api/v1/team/load',
      `/api/v1/metrics/${metric}/series`,
      `/api/v1/metrics/${metric}/percentile?accountId=${id}`,
      `/api/v1/accounts/${id}/metrics/${metric}/series`,
    ];
    const answered: Record<string, number> = {};
    for (const path of paths) {
      expect(isReplicaRead('GET', new URL(path, 'http://x').pathname), path).toBe(true);
      const before = replicaQueries;
      const res = await admin.get(path);
      answered[path] = res.status;
      expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
      if (res.status === 200) expect(replicaQueries, path).toBeGreaterThan(before);
    }
    expect(Object.entries(answered).filter(([, status]) => status !== 200)).toEqual([]);
    const list = await admin.get('/api/v1/accounts?q=Replica');
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(id);

    // One record, the caller's own session and every write stay on the primary.
    const before = replicaQueries;
    expect((await admin.get(`/api/v1/accounts/${id}`)).status).toBe(200);
    expect((await admin.patch(`/api/v1/accounts/${id}`, { name: 'Replica Co 2' })).status).toBe(200);
    expect((await admin.get('/api/v1/auth/me')).status).toBe(200);
    expect(replicaQueries).toBe(before);
    expect(isReplicaRead('POST', '/api/v1/accounts')).toBe(false);
  });
});
