import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { runCli, startServe } from '../helpers/cli.ts';
import { PG_URL } from '../helpers/test-app.ts';

// The CLI is exercised as a user runs it: `node bin/steward.mjs ...` as a child process, on a
// SQLite file of its own (the PostgreSQL run leaves these to the SQLite one).
const RAVENSTACK_ACCOUNTS = join(
  import.meta.dirname,
  '../../../shared/data/ravenstack-saas-churn/ravenstack_accounts.csv',
);

let dir: string;
let dbFile: string;
const env = () => ({ DATABASE_URL: dbFile, STEWARD_DEMO: '0' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-'));
  dbFile = join(dir, 'cli.db');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Reads the CLI's database directly, read-only. */
function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Signs in through the HTTP app on the CLI's database. */
async function canSignIn(email: string, password: string): Promise<boolean> {
  const config = loadConfig({ DATABASE_URL: dbFile, LOG_LEVEL: 'silent' });
  const handle = openDatabase(config.database);
  try {
    const app = createApp({ ...handle, config, logger: createLogger('silent'), now: () => new Date() });
    const res = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return res.status === 200;
  } finally {
    await handle.close();
  }
}

describe.skipIf(PG_URL !== undefined)('steward CLI', () => {
  it('migrate applies the migrations, then finds the database up to date', async () => {
    const first = await runCli(['migrate'], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Applied: .*foundation/);
    const again = await runCli(['migrate'], env());
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('The database is up to date');
  }, 60_000);

  it('demo twice with the same seed makes two workspaces with the same accounts and ARR', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const res = await runCli(['demo', '--accounts', '60', '--seed', '7'], env());
      // stderr holds the progress (a line per step without a terminal), nothing else.
      expect(res.stderr.split('\n').filter((l) => l && !/^Demo workspace: \d+% \(\w+\)$/.test(l))).toEqual(
        [],
      );
      expect(res.code).toBe(0);
      const m = res.stdout.match(
        /^Workspace (\S+): 60 accounts, (\d+) contracts, (\d+) contacts, (\d+) staff in [\d.]+ s$/m,
      );
      expect(m, res.stdout).toBeTruthy();
      const login = res.stdout.match(/^Sign in as (admin\+\S+@example\.com) with password (\S+)$/m);
      expect(login, res.stdout).toBeTruthy();
      expect(login![1]).toBe(`admin+${m![1]}@example.com`);
      runs.push({ slug: m![1]!, counts: m!.slice(2), email: login![1]!, password: login![2]! });
    }
    expect(runs[0]!.slug).not.toBe(runs[1]!.slug);
    expect(runs[1]!.counts).toEqual(runs[0]!.counts);

    type Row = { external_id: string; name: string; arr_minor: number; region: string };
    const accounts = (slug: string) =>
      query<Row>(
        `select a.external_id, a.name, a.arr_minor, a.region from accounts a
         join workspaces w on w.id = a.workspace_id where w.slug = ? order by a.external_id`,
        slug,
      );
    const [a, b] = [accounts(runs[0]!.slug), accounts(runs[1]!.slug)];
    expect(a).toHaveLength(60);
    expect(b).toEqual(a);
    expect(a.some((r) => r.arr_minor > 0)).toBe(true);
    expect(await canSignIn(runs[1]!.email, runs[1]!.password)).toBe(true);
  }, 300_000);

  it('user create prints a password that signs in; a second create with that email fails', async () => {
    const email = 'kim.csm@example.com';
    const created = await runCli(['user', 'create', '--email', email, '--role', 'csm'], env());
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      new RegExp(`^Created csm ${email.replace('.', '\\.')} \\(\\S+\\) in workspace`),
    );
    const password = created.stdout.match(/^Password: (\S+)$/m)?.[1];
    expect(password).toBeTruthy();
    expect(await canSignIn(email, password!)).toBe(true);

    const again = await runCli(
      ['user', 'create', '--email', email.toUpperCase(), '--role', 'manager'],
      env(),
    );
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim()).toBe(`Error: A user with email ${email} already exists`);

    const badRole = await runCli(['user', 'create', '--email', 'x@example.com', '--role', 'boss'], env());
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/--role.*boss.*admin, manager, csm, viewer/s);
    const users = query<{ n: number }>('select count(*) as n from users where email = ?', 'x@example.com');
    expect(users[0]!.n).toBe(0);
  }, 60_000);

  it('import --dry-run prints FILE:LINE: field: message per bad row, writes nothing and exits 1', async () => {
    const file = join(dir, 'accounts.csv');
    writeFileSync(
      file,
      [
        'id,name,signup,seats',
        'CLI-1,Valid One,1/2/2024,10',
        'CLI-2,,3/2/2024,5',
        'CLI-3,Bad Date,31/02/2024,5',
        'CLI-4,Valid Four,2024-03-05,7',
        'CLI-5,Bad Seats,1/3/2024,lots',
      ].join('\n'),
    );
    const map = 'id=externalId,name=name,signup=goLiveDate,seats=licensedSeats';
    const count = () =>
      query<{ n: number }>("select count(*) as n from accounts where external_id like 'CLI-%'")[0]!.n;

    const dry = await runCli(['import', 'accounts', file, '--map', map, '--dry-run'], env());
    expect(dry.code).toBe(1);
    expect(dry.stderr.trim().split('\n')).toEqual([
      `${file}:3: column "name" (name): is required but empty`,
      `${file}:4: column "signup" (goLiveDate): "31/02/2024" is not a date (expected YYYY-MM-DD, YYYY/M/D, YYYY年M月D日, D/M/YYYY)`,
      `${file}:6: column "seats" (licensedSeats): "lots" is not a whole number (expected e.g. 25 or 1,200)`,
    ]);
    expect(dry.stdout.trim().split('\n').at(-1)).toBe(
      'Dry run: 5 rows, 2 valid, 3 invalid; 2 to create, 0 to update, 0 unchanged, 0 repeated rows merged; skipped 0 blank and 0 total rows',
    );
    expect(count()).toBe(0);

    const refused = await runCli(['import', 'accounts', file, '--map', map], env());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^Nothing imported: 5 rows, 2 valid, 3 invalid/m);
    expect(count()).toBe(0);

    const skipped = await runCli(['import', 'accounts', file, '--map', map, '--skip-invalid'], env());
    expect(skipped.code).toBe(0);
    expect(skipped.stdout.trim().split('\n').at(-1)).toBe(
      'Imported: 5 rows, 2 valid, 3 invalid; 2 created, 0 updated, 0 unchanged, 0 repeated rows merged; skipped 0 blank and 0 total rows',
    );
    expect(count()).toBe(2);

    const missing = await runCli(['import', 'accounts', join(dir, 'nope.csv')], env());
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`Cannot read ${join(dir, 'nope.csv')}`);

    const unknown = await runCli(['import', 'accounts', file, '--map', 'id=externalId,name=nmae'], env());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Error: Unknown account field "nmae" in map/);
  }, 90_000);

  it('imports the RavenStack accounts file, then re-imports it changing nothing', async () => {
    const map = [
      'account_id=externalId',
      'account_name=name',
      'industry=industry',
      'country=region',
      'signup_date=goLiveDate',
      'seats=licensedSeats',
    ].join(',');
    const first = await runCli(['import', 'accounts', RAVENSTACK_ACCOUNTS, '--map', map], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const last = (out: string) => out.trim().split('\n').at(-1);
    expect(last(first.stdout)).toBe(
      'Imported: 500 rows, 500 valid, 0 invalid; 500 created, 0 updated, 0 unchanged, 0 repeated rows merged; skipped 0 blank and 0 total rows',
    );
    expect(first.stdout).toContain('File: UTF-8, comma-separated');
    // The same file again changes nothing.
    const again = await runCli(['import', 'accounts', RAVENSTACK_ACCOUNTS, '--map', map], env());
    expect(last(again.stdout)).toBe(
      'Imported: 500 rows, 500 valid, 0 invalid; 0 created, 0 updated, 500 unchanged, 0 repeated rows merged; skipped 0 blank and 0 total rows',
    );
    const [row] = query<{ go_live_date: string }>(
      "select go_live_date from accounts where external_id = 'A-2e4581'",
    );
    expect(row?.go_live_date).toBe('2024-10-16');
  }, 90_000);

  it('stops on a bad environment variable with a message naming it', async () => {
    const res = await runCli(['migrate'], { ...env(), PORT: 'abc', STEWARD_BASE_CURRENCY: 'yuan' });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^Invalid configuration:/);
    expect(res.stderr).toMatch(/^ {2}PORT: /m);
    expect(res.stderr).toMatch(/^ {2}STEWARD_BASE_CURRENCY: must be a three-letter ISO 4217 code/m);
  }, 30_000);

  it('serve starts on an empty database, prints the URL and the admin login, and answers /healthz', async () => {
    const serveDb = join(dir, 'serve.db');
    const serveEnv = { DATABASE_URL: serveDb, PORT: '3917', HOST: '127.0.0.1', STEWARD_DEMO_ACCOUNTS: '30' };
    const server = startServe(serveEnv);
    try {
      await server.waitFor(
        /Steward is running at http:\/\/localhost:3917 \(API docs: http:\/\/localhost:3917\/api\/docs\)/,
      );
      const login = await server.waitFor(/Sign in as admin@example\.com with password (\S+)\r?\n/);
      await server.waitFor(/This password is shown only once/);
      // Serving first, the demo built beside it: the URL comes before the demo is ready.
      await server.waitFor(
        /Demo workspace ready in [\d.]+ s: 30 accounts, \d+ contracts, \d+ contacts, \d+ staff/,
        240_000,
      );
      const out = server.output();
      expect(out.indexOf('Steward is running')).toBeLessThan(out.indexOf('Demo workspace ready'));
      expect((out.match(/not sent/g) ?? []).length).toBeLessThanOrEqual(1);
      const status = await fetch('http://127.0.0.1:3917/api/v1/demo/status');
      expect(await status.json()).toMatchObject({ state: 'ready', percent: 100 });
      const health = await fetch('http://127.0.0.1:3917/healthz');
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const signIn = await fetch('http://127.0.0.1:3917/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@example.com', password: login[1] }),
      });
      expect(signIn.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }

    // A second start finds the workspace: no new admin, no password printed.
    const again = startServe(serveEnv);
    try {
      await again.waitFor(/Steward is running at http:\/\/localhost:3917/);
      expect(again.output()).not.toMatch(/Sign in as|Demo workspace/);
      expect(await (await fetch('http://127.0.0.1:3917/api/v1/demo/status')).json()).toMatchObject({
        state: 'none',
      });
      expect((await fetch('http://127.0.0.1:3917/healthz')).status).toBe(200);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 360_000);
});
