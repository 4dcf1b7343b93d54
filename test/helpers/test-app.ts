import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import type { Ctx, Deps } from '../../src/context.ts';
import { systemCtx } from '../../src/context.ts';
import type { Engine } from '../../src/db/dialect.ts';
import { openDatabase } from '../../src/db/index.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { createToken, createUser, ROLES, type Role } from '../../src/modules/auth/index.ts';
import type { ReadScope } from '../../src/modules/team/index.ts';
import { createWorkspace, toRef, type Workspace } from '../../src/modules/workspaces/index.ts';
import { createApp } from '../../src/server/app.ts';

export const PG_URL = process.env.STEWARD_TEST_DATABASE_URL;
export const ENGINE: Engine = PG_URL ? 'postgres' : 'sqlite';

export type TestApp = {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  close: () => Promise<void>;
};

/** A migrated database (fresh SQLite file, or the shared PostgreSQL test database) and the app on it. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  let dir: string | undefined;
  let url = PG_URL;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'steward-test-'));
    url = join(dir, 'test.db');
  }
  // Heavy reads in-process unless a test asks for the worker pool (heavy-pool.test.ts).
  const config = loadConfig({
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    STEWARD_DEMO: '0',
    STEWARD_HEAVY_WORKERS: '0',
    ...env,
  });
  const handle = openDatabase(config.database, { poolSize: 4 });
  if (!PG_URL) await migrateToLatest(handle.db);
  const deps: Deps = {
    db: handle.db,
    engine: handle.engine,
    config,
    logger: createLogger('silent'),
    now: () => new Date(),
  };
  return {
    deps,
    app: createApp(deps),
    close: async () => {
      await handle.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestUser = { id: string; email: string; password: string; token: string };
export type TestWorkspace = {
  workspace: Workspace;
  ctx: Ctx;
  users: Record<Role, TestUser>;
};

let counter = 0;
const unique = () =>
  `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * A workspace with one user (and a read-write API token) per role. CSMs and viewers read every
 * account (`csmReadScope: 'all'`) unless `readScope` says otherwise: tests of roles and features
 * are not about record-level access, which read-access.test.ts and the route matrix cover with the
 * product's default ('group').
 */
export async function createTestWorkspace(
  deps: Deps,
  name = 'Test',
  options: { readScope?: ReadScope } = {},
): Promise<TestWorkspace> {
  const workspace = await createWorkspace(deps, { name, baseCurrency: 'CNY', timeZone: 'Asia/Shanghai' });
  const ctx = systemCtx(deps, toRef(workspace), 'test');
  const users = {} as Record<Role, TestUser>;
  for (const role of ROLES) {
    const email = `${role}.${unique()}@test.steward.dev`;
    const password = `pw-${role}-12345`;
    const user = await createUser({
      ctx,
      input: { email, name: `${role} user`, role, locale: 'en', password },
    });
    const { token } = await createToken({
      ctx,
      input: { name: `${role} token`, scopes: ['read', 'write'], userId: user.id },
    });
    users[role] = { id: user.id, email, password, token };
  }
  // Written directly (no audit row), so tests that count the audit log see only their own.
  await deps.db
    .insertInto('team_settings')
    .values({
      workspace_id: workspace.id,
      settings: JSON.stringify({ csmReadScope: options.readScope ?? 'all' }),
      updated_at: new Date().toISOString(),
    })
    .execute();
  return { workspace, ctx, users };
}

export type ApiResponse<T = any> = { status: number; body: T; headers: Headers };

/**
 * Calls the app in-process as the holder of `token` (or anonymously with null). Texts come in
 * English unless `extraHeaders` names another Accept-Language (anonymous callers would get Chinese).
 */
export function client(app: TestApp['app'], token: string | null, extraHeaders: Record<string, string> = {}) {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiResponse> => {
    const headers: Record<string, string> = { 'accept-language': 'en', ...extraHeaders };
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await app.request(path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (CSV, HTML): keep the text
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown) => call('POST', path, body ?? {}),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    put: (path: string, body: unknown) => call('PUT', path, body),
    delete: (path: string) => call('DELETE', path),
    request: call,
  };
}
export type Client = ReturnType<typeof client>;

/** Asserts our error shape and returns its code. */
export function errorCode(res: ApiResponse): string {
  const e = res.body?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.requestId !== 'string') {
    throw new Error(`Not an error body (status ${res.status}): ${JSON.stringify(res.body)}`);
  }
  return e.code;
}
