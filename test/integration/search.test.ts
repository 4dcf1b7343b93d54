// Global search: accounts, contacts (name, email, phone, WeChat id, pinyin and pinyin initials),
// tasks and requests, grouped, scoped to what the caller may read and to their workspace.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { up as backfill } from '../../src/db/migrations/2026_12_06_0402_search_text_backfill.ts';
import { PERMISSION_TABLE } from '../../src/modules/auth/permissions.ts';
import {
  type Client,
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let admin: Client;
let csm: Client;
const api = (path: string) => `/api/v1${path}`;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Search A');
  other = await createTestWorkspace(t.deps, 'Search B');
  admin = client(t.app, ws.users.admin.token);
  csm = client(t.app, ws.users.csm.token);
  const account = async (externalId: string, name: string, ownerId: string) => {
    const res = await admin.post(api('/accounts'), { externalId, name, ownerId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  ids.huaxia = await account('HX-001', '华夏科技', ws.users.csm.id);
  ids.acme = await account('ACME-7', 'Acme Robotics', ws.users.manager.id);
  const contact = async (accountId: string, body: Record<string, string>) => {
    const res = await admin.post(api('/contacts'), { accountId, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  ids.zhangwei = await contact(ids.huaxia, {
    name: '张伟',
    email: 'Zhang.Wei@huaxia.cn',
    phone: '+86 138-0013-8000',
    wechatId: 'zw_huaxia88',
  });
  ids.zhaowen = await contact(ids.acme, { name: '赵文', wechatId: 'zhaowen_acme' });
  ids.alice = await contact(ids.acme, { name: 'Alice Zweig', email: 'alice@acme.com' });
  const task = await admin.post(api('/tasks'), {
    accountId: ids.huaxia,
    title: '续约准备 renewal prep',
    type: 'call',
  });
  expect(task.status, JSON.stringify(task.body)).toBe(201);
  ids.task = task.body.id;
  const other1 = await admin.post(api('/tasks'), {
    accountId: ids.acme,
    title: 'Renewal call Acme',
    type: 'call',
  });
  expect(other1.status).toBe(201);
  const request = await admin.post(api('/requests'), {
    accountId: ids.acme,
    title: '导出报表 export to Excel',
  });
  expect(request.status, JSON.stringify(request.body)).toBe(201);
  ids.request = request.body.id;
  ids.requestNumber = String(request.body.number);
  // Another workspace with a look-alike contact.
  const theirs = client(t.app, other.users.admin.token);
  const theirAccount = await theirs.post(api('/accounts'), { externalId: 'HX-001', name: '华夏科技' });
  await theirs.post(api('/contacts'), { accountId: theirAccount.body.id, name: '张伟' });
});
afterAll(async () => t.close());

const readBefore = PERMISSION_TABLE.csm.read;
afterEach(() => {
  PERMISSION_TABLE.csm.read = readBefore;
});

const contactNames = (res: { body: { contacts: { name: string }[] } }) =>
  res.body.contacts.map((c) => c.name);

describe('GET /search', () => {
  it('finds a Chinese contact by pinyin initials and by full pinyin', async () => {
    const initials = await csm.get(api('/search?q=zw'));
    expect(initials.status, JSON.stringify(initials.body)).toBe(200);
    // zw: 张伟's initials, Alice Zweig's surname, 赵文's initials (zhao wen).
    expect(contactNames(initials).sort()).toEqual(['Alice Zweig', '张伟', '赵文'].sort());
    const full = await csm.get(api('/search?q=zhangwei'));
    expect(contactNames(full)).toEqual(['张伟']);
    expect(full.body.contacts[0]).toMatchObject({
      id: ids.zhangwei,
      accountId: ids.huaxia,
      accountName: '华夏科技',
      wechatId: 'zw_huaxia88',
    });
    expect(contactNames(await csm.get(api('/search?q=ZhangWei')))).toEqual(['张伟']);
  });

  it('finds contacts by WeChat id, email and phone (with or without separators)', async () => {
    expect(contactNames(await csm.get(api('/search?q=zhaowen_acme')))).toEqual(['赵文']);
    expect(contactNames(await csm.get(api('/search?q=zhang.wei@huaxia')))).toEqual(['张伟']);
    expect(contactNames(await csm.get(api('/search?q=13800138000')))).toEqual(['张伟']);
    expect(contactNames(await csm.get(api('/search?q=138-0013')))).toEqual(['张伟']);
  });

  it('finds accounts by name, pinyin and external id, tasks and requests by title or #number', async () => {
    const res = await csm.get(api('/search?q=huaxia'));
    expect(res.body.accounts.map((a: { name: string }) => a.name)).toEqual(['华夏科技']);
    expect((await csm.get(api('/search?q=hxkj'))).body.accounts.map((a: { id: string }) => a.id)).toEqual([
      ids.huaxia,
    ]);
    expect((await csm.get(api('/search?q=acme-7'))).body.accounts[0].id).toBe(ids.acme);
    const renewal = await csm.get(api('/search?q=renewal'));
    expect(renewal.body.tasks.map((x: { title: string }) => x.title).sort()).toEqual(
      ['Renewal call Acme', '续约准备 renewal prep'].sort(),
    );
    expect(renewal.body.tasks.find((x: { id: string }) => x.id === ids.task).accountName).toBe('华夏科技');
    const excel = await csm.get(api('/search?q=excel'));
    expect(excel.body.requests).toMatchObject([{ id: ids.request, accountName: 'Acme Robotics' }]);
    expect((await csm.get(api(`/search?q=%23${ids.requestNumber}`))).body.requests[0].id).toBe(ids.request);
    // LIKE wildcards are searched literally.
    expect((await csm.get(api('/search?q=%25'))).body.accounts).toEqual([]);
  });

  it('keeps to the accounts the caller may read', async () => {
    // A read grant limited to the caller's accounts (record-level read access plugs in here).
    PERMISSION_TABLE.csm.read = 'team';
    const res = await csm.get(api('/search?q=zw'));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(contactNames(res)).toEqual(['张伟']);
    expect((await csm.get(api('/search?q=renewal'))).body.tasks.map((x: { id: string }) => x.id)).toEqual([
      ids.task,
    ]);
    expect((await csm.get(api('/search?q=excel'))).body.requests).toEqual([]);
    expect((await csm.get(api('/search?q=acme'))).body.accounts).toEqual([]);
    const list = await csm.get(api('/accounts?includeTotal=true'));
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([ids.huaxia]);
    const facets = await csm.get(api('/accounts/facets'));
    expect(facets.body.owners.map((o: { id: string }) => o.id)).toEqual([ws.users.csm.id]);
  });

  it("never returns another workspace's rows, and needs a query", async () => {
    const res = await admin.get(api('/search?q=zhangwei'));
    expect(res.body.contacts.map((c: { id: string }) => c.id)).toEqual([ids.zhangwei]);
    const empty = await admin.get(api('/search?q=%20'));
    expect(empty.status).toBe(400);
  });

  it('finds rows written before search texts existed once the backfill migration has run', async () => {
    await t.deps.db.updateTable('contacts').set({ search_text: '' }).where('id', '=', ids.zhangwei).execute();
    await t.deps.db
      .updateTable('accounts')
      .set({ search_text: '华夏科技 hx-001' })
      .where('id', '=', ids.huaxia)
      .execute();
    expect(contactNames(await csm.get(api('/search?q=zhangwei')))).toEqual([]);
    expect((await csm.get(api('/search?q=hxkj'))).body.accounts).toEqual([]);
    await backfill(t.deps.db as never);
    expect(contactNames(await csm.get(api('/search?q=zhangwei')))).toEqual(['张伟']);
    expect((await csm.get(api('/search?q=hxkj'))).body.accounts.map((a: { id: string }) => a.id)).toEqual([
      ids.huaxia,
    ]);
  });
});
