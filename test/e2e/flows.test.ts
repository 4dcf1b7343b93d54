// Issue 12, items 3 and 7 in Chromium: the renewals health filter (a 400 before), a segment's edit
// form showing its saved condition and a preview that compares with its members, and the banner
// that says how far the demo workspace is while a fresh server prepares it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type Api = Awaited<ReturnType<typeof apiSession>>;

describe('renewals, segments and the demo banner in Chromium', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let admin: Api;

  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
  });

  const newPage = async (locale = 'en-US') =>
    (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale })).newPage();
  const watchErrors = (page: Page) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      // Before signing in, /auth/me answers 401: the app expects it.
      if (r.url().includes('/api/v1/') && r.status() >= 400 && !r.url().endsWith('/auth/me'))
        errors.push(`${r.status()} ${r.url()}`);
    });
    return errors;
  };

  it('says the period picked when no renewal falls in it (a viewer on no account team, en)', async () => {
    // The empty text used to say "in the next 90 days" under a "Next 6 months" picker.
    const email = `no-book-${Date.now().toString(36)}@example.com`;
    const password = 'no-book-password-1-Xq';
    await admin.post('/users', { email, name: 'No book', role: 'viewer', locale: 'en', password });
    const page = await newPage();
    await signIn(page, base, email, password);
    await page.goto(`${base}/renewals`);
    await page.getByText('No renewals in the next 6 months').first().waitFor();
    await page.getByLabel('Months').click();
    await page.locator('.ant-select-dropdown:visible').getByText('Next 3 months').click();
    await page.getByText('No renewals in the next 3 months').first().waitFor();
    expect(await page.getByText('No renewals in the next 90 days').count()).toBe(0);
  });

  it('filters the renewal pipeline by one and then two health statuses, the chart with it', async () => {
    const page = await newPage();
    const errors = watchErrors(page);
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${base}/renewals`);
    await page.getByTestId('renewals-table').waitFor();
    const summary = await admin.get<{ bands: { key: string; label: unknown }[] }>('/account-states/summary');
    const open = await admin.get<{ items: { healthStatus: string | null }[] }>(
      '/renewals?status=open&months=6&limit=500',
    );
    const statuses = [...new Set(open.items.map((r) => r.healthStatus ?? 'none'))];
    const first = summary.bands.find((b) => statuses.includes(b.key))!;
    expect(first).toBeTruthy();

    const pick = async (index: number) => {
      await page.getByTestId('renewals-risk').click();
      const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
      await options.nth(index).click();
      await page.keyboard.press('Escape');
    };
    const bandIndex = summary.bands.findIndex((b) => b.key === first.key);
    const oneFilter = page.waitForResponse(
      (r) => r.url().includes('/api/v1/renewals?') && r.url().includes('risk='),
    );
    const oneChart = page.waitForResponse(
      (r) => r.url().includes('/api/v1/revenue/forecast') && r.url().includes('risk='),
    );
    await pick(bandIndex);
    const [res, chart] = await Promise.all([oneFilter, oneChart]);
    expect(res.status()).toBe(200);
    expect(chart.status()).toBe(200);
    const body = (await res.json()) as { items: { healthStatus: string | null }[] };
    expect(body.items.length).toBeGreaterThan(0);
    expect(new Set(body.items.map((r) => r.healthStatus))).toEqual(new Set([first.key]));
    const rows = page.locator('[data-testid="renewals-table"] tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(Math.min(100, body.items.length));

    // A second status: both in the query, both in the answer.
    const other = summary.bands.findIndex((b) => b.key !== first.key);
    const twoFilter = page.waitForResponse(
      (r) => r.url().includes('/api/v1/renewals?') && (r.url().match(/risk=/g)?.length ?? 0) === 2,
    );
    await pick(other);
    const two = await twoFilter;
    expect(two.status()).toBe(200);
    await screenshot(page, 'renewals-filtered');
    expect(errors).toEqual([]);
  });

  it("opens a segment's editor with its saved condition and previews who would enter or leave", async () => {
    const segments = await admin.get<{
      items: { key: string; name: string; conditionText: string; memberCount: number }[];
    }>('/segments');
    const segment = segments.items.find((s) => s.memberCount > 0) ?? segments.items[0]!;
    const page = await newPage();
    const errors = watchErrors(page);
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${base}/config/segments`);
    // Listening before the editor opens: the preview may be asked for as soon as the condition
    // loads, before the Preview click (a race that failed CI once).
    const preview = page.waitForResponse((r) => r.url().endsWith('/api/v1/segments/preview'));
    const row = page.locator('tr', { hasText: segment.key });
    await row.getByRole('button', { name: /^(Edit|编 ?辑)$/ }).click();
    const box = page.getByLabel(/^(Condition|条件)$/).first();
    await expect.poll(() => box.inputValue()).toBe(segment.conditionText);
    await expect
      .poll(async () =>
        (await page.getByTestId(`segment-members-${segment.key}`).textContent())?.replace(/\D/g, ''),
      )
      .toBe(String(segment.memberCount));

    await page.getByRole('button', { name: /^(Preview|预 ?览)$/ }).click();
    const answer = await preview;
    expect(JSON.parse(answer.request().postData() ?? '{}')).toMatchObject({ segment: segment.key });
    const body = (await answer.json()) as {
      count: number;
      entering: { total: number };
      leaving: { total: number };
    };
    // The saved condition against the members the last save or recompute wrote: nobody moves.
    expect(body.count).toBe(segment.memberCount);
    expect(body.entering.total).toBe(0);
    await page
      .getByText(/^(Entering|新进入)/)
      .first()
      .waitFor();
    await screenshot(page, 'segment-edit-preview');
    expect(errors).toEqual([]);
  });
});

// Its own server on a fresh database: the shared one's demo is long finished.
describe('the demo banner on a first start', () => {
  let browser: Browser;
  let child: ChildProcess | undefined;
  let dir = '';
  let base = '';
  let log = '';

  beforeAll(async () => {
    browser = await launchBrowser();
    dir = mkdtempSync(join(tmpdir(), 'steward-e2e-first-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      [join(import.meta.dirname, '..', '..', 'bin', 'steward.mjs'), 'serve', '--no-jobs'],
      {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: join(dir, 'first.db'),
          STEWARD_ADMIN_EMAIL: ADMIN_EMAIL,
          STEWARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
          STEWARD_DEMO: '1',
          STEWARD_DEMO_ACCOUNTS: '120',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(`the server exited:\n${log}`);
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no healthz:\n${log}`);
  });
  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the progress on the sign-in page and after signing in, in both languages, and goes when ready', async () => {
    const status = (await (await fetch(`${base}/api/v1/demo/status`)).json()) as { state: string };
    expect(status.state).toBe('preparing');
    const zh = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await zh.goto(`${base}/`);
    await zh.getByLabel(/^(Language|语言)$/).waitFor();
    // The sign-in page's language follows the browser; the banner speaks it.
    const text = zh.getByTestId('demo-banner-text');
    await text.waitFor();
    const shown = (await text.textContent()) ?? '';
    expect(shown).toMatch(/^(正在准备演示工作区：\d+%|Preparing the demo workspace: \d+%)$/);

    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
    ).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await page.getByTestId('demo-banner').waitFor();
    await screenshot(page, 'demo-banner-sign-in');
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByTestId('demo-banner').waitFor();
    expect((await page.getByTestId('demo-banner-text').textContent()) ?? '').toMatch(
      /^(Preparing the demo workspace: \d+%|正在准备演示工作区：\d+%)$/,
    );
    await screenshot(page, 'demo-banner-workbench');
    // Ready: the banner goes by itself.
    await page.getByTestId('demo-banner').waitFor({ state: 'detached', timeout: 600_000 });
    expect(errors).toEqual([]);
  }, 660_000);
});
