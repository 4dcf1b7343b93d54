import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src/demo/demo.ts';
import { getModelCard } from '../../src/modules/churn/index.ts';
import { NOTE_TYPES } from '../../src/modules/timeline/index.ts';
import { dayInZone } from '../../src/time.ts';
import { createTestApp, createTestWorkspace, type TestApp, type TestWorkspace } from '../helpers/test-app.ts';

const ACCOUNTS = 80;
const SEED = 7;

let t: TestApp;
let a: TestWorkspace;
let b: TestWorkspace;
let other: TestWorkspace;
let made: Awaited<ReturnType<typeof generateDemo>>;

beforeAll(async () => {
  t = await createTestApp();
  a = await createTestWorkspace(t.deps, 'Demo A');
  b = await createTestWorkspace(t.deps, 'Demo B');
  other = await createTestWorkspace(t.deps, 'Demo other seed');
  made = await generateDemo(a.ctx, { accounts: ACCOUNTS, days: 30, seed: SEED });
  await generateDemo(b.ctx, { accounts: ACCOUNTS, days: 30, seed: SEED });
  await generateDemo(other.ctx, { accounts: 10, days: 30, seed: SEED + 1 });
}, 180_000);
afterAll(async () => t?.close());

const accountsOf = (w: TestWorkspace) =>
  t.deps.db
    .selectFrom('accounts')
    .select([
      'id',
      'external_id',
      'name',
      'region',
      'industry',
      'arr_minor',
      'licensed_seats',
      'go_live_date',
      'product_lines',
      'tags',
      'custom_fields',
      'renewal_date',
    ])
    .where('workspace_id', '=', w.workspace.id)
    .orderBy('external_id')
    .execute();

const contractsOf = (w: TestWorkspace) =>
  t.deps.db
    .selectFrom('contracts')
    .select(['account_id', 'external_id', 'status', 'start_date', 'end_date', 'arr_minor', 'currency'])
    .where('workspace_id', '=', w.workspace.id)
    .orderBy('external_id')
    .execute();

const contactsOf = (w: TestWorkspace) =>
  t.deps.db
    .selectFrom('contacts')
    .select(['account_id', 'external_user_id', 'name', 'title', 'role'])
    .where('workspace_id', '=', w.workspace.id)
    .orderBy('external_user_id')
    .execute();

/** The demo's own staff: the test workspace's one user per role is left out. */
const staffOf = (w: TestWorkspace) =>
  t.deps.db
    .selectFrom('users')
    .select(['name', 'role', 'email'])
    .where('workspace_id', '=', w.workspace.id)
    .where('email', 'like', '%@demo.steward.dev')
    .orderBy('email')
    .execute();

const withoutIds = <T extends { id?: string; account_id?: string }>(rows: T[]) =>
  rows.map(({ id: _i, account_id: _a, ...rest }) => rest);

describe('generateDemo', () => {
  it('reports what it made, and the rows are there', async () => {
    const [accounts, contracts, contacts, staff] = await Promise.all([
      accountsOf(a),
      contractsOf(a),
      contactsOf(a),
      staffOf(a),
    ]);
    expect(made).toMatchObject({
      accounts: ACCOUNTS,
      users: staff.length,
      contracts: contracts.length,
      contacts: contacts.length,
    });
    expect(accounts).toHaveLength(ACCOUNTS);
    expect(accounts[0]!.external_id).toBe('C100000');
    expect(accounts.at(-1)!.external_id).toBe(`C${100000 + ACCOUNTS - 1}`);
  });

  it('is deterministic for a seed: the same names, ARR, regions and histories in two workspaces', async () => {
    const [accountsA, accountsB] = [await accountsOf(a), await accountsOf(b)];
    expect(withoutIds(accountsB)).toEqual(withoutIds(accountsA));
    expect(accountsA.map((x) => x.name)).toEqual(accountsB.map((x) => x.name));
    expect(accountsA.map((x) => Number(x.arr_minor))).toEqual(accountsB.map((x) => Number(x.arr_minor)));
    expect(accountsA.map((x) => x.region)).toEqual(accountsB.map((x) => x.region));
    expect(withoutIds(await contractsOf(b))).toEqual(withoutIds(await contractsOf(a)));
    expect(withoutIds(await contactsOf(b))).toEqual(withoutIds(await contactsOf(a)));
    expect((await staffOf(b)).map((u) => [u.name, u.role])).toEqual(
      (await staffOf(a)).map((u) => [u.name, u.role]),
    );
    // Another seed makes another customer base.
    const names = (await accountsOf(other)).map((x) => x.name);
    expect(names).toHaveLength(10);
    expect(names).not.toEqual(accountsA.slice(0, 10).map((x) => x.name));
  });

  it('spreads accounts over the ARR bands, regions and industries', async () => {
    const accounts = await accountsOf(a);
    const paying = accounts.map((x) => Number(x.arr_minor) / 100).filter((arr) => arr > 0);
    const bands = [
      paying.filter((arr) => arr < 100_000).length,
      paying.filter((arr) => arr >= 100_000 && arr < 300_000).length,
      paying.filter((arr) => arr >= 300_000 && arr < 1_000_000).length,
      paying.filter((arr) => arr >= 1_000_000).length,
    ];
    expect(bands[0]).toBeGreaterThan(0);
    expect(bands[1]).toBeGreaterThan(0);
    expect(bands[2]).toBeGreaterThan(0);
    // Most accounts are small, as in the seeds' tiering.
    expect(bands[0]).toBeGreaterThan(bands[2]!);
    expect(bands.reduce((s, n) => s + n, 0)).toBe(paying.length);
    expect(paying.length).toBeGreaterThan(ACCOUNTS / 2);
    expect(new Set(accounts.map((x) => x.region)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(accounts.map((x) => x.industry)).size).toBeGreaterThanOrEqual(4);
    for (const x of accounts) {
      expect(JSON.parse(x.product_lines).length).toBeGreaterThan(0);
      expect(JSON.parse(x.custom_fields).edition).toMatch(/^(标准版|专业版|旗舰版)$/);
    }
  });

  it('gives every account contacts and at least one contract; some renewed, some churned', async () => {
    const accounts = await accountsOf(a);
    const contracts = await contractsOf(a);
    const contacts = await contactsOf(a);
    for (const x of accounts) {
      expect(contracts.filter((c) => c.account_id === x.id).length).toBeGreaterThanOrEqual(1);
      expect(contacts.filter((c) => c.account_id === x.id).length).toBeGreaterThanOrEqual(2);
    }
    const statuses = new Set(contracts.map((c) => c.status));
    expect(statuses).toContain('renewed');
    expect(statuses).toContain('churned');
    expect(statuses).toContain('active');
    // A churned account has no current ARR.
    const churnedAccounts = new Set(contracts.filter((c) => c.status === 'churned').map((c) => c.account_id));
    for (const x of accounts.filter((acc) => churnedAccounts.has(acc.id))) {
      expect(Number(x.arr_minor)).toBe(0);
      expect(JSON.parse(x.tags)).toContain('已流失');
    }
  });

  it('staffs the workspace with 15 to 25 CSMs, managers and account executives', async () => {
    const staff = await staffOf(a);
    const csms = staff.filter((u) => u.role === 'csm');
    expect(csms.length).toBeGreaterThanOrEqual(15);
    expect(csms.length).toBeLessThanOrEqual(25);
    expect(staff.filter((u) => u.role === 'manager').length).toBeGreaterThan(0);
    expect(staff.filter((u) => u.role === 'viewer').length).toBeGreaterThan(0);
    // Most accounts have a CSM owner.
    const owned = await t.deps.db
      .selectFrom('accounts')
      .select('owner_id')
      .where('workspace_id', '=', a.workspace.id)
      .where('owner_id', 'is not', null)
      .execute();
    expect(owned.length).toBeGreaterThan(ACCOUNTS * 0.8);
    // Groups are named in the team's language (华东组; a region split by tier 华东·战略型客户).
    const groups = await t.deps.db
      .selectFrom('csm_groups')
      .select('name')
      .where('workspace_id', '=', a.workspace.id)
      .execute();
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g.name).not.toMatch(/[A-Za-z]/);
  });

  it('back-dates the timeline: entries occurred over past months, notes before today', async () => {
    const entries = await t.deps.db
      .selectFrom('timeline_entries')
      .select(['type', 'occurred_at', 'created_at'])
      .where('workspace_id', '=', a.workspace.id)
      .execute();
    const today = dayInZone(new Date(), a.workspace.timeZone);
    const startOfToday = Date.parse(`${today}T00:00:00+08:00`);
    const notes = entries.filter((e) => (NOTE_TYPES as readonly string[]).includes(e.type));
    expect(notes.length).toBeGreaterThan(0);
    for (const n of notes) expect(Date.parse(n.occurred_at)).toBeLessThan(startOfToday);
    for (const e of entries) expect(Date.parse(e.occurred_at)).toBeLessThanOrEqual(Date.now());
    const past = entries.filter((e) => Date.parse(e.occurred_at) < startOfToday);
    expect(past.length).toBeGreaterThan(entries.length / 2);
    // History reaches back more than a year (accounts went live up to two years ago).
    const oldest = Math.min(...entries.map((e) => Date.parse(e.occurred_at)));
    expect(Date.now() - oldest).toBeGreaterThan(365 * 86_400_000);
  });

  it('ends with a churn model trained on its own history, so the Risk page has one at once', async () => {
    const card = await getModelCard({ ctx: a.ctx });
    expect(card.trained).toBe(true);
    expect(card.trainedAt).not.toBeNull();
  });
});
