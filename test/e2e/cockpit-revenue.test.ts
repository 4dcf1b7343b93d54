// Issue 16 parts 2, 4 and 6 in Chromium: revenue and retention, playbooks and their effect, and
// the admin screens, on the real demo, as a manager (English), a CSM (Chinese) and an admin
// (Chinese): each screen shows what the API says, a drill-down opens the figures behind it, and
// the actions work (edit a playbook and dry-run it, add a currency rate).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { admin as adminTexts } from '../../web/src/i18n/messages/admin.ts';
import { playbooks as playbookTexts } from '../../web/src/i18n/messages/playbooks.ts';
import { revenue as revenueTexts } from '../../web/src/i18n/messages/revenue.ts';
import { apiSession, launchBrowser, openTab, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Arr = { total: { accounts: number; arr: number }; items: { key: string | null; accounts: number }[] };
type Playbook = { id: string; key: string; touchEveryDays: number | null };
type Effect = { items: { ruleId: string; name: string }[] };
type Audit = {
  items: { action: string; before: { touchEveryDays?: number }; after: { touchEveryDays?: number } }[];
};
type Rates = { items: { currency: string; rate: number; effectiveDate: string }[] };

const KEYS = [...Object.keys(revenueTexts), ...Object.keys(playbookTexts), ...Object.keys(adminTexts)];

describe('the manager’s cockpit in Chromium', () => {
  const base = inject('baseUrl');
  const stamp = Date.now();
  const manager = { email: `cockpit.manager.${stamp}@example.com`, password: 'e2e-cockpit-manager-pw' };
  const csm = { email: `cockpit.csm.${stamp}@example.com`, password: 'e2e-cockpit-csm-pw' };
  let browser: Browser;
  const errors: string[] = [];

  async function open(user: { email: string; password: string }, locale: 'en' | 'zh-CN', width = 1440) {
    // Signed in at desktop width (the phone header hides the user's name that signIn waits for).
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(`localStorage.setItem('steward.locale', ${JSON.stringify(locale)})`);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/') && r.status() >= 400 && !r.url().endsWith('/auth/me'))
        errors.push(`${r.status()} ${r.url()}`);
    });
    await signIn(page, base, user.email, user.password);
    if (width !== 1440) await page.setViewportSize({ width, height: 844 });
    return page;
  }
  /** No message key shows through, and nothing of the other language's UI texts. */
  async function noKeys(page: Page) {
    const text = (await page.locator('main').first().allInnerTexts()).join('\n');
    expect(KEYS.filter((k) => text.includes(k))).toEqual([]);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    const root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await root.post('/users', {
      ...manager,
      name: `Cockpit manager ${stamp}`,
      role: 'manager',
      locale: 'en',
    });
    await root.post('/users', { ...csm, name: `Cockpit CSM ${stamp}`, role: 'csm', locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows ARR by tier as the API does, and a row opens the accounts behind it (manager, en)', async () => {
    const page = await open(manager, 'en');
    const api = await apiSession(base, manager.email, manager.password);
    const arr = await api.get<Arr>('/revenue/arr?by=tier');
    expect(arr.total.accounts).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Revenue' }).click();
    await page.getByRole('heading', { name: 'Revenue and retention' }).waitFor();
    const rows = page.locator('[data-testid="arr-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(arr.items.length);
    expect(await page.getByTestId('arr-total').textContent()).toContain(
      new Intl.NumberFormat('en-US').format(Math.round(arr.total.arr)),
    );
    await noKeys(page);
    await screenshot(page, 'cockpit-revenue-arr');
    // Drill-down: the largest tier's row opens the accounts list filtered to it.
    const top = arr.items[0]!;
    await rows.first().getByRole('link').click();
    await page.waitForURL(/\/accounts\?/);
    expect(new URL(page.url()).searchParams.get('tier')).toBe(top.key);

    // Retention with the cohort table, the movement waterfall of one month, the forecast's month.
    await page.goto(`${base}/revenue?tab=retention`);
    await page.locator('[data-testid="retention-table"] tbody tr.ant-table-row').first().waitFor();
    await page.locator('[data-testid="cohort-table"] tbody tr.ant-table-row').first().waitFor();
    await page.goto(`${base}/revenue?tab=movement`);
    const months = page.locator('[data-testid="movement-table"] tbody tr.ant-table-row');
    await expect.poll(() => months.count(), { timeout: 20_000 }).toBe(12);
    await months.nth(10).click();
    await page.getByText(/^Waterfall of \d{4}-\d{2}$/).waitFor();
    await page.goto(`${base}/revenue?tab=forecast`);
    const first = page.locator('[data-testid="forecast-table"] tbody tr.ant-table-row').first();
    await first.waitFor();
    await first.locator('[data-testid^="forecast-month-"]').click();
    await page.getByTestId('forecast-drill').waitFor();
    await noKeys(page);
    await page.context().close();
  }, 120_000);

  // Each tab opened as soon as the bar shows, in a new browser (the route's chunk and the charts'
  // load meanwhile), at 1440 px and at 390 px, where three tabs sit past the bar's edge and open
  // through its "more" menu. The bar is the same element throughout: it is never swapped for a
  // loading state, so a tab seen a moment before is still there to click.
  for (const width of [1440, 390]) {
    it(`opens every revenue tab right after navigating there, the tab bar staying mounted (manager, en, ${width} px)`, async () => {
      const page = await open(manager, 'en', width);
      await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Revenue' }).click();
      const bar = page.locator('main [data-testid="revenue-page"] .ant-tabs-nav').first();
      const handle = await bar.elementHandle({ timeout: 20_000 });
      const tables = {
        retention: 'retention-table',
        movement: 'movement-table',
        churn: 'churn-table',
        forecast: 'forecast-table',
        arr: 'arr-table',
      };
      for (const [key, table] of Object.entries(tables)) {
        await openTab(page, bar.locator(`.ant-tabs-tab[data-node-key="${key}"]`));
        await expect.poll(() => new URL(page.url()).searchParams.get('tab') ?? 'arr').toBe(key);
        await page.getByTestId(table).waitFor({ timeout: 20_000 });
        expect(await handle!.evaluate((el) => el.isConnected), `the tab bar after opening ${key}`).toBe(true);
      }
      await noKeys(page);
      await page.context().close();
    });
  }

  it('edits a playbook’s cadence, dry-runs the edit, saves it, and reads the effect (manager, en)', async () => {
    const page = await open(manager, 'en');
    const api = await apiSession(base, manager.email, manager.password);
    const before = (await api.get<{ items: Playbook[] }>('/playbooks')).items.find(
      (p) => p.key === 'strategic',
    )!;
    await page.getByRole('link', { name: 'Playbooks' }).click();
    await page.getByTestId('playbook-matrix').waitFor();
    await page.getByTestId('playbook-open-strategic').click();
    const editor = page.getByTestId('playbook-editor');
    await editor.waitFor();
    const touch = page.getByTestId('playbook-touch');
    await touch.fill('21');
    await page.getByTestId('playbook-dry-run').click();
    const result = page.getByTestId('playbook-dry-run-result');
    await result.waitFor();
    await page.getByTestId('dry-run-play-touch').waitFor();
    await page.getByTestId('dry-run-play-qbr').waitFor();
    // A dry run saves nothing.
    expect((await api.get<Playbook>(`/playbooks/${before.id}`)).touchEveryDays).toBe(before.touchEveryDays);
    await screenshot(page, 'cockpit-playbook-dry-run');
    await page.getByTestId('playbook-save').click();
    await expect
      .poll(async () => (await api.get<Playbook>(`/playbooks/${before.id}`)).touchEveryDays, {
        timeout: 20_000,
      })
      .toBe(21);

    // The effect: one row per rule and playbook that acted; a row opens its runs.
    const effect = await api.get<Effect>('/automation/effectiveness');
    await page.goto(`${base}/playbooks?tab=effect`);
    const rows = page.locator('[data-testid="effect-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(effect.items.length);
    if (effect.items.length) {
      await rows.first().getByTestId('effect-row').click();
      await page.getByText(`Runs of ${effect.items[0]!.name}`).waitFor();
    }
    await noKeys(page);
    await screenshot(page, 'cockpit-playbook-effect');
    await page.context().close();
  }, 120_000);

  it('shows a CSM their revenue and read-only playbooks, and no admin screens (CSM, zh-CN)', async () => {
    const page = await open(csm, 'zh-CN');
    await page.getByRole('link', { name: '收入' }).click();
    await page.getByRole('heading', { name: '收入与留存' }).waitFor();
    await page.locator('[data-testid="arr-table"] tbody tr.ant-table-row').first().waitFor();
    await page.goto(`${base}/revenue?tab=forecast`);
    // A CSM's forecast starts on their own renewals.
    await page
      .locator('[data-testid="forecast-mine"] .ant-segmented-item-selected')
      .getByText('我的续约')
      .waitFor();
    await page.goto(`${base}/playbooks`);
    await page.getByText('剧本由经理和管理员编辑，您可以查看。').waitFor();
    await page.getByTestId('playbook-open-strategic').click();
    await page.getByTestId('playbook-editor').waitFor();
    expect(await page.getByTestId('playbook-save').count()).toBe(0);
    expect(await page.getByTestId('playbook-dry-run').count()).toBe(0);
    await noKeys(page);
    await page.keyboard.press('Escape');
    expect(await page.getByRole('link', { name: '系统管理' }).count()).toBe(0);
    await page.goto(`${base}/admin`);
    await page.waitForURL(/\/workbench$/);
    await page.context().close();
  }, 120_000);

  it('shows every new screen in the other language too: manager in zh-CN, CSM in en', async () => {
    const m = await open(manager, 'zh-CN');
    for (const tab of ['arr', 'retention', 'movement', 'churn', 'forecast']) {
      await m.goto(`${base}/revenue?tab=${tab}`);
      await m.getByRole('heading', { name: '收入与留存' }).waitFor();
      await m.locator('main .ant-table').first().waitFor({ timeout: 20_000 });
      await noKeys(m);
    }
    await m.goto(`${base}/playbooks?tab=effect`);
    await m.getByRole('heading', { name: '服务剧本与成效' }).waitFor();
    await m.locator('[data-testid="effect-table"]').waitFor({ timeout: 20_000 });
    await noKeys(m);
    await m.context().close();
    const c = await open(csm, 'en', 390);
    await c.goto(`${base}/revenue`);
    await c.getByRole('heading', { name: 'Revenue and retention' }).waitFor();
    await c.locator('[data-testid="arr-table"] tbody tr.ant-table-row').first().waitFor();
    await c.goto(`${base}/playbooks`);
    await c.getByText('Managers and admins edit playbooks; you can read them.').waitFor();
    await noKeys(c);
    await c.context().close();
  }, 120_000);

  it('lets an admin filter the audit log to the playbook edit and read its diff, see ingest, add a rate (admin, zh-CN)', async () => {
    const page = await open({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, 'zh-CN');
    const api = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const audit = await api.get<Audit>('/audit-log?action=playbook.updated');
    expect(audit.items[0]?.after.touchEveryDays).toBe(21);
    await page.getByRole('link', { name: '系统管理' }).click();
    await page.getByTestId('audit-table').waitFor();
    await page.getByTestId('audit-action').click();
    await page.keyboard.type('playbook.updated');
    await page.keyboard.press('Enter');
    const rows = page.locator('[data-testid="audit-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(audit.items.length);
    await rows.first().locator('.ant-table-row-expand-icon').click();
    const diff = page.getByTestId('audit-diff');
    await diff.waitFor();
    const touchRow = diff.locator('tr', { hasText: 'touchEveryDays' });
    expect(await touchRow.textContent()).toContain('21');
    await noKeys(page);
    await screenshot(page, 'cockpit-audit-diff');

    const stats = await api.get<{ accepted: number }>('/ingest/stats');
    await page.getByRole('tab', { name: '数据接入' }).click();
    await page.getByTestId('ingest-stats').waitFor();
    expect(await page.getByTestId('ingest-stats').textContent()).toContain(
      new Intl.NumberFormat('zh-CN').format(stats.accepted),
    );
    await page.getByRole('tab', { name: 'Webhook 投递' }).click();
    await page.getByText('只读：规则 Webhook 动作的投递记录，含每次尝试的状态码。').waitFor();

    await page.getByRole('tab', { name: '汇率' }).click();
    await page.getByTestId('rates-table').waitFor();
    const form = page.getByTestId('rate-form');
    await form.getByLabel('币种').fill('chf');
    await form.getByLabel('汇率').fill('8.25');
    await page.getByTestId('rate-save').click();
    await page.getByText(/汇率已保存；重新计价 \d+ 份合同/).waitFor();
    const rates = await api.get<Rates>('/currency-rates');
    expect(rates.items.find((r) => r.currency === 'CHF')?.rate).toBe(8.25);
    await page.locator('[data-testid="rates-table"] tbody tr', { hasText: 'CHF' }).first().waitFor();
    await noKeys(page);
    await page.context().close();

    // A manager has no admin screens either.
    const m = await open(manager, 'en');
    expect(await m.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await m.context().close();
    expect(errors).toEqual([]);
  }, 120_000);
});
