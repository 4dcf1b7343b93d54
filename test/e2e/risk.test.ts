// Issue 13 item 9 in Chromium: a manager retrains the churn model from the risk page and reads its
// card (or why it is not published) and the accounts by ARR at risk (or why there are none); an
// Account 360 page with the risk card (or without it) opens without errors.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { churn } from '../../web/src/i18n/messages/churn.ts';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Card = { trained: boolean; published: boolean; reason: string | null; horizons: unknown[] };
type Ranked = { items: { accountId: string; name: string }[] };

describe('the churn risk page in Chromium', () => {
  const base = inject('baseUrl');
  const stamp = Date.now();
  const manager = { email: `risk.manager.${stamp}@example.com`, password: 'e2e-risk-manager-pw' };
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    const root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await root.post('/users', { ...manager, name: `Risk manager ${stamp}`, role: 'manager', locale: 'en' });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.url().includes('/api/v1/') && r.status() >= 400 && !r.url().endsWith('/auth/me'))
        errors.push(`${r.status()} ${r.url()}`);
    });
    await signIn(page, base, manager.email, manager.password);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('retrains the model and shows its card, or why it is not published, and the ranking', async () => {
    await page.getByRole('link', { name: 'Churn risk' }).click();
    await page.getByRole('heading', { name: 'Churn risk' }).waitFor();
    const trained = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/churn/train') && r.request().method() === 'POST',
      { timeout: 110_000 },
    );
    await page.getByTestId('risk-retrain').click();
    const res = await trained;
    expect(res.status()).toBe(200);
    const card = (await res.json()) as Card;
    expect(card.trained).toBe(true);
    await page.getByTestId('risk-model-card').waitFor();
    await expect
      .poll(() => page.getByTestId('risk-published').textContent())
      .toBe(card.published ? 'Published' : 'Not published');
    if (!card.published) expect(await page.getByTestId('risk-reason').textContent()).toContain(card.reason);
    const rows = page.locator('[data-testid="risk-horizons"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(card.horizons.length);

    const ranked = await (await apiSession(base, manager.email, manager.password)).get<Ranked>(
      '/churn/accounts?limit=50',
    );
    if (ranked.items.length > 0) {
      const first = page.locator('[data-testid="risk-table"] tbody tr.ant-table-row').first();
      await first.waitFor();
      expect(await first.textContent()).toContain(ranked.items[0]!.name);
      // When the ranking was computed (kept after the last full recompute, or for this request).
      expect(await page.getByTestId('risk-computed-at').textContent()).toMatch(/^(Computed|计算于) .*\d{4}/);
    } else {
      await page.getByTestId('risk-ranking-empty').waitFor();
    }
    // No message key shows through.
    const text = (await page.locator('main').first().allInnerTexts()).join('\n');
    expect(Object.keys(churn).filter((k) => text.includes(k))).toEqual([]);
    await screenshot(page, 'risk-page');

    // An account's page: the risk card when the model is published, none otherwise; no error.
    const target = ranked.items[0]?.accountId;
    if (target) {
      await page.locator('[data-testid="risk-table"] tbody a').first().click();
      await page.getByTestId('account-risk').waitFor();
    } else {
      await page.goto(`${base}/accounts`);
      await page.locator('main tbody a').first().click();
      await page.getByText('Health', { exact: true }).first().waitFor();
      expect(await page.getByTestId('account-risk').count()).toBe(0);
    }
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'risk-account360');
    expect(errors).toEqual([]);
  }, 150_000);
});
