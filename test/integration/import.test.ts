import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.ts';
import { importCsv, type RowError } from '../../src/modules/accounts/import.ts';
import { dayInZone } from '../../src/time.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

const DATA = join(import.meta.dirname, '../../../shared/data/ravenstack-saas-churn');
const ACCOUNTS_FILE = join(DATA, 'ravenstack_accounts.csv');
const SUBSCRIPTIONS_FILE = join(DATA, 'ravenstack_subscriptions.csv');

const ACCOUNT_MAP = [
  'account_id=externalId',
  'account_name=name',
  'industry=industry',
  'country=region',
  'signup_date=goLiveDate',
  'seats=licensedSeats',
  'plan_tier=cf.plan_tier',
].join(',');
const SUBSCRIPTION_MAP = [
  'subscription_id=externalId',
  'account_id=accountExternalId',
  'start_date=startDate',
  'end_date=endDate',
  'mrr_amount=amount',
  'churn_flag=churned',
].join(',');
const SUBSCRIPTION_DEFAULTS = 'currency=USD,billingPeriod=monthly';
/** The starter USD rate of a CNY workspace. */
const USD_TO_CNY = 7.1;

type CsvRow = { [column: string]: string };
const readCsv = (file: string): CsvRow[] => parse(readFileSync(file), { columns: true, bom: true });

let t: TestApp;
let ws: TestWorkspace;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Import');
});
afterAll(async () => t?.close());

/** POSTs a CSV body to the import route (text/csv unless told otherwise). */
function postCsv(
  token: string | null,
  entity: string,
  csv: string,
  query: { [name: string]: string } = {},
  contentType = 'text/csv',
) {
  const qs = new URLSearchParams(query).toString();
  return client(t.app, token, { 'content-type': contentType }).post(
    `/api/v1/imports/${entity}${qs ? `?${qs}` : ''}`,
    csv,
  );
}

async function count(table: 'accounts' | 'contacts' | 'contracts', workspaceId: string): Promise<number> {
  const row = await t.deps.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function counts(workspaceId: string) {
  return {
    accounts: await count('accounts', workspaceId),
    contacts: await count('contacts', workspaceId),
    contracts: await count('contracts', workspaceId),
  };
}

async function accountByExternalId(workspaceId: string, externalId: string) {
  return t.deps.db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

async function contractByExternalId(workspaceId: string, externalId: string) {
  return t.deps.db
    .selectFrom('contracts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}

/** A ctx acting as one of the workspace's users through a read-write token. */
function userCtx(w: TestWorkspace, role: 'viewer' | 'csm' | 'manager'): Ctx {
  return {
    ...w.ctx,
    actor: { kind: 'user', userId: w.users[role].id, role, via: 'token', scopes: ['read', 'write'] },
  };
}

/** ARR in base-currency minor units, as the contract math rounds it: per contract, then summed. */
const arrMinor = (mrrUsd: number) => Math.round(mrrUsd * 12 * USD_TO_CNY * 100);

describe('the RavenStack sample through the API', () => {
  let rs: TestWorkspace;
  const accounts = readCsv(ACCOUNTS_FILE);
  const subscriptions = readCsv(SUBSCRIPTIONS_FILE);

  beforeAll(async () => {
    rs = await createTestWorkspace(t.deps, 'RavenStack');
    const field = await client(t.app, rs.users.admin.token).post('/api/v1/custom-fields', {
      key: 'plan_tier',
      label: 'Plan tier',
      type: 'single_select',
      options: ['Basic', 'Pro', 'Enterprise'],
    });
    expect(field.status).toBe(201);
  });

  it('reads the files the test relies on', () => {
    // One header line and one line per row; the last line has no newline.
    const lines = (file: string) => readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean).length - 1;
    expect(accounts).toHaveLength(lines(ACCOUNTS_FILE));
    expect(accounts).toHaveLength(500);
    expect(subscriptions).toHaveLength(lines(SUBSCRIPTIONS_FILE));
    expect(subscriptions).toHaveLength(5000);
  });

  it('imports every account, reading d/m/yyyy dates and a select custom field', async () => {
    const csv = readFileSync(ACCOUNTS_FILE, 'utf8');
    const res = await postCsv(rs.users.manager.token, 'accounts', csv, { map: ACCOUNT_MAP });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      unchanged: 0,
      merged: 0,
      file: { format: 'csv', encoding: 'utf-8' },
      entity: 'accounts',
      dryRun: false,
      committed: true,
      rows: accounts.length,
      valid: accounts.length,
      invalid: 0,
      created: accounts.length,
      updated: 0,
      errors: [],
    });
    expect(await count('accounts', rs.workspace.id)).toBe(accounts.length);

    const one = await client(t.app, rs.users.viewer.token).get('/api/v1/accounts/by-external-id/A-2e4581');
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      externalId: 'A-2e4581',
      name: 'Company_0',
      industry: 'EdTech',
      region: 'US',
      goLiveDate: '2024-10-16', // 16/10/2024
      licensedSeats: 9,
      customFields: { plan_tier: 'Basic' },
      arr: 0,
    });
    // A single-digit month: 17/8/2023.
    expect((await accountByExternalId(rs.workspace.id, 'A-43a9e3'))?.go_live_date).toBe('2023-08-17');

    // Every row landed with its own date and tier.
    const stored = await t.deps.db
      .selectFrom('accounts')
      .select(['external_id', 'go_live_date', 'custom_fields', 'licensed_seats'])
      .where('workspace_id', '=', rs.workspace.id)
      .execute();
    const byId = new Map(stored.map((a) => [a.external_id, a]));
    for (const a of accounts) {
      const [d, m, y] = a.signup_date!.split('/');
      const row = byId.get(a.account_id!);
      expect(row?.go_live_date).toBe(`${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`);
      expect(JSON.parse(row!.custom_fields)).toEqual({ plan_tier: a.plan_tier });
      expect(row?.licensed_seats).toBe(Number(a.seats));
    }
  });

  it('imports every subscription as a contract, with USD converted and open-ended end dates', async () => {
    const csv = readFileSync(SUBSCRIPTIONS_FILE, 'utf8');
    const res = await postCsv(rs.users.admin.token, 'contracts', csv, {
      map: SUBSCRIPTION_MAP,
      defaults: SUBSCRIPTION_DEFAULTS,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      committed: true,
      rows: subscriptions.length,
      valid: subscriptions.length,
      invalid: 0,
      created: subscriptions.length,
      updated: 0,
    });
    expect(await count('contracts', rs.workspace.id)).toBe(subscriptions.length);

    // S-8cec59: 2786 USD a month, ended 2024-04-12, churned.
    const ended = await contractByExternalId(rs.workspace.id, 'S-8cec59');
    expect(ended).toMatchObject({
      start_date: '2023-12-23',
      end_date: '2024-04-12',
      currency: 'USD',
      billing_period: 'monthly',
      status: 'churned',
    });
    const listed = await client(t.app, rs.users.viewer.token).get(
      `/api/v1/contracts?accountId=${ended!.account_id}&limit=200`,
    );
    const contract = listed.body.items.find((c: { externalId: string }) => c.externalId === 'S-8cec59');
    expect(contract).toMatchObject({
      amount: 2786,
      currency: 'USD',
      fxRate: USD_TO_CNY,
      baseCurrency: 'CNY',
    });
    expect(contract.arr).toBeCloseTo(2786 * 12 * USD_TO_CNY, 2);

    // S-0f6f44: an empty end_date is an open-ended, active contract.
    const open = await contractByExternalId(rs.workspace.id, 'S-0f6f44');
    expect(open).toMatchObject({ end_date: null, status: 'active' });
    expect(Number(open!.arr_minor)).toBe(arrMinor(833));

    const churned = subscriptions.filter((s) => s.churn_flag === 'True').length;
    const stored = await t.deps.db
      .selectFrom('contracts')
      .select(['external_id', 'status', 'end_date', 'amount_minor'])
      .where('workspace_id', '=', rs.workspace.id)
      .execute();
    expect(stored.filter((c) => c.status === 'churned')).toHaveLength(churned);
    expect(stored.filter((c) => c.end_date === null)).toHaveLength(
      subscriptions.filter((s) => s.end_date === '').length,
    );

    // Each account's current ARR is the sum of its contracts in force today that did not churn.
    const today = dayInZone(new Date(), 'Asia/Shanghai');
    const expected = new Map<string, number>(accounts.map((a) => [a.account_id!, 0]));
    for (const s of subscriptions) {
      const inForce = s.start_date! <= today && (s.end_date === '' || s.end_date! >= today);
      if (inForce && s.churn_flag !== 'True') {
        expected.set(s.account_id!, expected.get(s.account_id!)! + arrMinor(Number(s.mrr_amount)));
      }
    }
    const figures = await t.deps.db
      .selectFrom('accounts')
      .select(['external_id', 'arr_minor'])
      .where('workspace_id', '=', rs.workspace.id)
      .execute();
    expect(Object.fromEntries(figures.map((a) => [a.external_id, Number(a.arr_minor)]))).toEqual(
      Object.fromEntries(expected),
    );
    expect([...expected.values()].some((v) => v > 0)).toBe(true);
  }, 120_000);

  it('re-importing the same files updates by external id and creates nothing', async () => {
    const before = await counts(rs.workspace.id);
    const again = await postCsv(rs.users.manager.token, 'accounts', readFileSync(ACCOUNTS_FILE, 'utf8'), {
      map: ACCOUNT_MAP,
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      committed: true,
      created: 0,
      updated: 0,
      unchanged: accounts.length,
      invalid: 0,
    });

    // The first 100 subscriptions, as a CRM delta export would send them.
    const head = readFileSync(SUBSCRIPTIONS_FILE, 'utf8').split('\n').slice(0, 101).join('\n');
    const delta = await postCsv(rs.users.manager.token, 'contracts', head, {
      map: SUBSCRIPTION_MAP,
      defaults: SUBSCRIPTION_DEFAULTS,
    });
    expect(delta.status).toBe(200);
    expect(delta.body).toMatchObject({
      committed: true,
      rows: 100,
      created: 0,
      updated: 0,
      unchanged: 100,
      invalid: 0,
    });
    expect(await counts(rs.workspace.id)).toEqual(before);
    expect((await accountByExternalId(rs.workspace.id, 'A-2e4581'))?.go_live_date).toBe('2024-10-16');
  });
});

describe('the RavenStack sample through importCsv', () => {
  it('streams the accounts file into a workspace and reports the same counts', async () => {
    const w = await createTestWorkspace(t.deps, 'RavenStack verb');
    await client(t.app, w.users.admin.token).post('/api/v1/custom-fields', {
      key: 'plan_tier',
      label: 'Plan tier',
      type: 'single_select',
      options: ['Basic', 'Pro', 'Enterprise'],
    });
    const progress: string[] = [];
    const report = await importCsv({
      ctx: userCtx(w, 'manager'),
      entity: 'accounts',
      source: createReadStream(ACCOUNTS_FILE),
      options: { map: ACCOUNT_MAP },
      onProgress: (p) => progress.push(p.phase),
    });
    expect(report).toMatchObject({ committed: true, rows: 500, valid: 500, created: 500, invalid: 0 });
    expect(progress).toContain('validate');
    expect(progress).toContain('write');
    expect(await count('accounts', w.workspace.id)).toBe(500);
    expect((await accountByExternalId(w.workspace.id, 'A-2e4581'))?.go_live_date).toBe('2024-10-16');

    // A dry run of the subscriptions checks all 5000 rows and writes none.
    const dry = await importCsv({
      ctx: w.ctx,
      entity: 'contracts',
      source: createReadStream(SUBSCRIPTIONS_FILE),
      options: {
        map: SUBSCRIPTION_MAP,
        defaults: { currency: 'USD', billingPeriod: 'monthly' },
        dryRun: true,
      },
    });
    expect(dry).toMatchObject({ dryRun: true, committed: false, rows: 5000, valid: 5000, created: 5000 });
    expect(await count('contracts', w.workspace.id)).toBe(0);
  });
});

// Lines: 1 header, 2 valid, 3 no name, 4 bad date and seats, 5 fractional seats, 6 valid,
// 7 unknown parent.
const MIXED = [
  'id,name,signup,seats,parent',
  'V-1,Valid One,1/2/2024,10,',
  'V-2,,3/2/2024,5,',
  'V-3,Bad Date,31/02/2024,many,',
  'V-4,Bad Seats,1/3/2024,2.5,',
  'V-5,Valid Five,2024-03-05,7,',
  'V-6,No Parent,,3,NOPE',
].join('\n');
const MIXED_MAP = 'id=externalId,name=name,signup=goLiveDate,seats=licensedSeats,parent=parentExternalId';

describe('validation', () => {
  it('a dry run reports every bad row by line and field, and writes nothing', async () => {
    const before = await counts(ws.workspace.id);
    const res = await postCsv(ws.users.manager.token, 'accounts', MIXED, { map: MIXED_MAP, dryRun: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      committed: false,
      rows: 6,
      valid: 2,
      invalid: 4,
      created: 2,
      updated: 0,
    });
    expect(res.body.errors.map((e: RowError) => [e.line, e.field])).toEqual([
      [3, 'name'],
      [4, 'goLiveDate'],
      [4, 'licensedSeats'],
      [5, 'licensedSeats'],
      [7, 'parentExternalId'],
    ]);
    const [noName, badDate, badSeats] = res.body.errors;
    expect(noName.message).toMatch(/required/);
    expect(badDate).toMatchObject({ column: 'signup' });
    expect(badDate.message).toMatch(/"31\/02\/2024" is not a date/);
    expect(badSeats).toMatchObject({ column: 'seats' });
    expect(badSeats.message).toMatch(/"many" is not a whole number/);
    expect(res.body.errors[4].message).toMatch(/NOPE/);
    expect(await counts(ws.workspace.id)).toEqual(before);
  });

  it('an invalid row fails the whole file with 400 listing the rows; nothing is written', async () => {
    const before = await counts(ws.workspace.id);
    const res = await postCsv(ws.users.manager.token, 'accounts', MIXED, { map: MIXED_MAP });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/4 of 6 rows are invalid; nothing was imported/);
    expect(res.body.error.message).toMatch(/line 3: name/);
    const details = res.body.error.details;
    expect(details).toMatchObject({ committed: false, rows: 6, valid: 2, invalid: 4 });
    expect(details.errors.map((e: RowError) => e.line)).toEqual([3, 4, 4, 5, 7]);
    expect(await counts(ws.workspace.id)).toEqual(before);
    expect(await accountByExternalId(ws.workspace.id, 'V-1')).toBeUndefined();
  });

  it('skipInvalid imports the valid rows and reports the rest', async () => {
    const before = await counts(ws.workspace.id);
    const res = await postCsv(ws.users.manager.token, 'accounts', MIXED, {
      map: MIXED_MAP,
      skipInvalid: 'true',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: true, valid: 2, invalid: 4, created: 2, updated: 0 });
    expect(res.body.errors).toHaveLength(5);
    expect(await count('accounts', ws.workspace.id)).toBe(before.accounts + 2);
    expect((await accountByExternalId(ws.workspace.id, 'V-1'))?.go_live_date).toBe('2024-02-01');
    expect((await accountByExternalId(ws.workspace.id, 'V-5'))?.go_live_date).toBe('2024-03-05');
    expect(await accountByExternalId(ws.workspace.id, 'V-3')).toBeUndefined();
  });

  it('re-importing upserts by external id: changed rows update, nothing new is created', async () => {
    const csv = ['externalId,name,region', 'U-1,Upsert One,华东', 'U-2,Upsert Two,华北'].join('\n');
    const first = await postCsv(ws.users.admin.token, 'accounts', csv);
    expect(first.body).toMatchObject({ committed: true, created: 2, updated: 0 });
    const before = await counts(ws.workspace.id);
    const changed = csv.replace('Upsert One', 'Upsert One Renamed');
    const second = await postCsv(ws.users.admin.token, 'accounts', changed);
    expect(second.status).toBe(200);
    // Only the renamed row is written; the other equals what is stored.
    expect(second.body).toMatchObject({ committed: true, created: 0, updated: 1, unchanged: 1 });
    expect(await counts(ws.workspace.id)).toEqual(before);
    const one = await accountByExternalId(ws.workspace.id, 'U-1');
    expect(one).toMatchObject({ name: 'Upsert One Renamed', region: '华东' });
  });

  it('reports a custom field value outside its options on its line, as a real run would reject it', async () => {
    const field = await client(t.app, ws.users.admin.token).post('/api/v1/custom-fields', {
      key: 'segment',
      label: 'Segment',
      type: 'single_select',
      options: ['SMB', 'Enterprise'],
    });
    expect(field.status).toBe(201);
    const csv = ['id,name,segment', 'S-1,Seg One,SMB', 'S-2,Seg Two,Gold', 'S-3,Seg Three,Enterprise'].join(
      '\n',
    );
    const map = 'id=externalId,name=name,segment=cf.segment';
    const before = await counts(ws.workspace.id);

    const dry = await postCsv(ws.users.manager.token, 'accounts', csv, { map, dryRun: 'true' });
    expect(dry.body).toMatchObject({ valid: 2, invalid: 1 });
    expect(dry.body.errors).toEqual([
      {
        line: 3,
        field: 'cf.segment',
        column: 'segment',
        value: 'Gold',
        message: 'must be one of: SMB, Enterprise',
      },
    ]);
    const real = await postCsv(ws.users.manager.token, 'accounts', csv, { map });
    expect(real.status).toBe(400);
    expect(real.body.error.details.errors).toEqual(dry.body.errors);
    expect(await counts(ws.workspace.id)).toEqual(before);

    const skipped = await postCsv(ws.users.manager.token, 'accounts', csv, { map, skipInvalid: 'true' });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ committed: true, created: 2, invalid: 1 });
    expect(JSON.parse((await accountByExternalId(ws.workspace.id, 'S-3'))!.custom_fields)).toEqual({
      segment: 'Enterprise',
    });
  });

  it('sets owners by email, and reports an unknown or deactivated owner on its line', async () => {
    const admin = client(t.app, ws.users.admin.token);
    const leaver = await admin.post('/api/v1/users', {
      email: `leaver.${Date.now()}@test.steward.dev`,
      name: 'Leaver',
      role: 'csm',
      password: 'long-enough',
    });
    expect((await admin.patch(`/api/v1/users/${leaver.body.id}`, { active: false })).status).toBe(200);
    const csv = [
      'externalId,name,ownerEmail',
      `W-1,Owned,${ws.users.csm.email.toUpperCase()}`,
      `W-2,Left,${leaver.body.email}`,
      'W-3,Nobody,nobody@example.com',
    ].join('\n');
    const res = await postCsv(ws.users.manager.token, 'accounts', csv, { skipInvalid: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: true, created: 1, invalid: 2 });
    expect(res.body.errors.map((e: RowError) => [e.line, e.field])).toEqual([
      [3, 'ownerEmail'],
      [4, 'ownerEmail'],
    ]);
    expect(res.body.errors[0].message).toMatch(/no active user with email/);
    expect((await accountByExternalId(ws.workspace.id, 'W-1'))?.owner_id).toBe(ws.users.csm.id);
  });

  it('rejects an unknown column in the map, naming it', async () => {
    const res = await postCsv(ws.users.manager.token, 'accounts', MIXED, {
      map: 'id=externalId,name=name,colour=region',
    });
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/Column "colour" in the map is not in the file/);
    expect(res.body.error.details.issues[0].path).toBe('map.colour');
  });

  it('rejects an unknown field in the map or the defaults, naming it', async () => {
    const map = await postCsv(ws.users.manager.token, 'accounts', MIXED, { map: 'id=externalId,name=nmae' });
    expect(map.status).toBe(400);
    expect(map.body.error.message).toMatch(/Unknown account field "nmae" in map/);
    expect(map.body.error.details.issues[0].path).toBe('map.nmae');

    const custom = await postCsv(ws.users.manager.token, 'accounts', MIXED, {
      map: 'id=externalId,name=name,seats=cf.nope',
    });
    expect(custom.status).toBe(400);
    expect(custom.body.error.message).toMatch(/"cf\.nope"/);

    const defaults = await postCsv(ws.users.manager.token, 'contracts', 'a,b\n1,2', {
      map: 'a=accountExternalId',
      defaults: 'colour=red',
    });
    expect(defaults.status).toBe(400);
    expect(defaults.body.error.message).toMatch(/Unknown contract field "colour" in defaults/);

    const malformedMap = await postCsv(ws.users.manager.token, 'accounts', MIXED, { map: 'id' });
    expect(malformedMap.status).toBe(400);
    expect(malformedMap.body.error.message).toMatch(/map: "id" is not column=field/);
  });

  it('rejects a file that maps no column to a required field, naming the field', async () => {
    const res = await postCsv(ws.users.manager.token, 'accounts', MIXED, { map: 'id=externalId' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/required field\(s\): name/);
    expect(res.body.error.details.issues.map((i: { path: string }) => i.path)).toEqual(['map.name']);

    const contracts = await postCsv(ws.users.manager.token, 'contracts', 'account,amount\nA,1', {
      map: 'account=accountExternalId,amount=amount',
    });
    expect(contracts.status).toBe(400);
    expect(contracts.body.error.message).toMatch(/startDate/);
  });

  it('rejects malformed CSV naming the line', async () => {
    // The stray quote is on line 12 of 30; the parser only notices at the end of the file.
    const lines = ['externalId,name'];
    for (let i = 2; i <= 30; i++) lines.push(i === 12 ? `M-${i},"Unclosed` : `M-${i},Fine ${i}`);
    const unclosed = lines.join('\n');
    const res = await postCsv(ws.users.manager.token, 'accounts', unclosed);
    expect(res.status).toBe(400);
    expect(errorCode(res)).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/malformed at line 12: .*quoted field .* never closed/);
    expect(res.body.error.details.issues[0].path).toBe('line 12');
    await expect(
      importCsv({ ctx: ws.ctx, entity: 'accounts', source: unclosed, options: {} }),
    ).rejects.toThrow(/malformed at line 12/);
    await expect(
      importCsv({ ctx: ws.ctx, entity: 'accounts', source: Readable.from([unclosed]), options: {} }),
    ).rejects.toThrow(/malformed at line 12/);

    const badQuote = ['externalId,name', 'M-1,Fine', 'M-2,"Fi"ne"'].join('\n');
    const quoteRes = await postCsv(ws.users.manager.token, 'accounts', badQuote);
    expect(quoteRes.status).toBe(400);
    expect(quoteRes.body.error.message).toMatch(/malformed at line 3/);

    const ragged = ['externalId,name', 'M-1,Fine', 'M-2,Too,many,cells'].join('\n');
    const ragRes = await postCsv(ws.users.manager.token, 'accounts', ragged);
    expect(ragRes.status).toBe(400);
    expect(ragRes.body.error.message).toMatch(/malformed at line 3/);
    expect(await accountByExternalId(ws.workspace.id, 'M-1')).toBeUndefined();

    const empty = await postCsv(ws.users.manager.token, 'accounts', '');
    expect(empty.status).toBe(400);
  });

  it('refuses a body that is not CSV with 415', async () => {
    const res = await postCsv(
      ws.users.manager.token,
      'accounts',
      '{"externalId":"J-1"}',
      {},
      'application/json',
    );
    expect(res.status).toBe(415);
    expect(errorCode(res)).toBe('unsupported_media_type');
    expect(res.body.error.message).toMatch(/text\/csv/);
  });

  it('refuses viewers and CSMs (403) and anonymous callers (401)', async () => {
    const before = await counts(ws.workspace.id);
    const csv = 'externalId,name\nR-1,Refused';
    for (const role of ['viewer', 'csm'] as const) {
      const res = await postCsv(ws.users[role].token, 'accounts', csv);
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('forbidden');
      expect(res.body.error.message).toMatch(/may not run imports/);
    }
    const anon = await postCsv(null, 'accounts', csv);
    expect(anon.status).toBe(401);
    expect(errorCode(anon)).toBe('unauthenticated');
    expect(await counts(ws.workspace.id)).toEqual(before);
    await expect(
      importCsv({ ctx: userCtx(ws, 'viewer'), entity: 'accounts', source: csv, options: {} }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('rejects an unknown entity and a bad option', async () => {
    expect((await postCsv(ws.users.manager.token, 'users', 'a\n1')).status).toBe(400);
    const bad = await postCsv(ws.users.manager.token, 'accounts', 'a\n1', { dateFormat: 'YMD' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('dateFormat');
  });
});

describe('links, formats and the other entities', () => {
  it('links a parent whose external id appears later in the same file', async () => {
    // No map: columns named like fields map to themselves (case and separators ignored).
    const csv = [
      'External ID,Name,parent_external_id',
      'L-child,Child Co,L-parent',
      'L-grandchild,Grandchild Co,L-child',
      'L-parent,Parent Co,',
    ].join('\n');
    const res = await postCsv(ws.users.manager.token, 'accounts', csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: true, created: 3, invalid: 0 });
    const parent = await accountByExternalId(ws.workspace.id, 'L-parent');
    const child = await accountByExternalId(ws.workspace.id, 'L-child');
    const grandchild = await accountByExternalId(ws.workspace.id, 'L-grandchild');
    expect(parent?.parent_id).toBeNull();
    expect(child?.parent_id).toBe(parent!.id);
    expect(grandchild?.parent_id).toBe(child!.id);

    const self = await postCsv(
      ws.users.manager.token,
      'accounts',
      'externalId,name,parentExternalId\nL-self,Self,L-self',
    );
    expect(self.status).toBe(400);
    expect(self.body.error.details.errors[0]).toMatchObject({ line: 2, field: 'parentExternalId' });
  });

  it('links a renewed contract that appears later in the same file', async () => {
    const csv = [
      'accountExternalId,externalId,startDate,endDate,amount,status,renewsExternalId',
      'L-parent,K-2,2025-01-01,2025-12-31,120000,active,K-1',
      'L-parent,K-1,2024-01-01,2024-12-31,100000,renewed,',
    ].join('\n');
    const res = await postCsv(ws.users.manager.token, 'contracts', csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: true, created: 2 });
    const k1 = await contractByExternalId(ws.workspace.id, 'K-1');
    const k2 = await contractByExternalId(ws.workspace.id, 'K-2');
    expect(k2?.renews_contract_id).toBe(k1!.id);
    expect(k1).toMatchObject({ status: 'renewed', currency: 'CNY', billing_period: 'annual' });
  });

  it("reports a renewal of another account's contract, or of itself, on its line", async () => {
    const csv = [
      'accountExternalId,externalId,startDate,amount,renewsExternalId',
      'L-child,K-X,2025-01-01,100,K-1',
      'L-parent,K-Y,2025-01-01,100,K-Y',
      'L-child,K-Z,2025-01-01,100,K-X',
    ].join('\n');
    const dry = await postCsv(ws.users.manager.token, 'contracts', csv, { dryRun: 'true' });
    expect(dry.body).toMatchObject({ valid: 1, invalid: 2 });
    expect(dry.body.errors).toEqual([
      {
        line: 2,
        field: 'renewsExternalId',
        column: 'renewsExternalId',
        value: 'K-1',
        message: 'contract K-1 belongs to another account',
      },
      {
        line: 3,
        field: 'renewsExternalId',
        column: 'renewsExternalId',
        value: 'K-Y',
        message: 'a contract cannot renew itself',
      },
    ]);
    const skipped = await postCsv(ws.users.manager.token, 'contracts', csv, { skipInvalid: 'true' });
    expect(skipped.body).toMatchObject({ committed: true, created: 1, invalid: 2 });
    expect(await contractByExternalId(ws.workspace.id, 'K-X')).toBeUndefined();
  });

  it('reads a/b/yyyy as day/month by default and month/day with dateFormat=MDY', async () => {
    const csv = 'externalId,name,goLiveDate\nD-1,Dates,3/4/2024';
    await postCsv(ws.users.manager.token, 'accounts', csv);
    expect((await accountByExternalId(ws.workspace.id, 'D-1'))?.go_live_date).toBe('2024-04-03');
    const mdy = await postCsv(ws.users.manager.token, 'accounts', csv, { dateFormat: 'MDY' });
    expect(mdy.body).toMatchObject({ updated: 1 });
    expect((await accountByExternalId(ws.workspace.id, 'D-1'))?.go_live_date).toBe('2024-03-04');
  });

  it('imports contacts by account external id, upserting by external user id', async () => {
    const csv = [
      'account,name,email,user_id,role',
      'L-parent,Wang Wei,wang.wei@example.cn,u-1,champion',
      'L-parent,Li Na,li.na@example.cn,u-2,decision_maker',
    ].join('\n');
    const map = 'account=accountExternalId,name=name,email=email,user_id=externalUserId,role=role';
    const res = await postCsv(ws.users.manager.token, 'contacts', csv, { map });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: true, created: 2, updated: 0 });
    const before = await counts(ws.workspace.id);
    const again = await postCsv(ws.users.manager.token, 'contacts', csv.replace('Wang Wei', 'Wang Wei Jr'), {
      map,
    });
    expect(again.body).toMatchObject({ committed: true, created: 0, updated: 1, unchanged: 1 });
    expect(await counts(ws.workspace.id)).toEqual(before);

    const bad = await postCsv(
      ws.users.manager.token,
      'contacts',
      'account,name,email\nNOPE,Nobody,x@example.cn\nL-parent,Bad Mail,not-an-email',
      { map: 'account=accountExternalId,name=name,email=email', dryRun: 'true' },
    );
    expect(bad.status).toBe(200);
    expect(bad.body.errors.map((e: RowError) => [e.line, e.field])).toEqual([
      [2, 'accountExternalId'],
      [3, 'email'],
    ]);
  });

  it('the verb takes a string and plain-object options, and reports without writing on a dry run', async () => {
    const before = await counts(ws.workspace.id);
    const report = await importCsv({
      ctx: ws.ctx,
      entity: 'contracts',
      source: 'acct,start,amount,cur\nL-parent,2024-05-01,"¥1,200.50",CNY\nL-parent,2024-05-01,10,XYZ',
      options: {
        map: { acct: 'accountExternalId', start: 'startDate', amount: 'amount', cur: 'currency' },
        dryRun: true,
      },
    });
    expect(report).toMatchObject({ dryRun: true, committed: false, rows: 2, valid: 1, invalid: 1 });
    expect(report.errors).toEqual([expect.objectContaining({ line: 3, field: 'currency' })]);
    expect(await counts(ws.workspace.id)).toEqual(before);

    const failed = await importCsv({
      ctx: ws.ctx,
      entity: 'contracts',
      source: 'acct,start,amount\nL-parent,2024-05-01,100\nL-parent,someday,100',
      options: { map: { acct: 'accountExternalId', start: 'startDate', amount: 'amount' } },
    });
    expect(failed).toMatchObject({ committed: false, valid: 1, invalid: 1 });
    expect(await counts(ws.workspace.id)).toEqual(before);
  });
});
