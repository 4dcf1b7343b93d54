import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Api = Awaited<ReturnType<typeof apiSession>>;
type AccountPage = { items: { id: string; name: string }[]; total?: number; nextCursor: string | null };
const digits = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

// The accounts list answered by one server-side filtered endpoint, as a CSM uses it, and error
// boundaries that keep a page on screen when one of its widgets fails.
describe('accounts list and error boundaries in Chromium', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let admin: Api;
  let worst = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const summary = await admin.get<{ bands: { key: string }[] }>('/account-states/summary');
    worst = summary.bands.at(-1)!.key;
  });
  afterAll(async () => {
    await browser?.close();
  });

  const newPage = async () =>
    (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  /** Every /api/v1 path the page requests, to prove which backends it calls. */
  const apiCalls = (page: Page) => {
    const calls: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/v1/')) calls.push(`${r.method()} ${url.pathname}`);
    });
    return calls;
  };

  it('lets a CSM list their own at-risk accounts renewing within 90 days, filtered by the server', async () => {
    // A CSM who owns a few accounts of the worst health status that renew within 90 days.
    const email = `csm.${Date.now()}@example.com`;
    const password = 'e2e-csm-password';
    const csm = await admin.post<{ id: string }>('/users', {
      email,
      name: 'Casey CSM',
      role: 'csm',
      locale: 'en',
      password,
    });
    const atRisk = await admin.get<AccountPage>(`/accounts?health=${worst}&renewalWithinDays=90&limit=3`);
    expect(atRisk.items.length).toBeGreaterThan(0);
    for (const a of atRisk.items) await admin.patch(`/accounts/${a.id}`, { ownerId: csm.id });
    const names = atRisk.items.map((a) => a.name).sort();

    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const calls = apiCalls(page);
    await signIn(page, base, email, password);
    // The filters by the state columns...
    await page.goto(`${base}/accounts?owner=${csm.id}&health=${worst}&renewalWithin=90`);
    const total = page.getByTestId('accounts-total');
    await expect.poll(async () => digits(await total.textContent()), { timeout: 20_000 }).toBe(names.length);
    const rowNames = async () =>
      (
        await page
          .locator('[data-testid="accounts-table"] tbody tr.ant-table-row td:first-child a')
          .allTextContents()
      ).sort();
    await expect.poll(rowNames).toEqual(names);
    // ...and the same question as a condition over the facts, which a CSM may ask too.
    await page.goto(`${base}/accounts?owner=${csm.id}`);
    const condition = page.getByLabel(/^(Any fact \(condition\)|任意指标（条件）)$/);
    await condition.fill(`health.status = "${worst}" and days_to_renewal <= 90`);
    await condition.press('Enter');
    await page.waitForURL(/where=/);
    await expect.poll(async () => digits(await total.textContent()), { timeout: 20_000 }).toBe(names.length);
    await expect.poll(rowNames).toEqual(names);
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'accounts-csm-condition');

    // A bad condition is the server's 400, named, not a crash.
    await condition.fill('arrr >= 5');
    await condition.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'arrr' }).waitFor();

    // One backend: the list endpoint (plus lookups), never the segment preview or the states list.
    expect(calls.filter((c) => c.startsWith('POST /api/v1/segments/preview'))).toEqual([]);
    expect(calls.filter((c) => c === 'GET /api/v1/account-states')).toEqual([]);
    expect(calls.some((c) => c === 'GET /api/v1/accounts')).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps Account 360 on screen when one panel fails, and the retry renders it again', async () => {
    const page = await newPage();
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const [account] = (await admin.get<AccountPage>(`/accounts?health=${worst}&limit=1`)).items;
    const real = await admin.get<Record<string, unknown>>(`/accounts/${account!.id}/health`);
    const healthUrl = `**/api/v1/accounts/${account!.id}/health`;
    // A health answer the panel cannot render: the panel fails, nothing else.
    await page.route(healthUrl, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ...real, components: null }),
      }),
    );
    await page.goto(`${base}/accounts/${account!.id}`);
    await page.getByTestId('account-name').waitFor();
    const fallback = page.getByTestId('widget-error');
    await fallback.waitFor();
    expect(await fallback.count()).toBe(1);
    expect(await fallback.textContent()).toMatch(/(Health could not be shown|健康度无法显示)/);
    await page.getByTestId('timeline').waitFor();
    await screenshot(page, 'account-360-panel-failed');

    await page.unroute(healthUrl);
    await fallback.getByRole('button', { name: /^(Retry|重 ?试)$/ }).click();
    await page.getByTestId('health-explanation').waitFor();
    expect(await page.getByTestId('widget-error').count()).toBe(0);
    await page.context().close();
  });

  it('shows a component that was scored on only one of the two days instead of crashing', async () => {
    const page = await newPage();
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const [account] = (await admin.get<AccountPage>('/accounts?limit=1')).items;
    const real = await admin.get<{
      components: { dimension: string; key: string; name: string; fact: string }[];
    }>(`/accounts/${account!.id}/health`);
    const c = real.components[0]!;
    // What the server sends for a component missing on the earlier day (issue 11: 1 account in 6).
    const change = {
      since: '2026-01-01',
      scoreBefore: null,
      statusBefore: null,
      change: null,
      movedBy: [
        {
          dimension: c.dimension,
          key: c.key,
          name: c.name,
          fact: c.fact,
          before: null,
          after: { raw: 3, normalised: 0.5, contribution: 4 },
          change: 4,
        },
      ],
    };
    await page.route(`**/api/v1/accounts/${account!.id}/health`, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ...real, change }),
      }),
    );
    await page.goto(`${base}/accounts/${account!.id}`);
    const moved = page.getByTestId('health-what-moved');
    await moved.waitFor();
    expect(await moved.textContent()).toContain('— → 3');
    expect(await page.getByTestId('widget-error').count()).toBe(0);
    await page.context().close();
  });

  it('shows the accounts list and Account 360 in both languages', async () => {
    const page = await newPage();
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const [account] = (await admin.get<AccountPage>(`/accounts?health=${worst}&limit=1`)).items;
    for (const [language, link, suffix] of [
      ['English', 'Accounts', 'en'],
      ['简体中文', '客户列表', 'zh'],
    ] as const) {
      await page.getByText(language, { exact: true }).click();
      await page
        .getByRole('navigation', { name: 'main' })
        .getByRole('link', { name: link, exact: true })
        .click();
      await page.waitForURL(/\/accounts$/);
      await expect
        .poll(async () => digits(await page.getByTestId('accounts-total').textContent()))
        .toBeGreaterThan(0);
      await page.locator('[data-testid="accounts-table"] tbody tr.ant-table-row').first().waitFor();
      await page.waitForTimeout(300);
      await screenshot(page, `accounts-${suffix}`);
      await page.goto(`${base}/accounts/${account!.id}`);
      await page.getByTestId('health-explanation').waitFor({ timeout: 20_000 });
      await page.waitForTimeout(500);
      await screenshot(page, `account-360-${suffix}`);
      expect(await page.getByTestId('widget-error').count()).toBe(0);
    }
    await page.context().close();
  });

  // The edit and survey dialogs' code loads on the first click (Account 360's initial JavaScript
  // budget): the dialog still opens with the account's values and saves.
  it('edits the profile and records an NPS answer from Account 360 through dialogs loaded on click', async () => {
    const stamp = Date.now().toString(36);
    const [account] = (await admin.get<AccountPage>('/accounts?limit=1&sort=name')).items;
    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${base}/accounts/${account!.id}`);
    await page.getByTestId('account-name').waitFor();

    await page.getByTestId('edit-account').click();
    const edit = page.getByRole('dialog');
    await expect.poll(() => edit.getByLabel(/^(Name|名称)$/).inputValue()).toBe(account!.name);
    await edit.getByLabel(/^(Region|区域)$/).fill(`E2E region ${stamp}`);
    await edit.getByRole('button', { name: /^(Save|保 ?存)$/ }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.getByText(`E2E region ${stamp}`).waitFor();
    expect((await admin.get<{ region: string }>(`/accounts/${account!.id}`)).region).toBe(
      `E2E region ${stamp}`,
    );

    await page.getByRole('button', { name: /^(Record an answer|记录答复)$/ }).click();
    const record = page.getByRole('dialog');
    await record.getByLabel(/^(Score|得分)/).fill('9');
    await record.getByLabel(/^(Comment|留言)$/).fill(`E2E answer ${stamp}`);
    await record.getByRole('button', { name: /^(Save|保 ?存)$/ }).click();
    await record.waitFor({ state: 'hidden' });
    await page.getByTestId('account-voice').getByText(`E2E answer ${stamp}`).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
