// Issue 17's QBR settings in Chromium: an admin sets the template per tier and the hourly cost on
// the config page, in English at desktop width and in Chinese at 390 px, and the QBR report of an
// account of that tier (read as the page's user would open it) then uses them; a manager sees the
// settings read-only.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { voice } from '../../web/src/i18n/messages/voice.ts';
import { apiSession, launchBrowser, overflowing, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Settings = {
  tierTemplates: Record<string, string>;
  defaultTemplate: string;
  hourlyCost: number | null;
};
type Api = Awaited<ReturnType<typeof apiSession>>;

describe('QBR settings on the config page in Chromium', () => {
  const base = inject('baseUrl');
  const stamp = Date.now();
  const people = {
    en: { email: `qbr.en.${stamp}@example.com`, role: 'admin', locale: 'en' },
    zh: { email: `qbr.zh.${stamp}@example.com`, role: 'admin', locale: 'zh-CN' },
    manager: { email: `qbr.mgr.${stamp}@example.com`, role: 'manager', locale: 'en' },
  } as const;
  const password = 'e2e-qbr-settings-pw';
  let browser: Browser;
  let root: Api;
  let before: Settings;
  /** A growth account with a KPI in working hours (200 hours a month saved) and a nurture account. */
  let growth: string;
  let nurture: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    before = await root.get<Settings>('/qbr/settings');
    for (const p of Object.values(people))
      await root.post('/users', { ...p, password, name: `QBR ${p.locale} ${p.role} ${stamp}` });
    const first = async (tier: string) =>
      (await root.get<{ items: { id: string }[] }>(`/accounts?tier=${tier}&limit=1`)).items[0]!.id;
    growth = await first('growth');
    nurture = await first('nurture');
    const today = new Date().toISOString().slice(0, 10);
    const plan = await root.post<{ id: string }>(`/accounts/${growth}/plans`, {
      name: `QBR settings plan ${stamp}`,
      startDate: today,
    });
    const ob = await root.post<{ objectives: { id: string }[] }>(`/plans/${plan.id}/objectives`, {
      title: 'Less manual work',
    });
    const kpi = await root.post<{ objectives: { kpis: { id: string }[] }[] }>(
      `/plan-objectives/${ob.objectives.at(-1)!.id}/kpis`,
      { name: 'Manual work', unit: 'hours/month', direction: 'decrease', baseline: 800, target: 500 },
    );
    await root.post(`/plan-kpis/${kpi.objectives.at(-1)!.kpis.at(-1)!.id}/values`, {
      value: 600,
      day: today,
    });
  }, 120_000);
  afterAll(async () => {
    // Other browser tests read QBR reports of the same demo: leave the settings as they were.
    if (before) await root?.put('/qbr/settings', before);
    await browser?.close();
  });

  async function open(who: keyof typeof people, width: number) {
    const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    await signIn(page, base, people[who].email, password);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${base}/config/qbr`);
    await page.getByTestId('qbr-settings').waitFor();
    return { page, errors };
  }

  async function choose(page: Page, testId: string, label: string) {
    await page.getByTestId(testId).click();
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: label,
      })
      .click();
    // Closed before the next select opens: a closing list still shows its options for a moment.
    await expect
      .poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count())
      .toBe(0);
  }

  async function save(page: Page, saved: string) {
    const put = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/qbr/settings') && r.request().method() === 'PUT',
    );
    await page.getByTestId('qbr-settings-save').click();
    expect((await put).status()).toBe(200);
    await page.locator('.ant-message').getByText(saved).first().waitFor();
  }

  /** The QBR page of an account as the signed-in user opens it (the QBR button's link). */
  async function qbrHtml(page: Page, accountId: string, locale: string) {
    const res = await fetch(`${base}/api/v1/accounts/${accountId}/reports/qbr?format=html&locale=${locale}`, {
      headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
    });
    expect(res.status).toBe(200);
    return res.text();
  }

  it('lets an admin set growth to the strategic review and an hourly cost in English', async () => {
    const en = (key: keyof typeof voice) => voice[key][0];
    const { page, errors } = await open('en', 1440);
    await page.getByRole('navigation').getByText(en('qbrSettings')).waitFor();
    await choose(page, 'qbr-tier-growth', en('qbrTemplateStrategic'));
    await choose(page, 'qbr-tier-nurture', en('qbrTemplateStandard'));
    await page.getByTestId('qbr-settings-hourly-cost').fill('180');
    await screenshot(page, 'config-qbr-en');
    await save(page, 'Saved');
    expect(await root.get<Settings>('/qbr/settings')).toEqual({
      tierTemplates: { strategic: 'strategic', growth: 'strategic', nurture: 'standard' },
      defaultTemplate: 'standard',
      hourlyCost: 180,
    });
    const html = await qbrHtml(page, growth, 'en');
    expect(html).toContain('Strategic review');
    expect(html).toMatch(/= 2,400 hours × \S*180 an hour = \S*432,000/);
    expect(await qbrHtml(page, nurture, 'en')).toContain('Standard review');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('lets an admin give growth the default template, made the summary, at 390 px in Chinese', async () => {
    const zh = (key: keyof typeof voice) => voice[key][1];
    const { page, errors } = await open('zh', 390);
    await page.getByText(zh('qbrSettingsHelp')).waitFor();
    await choose(page, 'qbr-tier-growth', zh('qbrSettingsUseDefault'));
    await choose(page, 'qbr-default-template', zh('qbrTemplateLight'));
    await page.getByTestId('qbr-settings-hourly-cost').fill('250');
    expect(await overflowing(page)).toEqual([]);
    await screenshot(page, 'config-qbr-zh-390');
    await save(page, '已保存');
    expect(await root.get<Settings>('/qbr/settings')).toEqual({
      tierTemplates: { strategic: 'strategic', nurture: 'standard' },
      defaultTemplate: 'light',
      hourlyCost: 250,
    });
    const html = await qbrHtml(page, growth, 'zh-CN');
    expect(html).toContain('简要回顾');
    expect(html).toMatch(/× 每小时 \S*250 = \S*600,000/);
    // The report's dialog offers the workspace's cost as its default.
    await page.goto(`${base}/accounts/${growth}`);
    await page.getByTestId('qbr-button').click();
    await expect
      .poll(() => page.getByTestId('qbr-hourly-cost').getAttribute('placeholder'))
      .toBe('默认：250');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('shows a manager the settings read-only', async () => {
    const { page, errors } = await open('manager', 1440);
    await page.getByText(voice.qbrSettingsReadOnly[0]).waitFor();
    expect(await page.getByTestId('qbr-settings-save').count()).toBe(0);
    expect(await page.getByTestId('qbr-settings').locator('.ant-select-disabled').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('qbr-settings-hourly-cost').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
