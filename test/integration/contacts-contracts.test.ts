import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  errorCode,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

type Contact = {
  id: string;
  accountId: string;
  externalUserId: string | null;
  name: string;
  email: string | null;
  role: string | null;
};
type Contract = {
  id: string;
  accountId: string;
  externalId: string | null;
  startDate: string;
  endDate: string | null;
  amount: number;
  currency: string;
  billingPeriod: string;
  fxRate: number;
  arr: number;
  mrr: number;
  status: string;
  renewsContractId: string | null;
};
type Rate = { id: string; currency: string; baseCurrency: string; rate: number; effectiveDate: string };
type Field = { id: string; key: string; label: string; type: string; options: string[]; required: boolean };
type Issue = { path: string; message: string };

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;

let n = 0;
const ext = (prefix: string) => `${prefix}-${Date.now()}-${n++}`;
const paths = (res: ApiResponse) => (res.body.error.details.issues as Issue[]).map((i) => i.path);
const as = (w: TestWorkspace, role: keyof TestWorkspace['users']) => client(t.app, w.users[role].token);
const anon = () => client(t.app, null);

async function createAccount(c: Client, body: Record<string, unknown> = {}) {
  const res = await c.post('/api/v1/accounts', { externalId: ext('acc'), name: 'Account', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; externalId: string };
}

async function createContract(c: Client, body: Record<string, unknown>): Promise<Contract> {
  const res = await c.post('/api/v1/contracts', { startDate: '2020-01-01', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function figures(c: Client, accountId: string) {
  const { arr, mrr, renewalDate } = (await c.get(`/api/v1/accounts/${accountId}`)).body;
  return { arr, mrr, renewalDate };
}

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Contacts A');
  other = await createTestWorkspace(t.deps, 'Contacts B');
});
afterAll(async () => t?.close());

describe('contacts', () => {
  let teamAccount: { id: string };
  let strangerAccount: { id: string };
  let foreignAccount: { id: string };

  beforeAll(async () => {
    teamAccount = await createAccount(as(ws, 'manager'), {
      name: 'CSM team account',
      team: [{ userId: ws.users.csm.id, role: 'csm' }],
    });
    strangerAccount = await createAccount(as(ws, 'manager'), { name: 'Not the CSM’s account' });
    foreignAccount = await createAccount(as(other, 'manager'), { name: 'Foreign' });
  });

  it('lets a CSM on the account’s team add a contact, storing the email lower-case', async () => {
    const externalUserId = ext('user');
    const res = await as(ws, 'csm').post('/api/v1/contacts', {
      accountId: teamAccount.id,
      externalUserId,
      name: '  Li Wei  ',
      email: 'Li.Wei@Example.COM',
      phone: '+86 (21) 5555-0100',
      title: 'Head of Operations',
      role: 'champion',
      wechatId: 'liwei_2024',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accountId: teamAccount.id,
      externalUserId,
      name: 'Li Wei',
      email: 'li.wei@example.com',
      phone: '+86 (21) 5555-0100',
      title: 'Head of Operations',
      role: 'champion',
      wechatId: 'liwei_2024',
    });
    expect(res.body.id).toEqual(expect.any(String));
    const read = await as(ws, 'viewer').get(`/api/v1/contacts/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('lets managers and admins add contacts to any account, with only a name', async () => {
    for (const role of ['manager', 'admin'] as const) {
      const res = await as(ws, role).post('/api/v1/contacts', { accountId: strangerAccount.id, name: role });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: role,
        email: null,
        phone: null,
        title: null,
        role: null,
        wechatId: null,
        externalUserId: null,
      });
    }
  });

  it('refuses a CSM not on the team, viewers (403) and anonymous callers (401) for every contact write', async () => {
    const contact = (
      await as(ws, 'manager').post('/api/v1/contacts', { accountId: strangerAccount.id, name: 'Guarded' })
    ).body as Contact;
    const attempts: [string, (c: Client) => Promise<ApiResponse>][] = [
      ['create', (c) => c.post('/api/v1/contacts', { accountId: strangerAccount.id, name: 'X' })],
      ['update', (c) => c.patch(`/api/v1/contacts/${contact.id}`, { name: 'X' })],
      ['delete', (c) => c.delete(`/api/v1/contacts/${contact.id}`)],
    ];
    for (const [what, attempt] of attempts) {
      for (const role of ['csm', 'viewer'] as const) {
        const res = await attempt(as(ws, role));
        expect(res.status, `${role} ${what}`).toBe(403);
        expect(errorCode(res)).toBe('forbidden');
      }
      const none = await attempt(anon());
      expect(none.status).toBe(401);
      expect(errorCode(none)).toBe('unauthenticated');
    }
    expect((await as(ws, 'viewer').get(`/api/v1/contacts/${contact.id}`)).body.name).toBe('Guarded');
  });

  it('rejects invalid contacts naming the field', async () => {
    const m = as(ws, 'manager');
    const base = { accountId: teamAccount.id, name: 'Valid Name' };
    const cases: [Record<string, unknown>, string][] = [
      [{ accountId: teamAccount.id }, 'name'],
      [{ name: 'No account' }, 'accountId'],
      [{ ...base, email: 'not-an-email' }, 'email'],
      [{ ...base, phone: 'call me' }, 'phone'],
      [{ ...base, wechatId: '1starts-with-digit' }, 'wechatId'],
      [{ ...base, role: 'ceo' }, 'role'],
      [{ ...base, externalUserId: '' }, 'externalUserId'],
    ];
    for (const [body, path] of cases) {
      const res = await m.post('/api/v1/contacts', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res)).toEqual([path]);
    }
    const created = (await m.post('/api/v1/contacts', base)).body as Contact;
    const badUpdate = await m.patch(`/api/v1/contacts/${created.id}`, { email: 'nope', name: '' });
    expect(badUpdate.status).toBe(400);
    expect(paths(badUpdate).sort()).toEqual(['email', 'name']);
  });

  it('answers 404 for contacts and accounts of another workspace', async () => {
    const mine = (
      await as(ws, 'manager').post('/api/v1/contacts', { accountId: teamAccount.id, name: 'Mine' })
    ).body as Contact;
    const foreign = as(other, 'admin');
    const onForeignAccount = await as(ws, 'admin').post('/api/v1/contacts', {
      accountId: foreignAccount.id,
      name: 'X',
    });
    expect(onForeignAccount.status).toBe(404);
    expect(errorCode(onForeignAccount)).toBe('not_found');
    expect((await foreign.get(`/api/v1/contacts/${mine.id}`)).status).toBe(404);
    expect((await foreign.patch(`/api/v1/contacts/${mine.id}`, { name: 'Hijack' })).status).toBe(404);
    expect((await foreign.delete(`/api/v1/contacts/${mine.id}`)).status).toBe(404);
    const moved = await as(ws, 'admin').patch(`/api/v1/contacts/${mine.id}`, {
      accountId: foreignAccount.id,
    });
    expect(moved.status).toBe(404);
    expect((await as(ws, 'viewer').get(`/api/v1/contacts/${mine.id}`)).body).toMatchObject({
      name: 'Mine',
      accountId: teamAccount.id,
    });
  });

  it('rejects a duplicate external user id in the workspace with 409, on create and on update', async () => {
    const externalUserId = ext('dup-user');
    const m = as(ws, 'manager');
    expect(
      (await m.post('/api/v1/contacts', { accountId: teamAccount.id, name: 'First', externalUserId })).status,
    ).toBe(201);
    const dup = await m.post('/api/v1/contacts', {
      accountId: strangerAccount.id,
      name: 'Second',
      externalUserId,
    });
    expect(dup.status).toBe(409);
    expect(errorCode(dup)).toBe('conflict');
    expect(dup.body.error.message).toContain(externalUserId);
    const another = (await m.post('/api/v1/contacts', { accountId: teamAccount.id, name: 'Third' }))
      .body as Contact;
    const clash = await m.patch(`/api/v1/contacts/${another.id}`, { externalUserId });
    expect(clash.status).toBe(409);
    const elsewhere = await as(other, 'manager').post('/api/v1/contacts', {
      accountId: foreignAccount.id,
      name: 'Same id, other workspace',
      externalUserId,
    });
    expect(elsewhere.status).toBe(201);
  });

  it('lets a CSM on the team update a contact; null clears optional fields', async () => {
    const c = (
      await as(ws, 'manager').post('/api/v1/contacts', {
        accountId: teamAccount.id,
        name: 'Zhang San',
        email: 'zhang@example.com',
        title: 'CTO',
        role: 'decision_maker',
      })
    ).body as Contact & { updatedAt: string };
    await new Promise((r) => setTimeout(r, 5));
    const res = await as(ws, 'csm').patch(`/api/v1/contacts/${c.id}`, {
      title: null,
      email: 'ZHANG.SAN@example.com',
      role: 'economic_buyer',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: c.id,
      name: 'Zhang San',
      title: null,
      email: 'zhang.san@example.com',
      role: 'economic_buyer',
    });
    expect(res.body.updatedAt > c.updatedAt).toBe(true);
  });

  it('moves a contact between accounts only when the caller may write contacts on both', async () => {
    const c = (await as(ws, 'csm').post('/api/v1/contacts', { accountId: teamAccount.id, name: 'Mover' }))
      .body as Contact;
    const csmMove = await as(ws, 'csm').patch(`/api/v1/contacts/${c.id}`, { accountId: strangerAccount.id });
    expect(csmMove.status).toBe(403);
    expect((await as(ws, 'viewer').get(`/api/v1/contacts/${c.id}`)).body.accountId).toBe(teamAccount.id);
    const managerMove = await as(ws, 'manager').patch(`/api/v1/contacts/${c.id}`, {
      accountId: strangerAccount.id,
    });
    expect(managerMove.status).toBe(200);
    expect(managerMove.body.accountId).toBe(strangerAccount.id);
    expect((await as(ws, 'csm').patch(`/api/v1/contacts/${c.id}`, { name: 'Now not mine' })).status).toBe(
      403,
    );
  });

  it('lets a CSM on the team delete a contact, after which it is gone', async () => {
    const c = (
      await as(ws, 'manager').post('/api/v1/contacts', { accountId: teamAccount.id, name: 'Leaver' })
    ).body as Contact;
    const res = await as(ws, 'csm').delete(`/api/v1/contacts/${c.id}`);
    expect(res.status).toBe(204);
    const gone = await as(ws, 'viewer').get(`/api/v1/contacts/${c.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain(c.id);
    expect((await as(ws, 'csm').delete(`/api/v1/contacts/${c.id}`)).status).toBe(404);
  });

  describe('listing', () => {
    let directory: { id: string };
    const contacts: Contact[] = [];

    beforeAll(async () => {
      directory = await createAccount(as(ws, 'manager'), { name: 'Directory' });
      const people = [
        { name: 'Alice Chen', email: 'alice@acme.cn', role: 'champion', externalUserId: ext('u') },
        { name: 'Bob Liu', email: 'bob@acme.cn', role: 'user' },
        { name: 'Carol Wang', email: 'carol@beta.cn', role: 'champion' },
        { name: 'Dan Zhao', email: null, role: 'admin' },
        { name: 'Eve Sun', email: 'eve_sun@acme.cn', role: null },
      ];
      for (const p of people) {
        const res = await as(ws, 'manager').post('/api/v1/contacts', { accountId: directory.id, ...p });
        expect(res.status).toBe(201);
        contacts.push(res.body);
      }
    });

    const names = async (query: string) => {
      const res = await as(ws, 'viewer').get(`/api/v1/contacts?accountId=${directory.id}&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((c: Contact) => c.name);
    };

    it('lists an account’s contacts by name', async () => {
      expect(await names('')).toEqual(['Alice Chen', 'Bob Liu', 'Carol Wang', 'Dan Zhao', 'Eve Sun']);
    });

    it('filters by email (case-insensitive), role and external user id', async () => {
      expect(await names('email=BOB@ACME.CN')).toEqual(['Bob Liu']);
      expect(await names('role=champion')).toEqual(['Alice Chen', 'Carol Wang']);
      expect(await names(`externalUserId=${contacts[0]!.externalUserId}`)).toEqual(['Alice Chen']);
      const all = await as(ws, 'viewer').get(
        `/api/v1/contacts?externalUserId=${contacts[0]!.externalUserId}`,
      );
      expect(all.body.items.map((c: Contact) => c.id)).toEqual([contacts[0]!.id]);
    });

    it('searches name and email with q', async () => {
      expect(await names('q=acme')).toEqual(['Alice Chen', 'Bob Liu', 'Eve Sun']);
      expect(await names('q=WANG')).toEqual(['Carol Wang']);
      expect(await names('q=nobody')).toEqual([]);
    });

    it('treats % and _ in q literally', async () => {
      expect(await names('q=_')).toEqual(['Eve Sun']);
      expect(await names('q=e_s')).toEqual(['Eve Sun']);
      expect(await names('q=b_b')).toEqual([]);
      expect(await names('q=%25')).toEqual([]);
    });

    it('walks pages with the cursor without duplicates or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: ApiResponse = await as(ws, 'viewer').get(
          `/api/v1/contacts?accountId=${directory.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((c: Contact) => c.name));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['Alice Chen', 'Bob Liu', 'Carol Wang', 'Dan Zhao', 'Eve Sun']);
    });

    it('rejects invalid list queries naming the parameter', async () => {
      for (const [query, path] of [
        ['limit=201', 'limit'],
        ['limit=0', 'limit'],
        ['role=ceo', 'role'],
        ['cursor=abc', 'cursor'],
      ] as const) {
        const res = await as(ws, 'viewer').get(`/api/v1/contacts?${query}`);
        expect(res.status, query).toBe(400);
        expect(paths(res)).toEqual([path]);
      }
      expect((await anon().get('/api/v1/contacts')).status).toBe(401);
    });

    it('never lists another workspace’s contacts', async () => {
      const res = await as(other, 'admin').get(`/api/v1/contacts?accountId=${directory.id}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      const search = await as(other, 'admin').get('/api/v1/contacts?q=acme.cn&limit=200');
      expect(search.body.items).toEqual([]);
    });
  });
});

describe('contracts', () => {
  it('derives ARR and MRR from an annual charge in the base currency, with defaults', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const res = await as(ws, 'manager').post('/api/v1/contracts', {
      accountId: a.id,
      startDate: '2020-01-01',
      endDate: '2098-12-31',
      amount: 120000,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      accountId: a.id,
      externalId: null,
      startDate: '2020-01-01',
      endDate: '2098-12-31',
      amount: 120000,
      currency: 'CNY',
      billingPeriod: 'annual',
      fxRate: 1,
      arr: 120000,
      mrr: 10000,
      baseCurrency: 'CNY',
      status: 'active',
      renewsContractId: null,
      notes: null,
    });
    expect((await as(ws, 'viewer').get(`/api/v1/contracts/${res.body.id}`)).body).toEqual(res.body);
  });

  it('annualises monthly and quarterly charges', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const monthly = await createContract(as(ws, 'manager'), {
      accountId: a.id,
      amount: 1000,
      billingPeriod: 'monthly',
    });
    expect(monthly).toMatchObject({ arr: 12000, mrr: 1000, fxRate: 1 });
    const quarterly = await createContract(as(ws, 'admin'), {
      accountId: a.id,
      amount: 2500.5,
      billingPeriod: 'quarterly',
    });
    expect(quarterly).toMatchObject({ amount: 2500.5, arr: 10002, mrr: 833.5 });
    expect(await figures(as(ws, 'viewer'), a.id)).toEqual({ arr: 22002, mrr: 1833.5, renewalDate: null });
  });

  it('converts foreign currencies with the workspace’s starter rates (USD 7.1, JPY 0.048 to CNY)', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const usd = await createContract(as(ws, 'manager'), { accountId: a.id, amount: 1000, currency: 'USD' });
    expect(usd).toMatchObject({
      amount: 1000,
      currency: 'USD',
      fxRate: 7.1,
      arr: 7100,
      mrr: 591.67,
      baseCurrency: 'CNY',
    });
    const usdMonthly = await createContract(as(ws, 'manager'), {
      accountId: a.id,
      amount: 99.99,
      currency: 'USD',
      billingPeriod: 'monthly',
    });
    expect(usdMonthly).toMatchObject({ amount: 99.99, fxRate: 7.1, arr: 8519.15, mrr: 709.93 });
    const jpy = await createContract(as(ws, 'manager'), {
      accountId: a.id,
      amount: 100000.4,
      currency: 'JPY',
      billingPeriod: 'monthly',
    });
    expect(jpy).toMatchObject({ amount: 100000, fxRate: 0.048, arr: 57600, mrr: 4800 });
    expect((await figures(as(ws, 'viewer'), a.id)).arr).toBe(73219.15);
  });

  it('keeps the account’s ARR, MRR and renewal date in step with its in-force contracts', async () => {
    const m = as(ws, 'manager');
    const a = await createAccount(m);
    const main = await createContract(m, { accountId: a.id, amount: 100000, endDate: '2098-06-30' });
    const addon = await createContract(m, { accountId: a.id, amount: 2000, billingPeriod: 'monthly' });
    await createContract(m, {
      accountId: a.id,
      amount: 50000,
      startDate: '2098-01-01',
      endDate: '2099-01-01',
    });
    await createContract(m, {
      accountId: a.id,
      amount: 80000,
      startDate: '2018-01-01',
      endDate: '2019-12-31',
    });
    const churned = await createContract(m, {
      accountId: a.id,
      amount: 70000,
      endDate: '2097-01-01',
      status: 'churned',
    });
    expect(await figures(m, a.id)).toEqual({ arr: 124000, mrr: 10333.33, renewalDate: '2098-06-30' });

    const lost = await m.patch(`/api/v1/contracts/${main.id}`, { status: 'churned' });
    expect(lost.status).toBe(200);
    expect(lost.body.status).toBe('churned');
    expect(await figures(m, a.id)).toEqual({ arr: 24000, mrr: 2000, renewalDate: null });

    await m.patch(`/api/v1/contracts/${main.id}`, { status: 'renewed', amount: 120000 });
    expect(await figures(m, a.id)).toEqual({ arr: 144000, mrr: 12000, renewalDate: '2098-06-30' });

    const won = await m.patch(`/api/v1/contracts/${churned.id}`, { status: 'expanded' });
    expect(won.body).toMatchObject({ status: 'expanded', arr: 70000 });
    expect(await figures(m, a.id)).toEqual({ arr: 214000, mrr: 17833.33, renewalDate: '2097-01-01' });

    const quarterly = await m.patch(`/api/v1/contracts/${addon.id}`, { billingPeriod: 'quarterly' });
    expect(quarterly.body).toMatchObject({
      amount: 2000,
      billingPeriod: 'quarterly',
      arr: 8000,
      mrr: 666.67,
    });
    expect((await figures(m, a.id)).arr).toBe(198000);

    expect((await m.delete(`/api/v1/contracts/${addon.id}`)).status).toBe(204);
    expect((await figures(m, a.id)).arr).toBe(190000);
    expect((await as(ws, 'viewer').get(`/api/v1/contracts/${addon.id}`)).status).toBe(404);
  });

  it('is for managers and admins only: CSMs (even owners), viewers 403; anonymous 401', async () => {
    const a = await createAccount(as(ws, 'manager'), { ownerId: ws.users.csm.id });
    const contract = await createContract(as(ws, 'admin'), { accountId: a.id, amount: 500 });
    const attempts: [string, (c: Client) => Promise<ApiResponse>][] = [
      ['create', (c) => c.post('/api/v1/contracts', { accountId: a.id, startDate: '2020-01-01', amount: 1 })],
      ['update', (c) => c.patch(`/api/v1/contracts/${contract.id}`, { amount: 1 })],
      ['delete', (c) => c.delete(`/api/v1/contracts/${contract.id}`)],
    ];
    for (const [what, attempt] of attempts) {
      for (const role of ['csm', 'viewer'] as const) {
        const res = await attempt(as(ws, role));
        expect(res.status, `${role} ${what}`).toBe(403);
        expect(errorCode(res)).toBe('forbidden');
        expect(res.body.error.message).toContain('contracts:write');
      }
      expect((await attempt(anon())).status).toBe(401);
    }
    expect((await anon().get('/api/v1/contracts')).status).toBe(401);
    expect((await anon().get(`/api/v1/contracts/${contract.id}`)).status).toBe(401);
    expect(await figures(as(ws, 'csm'), a.id)).toMatchObject({ arr: 500 });
    expect((await as(ws, 'csm').get(`/api/v1/contracts/${contract.id}`)).body.amount).toBe(500);
  });

  it('rejects invalid contracts naming the field', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const m = as(ws, 'manager');
    const base = { accountId: a.id, startDate: '2024-01-01', amount: 1000 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, endDate: '2023-12-31' }, 'endDate'],
      [{ ...base, amount: -1 }, 'amount'],
      [{ ...base, amount: '1000' }, 'amount'],
      [{ ...base, currency: 'usd' }, 'currency'],
      [{ ...base, currency: 'XYZ' }, 'currency'],
      [{ ...base, currency: 'CHF' }, 'currency'],
      [{ ...base, billingPeriod: 'weekly' }, 'billingPeriod'],
      [{ ...base, startDate: '2024-1-1' }, 'startDate'],
      [{ ...base, status: 'lost' }, 'status'],
      [{ startDate: '2024-01-01', amount: 1 }, 'accountId'],
      [{ ...base, notes: 'x'.repeat(5001) }, 'notes'],
    ];
    for (const [body, path] of cases) {
      const res = await m.post('/api/v1/contracts', body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res)).toEqual([path]);
    }
    const noRate = await m.post('/api/v1/contracts', { ...base, currency: 'CHF' });
    expect(noRate.body.error.message).toMatch(/No exchange rate from CHF to CNY/);

    const c = await createContract(m, { ...base, endDate: '2024-12-31' });
    const endBeforeStart = await m.patch(`/api/v1/contracts/${c.id}`, { startDate: '2025-01-01' });
    expect(endBeforeStart.status).toBe(400);
    expect(paths(endBeforeStart)).toEqual(['endDate']);
    const badPeriod = await m.patch(`/api/v1/contracts/${c.id}`, { billingPeriod: 'daily' });
    expect(paths(badPeriod)).toEqual(['billingPeriod']);
    const rateless = await m.patch(`/api/v1/contracts/${c.id}`, { currency: 'CHF' });
    expect(paths(rateless)).toEqual(['currency']);
    expect((await m.get(`/api/v1/contracts/${c.id}`)).body).toMatchObject({
      startDate: '2024-01-01',
      currency: 'CNY',
      billingPeriod: 'annual',
    });
  });

  it('answers 404 for contracts and accounts of another workspace', async () => {
    const mine = await createContract(as(ws, 'manager'), {
      accountId: (await createAccount(as(ws, 'manager'))).id,
      amount: 10,
    });
    const theirAccount = await createAccount(as(other, 'manager'));
    const onForeign = await as(ws, 'manager').post('/api/v1/contracts', {
      accountId: theirAccount.id,
      startDate: '2020-01-01',
      amount: 1,
    });
    expect(onForeign.status).toBe(404);
    expect(errorCode(onForeign)).toBe('not_found');
    const foreign = as(other, 'admin');
    expect((await foreign.get(`/api/v1/contracts/${mine.id}`)).status).toBe(404);
    expect((await foreign.patch(`/api/v1/contracts/${mine.id}`, { amount: 1 })).status).toBe(404);
    expect((await foreign.delete(`/api/v1/contracts/${mine.id}`)).status).toBe(404);
    const list = await foreign.get(`/api/v1/contracts?accountId=${mine.accountId}`);
    expect(list.body.items).toEqual([]);
    expect((await as(ws, 'viewer').get(`/api/v1/contracts/${mine.id}`)).body.amount).toBe(10);
  });

  it('rejects a duplicate contract external id with 409', async () => {
    const a = await createAccount(as(ws, 'manager'));
    const externalId = ext('ctr');
    await createContract(as(ws, 'manager'), { accountId: a.id, amount: 1, externalId });
    const dup = await as(ws, 'manager').post('/api/v1/contracts', {
      accountId: a.id,
      startDate: '2021-01-01',
      amount: 2,
      externalId,
    });
    expect(dup.status).toBe(409);
    expect(errorCode(dup)).toBe('conflict');
    expect(dup.body.error.message).toContain(externalId);
  });

  it('links a renewal to the contract it renews, within the same account only', async () => {
    const m = as(ws, 'manager');
    const a = await createAccount(m);
    const b = await createAccount(m);
    const first = await createContract(m, { accountId: a.id, amount: 100, endDate: '2020-12-31' });
    const elsewhere = await createContract(m, { accountId: b.id, amount: 100 });
    const renewal = await createContract(m, {
      accountId: a.id,
      startDate: '2021-01-01',
      amount: 120,
      renewsContractId: first.id,
    });
    expect(renewal.renewsContractId).toBe(first.id);

    const self = await m.patch(`/api/v1/contracts/${renewal.id}`, { renewsContractId: renewal.id });
    expect(self.status).toBe(400);
    expect(paths(self)).toEqual(['renewsContractId']);
    const crossAccount = await m.post('/api/v1/contracts', {
      accountId: a.id,
      startDate: '2022-01-01',
      amount: 1,
      renewsContractId: elsewhere.id,
    });
    expect(crossAccount.status).toBe(400);
    expect(paths(crossAccount)).toEqual(['renewsContractId']);

    expect((await m.delete(`/api/v1/contracts/${first.id}`)).status).toBe(204);
    expect((await m.get(`/api/v1/contracts/${renewal.id}`)).body.renewsContractId).toBeNull();
  });

  describe('listing', () => {
    let a: { id: string };
    const byStart: Record<string, Contract> = {};

    beforeAll(async () => {
      a = await createAccount(as(ws, 'manager'), { name: 'Contract list' });
      const specs = [
        { startDate: '2019-01-01', endDate: '2019-12-31', status: 'renewed' },
        { startDate: '2020-01-01', endDate: '2020-12-31', status: 'churned' },
        { startDate: '2021-01-01', endDate: '2021-12-31', status: 'active' },
        { startDate: '2022-01-01', endDate: null, status: 'active' },
        { startDate: '2023-01-01', endDate: '2030-06-30', status: 'expanded' },
      ];
      for (const s of specs) {
        byStart[s.startDate] = await createContract(as(ws, 'manager'), {
          accountId: a.id,
          amount: 100,
          ...s,
        });
      }
    });

    const starts = async (query: string) => {
      const res = await as(ws, 'viewer').get(`/api/v1/contracts?accountId=${a.id}&${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((c: Contract) => c.startDate);
    };

    it('lists an account’s contracts newest start first', async () => {
      expect(await starts('')).toEqual([
        '2023-01-01',
        '2022-01-01',
        '2021-01-01',
        '2020-01-01',
        '2019-01-01',
      ]);
    });

    it('filters by status and by end date range', async () => {
      expect(await starts('status=active')).toEqual(['2022-01-01', '2021-01-01']);
      expect(await starts('status=churned')).toEqual(['2020-01-01']);
      expect(await starts('endFrom=2020-12-31&endTo=2021-12-31')).toEqual(['2021-01-01', '2020-01-01']);
      expect(await starts('endFrom=2025-01-01')).toEqual(['2023-01-01']);
    });

    it('walks pages with the cursor without duplicates or gaps', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: ApiResponse = await as(ws, 'viewer').get(
          `/api/v1/contracts?accountId=${a.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...res.body.items.map((c: Contract) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(
        ['2023-01-01', '2022-01-01', '2021-01-01', '2020-01-01', '2019-01-01'].map((d) => byStart[d]!.id),
      );
    });

    it('rejects invalid list queries naming the parameter', async () => {
      for (const [query, path] of [
        ['status=lost', 'status'],
        ['endFrom=2024-13-01', 'endFrom'],
        ['endTo=yesterday', 'endTo'],
        ['limit=500', 'limit'],
      ] as const) {
        const res = await as(ws, 'viewer').get(`/api/v1/contracts?${query}`);
        expect(res.status, query).toBe(400);
        expect(paths(res)).toEqual([path]);
      }
    });
  });
});

describe('currency rates', () => {
  let fx: TestWorkspace;
  let account: { id: string };
  let early: Contract;
  let late: Contract;
  let newRateId: string;

  beforeAll(async () => {
    fx = await createTestWorkspace(t.deps, 'FX');
    account = await createAccount(as(fx, 'manager'), { name: 'Dollar customer' });
    early = await createContract(as(fx, 'manager'), { accountId: account.id, amount: 1000, currency: 'USD' });
    late = await createContract(as(fx, 'manager'), {
      accountId: account.id,
      startDate: '2022-06-01',
      amount: 2000,
      currency: 'USD',
    });
  });

  const contract = async (id: string) =>
    (await as(fx, 'viewer').get(`/api/v1/contracts/${id}`)).body as Contract;

  it('lists the starter rates to the CNY base currency to any signed-in user', async () => {
    const res = await as(fx, 'viewer').get('/api/v1/currency-rates');
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.items.map((r: Rate) => [r.currency, r.rate, r.effectiveDate, r.baseCurrency])).toEqual([
      ['EUR', 7.75, '2000-01-01', 'CNY'],
      ['GBP', 9.05, '2000-01-01', 'CNY'],
      ['HKD', 0.91, '2000-01-01', 'CNY'],
      ['JPY', 0.048, '2000-01-01', 'CNY'],
      ['SGD', 5.3, '2000-01-01', 'CNY'],
      ['USD', 7.1, '2000-01-01', 'CNY'],
    ]);
    expect(early).toMatchObject({ fxRate: 7.1, arr: 7100 });
    expect(late).toMatchObject({ fxRate: 7.1, arr: 14200 });
    expect((await figures(as(fx, 'viewer'), account.id)).arr).toBe(21300);
  });

  it('adds a newer rate and reprices only contracts starting on or after it, updating the account ARR', async () => {
    const res = await as(fx, 'manager').post('/api/v1/currency-rates', {
      currency: 'USD',
      rate: 7.2,
      effectiveDate: '2021-01-01',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      currency: 'USD',
      baseCurrency: 'CNY',
      rate: 7.2,
      effectiveDate: '2021-01-01',
      repricedContracts: 1,
    });
    newRateId = res.body.id;
    expect(await contract(early.id)).toMatchObject({ fxRate: 7.1, arr: 7100 });
    expect(await contract(late.id)).toMatchObject({ fxRate: 7.2, arr: 14400, mrr: 1200, amount: 2000 });
    expect((await figures(as(fx, 'viewer'), account.id)).arr).toBe(21500);
    const list = await as(fx, 'viewer').get('/api/v1/currency-rates');
    expect(
      list.body.items.filter((r: Rate) => r.currency === 'USD').map((r: Rate) => [r.effectiveDate, r.rate]),
    ).toEqual([
      ['2021-01-01', 7.2],
      ['2000-01-01', 7.1],
    ]);
  });

  it('replaces the rate for the same currency and date instead of adding another', async () => {
    const res = await as(fx, 'admin').post('/api/v1/currency-rates', {
      currency: 'USD',
      rate: 7.3,
      effectiveDate: '2021-01-01',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: newRateId, rate: 7.3, repricedContracts: 1 });
    expect(await contract(late.id)).toMatchObject({ fxRate: 7.3, arr: 14600 });
    expect((await figures(as(fx, 'viewer'), account.id)).arr).toBe(21700);
    const usd = (await as(fx, 'viewer').get('/api/v1/currency-rates')).body.items.filter(
      (r: Rate) => r.currency === 'USD',
    );
    expect(usd).toHaveLength(2);

    const same = await as(fx, 'manager').post('/api/v1/currency-rates', {
      currency: 'USD',
      rate: 7.3,
      effectiveDate: '2021-01-01',
    });
    expect(same.body.repricedContracts).toBe(0);
  });

  it('reprices back to the earlier rate when the newer one is deleted', async () => {
    const res = await as(fx, 'manager').delete(`/api/v1/currency-rates/${newRateId}`);
    expect(res.status).toBe(204);
    expect(await contract(late.id)).toMatchObject({ fxRate: 7.1, arr: 14200 });
    expect((await figures(as(fx, 'viewer'), account.id)).arr).toBe(21300);
    expect((await as(fx, 'manager').delete(`/api/v1/currency-rates/${newRateId}`)).status).toBe(404);
  });

  it('refuses to delete the last rate of a currency that contracts use, changing nothing', async () => {
    const rates = (await as(fx, 'viewer').get('/api/v1/currency-rates')).body.items as Rate[];
    const usd = rates.find((r) => r.currency === 'USD')!;
    const res = await as(fx, 'manager').delete(`/api/v1/currency-rates/${usd.id}`);
    expect(res.status).toBe(409);
    expect(errorCode(res)).toBe('conflict');
    expect(res.body.error.message).toMatch(/Contracts in USD need an exchange rate/);
    const after = (await as(fx, 'viewer').get('/api/v1/currency-rates')).body.items as Rate[];
    expect(after.find((r) => r.id === usd.id)).toMatchObject({ rate: 7.1 });
    expect(await contract(early.id)).toMatchObject({ fxRate: 7.1, arr: 7100 });

    const gbp = rates.find((r) => r.currency === 'GBP')!;
    expect((await as(fx, 'admin').delete(`/api/v1/currency-rates/${gbp.id}`)).status).toBe(204);
    const left = (await as(fx, 'viewer').get('/api/v1/currency-rates')).body.items as Rate[];
    expect(left.map((r) => r.currency)).not.toContain('GBP');
  });

  it('lets contracts use a currency once a rate for it is added', async () => {
    const before = await as(fx, 'manager').post('/api/v1/contracts', {
      accountId: account.id,
      startDate: '2024-01-01',
      endDate: '2024-12-31',
      amount: 100,
      currency: 'CHF',
    });
    expect(before.status).toBe(400);
    const rate = await as(fx, 'manager').post('/api/v1/currency-rates', {
      currency: 'CHF',
      rate: 8.05,
      effectiveDate: '2024-01-01',
    });
    expect(rate.body).toMatchObject({ currency: 'CHF', rate: 8.05, repricedContracts: 0 });
    const after = await createContract(as(fx, 'manager'), {
      accountId: account.id,
      startDate: '2023-06-01',
      endDate: '2023-12-31',
      amount: 100,
      currency: 'CHF',
    });
    expect(after).toMatchObject({ fxRate: 8.05, arr: 805 });
  });

  it('rejects invalid rates naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ currency: 'CNY', rate: 1, effectiveDate: '2024-01-01' }, 'currency'],
      [{ currency: 'usd', rate: 7, effectiveDate: '2024-01-01' }, 'currency'],
      [{ currency: 'XYZ', rate: 7, effectiveDate: '2024-01-01' }, 'currency'],
      [{ currency: 'USD', rate: 0, effectiveDate: '2024-01-01' }, 'rate'],
      [{ currency: 'USD', rate: -7, effectiveDate: '2024-01-01' }, 'rate'],
      [{ currency: 'USD', rate: 7, effectiveDate: '2024-02-30' }, 'effectiveDate'],
      [{ currency: 'USD', rate: 7 }, 'effectiveDate'],
    ];
    for (const [body, path] of cases) {
      const res = await as(fx, 'manager').post('/api/v1/currency-rates', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res)).toEqual([path]);
    }
  });

  it('is changed by managers and admins only; other workspaces see 404; anonymous 401', async () => {
    const eur = ((await as(fx, 'viewer').get('/api/v1/currency-rates')).body.items as Rate[]).find(
      (r) => r.currency === 'EUR',
    )!;
    const body = { currency: 'EUR', rate: 8, effectiveDate: '2024-01-01' };
    for (const role of ['csm', 'viewer'] as const) {
      const post = await as(fx, role).post('/api/v1/currency-rates', body);
      expect(post.status).toBe(403);
      expect(errorCode(post)).toBe('forbidden');
      expect((await as(fx, role).delete(`/api/v1/currency-rates/${eur.id}`)).status).toBe(403);
    }
    const foreign = await as(other, 'admin').delete(`/api/v1/currency-rates/${eur.id}`);
    expect(foreign.status).toBe(404);
    expect(errorCode(foreign)).toBe('not_found');
    const theirs = (await as(other, 'admin').get('/api/v1/currency-rates')).body.items as Rate[];
    expect(theirs.map((r) => r.id)).not.toContain(eur.id);
    expect((await anon().get('/api/v1/currency-rates')).status).toBe(401);
    expect((await anon().post('/api/v1/currency-rates', body)).status).toBe(401);
    expect((await anon().delete(`/api/v1/currency-rates/${eur.id}`)).status).toBe(401);
    const eurRates = ((await as(fx, 'viewer').get('/api/v1/currency-rates')).body.items as Rate[]).filter(
      (r) => r.currency === 'EUR',
    );
    expect(eurRates).toEqual([expect.objectContaining({ id: eur.id, rate: 7.75 })]);
  });
});

describe('custom fields', () => {
  let cfw: TestWorkspace;

  beforeAll(async () => {
    cfw = await createTestWorkspace(t.deps, 'Custom fields');
  });

  it('defines fields of every type and lists them by key', async () => {
    const m = as(cfw, 'manager');
    const created = await m.post('/api/v1/custom-fields', {
      key: 'tier',
      label: ' Tier ',
      type: 'single_select',
      options: ['gold', 'silver'],
      required: false,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      entity: 'account',
      key: 'tier',
      label: 'Tier',
      type: 'single_select',
      options: ['gold', 'silver'],
      required: false,
    });
    for (const [key, type] of [
      ['arr_goal', 'number'],
      ['kickoff', 'date'],
      ['is_pilot', 'boolean'],
      ['notes', 'text'],
    ] as const) {
      const res = await as(cfw, 'admin').post('/api/v1/custom-fields', { key, label: key, type });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ key, type, options: [], required: false });
    }
    const multi = await m.post('/api/v1/custom-fields', {
      key: 'modules',
      label: 'Modules',
      type: 'multi_select',
      options: ['crm', 'bi'],
    });
    expect(multi.status).toBe(201);

    const list = await as(cfw, 'viewer').get('/api/v1/custom-fields');
    expect(list.status).toBe(200);
    expect(list.body.items.map((f: Field) => [f.key, f.type])).toEqual([
      ['arr_goal', 'number'],
      ['is_pilot', 'boolean'],
      ['kickoff', 'date'],
      ['modules', 'multi_select'],
      ['notes', 'text'],
      ['tier', 'single_select'],
    ]);
    expect(list.body.items.find((f: Field) => f.key === 'tier')).toEqual(created.body);
  });

  it('rejects a key already defined with 409', async () => {
    const m = as(cfw, 'manager');
    expect((await m.post('/api/v1/custom-fields', { key: 'dup_key', label: 'A', type: 'text' })).status).toBe(
      201,
    );
    const dup = await m.post('/api/v1/custom-fields', { key: 'dup_key', label: 'B', type: 'number' });
    expect(dup.status).toBe(409);
    expect(errorCode(dup)).toBe('conflict');
    expect(dup.body.error.message).toContain('dup_key');
    expect(
      (await as(other, 'manager').post('/api/v1/custom-fields', { key: 'dup_key', label: 'A', type: 'text' }))
        .status,
    ).toBe(201);
  });

  it('rejects invalid definitions naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ key: 'Bad Key', label: 'X', type: 'text' }, 'key'],
      [{ key: '1st', label: 'X', type: 'text' }, 'key'],
      [{ key: 'ok_key', label: '', type: 'text' }, 'label'],
      [{ key: 'ok_key', label: 'X', type: 'color' }, 'type'],
      [{ key: 'ok_key', label: 'X', type: 'single_select' }, 'options'],
      [{ key: 'ok_key', label: 'X', type: 'multi_select', options: ['a', 'a'] }, 'options'],
      [{ key: 'ok_key', label: 'X', type: 'text', required: 'yes' }, 'required'],
    ];
    for (const [body, path] of cases) {
      const res = await as(cfw, 'manager').post('/api/v1/custom-fields', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(errorCode(res)).toBe('validation_failed');
      expect(paths(res)).toEqual([path]);
    }
  });

  it('changes a field’s label, options and required flag', async () => {
    const m = as(cfw, 'manager');
    const f = (
      await m.post('/api/v1/custom-fields', {
        key: 'stage',
        label: 'Stage',
        type: 'single_select',
        options: ['a'],
      })
    ).body as Field & { updatedAt: string };
    const res = await m.patch(`/api/v1/custom-fields/${f.id}`, {
      label: 'Lifecycle stage',
      options: ['onboarding', 'adoption'],
      required: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: f.id,
      key: 'stage',
      type: 'single_select',
      label: 'Lifecycle stage',
      options: ['onboarding', 'adoption'],
      required: true,
    });
    const account = await m.post('/api/v1/accounts', {
      externalId: ext('stage'),
      name: 'Staged',
      customFields: { stage: 'a' },
    });
    expect(account.status).toBe(400);
    expect(paths(account)).toContain('customFields.stage');
    const relaxed = await m.patch(`/api/v1/custom-fields/${f.id}`, { required: false });
    expect(relaxed.body).toMatchObject({ required: false, label: 'Lifecycle stage' });
  });

  it('rejects invalid changes naming the field, including options on a non-select field', async () => {
    const m = as(cfw, 'manager');
    const f = (await m.post('/api/v1/custom-fields', { key: 'plain', label: 'Plain', type: 'text' }))
      .body as Field;
    const options = await m.patch(`/api/v1/custom-fields/${f.id}`, { options: ['x'] });
    expect(options.status).toBe(400);
    expect(paths(options)).toEqual(['options']);
    const label = await m.patch(`/api/v1/custom-fields/${f.id}`, { label: '   ' });
    expect(label.status).toBe(400);
    expect(paths(label)).toEqual(['label']);
    const required = await m.patch(`/api/v1/custom-fields/${f.id}`, { required: 1 });
    expect(paths(required)).toEqual(['required']);
  });

  it('deletes a definition, after which it is no longer listed', async () => {
    const m = as(cfw, 'manager');
    const f = (await m.post('/api/v1/custom-fields', { key: 'temp', label: 'Temp', type: 'text' }))
      .body as Field;
    expect((await m.delete(`/api/v1/custom-fields/${f.id}`)).status).toBe(204);
    const list = await m.get('/api/v1/custom-fields');
    expect(list.body.items.map((x: Field) => x.key)).not.toContain('temp');
    expect((await m.delete(`/api/v1/custom-fields/${f.id}`)).status).toBe(404);
    expect((await m.patch(`/api/v1/custom-fields/${f.id}`, { label: 'Back' })).status).toBe(404);
  });

  it('is changed by managers and admins only; other workspaces see 404; anonymous 401', async () => {
    const f = (
      await as(cfw, 'admin').post('/api/v1/custom-fields', { key: 'guarded', label: 'Guarded', type: 'text' })
    ).body as Field;
    for (const role of ['csm', 'viewer'] as const) {
      const c = as(cfw, role);
      const post = await c.post('/api/v1/custom-fields', { key: 'nope', label: 'Nope', type: 'text' });
      expect(post.status).toBe(403);
      expect(errorCode(post)).toBe('forbidden');
      expect((await c.patch(`/api/v1/custom-fields/${f.id}`, { label: 'X' })).status).toBe(403);
      expect((await c.delete(`/api/v1/custom-fields/${f.id}`)).status).toBe(403);
      expect((await c.get('/api/v1/custom-fields')).status).toBe(200);
    }
    const foreign = as(other, 'admin');
    expect((await foreign.patch(`/api/v1/custom-fields/${f.id}`, { label: 'X' })).status).toBe(404);
    expect((await foreign.delete(`/api/v1/custom-fields/${f.id}`)).status).toBe(404);
    expect(
      ((await foreign.get('/api/v1/custom-fields')).body.items as Field[]).map((x) => x.id),
    ).not.toContain(f.id);
    expect((await anon().get('/api/v1/custom-fields')).status).toBe(401);
    expect((await anon().post('/api/v1/custom-fields', { key: 'x', label: 'X', type: 'text' })).status).toBe(
      401,
    );
    expect((await anon().patch(`/api/v1/custom-fields/${f.id}`, { label: 'X' })).status).toBe(401);
    expect((await anon().delete(`/api/v1/custom-fields/${f.id}`)).status).toBe(401);
    const still = (await as(cfw, 'viewer').get('/api/v1/custom-fields')).body.items as Field[];
    expect(still.find((x) => x.id === f.id)).toMatchObject({ label: 'Guarded' });
    expect(still.map((x) => x.key)).not.toContain('nope');
  });
});
