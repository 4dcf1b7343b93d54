import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD } from './global-setup.ts';

type Api = Awaited<ReturnType<typeof apiSession>>;
const digits = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));
/** Today plus `offset` days in this process's zone, which Chromium shares. */
function _day(offset = 0) {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('the web app in Chromium', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let admin: Api;
  let statusKey = '';
  let statusCount = 0;
  let accountId = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    admin = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('signs in and shows workbench numbers that match the API', async () => {
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/workbench');
    const calibration = await admin.get<{ currentBands: { key: string }[] }>('/health/calibration');
    expect(calibration.currentBands.length).toBeGreaterThan(1);
    for (const band of calibration.currentBands) {
      const preview = await admin.post<{ count: number }>('/segments/preview', {
        condition: `health.status = "${band.key}"`,
        limit: 0,
      });
      const shown = page.getByTestId(`health-count-${band.key}`);
      await shown.waitFor();
      expect(digits(await shown.textContent())).toBe(preview.count);
      if (preview.count > statusCount) {
        statusKey = band.key;
        statusCount = preview.count;
      }
    }
    expect(statusCount).toBeGreaterThan(0);

    // Open renewals only: contracts already renewed or churned are not "up for renewal".
    const renewals = await admin.get<{ totals: { accounts: number; arr: number } }>(
      '/renewals/window?days=90&status=open&limit=0',
    );
    await page.getByTestId('renewals-count').waitFor();
    expect(digits(await page.getByTestId('renewals-count').textContent())).toBe(renewals.totals.accounts);
    // The card shows it short (¥353万); the full figure is its title.
    await expect
      .poll(async () => digits(await page.getByTestId('renewals-arr').getAttribute('title')))
      .toBe(Math.round(renewals.totals.arr));
    await page.getByTestId('stage-distribution').waitFor();
    await page.waitForTimeout(500);
    await screenshot(page, 'workbench');
  });

  it('lists the accounts of a health status when that status is clicked', async () => {
    await page.getByTestId(`health-${statusKey}`).click();
    await page.waitForURL(/\/accounts\?health=/);
    const total = page.getByTestId('accounts-total');
    await expect.poll(async () => digits(await total.textContent()), { timeout: 20_000 }).toBe(statusCount);
    const firstLink = page.locator('[data-testid="accounts-table"] tbody tr a').first();
    await firstLink.waitFor();
    const href = await firstLink.getAttribute('href');
    accountId = href!.split('/').pop()!;
    const facts = await admin.get<{ facts: Record<string, unknown> }>(`/accounts/${accountId}/facts`);
    expect(facts.facts['health.status']).toBe(statusKey);
    await screenshot(page, 'accounts');
  });

  it('exports the listed accounts as CSV with their health, tier and stage', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /(Export CSV|导出 CSV)/ }).click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const [header, ...rows] = text.trim().split('\n');
    expect(rows).toHaveLength(statusCount);
    const columns = header!.split(',');
    const health = columns.findIndex((c) => /^(Health|健康)/.test(c));
    expect(health).toBeGreaterThan(0);
    // Every listed account has the status clicked, with its score.
    for (const row of rows) expect(row.split(',')[health]).toMatch(/\(\d/);
  });

  it('opens an account 360 with its health chart and explanation', async () => {
    await page.locator('[data-testid="accounts-table"] tbody tr a').first().click();
    await page.waitForURL(new RegExp(`/accounts/${accountId}$`));
    const health = await admin.get<{ components: unknown[]; score: number }>(`/accounts/${accountId}/health`);
    await page.locator('[data-testid="health-trend"] canvas').first().waitFor({ timeout: 20_000 });
    const rows = page.locator('[data-testid="health-explanation"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(health.components.length);
    await expect.poll(() => page.getByTestId('health-what-moved').count()).toBe(1);
    await page.waitForTimeout(500);
    await screenshot(page, 'account-360');
  });

  it('adds a note to the account timeline', async () => {
    const body = `E2E note ${Date.now()}`;
    await page.getByLabel(/^(Details|内容)$/).fill(body);
    await page.getByRole('button', { name: /^(Add to timeline|添加记录)$/ }).click();
    await page.getByTestId('timeline').getByText(body).waitFor();
    const timeline = await admin.get<{ items: { type: string; body: string }[] }>(
      `/accounts/${accountId}/timeline?type=note`,
    );
    expect(timeline.items.some((e) => e.type === 'note' && e.body === body)).toBe(true);
  });

  it('creates a task on the account, then completes it', async () => {
    const title = `E2E task ${Date.now()}`;
    await page.getByRole('tab', { name: /^(Tasks|任务)$/ }).click();
    await page.getByRole('button', { name: /(New task|新建任务)$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/(Title|标题)$/).fill(title);
    await dialog.getByRole('button', { name: /^(Create|新 ?建)$/ }).click();
    await page.getByTestId('account-tasks').getByText(title).waitFor();
    type TaskList = { items: { id: string; title: string; status: string; assigneeId: string | null }[] };
    const created = (await admin.get<TaskList>(`/tasks?accountId=${accountId}&limit=200`)).items.find(
      (x) => x.title === title,
    );
    expect(created).toMatchObject({ status: 'open', assigneeId: admin.user.id });
    await page.getByRole('button', { name: new RegExp(`^(Complete|完 ?成) ${title}$`) }).click();
    await expect
      .poll(async () => (await admin.get<{ status: string }>(`/tasks/${created!.id}`)).status)
      .toBe('done');
    await page.getByRole('tab', { name: /^(Timeline|时间线)$/ }).click();
  });

  it('switches the language and remembers it on the user', async () => {
    await page.getByText('English', { exact: true }).click();
    await page.getByRole('link', { name: 'Workbench', exact: true }).waitFor();
    await expect
      .poll(async () => (await admin.get<{ user: { locale: string } }>('/auth/me')).user.locale)
      .toBe('en');
    await page.getByText('简体中文', { exact: true }).click();
    await page.getByRole('link', { name: '我的工作台', exact: true }).waitFor();
    await page.getByRole('link', { name: '客户列表', exact: true }).waitFor();
    await expect
      .poll(async () => (await admin.get<{ user: { locale: string } }>('/auth/me')).user.locale)
      .toBe('zh-CN');
    // A fresh page load takes the language from the user, not from this tab.
    await page.reload();
    await page.getByRole('link', { name: '我的工作台', exact: true }).waitFor();
  });

  it('shows a viewer no edit buttons', async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const viewer = await viewerContext.newPage();
    // Record-level read access: a viewer reads the accounts whose team they are on.
    const users = await admin.get<{ items: { id: string; email: string }[] }>('/users?role=viewer');
    const viewerId = users.items.find((u) => u.email === VIEWER_EMAIL)!.id;
    await admin.post('/accounts/bulk', {
      ids: [accountId],
      actions: [{ type: 'setTeamRole', role: 'executive_sponsor', userId: viewerId }],
    });
    await signIn(viewer, base, VIEWER_EMAIL, VIEWER_PASSWORD);
    await viewer.getByRole('link', { name: 'Workbench', exact: true }).waitFor();
    expect(await viewer.getByRole('link', { name: 'Configuration' }).count()).toBe(0);
    await viewer.goto(`${base}/accounts/${accountId}`);
    await viewer.getByTestId('account-name').waitFor();
    await viewer.getByTestId('timeline').waitFor();
    expect(await viewer.getByTestId('edit-account').count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Add to timeline' }).count()).toBe(0);
    // And the admin does see them on the same account.
    await page.goto(`${base}/accounts/${accountId}`);
    await page.getByTestId('edit-account').waitFor();
    await screenshot(viewer, 'account-360-viewer');
    await viewerContext.close();
  });

  it('logs a request on the Requests page and shows it ranked with its reasons', async () => {
    const stamp = Date.now().toString(36);
    const area = `E2E-${stamp}`;
    type AccountPage = { items: { id: string; name: string }[] };
    const [target, other] = (await admin.get<AccountPage>('/accounts?limit=2&sort=name')).items;
    // Another account already asked for much the same: the form should say "looks like #N".
    const earlier = await admin.post<{ id: string; number: number }>('/requests', {
      accountId: other!.id,
      title: `Bulk export of ${stamp} invoices to Excel`,
      productArea: area,
    });
    await page.getByRole('link', { name: /^(Requests|客户需求)$/ }).click();
    await page.waitForURL(/\/requests$/);
    await page.getByTestId('ranked-requests').waitFor();
    await page.getByRole('button', { name: /(Log request|登记需求)$/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^(Account|客户)$/).fill(target!.name);
    await page
      .locator('.ant-select-dropdown .ant-select-item-option', { hasText: target!.name })
      .first()
      .click();
    const title = `Bulk export ${stamp} invoices to Excel spreadsheets`;
    await dialog.getByLabel(/^(Title|标题)$/).fill(title);
    await dialog.getByTestId('similar-requests').getByText(`#${earlier.number}`).waitFor();
    await dialog.getByLabel(/^(Product area|产品模块)$/).fill(area);
    await dialog.getByRole('button', { name: /^(Create|新 ?建)$/ }).click();
    await dialog.waitFor({ state: 'hidden' });

    type Req = { id: string; title: string; accountId: string; productArea: string | null };
    const created = (
      await admin.get<{ items: Req[] }>(`/requests?accountId=${target!.id}&limit=200`)
    ).items.find((r) => r.title === title);
    expect(created).toMatchObject({ productArea: area });
    type Ranked = {
      items: {
        title: string;
        accounts: { name: string; requestIds: string[] }[];
        priority: { score: number; factors: { key: string }[] };
      }[];
    };
    const ranked = await admin.get<Ranked>(`/requests/ranked?productArea=${encodeURIComponent(area)}`);
    const item = ranked.items.find((i) => i.accounts.some((a) => a.requestIds.includes(created!.id)));
    expect(item).toBeDefined();
    expect(item!.priority.factors.length).toBeGreaterThan(0);

    await page.getByLabel(/^(Product area|产品模块)$/).fill(area);
    await page.getByLabel(/^(Product area|产品模块)$/).press('Enter');
    const rows = page.locator('[data-testid="ranked-requests"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(ranked.items.length);
    const row = rows.filter({ hasText: item!.title });
    await row.locator('.ant-table-row-expand-icon').click();
    const reasons = page.locator('[data-testid="priority-reasons"] tbody tr.ant-table-row');
    await expect.poll(() => reasons.count()).toBe(item!.priority.factors.length);
    await page.locator('.ant-table-expanded-row').getByRole('link', { name: target!.name }).first().waitFor();
    await page.locator('.ant-message-notice').waitFor({ state: 'detached', timeout: 10_000 });
    await screenshot(page, 'requests');
  });
});
