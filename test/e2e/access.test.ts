import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, overflowing, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Api = Awaited<ReturnType<typeof apiSession>>;

// The admin's access settings (issue 15): which accounts CSMs and viewers read, and whether write
// keys may rename accounts, set in the web app in Chinese and English; a CSM's list follows.
describe('access settings in Chromium', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let root: Api;
  let page: Page;
  let adminLocale = 'zh-CN';
  const csm = { email: `access.csm.${Date.now()}@example.com`, password: 'e2e-access-csm-pw' };

  beforeAll(async () => {
    browser = await launchBrowser();
    root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    adminLocale = (await root.get<{ user: { locale: string } }>('/auth/me')).user.locale;
    await root.post('/users', { ...csm, name: 'Access CSM', role: 'csm', locale: 'zh-CN' });
  }, 120_000);
  afterAll(async () => {
    // The other browser tests read with the scope global-setup chose.
    await root?.patch('/team/settings', { csmReadScope: 'all' });
    await root?.patch('/ingest/settings', { writeKeyRenames: false });
    await root?.patch('/auth/me', { locale: adminLocale });
    await browser?.close();
  });

  it('lets an admin narrow CSMs to their own book in Chinese, and the CSM then lists none', async () => {
    page = await (
      await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    ).newPage();
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${base}/config/access`);
    await page.getByText('CSM 和只读成员可查看的客户').waitFor();
    await page.getByRole('radio', { name: '自己负责的客户（负责人或客户团队成员）' }).click();
    await page.getByText('已保存').waitFor();
    expect((await root.get<{ csmReadScope: string }>('/team/settings')).csmReadScope).toBe('book');
    await page.getByRole('switch', { name: '写入密钥可修改已有客户的名称' }).click();
    await expect
      .poll(async () => (await root.get<{ writeKeyRenames: boolean }>('/ingest/settings')).writeKeyRenames)
      .toBe(true);

    const mine = await apiSession(base, csm.email, csm.password);
    const page1 = await mine.get<{ items: unknown[] }>('/accounts?limit=5');
    expect(page1.items).toEqual([]);
    await root.patch('/team/settings', { csmReadScope: 'all' });
    expect((await mine.get<{ items: unknown[] }>('/accounts?limit=5')).items.length).toBeGreaterThan(0);
  }, 120_000);

  it('shows the same settings in English, and not to a CSM', async () => {
    // The admin reads English (their profile language, which the app applies at sign-in).
    await root.patch('/auth/me', { locale: 'en' });
    const en = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(en, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await en.goto(`${base}/config/access`);
    await en.getByText('Which accounts CSMs and viewers see').waitFor();
    expect(await en.getByRole('radio', { name: 'All accounts' }).isChecked()).toBe(true);
    await en.getByText('Write keys may rename existing accounts').waitFor();
    // On a phone the panel fits the screen.
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await signIn(phone, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await phone.goto(`${base}/config/access`);
    await phone.getByRole('radio', { name: /全部客户|All accounts/ }).waitFor();
    expect(await overflowing(phone)).toEqual([]);
    const csmPage = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(csmPage, base, csm.email, csm.password);
    await csmPage.goto(`${base}/config/access`);
    await csmPage.waitForLoadState('networkidle');
    expect(await csmPage.getByText('CSM 和只读成员可查看的客户').count()).toBe(0);
  }, 120_000);
});
