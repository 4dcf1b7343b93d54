import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import {
  client,
  createTestApp,
  createTestWorkspace,
  PG_URL,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

// Issue 14: files as Chinese CRMs and Excel export them, written here byte for byte (BOM + CRLF
// UTF-8, GBK, UTF-16 "Unicode text", xlsx), imported through the API on both engines.

let t: TestApp;
let ws: TestWorkspace;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'Chinese imports');
});
afterAll(async () => t?.close());

function post(
  entity: string,
  body: string | Buffer,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  const qs = new URLSearchParams(query).toString();
  return Promise.resolve(
    t.app.request(`/api/v1/imports/${entity}${qs ? `?${qs}` : ''}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ws.users.manager.token}`,
        'accept-language': 'en',
        'content-type': 'text/csv',
        ...headers,
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    }),
  ).then(async (res: Response) => ({ status: res.status, body: (await res.json()) as any }));
}

async function totals() {
  const n = async (table: 'accounts' | 'contacts' | 'contracts') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('workspace_id', '=', ws.workspace.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const arr = await t.deps.db
    .selectFrom('accounts')
    .select((eb) => eb.fn.sum<number>('arr_minor').as('arr'))
    .where('workspace_id', '=', ws.workspace.id)
    .executeTakeFirstOrThrow();
  return {
    accounts: await n('accounts'),
    contacts: await n('contacts'),
    contracts: await n('contracts'),
    arr: Number(arr.arr ?? 0),
  };
}

const account = (externalId: string) =>
  t.deps.db
    .selectFrom('accounts')
    .selectAll()
    .where('workspace_id', '=', ws.workspace.id)
    .where('external_id', '=', externalId)
    .executeTakeFirst();

const contractsOf = async (externalId: string) => {
  const a = await account(externalId);
  return t.deps.db
    .selectFrom('contracts')
    .selectAll()
    .where('workspace_id', '=', ws.workspace.id)
    .where('account_id', '=', a!.id)
    .orderBy('start_date')
    .execute();
};

/** One row per contract, as 纷享销客 / 销售易 export it: the customer repeats on each contract row. */
const CRM_ROWS = [
  '客户编号,客户名称,客户负责人,行业,合同开始日期,合同结束日期,合同金额,币种,签约日',
  'C-001,上海星河科技有限公司,张伟,制造,2024/3/5,2025/3/4,8.8万,人民币,2024/3/1',
  'C-001,上海星河科技有限公司,张伟,制造,2025年3月5日,2026年3月4日,"￥500,000.00",,2024年3月1日',
  'C-002,北京云帆信息技术有限公司,zhang.san@example.cn,软件,2024-06-01,2025-05-31,"USD 5,000",,2024-05-20',
  'C-003,深圳海潮电子有限公司,王总,电子,2024-01-01,2024-12-31,"120,000",美元,',
  ',,,,,,,,',
  '',
  '合计,,,,,,"1,008,000",,',
];
const crmFile = () => `\uFEFF${CRM_ROWS.join('\r\n')}\r\n`;

describe('a Chinese CRM export (CSV UTF-8 with BOM and CRLF, one row per contract)', () => {
  beforeAll(async () => {
    const admin = client(t.app, ws.users.admin.token);
    // The owner column says 张伟 (a name), an email, and 王总 (a saved alias).
    const zhang = await admin.post('/api/v1/users', {
      email: 'zhang.wei@example.cn',
      name: '张伟',
      role: 'csm',
      password: 'long-enough-1',
    });
    expect(zhang.status).toBe(201);
    const san = await admin.post('/api/v1/users', {
      email: 'zhang.san@example.cn',
      name: '张三',
      role: 'csm',
      password: 'long-enough-2',
    });
    const alias = await client(t.app, ws.users.manager.token).post('/api/v1/imports/owner-aliases', {
      alias: '王总',
      userId: san.body.id,
    });
    expect(alias.status).toBe(200);
    const field = await admin.post('/api/v1/custom-fields', { key: 'signed', label: '签约日', type: 'date' });
    expect(field.status).toBe(201);
  });

  it('previews the columns with suggested fields from the header dictionary', async () => {
    const res = await post('accounts/preview', crmFile());
    expect(res.status).toBe(200);
    expect(res.body.file).toEqual({ format: 'csv', encoding: 'utf-8-bom', delimiter: ',' });
    expect(res.body.rows).toBe(4);
    const suggested = Object.fromEntries(
      res.body.headers.map((h: { column: string; suggested: string | null }) => [h.column, h.suggested]),
    );
    expect(suggested).toMatchObject({
      客户编号: 'externalId',
      客户名称: 'name',
      客户负责人: 'owner',
      行业: 'industry',
      签约日: 'cf.signed',
    });
    const contracts = await post('contracts/preview', crmFile());
    const c = Object.fromEntries(
      contracts.body.headers.map((h: { column: string; suggested: string | null }) => [
        h.column,
        h.suggested,
      ]),
    );
    expect(c).toMatchObject({
      客户编号: 'accountExternalId',
      合同开始日期: 'startDate',
      合同结束日期: 'endDate',
      合同金额: 'amount',
      币种: 'currency',
    });
  });

  it('imports the accounts: repeats merged, blank/comma-only/total rows skipped, owners by name, email or alias, a date custom field', async () => {
    const res = await post('accounts', crmFile(), { fileName: '客户合同.csv' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      committed: true,
      file: { format: 'csv', encoding: 'utf-8-bom' },
      rows: 4,
      valid: 4,
      invalid: 0,
      created: 3,
      merged: 1,
      skipped: { blank: 2, total: 1 },
    });
    const star = await account('C-001');
    expect(star).toMatchObject({ name: '上海星河科技有限公司', industry: '制造' });
    const zhang = await t.deps.db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('workspace_id', '=', ws.workspace.id)
      .where('email', 'in', ['zhang.wei@example.cn', 'zhang.san@example.cn'])
      .orderBy('email')
      .execute();
    expect(star!.owner_id).toBe(zhang[1]!.id); // 张伟 by name
    expect((await account('C-002'))!.owner_id).toBe(zhang[0]!.id); // by email
    expect((await account('C-003'))!.owner_id).toBe(zhang[0]!.id); // 王总, the alias
    // The custom date field reads 2024/3/1 and 2025年3月1日 with the same parser as built-in dates.
    expect(JSON.parse(star!.custom_fields)).toEqual({ signed: '2024-03-01' });
  });

  it('imports the contracts: 8.8万, ￥500,000.00, 人民币/美元, USD in the amount cell, Chinese dates', async () => {
    const res = await post('contracts', crmFile());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: true, rows: 4, created: 4, invalid: 0 });
    const star = await contractsOf('C-001');
    expect(star.map((c) => [c.start_date, c.end_date, c.amount_minor, c.currency])).toEqual([
      ['2024-03-05', '2025-03-04', 8_800_000, 'CNY'],
      ['2025-03-05', '2026-03-04', 50_000_000, 'CNY'],
    ]);
    // `USD 5,000` with an empty currency column is 5,000 USD, never 5,000 CNY.
    expect((await contractsOf('C-002')).map((c) => [c.amount_minor, c.currency])).toEqual([[500_000, 'USD']]);
    expect((await contractsOf('C-003')).map((c) => [c.amount_minor, c.currency])).toEqual([
      [12_000_000, 'USD'],
    ]);
  });

  it('importing the same files again changes nothing: counts and ARR equal, nothing written', async () => {
    const before = await totals();
    const audit = async () =>
      Number(
        (
          await t.deps.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('workspace_id', '=', ws.workspace.id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const auditBefore = await audit();
    for (let i = 0; i < 2; i++) {
      const accounts = await post('accounts', crmFile());
      expect(accounts.body).toMatchObject({
        committed: true,
        created: 0,
        updated: 0,
        unchanged: 3,
        merged: 1,
      });
      const contracts = await post('contracts', crmFile());
      expect(contracts.body).toMatchObject({ committed: true, created: 0, updated: 0, unchanged: 4 });
    }
    expect(await totals()).toEqual(before);
    expect(before.contracts).toBe(4);
    expect(await audit()).toBe(auditBefore);
  });

  it('reports a currency conflict, a conflicting repeat and bad cells by line, column, value and expected form', async () => {
    const file = [
      '客户编号,客户名称,行业,合同开始日期,合同金额,币种',
      'C-101,甲公司,制造,2024/3/5,"USD 5,000",人民币',
      'C-101,甲公司,零售,2024/3/5,100,',
      'C-102,"乙公司',
      '（北京）",制造,2024-02-30,十万,',
    ].join('\r\n');
    const contracts = await post('contracts', file, { dryRun: 'true' });
    expect(contracts.status).toBe(200);
    const conflict = contracts.body.errors.find((e: { line: number }) => e.line === 2);
    expect(conflict).toMatchObject({ line: 2, field: 'amount', column: '合同金额', value: 'USD 5,000' });
    expect(conflict.message).toMatch(/USD.*"币种" says CNY/);
    // The record of lines 4-5 (a quoted name across two lines) is named by its first line.
    const bad = contracts.body.errors.filter((e: { line: number }) => e.line === 4);
    expect(bad.map((e: { column: string; value: string }) => [e.column, e.value])).toEqual([
      ['合同开始日期', '2024-02-30'],
      ['合同金额', '十万'],
    ]);
    expect(bad[0].message).toMatch(/"2024-02-30" is not a date \(expected YYYY-MM-DD/);
    expect(bad[1].message).toMatch(/"十万" is not an amount \(expected e\.g\. 88000, ¥500,000\.00/);

    const accounts = await post('accounts', file, { dryRun: 'true' });
    const repeat = accounts.body.errors.find((e: { line: number }) => e.line === 3);
    expect(repeat).toMatchObject({ field: 'industry', column: '行业', value: '零售' });
    expect(repeat.message).toMatch(/line 2 has "制造"/);

    // In the reader's language.
    const zh = await post('contracts', file, { dryRun: 'true' }, { 'accept-language': 'zh-CN' });
    expect(zh.body.errors.find((e: { line: number }) => e.line === 4).message).toBe(
      '"2024-02-30" 不是日期（应为 YYYY-MM-DD, YYYY/M/D, YYYY年M月D日, D/M/YYYY）',
    );
  });

  it('re-imports contacts without email by phone, WeChat id or name: no duplicates', async () => {
    const file = [
      '客户编号,联系人,手机,微信,职位',
      'C-001,李娜,138 0013 8000,,采购经理',
      'C-001,王强,,wang_qiang88,技术总监',
      'C-002,赵敏,,,运营',
    ].join('\r\n');
    const first = await post('contacts', file);
    expect(first.body).toMatchObject({ committed: true, created: 3 });
    const before = await totals();
    const again = await post('contacts', file.replace('采购经理', '采购总监'));
    expect(again.body).toMatchObject({ committed: true, created: 0, updated: 1, unchanged: 2 });
    expect(await totals()).toEqual(before);
  });
});

describe('encodings and formats', () => {
  it('reads a GBK-saved CSV and names the encoding', async () => {
    const text = ['客户编号,客户名称,区域', 'G-1,广州粤海贸易,华南', 'G-2,杭州西湖软件,华东'].join('\r\n');
    const res = await post('accounts', iconv.encode(text, 'gbk'), { dryRun: 'true' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      file: { format: 'csv', encoding: 'gb18030', delimiter: ',' },
      valid: 2,
      mapping: { 客户编号: 'externalId', 客户名称: 'name', 区域: 'region' },
    });
  });

  it('reads Excel "Unicode text": UTF-16 LE, tab-separated', async () => {
    const text = ['客户编号\t客户名称\t席位数', 'U-1\t成都天府云\t1,200', 'U-2\t武汉长江数据\t35'].join(
      '\r\n',
    );
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    const res = await post('accounts', bytes, {}, { 'content-type': 'application/octet-stream' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      committed: true,
      file: { format: 'csv', encoding: 'utf-16le', delimiter: '\t' },
      created: 2,
    });
    expect((await account('U-1'))?.licensed_seats).toBe(1200);
  });

  it('reads an xlsx: date cells, serial dates, numbers and a total row', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('合同');
    sheet.addRow(['客户编号', '合同编号', '合同开始日期', '合同结束日期', '合同金额', '币种']);
    sheet.addRow(['C-001', 'X-1', new Date(Date.UTC(2023, 2, 5)), 45355, 66000, 'rmb']);
    sheet.addRow(['C-002', 'X-2', '2023/6/1', '2024年5月31日', '1.2万', 'usd']);
    sheet.addRow([]);
    sheet.addRow(['Total', '', '', '', 78000, '']);
    const bytes = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await post('contracts', bytes, {}, { 'content-type': XLSX });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      committed: true,
      file: { format: 'xlsx' },
      created: 2,
      skipped: { blank: 1, total: 1 },
    });
    const x1 = await t.deps.db
      .selectFrom('contracts')
      .selectAll()
      .where('workspace_id', '=', ws.workspace.id)
      .where('external_id', 'in', ['X-1', 'X-2'])
      .orderBy('external_id')
      .execute();
    expect(x1.map((c) => [c.start_date, c.end_date, c.amount_minor, c.currency])).toEqual([
      ['2023-03-05', '2024-03-04', 6_600_000, 'CNY'],
      ['2023-06-01', '2024-05-31', 1_200_000, 'USD'],
    ]);
  });

  it('detects the day/month order per file and reports dates that read either way', async () => {
    const dry = (dates: string[]) =>
      post(
        'accounts',
        ['externalId,name,goLiveDate', ...dates.map((d, i) => `O-${i},Order ${i},${d}`)].join('\n'),
        {
          dryRun: 'true',
        },
      );
    const ambiguous = await dry(['3/5/2024', '4/6/2024']);
    expect(ambiguous.body.dateOrder).toEqual({
      order: 'DMY',
      source: 'default',
      ambiguous: 2,
      example: '3/5/2024',
      dayFirst: 0,
      monthFirst: 0,
    });
    const monthFirst = await dry(['3/5/2024', '5/13/2024']);
    expect(monthFirst.body.dateOrder).toMatchObject({
      order: 'MDY',
      source: 'file',
      ambiguous: 1,
      monthFirst: 1,
    });
    const dayFirst = await dry(['3/5/2024', '13/5/2024']);
    expect(dayFirst.body.dateOrder).toMatchObject({ order: 'DMY', source: 'file', dayFirst: 1 });
    const chosen = await post('accounts', 'externalId,name,goLiveDate\nO-9,Order,3/5/2024', {
      dryRun: 'true',
      dateFormat: 'MDY',
    });
    expect(chosen.body.dateOrder).toMatchObject({ order: 'MDY', source: 'option' });
  });
});

describe('saved mappings, history and background runs', () => {
  it('saves a mapping, imports with it by name, and lists both runs in the history', async () => {
    const manager = client(t.app, ws.users.manager.token);
    const saved = await manager.post('/api/v1/imports/mappings', {
      entity: 'accounts',
      name: '纷享销客',
      map: { 编号: 'externalId', 公司: 'name', 地区: 'region' },
    });
    expect(saved.status).toBe(200);
    const list = await manager.get('/api/v1/imports/mappings?entity=accounts');
    expect(list.body.items.map((m: { name: string }) => m.name)).toContain('纷享销客');
    const file = '编号,公司,地区\nM-1,映射公司,西南';
    const res = await post('accounts', file, { mapping: '纷享销客', fileName: 'fx.csv' });
    expect(res.body).toMatchObject({ committed: true, created: 1, mapping: { 编号: 'externalId' } });
    expect((await account('M-1'))?.region).toBe('西南');

    const started = await post('accounts', file, { mapping: '纷享销客', async: 'true' });
    expect(started.status).toBe(202);
    let run: { status: string; report: { unchanged: number } | null } | undefined;
    for (let i = 0; i < 100; i++) {
      run = (await manager.get(`/api/v1/imports/runs/${started.body.runId}`)).body;
      if (run!.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run).toMatchObject({ status: 'done', report: { unchanged: 1 } });
    const history = await manager.get('/api/v1/imports/runs');
    expect(history.status).toBe(200);
    expect(history.body.items[0]).toMatchObject({
      id: started.body.runId,
      entity: 'accounts',
      status: 'done',
    });
    expect(history.body.items.some((r: { fileName: string }) => r.fileName === 'fx.csv')).toBe(true);
    const missing = await post('accounts', file, { mapping: 'nope' });
    expect(missing.status).toBe(404);
    expect((await client(t.app, ws.users.csm.token).get('/api/v1/imports/runs')).status).toBe(403);
  });
});

describe.skipIf(PG_URL)('the CLI on a fresh database', () => {
  it('workspace create, then import an xlsx, without starting the server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-import-cli-'));
    try {
      const env = { DATABASE_URL: join(dir, 'fresh.db'), STEWARD_DEMO: '0' };
      expect((await runCli(['migrate'], env)).code).toBe(0);
      const created = await runCli(
        ['workspace', 'create', '--name', '华东团队', '--admin-email', 'ops@example.cn'],
        env,
      );
      expect(created.stderr).toBe('');
      expect(created.stdout).toMatch(/Created workspace .*CNY, Asia\/Shanghai/);
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('客户').addRows([
        ['客户编号', '客户名称', '上线日期'],
        ['F-1', '南京紫金', new Date(Date.UTC(2024, 4, 1))],
      ]);
      const file = join(dir, '客户.xlsx');
      writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
      const imported = await runCli(['import', 'accounts', file], env);
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/Imported: 1 rows, 1 valid, 0 invalid; 1 created/);
      const again = await runCli(['import', 'accounts', file], env);
      expect(again.stdout).toMatch(/0 created, 0 updated, 1 unchanged/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
