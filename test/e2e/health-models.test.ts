// Issue 13 item 6 in Chromium, in English and in Chinese: a manager views the built-in default
// health model, edits it (hysteresis), previews and applies the calibrated thresholds and the
// fitted weights (or reads why there are none), copies it into a model of its own and resets it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { health } from '../../web/src/i18n/messages/health.ts';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Model = { id: string; key: string; customised: boolean; hysteresis: number; bands: { min: number }[] };

describe.each([
  ['en', 0],
  ['zh-CN', 1],
] as const)('the health models page in Chromium (%s)', (locale, i) => {
  const base = inject('baseUrl');
  const stamp = `${Date.now()}${i}`;
  const manager = { email: `health.${locale}.${stamp}@example.com`, password: 'e2e-health-manager-pw' };
  const text = (key: keyof typeof health) => health[key][i];
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    const root = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await root.post('/users', { ...manager, name: `Health ${locale} ${stamp}`, role: 'manager', locale });
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

  const patched = () =>
    page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/health-models/default') && r.request().method() === 'PATCH',
    );

  it('views, edits, calibrates, fits, copies and resets the default model', async () => {
    const api = await apiSession(base, manager.email, manager.password);
    await page.goto(`${base}/config/health`);
    const table = page.getByTestId('health-models');
    await table.getByText(text('hmBuiltIn')).waitFor();
    await page.getByText(text('hmCatchAll')).waitFor();

    // Edit: the hysteresis of the default model.
    await page.getByTestId('edit-default').click();
    const hysteresis = page.getByLabel(text('hmHysteresis'));
    await hysteresis.fill('4');
    const saved = patched();
    await page.getByTestId('save-model').click();
    expect((await saved).status()).toBe(200);
    await table.getByText(text('hmCustomised')).waitFor();
    expect((await api.get<Model>('/health-models/default')).hysteresis).toBe(4);

    // Calibrated thresholds: preview, then apply (when the outcomes propose any).
    await page.getByTestId('edit-default').click();
    const calibration = await api.get<{ proposedBands: { min: number }[] | null }>(
      '/health/calibration?model=default',
    );
    const backtest = page.getByTestId('backtest');
    if (calibration.proposedBands) {
      await backtest.getByTestId('preview-thresholds').click();
      await backtest.getByTestId('model-preview').waitFor();
      const applied = patched();
      await backtest.getByTestId('apply-thresholds').click();
      expect((await applied).status()).toBe(200);
      await expect
        .poll(async () => (await api.get<Model>('/health-models/default')).bands.map((b) => b.min))
        .toEqual(calibration.proposedBands.map((b) => b.min));
    } else {
      await backtest.waitFor();
      expect(await backtest.getByTestId('preview-thresholds').count()).toBe(0);
    }

    // Fitted weights: preview, then apply; or the reason there is no proposal.
    const fit = await api.get<{ proposed: unknown; reason: string | null }>(
      '/health/fit-weights?model=default',
    );
    const card = page.getByTestId('fit-weights');
    await card.getByTestId('fit-backtest').waitFor();
    if (fit.proposed) {
      await card.getByTestId('preview-weights').click();
      await card.getByTestId('model-preview').waitFor();
      const applied = patched();
      await card.getByTestId('apply-weights').click();
      expect((await applied).status()).toBe(200);
    } else {
      expect(await card.getByTestId('fit-reason').textContent()).toContain(fit.reason);
    }
    await screenshot(page, `health-models-${locale}`);

    // Copy it into a model of its own, tried before the default.
    await page.getByTestId('copy-default').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^(Key|标识|键)$/).fill(`default_copy_${i}`);
    const copied = page.waitForResponse((r) => r.url().endsWith('/health-models/default/copy'));
    // antd puts a space between the two characters of a Chinese button label (复 制).
    await dialog.getByRole('button', { name: new RegExp(`^${[...text('hmCopy')].join(' ?')}$`) }).click();
    expect((await copied).status()).toBe(201);
    await table.getByText(`default_copy_${i}`).waitFor();

    // Reset the default to the built-in one.
    await page.getByTestId('reset-default').click();
    const reset = page.waitForResponse(
      (r) => r.url().endsWith('/api/v1/health-models/default') && r.request().method() === 'DELETE',
    );
    await page.getByRole('button', { name: /^(OK|确 ?定)$/ }).click();
    expect((await reset).status()).toBe(204);
    await expect.poll(() => table.getByText(text('hmCustomised')).count()).toBe(0);
    expect((await api.get<Model>('/health-models/default')).customised).toBe(false);

    // No message key shows through.
    const shown = (await page.locator('main').first().allInnerTexts()).join('\n');
    expect(Object.keys(health).filter((k) => shown.includes(k))).toEqual([]);
    expect(errors).toEqual([]);
  }, 180_000);
});
