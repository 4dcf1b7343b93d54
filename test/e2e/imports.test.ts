import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, overflowing, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

// The guided import (issue 14) as a Chinese-speaking manager uses it: upload an xlsx, check the
// suggested columns, dry run (an error row shows line, column, value and problem), import, summary.
describe('the guided import in Chromium (zh-CN)', () => {
  const base = inject('baseUrl');
  const stamp = Date.now();
  const manager = { email: `imp.manager.${stamp}@example.com`, password: 'e2e-import-manager-pw' };
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await managerPage(browser, base, { ...manager, name: '导入经理', locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('uploads an xlsx, maps, dry-runs with an error row, imports the valid rows and shows the summary', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('客户').addRows([
      ['客户编号', '客户名称', '行业', '上线日期'],
      [`E2E-${stamp}-1`, '苏州工业园智造', '制造', new Date(Date.UTC(2024, 2, 5))],
      [`E2E-${stamp}-2`, '无锡太湖物联', '物联网', '2024-13-45'],
      ['合计', '', '', ''],
    ]);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());

    await page.goto(`${base}/imports`);
    await page.getByText('点击或拖拽 .xlsx 或 CSV 文件到此处').waitFor();
    await page.locator('input[type=file]').setInputFiles({
      name: '客户导入.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer,
    });
    // The map step: the header dictionary's suggestions, in Chinese.
    await page.getByText('Excel 工作簿 (.xlsx) · 2 行数据').waitFor();
    const idSelect = page.getByRole('row', { name: /客户编号/ }).first();
    await expect.poll(() => idSelect.textContent()).toContain('客户编号 (必填)');
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /上线日期/ })
          .first()
          .textContent(),
      )
      .toContain('上线日期');
    await screenshot(page, 'imports-map-zh-1440');
    await page.getByRole('button', { name: /^试运行$/ }).click();

    // The dry run: one valid row, one error row naming line, column, value and the expected form.
    const errors = page.locator('.ant-table').filter({ hasText: '有错误的行' });
    await errors.waitFor();
    const row = errors.getByRole('row', { name: /2024-13-45/ });
    expect(await row.textContent()).toMatch(/^3上线日期2024-13-45"2024-13-45" 不是日期（应为 YYYY-MM-DD/);
    expect(await page.getByText('0 个空行，1 个合计行').count()).toBe(1);
    await screenshot(page, 'imports-dry-run-zh-1440');
    const importButton = page.getByRole('button', { name: /^开始导入$/ });
    expect(await importButton.isDisabled()).toBe(true);
    await page.getByText('导入有效行，跳过无效行').click();
    await importButton.click();

    // Progress, then the summary.
    await page.getByText('导入完成').waitFor({ timeout: 30_000 });
    const summary = page.locator('.ant-descriptions').filter({ hasText: '已新建' });
    expect(await summary.textContent()).toMatch(/已新建1/);
    await screenshot(page, 'imports-summary-zh-1440');
    const api = await apiSession(base, manager.email, manager.password);
    const found = await api.get<{ items: { externalId: string; industry: string; goLiveDate: string }[] }>(
      `/accounts?q=${encodeURIComponent(`E2E-${stamp}`)}`,
    );
    expect(found.items.map((a) => [a.externalId, a.industry, a.goLiveDate])).toEqual([
      [`E2E-${stamp}-1`, '制造', '2024-03-05'],
    ]);

    // The history lists it; the page also works on a phone.
    await page.getByRole('tab', { name: '导入记录' }).click();
    await page.getByRole('cell', { name: '客户导入.xlsx' }).first().waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, 'imports-history-zh-390');
  });
});

// A help desk's export as Chinese help desks write it (GBK, CRLF, Chinese headers and values),
// imported by an English-speaking manager: the ticket columns are suggested, a row with an
// unreadable time is named, and the imported tickets show on the account's Tickets tab.
describe('the guided ticket import in Chromium (en)', () => {
  const base = inject('baseUrl');
  const stamp = Date.now();
  const manager = { email: `tix.manager.${stamp}@example.com`, password: 'e2e-ticket-manager-pw' };
  const account = `TK-${stamp}`;
  let browser: Browser;
  let page: Page;
  let accountId: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    const root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    accountId = (await root.post<{ id: string }>('/accounts', { externalId: account, name: '杭州云帆科技' }))
      .id;
    page = await managerPage(browser, base, { ...manager, name: 'Ticket Manager', locale: 'en' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('imports a GBK help-desk export: suggested columns, an error row, the valid rows, then the Tickets tab', async () => {
    const csv = [
      '工单编号,客户编号,主题,状态,优先级,渠道,创建时间,解决时间,满意度,是否升级',
      `T-${stamp}-1,${account},报表导出失败,已解决,高,邮件,2026-11-20 09:30,2026-11-20 15:30,满意,否`,
      `T-${stamp}-2,${account},单点登录无法使用,处理中,紧急,电话,2026-12-01 10:00,,,是`,
      `T-${stamp}-3,${account},发票抬头修改,待处理,低,微信,明天,,,否`,
      '',
    ].join('\r\n');
    const buffer = iconv.encode(csv, 'gbk');

    await page.goto(`${base}/imports`);
    await page.getByText('Click or drop an .xlsx or CSV file here').waitFor();
    await page.getByRole('combobox', { name: 'What the file holds' }).click();
    await page
      .locator('.ant-select-item-option')
      .filter({ hasText: /^Support tickets$/ })
      .click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '工单导出.csv', mimeType: 'text/csv', buffer });

    // The map step: the encoding named, the Chinese headers matched to ticket fields.
    await page.getByText('CSV · GB18030/GBK · comma-separated · 3 data rows').waitFor();
    for (const [column, field] of [
      ['工单编号', 'Ticket ID'],
      ['客户编号', 'Account ID'],
      ['创建时间', 'Created at'],
      ['满意度', 'Satisfaction'],
    ]) {
      await expect
        .poll(() =>
          page
            .getByRole('row', { name: new RegExp(column) })
            .first()
            .textContent(),
        )
        .toContain(field);
    }
    await screenshot(page, 'imports-tickets-map-en-1440');
    await page.getByRole('button', { name: /^Dry run$/ }).click();

    // The dry run names the row with the unreadable time: line, column, value and the forms expected.
    const errors = page.locator('.ant-table').filter({ hasText: 'Rows with errors' });
    await errors.waitFor();
    const row = errors.getByRole('row', { name: /明天/ });
    expect(await row.textContent()).toMatch(/^4创建时间明天"明天" is not a time \(expected YYYY-MM-DD HH:mm/);
    await page.getByText('Import the valid rows and skip the invalid ones').click();
    await page.getByRole('button', { name: /^Import$/ }).click();
    await page.getByText('Import finished').waitFor({ timeout: 30_000 });
    const summary = page.locator('.ant-descriptions').filter({ hasText: 'Created' });
    expect(await summary.textContent()).toMatch(/Created2/);

    // The account's Tickets tab: both tickets in the reader's language, the escalation marked.
    await page.goto(`${base}/accounts/${accountId}`);
    await page.getByRole('tab', { name: 'Tickets', exact: true }).click();
    const tickets = page.getByTestId('account-tickets');
    await tickets.waitFor();
    const solved = tickets.getByRole('row', { name: /报表导出失败/ });
    expect(await solved.textContent()).toMatch(/Solved.*High.*Email.*5\/5/);
    const open = tickets.getByRole('row', { name: /单点登录无法使用/ });
    expect(await open.textContent()).toMatch(/Escalated.*Urgent.*Phone/);
    expect(await page.getByTestId('ticket-summary').textContent()).toMatch(/Open1/);
    await screenshot(page, 'imports-tickets-tab-en-1440');
  });
});

/** A new manager, signed in at 1440 px in a browser set to their language. */
async function managerPage(
  browser: Browser,
  base: string,
  manager: { email: string; password: string; name: string; locale: 'en' | 'zh-CN' },
): Promise<Page> {
  const root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
  await root.post('/users', { ...manager, role: 'manager' });
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: manager.locale === 'en' ? 'en-US' : 'zh-CN',
  });
  const page = await context.newPage();
  await signIn(page, base, manager.email, manager.password);
  return page;
}
