import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Api = Awaited<ReturnType<typeof apiSession>>;
type AccountPage = {
  items: { id: string; name: string; state: { tier: string | null } | null }[];
  total?: number;
  nextCursor: string | null;
};
const digits = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

// Issue 12, item 5: the accounts list's pickers, sorting and saved views on the server, and global
// search, as a CSM and a manager use them.
describe('accounts list pickers, sorting, saved views and global search in Chromium', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let admin: Api;
  let worst = { key: '', label: '' };
  const stamp = Date.now();
  const csmUser = {
    email: `casey.${stamp}@example.com`,
    password: 'e2e-csm-password',
    name: 'Casey CSM',
    id: '',
  };
  const mgrUser = {
    email: `morgan.${stamp}@example.com`,
    password: 'e2e-mgr-password',
    name: 'Morgan Manager',
  };
  let mine: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const summary = await admin.get<{ bands: { key: string; label: { en: string } }[] }>(
      '/account-states/summary',
    );
    const band = summary.bands.at(-1)!;
    worst = { key: band.key, label: band.label.en };
    const csm = await admin.post<{ id: string }>('/users', { ...csmUser, role: 'csm', locale: 'en' });
    csmUser.id = csm.id;
    await admin.post('/users', { ...mgrUser, role: 'manager', locale: 'en' });
    // The CSM's book: a few accounts of the worst status renewing within 90 days, and one that is not at risk.
    const atRisk = await admin.get<AccountPage>(`/accounts?health=${worst.key}&renewalWithinDays=90&limit=3`);
    expect(atRisk.items.length).toBeGreaterThan(0);
    for (const a of atRisk.items) await admin.patch(`/accounts/${a.id}`, { ownerId: csm.id });
    mine = atRisk.items.map((a) => a.name).sort();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const newPage = async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // Before signing in, the app asks who is signed in and is told 401: expected.
      if (m.type() === 'error' && !m.location().url.endsWith('/api/v1/auth/me')) errors.push(m.text());
    });
    return { page, errors };
  };
  const rowNames = (page: Page) =>
    page.locator('[data-testid="accounts-table"] tbody tr.ant-table-row td:first-child a').allTextContents();
  /** Opens an antd select by its label and picks the option shown as `option`. */
  const pick = async (page: Page, label: string, option: string) => {
    await page.getByRole('combobox', { name: label }).click();
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
  };

  it('lets a CSM pick "my at-risk accounts renewing in 90 days" with the pickers and get rows', async () => {
    const { page, errors } = await newPage();
    const failed: string[] = [];
    page.on('response', (r) => {
      // Before signing in, the app is told 401 by /auth/me: expected.
      if (r.url().includes('/api/v1/') && !r.url().endsWith('/auth/me') && r.status() >= 400)
        failed.push(`${r.status()} ${r.url()}`);
    });
    await signIn(page, base, csmUser.email, csmUser.password);
    await page.goto(`${base}/accounts`);
    await page.getByTestId('accounts-table').waitFor();
    await pick(page, 'Owner', `Me (${csmUser.name})`);
    await page.waitForURL(/owner=/);
    await pick(page, 'Health status', worst.label);
    await page.waitForURL(/health=/);
    const within = page.getByPlaceholder('Renews within (days)');
    await within.fill('90');
    await within.press('Enter');
    await page.waitForURL(/renewalWithin=90/);
    const total = page.getByTestId('accounts-total');
    await expect.poll(async () => digits(await total.textContent()), { timeout: 20_000 }).toBe(mine.length);
    await expect.poll(async () => (await rowNames(page)).sort()).toEqual(mine);
    // The region picker offers the regions the accounts have.
    await page.getByRole('combobox', { name: 'Region' }).click();
    const regions = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
    await regions.first().waitFor();
    const facets = await admin.get<{ regions: string[] }>('/accounts/facets');
    expect(facets.regions).toContain(await regions.first().getAttribute('title'));
    await page.keyboard.press('Escape');
    await screenshot(page, 'accounts-csm-pickers');
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('sorts by tier in the scheme order on the server, from the sort picker and the column header', async () => {
    const { page, errors } = await newPage();
    await signIn(page, base, csmUser.email, csmUser.password);
    await page.goto(`${base}/accounts`);
    await page.getByTestId('accounts-table').waitFor();
    await pick(page, 'Sort by', 'Tier');
    await page.waitForURL(/sort=tier/);
    const expected = (await admin.get<AccountPage>('/accounts?sort=tier&limit=50')).items.map((a) => a.name);
    await expect.poll(() => rowNames(page), { timeout: 20_000 }).toEqual(expected);
    await pick(page, 'Sort by', 'Health score, lowest first');
    await page.waitForURL(/sort=healthScore/);
    const byHealth = (await admin.get<AccountPage>('/accounts?sort=healthScore&limit=50')).items.map(
      (a) => a.name,
    );
    await expect.poll(() => rowNames(page), { timeout: 20_000 }).toEqual(byHealth);
    // The stage column's header sorts by stage; a second click, once the first has landed, the
    // other way round.
    const stageHeader = page
      .locator('[data-testid="accounts-table"] thead th')
      .filter({ hasText: /^Stage$/ });
    await stageHeader.click();
    await page.waitForURL(/sort=stage/);
    const byStage = (await admin.get<AccountPage>('/accounts?sort=stage&limit=50')).items.map((a) => a.name);
    await expect.poll(() => rowNames(page), { timeout: 20_000 }).toEqual(byStage);
    await stageHeader.click();
    await page.waitForURL(/sort=-stage/);
    const byStageDown = (await admin.get<AccountPage>('/accounts?sort=-stage&limit=50')).items.map(
      (a) => a.name,
    );
    await expect.poll(() => rowNames(page), { timeout: 20_000 }).toEqual(byStageDown);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('saves a view on the server that a manager shares and a CSM then applies', async () => {
    const viewName = `Renewals at risk ${stamp}`;
    const { page, errors } = await newPage();
    await signIn(page, base, mgrUser.email, mgrUser.password);
    await page.goto(`${base}/accounts?health=${worst.key}&renewalWithin=90&sort=-healthScore`);
    await page.getByTestId('accounts-table').waitFor();
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill(viewName);
    await page.getByRole('checkbox', { name: 'Share with the workspace' }).check();
    await page.getByRole('button', { name: /^Save$/ }).click();
    await page.getByText('View saved').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();

    const csmPage = await newPage();
    await signIn(csmPage.page, base, csmUser.email, csmUser.password);
    await csmPage.page.goto(`${base}/accounts`);
    await csmPage.page.getByTestId('accounts-table').waitFor();
    await csmPage.page.getByTestId('saved-views').click();
    const entry = csmPage.page.getByTestId('saved-view').filter({ hasText: viewName });
    await entry.waitFor();
    expect(await entry.textContent()).toContain('Shared');
    expect(await entry.textContent()).toContain(`by ${mgrUser.name}`);
    // Not the CSM's to delete.
    expect(await entry.getByRole('button', { name: 'Delete view' }).count()).toBe(0);
    await screenshot(csmPage.page, 'accounts-saved-views');
    await entry.click();
    await csmPage.page.waitForURL(/health=/);
    const url = new URL(csmPage.page.url());
    expect(url.searchParams.get('health')).toBe(worst.key);
    expect(url.searchParams.get('renewalWithin')).toBe('90');
    expect(url.searchParams.get('sort')).toBe('-healthScore');
    const expected = await admin.get<AccountPage>(
      `/accounts?health=${worst.key}&renewalWithinDays=90&sort=-healthScore&includeTotal=true&limit=1`,
    );
    await expect
      .poll(async () => digits(await csmPage.page.getByTestId('accounts-total').textContent()), {
        timeout: 20_000,
      })
      .toBe(expected.total);
    expect(csmPage.errors).toEqual([]);
    await csmPage.page.context().close();
  });

  it('opens global search with Ctrl-K and finds a Chinese contact by pinyin initials', async () => {
    const [account] = (await admin.get<AccountPage>('/accounts?limit=1&sort=-arr')).items;
    await admin.post('/contacts', { accountId: account!.id, name: '欧阳翊骞', wechatId: `oyyq_${stamp}` });
    const { page, errors } = await newPage();
    await signIn(page, base, csmUser.email, csmUser.password);
    await page.goto(`${base}/tasks`);
    await page.getByTestId('current-user').waitFor();
    await page.keyboard.press('Control+k');
    const input = page.getByTestId('global-search-input');
    await input.waitFor();
    await input.fill('oyyq');
    const result = page.getByTestId('search-result').filter({ hasText: `oyyq_${stamp}` });
    await result.waitFor();
    expect(await result.textContent()).toContain(account!.name);
    await screenshot(page, 'global-search');
    // Walk to it with the arrow keys and open it with Enter.
    const results = page.getByTestId('search-result');
    const index = (await results.allTextContents()).findIndex((t) => t.includes(`oyyq_${stamp}`));
    expect(await result.textContent()).toContain('欧阳翊骞');
    for (let i = 0; i < index; i++) await input.press('ArrowDown');
    await expect.poll(() => result.getAttribute('aria-selected')).toBe('true');
    await input.press('Enter');
    await page.waitForURL(new RegExp(`/accounts/${account!.id}$`));
    await page.getByTestId('account-name').waitFor();
    // `/` opens it too, outside a text field.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('/');
    await page.getByTestId('global-search-input').waitFor();
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
