// Issue 17 in Chromium: a CSM-facing success plan created from a template on Account 360's Success
// plan tab, in Chinese and in English, shows with its objectives and KPIs; the plan then reaches
// the QBR report (its KPI section, read through the API as the page's user would download it).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Api = Awaited<ReturnType<typeof apiSession>>;

describe('success plans on Account 360 in Chromium', () => {
  const base = inject('baseUrl');
  const stamp = Date.now();
  let browser: Browser;
  let root: Api;
  let accountId: string;
  let adminLocale = 'zh-CN';

  beforeAll(async () => {
    browser = await launchBrowser();
    root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    adminLocale = (await root.get<{ user: { locale: string } }>('/auth/me')).user.locale;
    const account = await root.post<{ id: string }>('/accounts', {
      externalId: `PLAN-${stamp}`,
      name: `计划客户 ${stamp}`,
    });
    accountId = account.id;
  }, 120_000);
  afterAll(async () => {
    await root?.patch('/auth/me', { locale: adminLocale });
    await browser?.close();
  });

  const watch = (page: Page) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    return errors;
  };

  /** Opens the account's Success plan tab, picks the template and creates the plan. */
  async function createFromTemplate(page: Page, tab: string, template: string) {
    await page.goto(`${base}/accounts/${accountId}`);
    await page.getByRole('tab', { name: tab }).click();
    const panel = page.getByTestId('success-plan-tab');
    await panel.waitFor();
    await panel.getByTestId('plan-template').click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: template,
      })
      .click();
    await panel.getByTestId('plan-create').click();
    return panel;
  }

  it('creates an adoption plan from its template in Chinese and shows its objectives and KPIs', async () => {
    await root.patch('/auth/me', { locale: 'zh-CN' });
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    // Watched from sign-in on: the sign-in page's own session probe answers 401 by design.
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const errors = watch(page);
    const panel = await createFromTemplate(page, '成功计划', '采纳深化计划');
    const card = panel.getByTestId('plan-card').filter({ hasText: '采纳深化计划' });
    await card.waitFor();
    // The template's two objectives and their KPIs (seed 001: efficiency +30%, cost -20%, revenue +15%).
    expect(await card.getByTestId('plan-objective').count()).toBe(2);
    await card.getByText('运营成本降低').waitFor();
    await card.getByTestId('plan-kpis-on-track').waitFor();
    await screenshot(page, 'account360-plan-zh');
    const plans = await root.get<{ items: { name: string; templateId: string | null }[] }>(
      `/accounts/${accountId}/plans`,
    );
    expect(plans.items.map((p) => p.templateId !== null)).toEqual([true]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('creates an onboarding plan in English and sees both plans, then the QBR lists their KPIs', async () => {
    await root.patch('/auth/me', { locale: 'en' });
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    // Watched from sign-in on: the sign-in page's own session probe answers 401 by design.
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const errors = watch(page);
    const panel = await createFromTemplate(page, 'Success plan', 'Onboarding plan');
    await panel.getByTestId('plan-card').filter({ hasText: 'Onboarding plan' }).waitFor();
    // The plan made in Chinese reads in English too (template names are message keys).
    await panel.getByTestId('plan-card').filter({ hasText: 'Adoption plan' }).waitFor();
    expect(await panel.getByTestId('plan-card').count()).toBe(2);
    await screenshot(page, 'account360-plan-en');
    expect(errors).toEqual([]);
    // The report the QBR button opens carries the plans' KPIs against their targets.
    const res = await fetch(`${base}/api/v1/accounts/${accountId}/reports/qbr?format=html&locale=en`, {
      headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('Your goals: KPI progress against targets');
    expect(html).toContain('Operating cost saved');
    expect(html).toContain('Return on investment');
    await page.context().close();
  }, 120_000);
});
