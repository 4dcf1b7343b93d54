// npm run screenshots — each main screen in both languages at desktop (1440 px) and phone (390 px)
// width, written to docs/screenshots/<screen>-<locale>-<width>.png, for looking at before a release.
//
// Starts Steward on a temp SQLite database with a 200-account demo (as the browser tests do), or
// uses STEWARD_E2E_URL if one is already running with test/e2e/global-setup.ts's environment.
// Needs the built web app (web/dist) and Debian's Chromium (/usr/bin/chromium, CHROMIUM_PATH).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, waitForDemo } from '../test/e2e/global-setup.ts';
import { freePort } from '../test/helpers/free-port.ts';

const root = join(import.meta.dirname, '..');
const OUT = join(root, 'docs', 'screenshots');
const WIDTHS = [1440, 390] as const;
const LOCALES = ['zh-CN', 'en'] as const;

async function startSteward(): Promise<{ base: string; stop: () => void }> {
  const external = process.env.STEWARD_E2E_URL;
  if (external) return { base: external, stop: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'steward-screens-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'bin', 'steward.mjs'), 'serve', '--no-jobs'],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: join(dir, 'screens.db'),
        STEWARD_ADMIN_EMAIL: ADMIN_EMAIL,
        STEWARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
        STEWARD_DEMO: '1',
        STEWARD_DEMO_ACCOUNTS: '200',
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Steward exited (${child.exitCode})`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      // The server answers at once and builds the demo beside it: the screens show the finished demo.
      await waitForDemo(base, child, () => '');
      return { base, stop };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  stop();
  throw new Error('Steward did not start within 300 s');
}

/** Waits until the page has made no API call for a moment and shows no loading skeleton. */
async function settle(page: Page) {
  let last = Date.now();
  let inflight = 0;
  const onRequest = () => {
    inflight++;
    last = Date.now();
  };
  const onDone = () => {
    inflight = Math.max(0, inflight - 1);
    last = Date.now();
  };
  page.on('request', onRequest);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await page.waitForTimeout(100);
    if (inflight > 0 || Date.now() - last < 600) continue;
    if ((await page.locator('.ant-skeleton, .ant-spin-spinning').count()) === 0) break;
  }
  page.off('request', onRequest);
  page.off('requestfinished', onDone);
  page.off('requestfailed', onDone);
  await page.waitForTimeout(400); // chart animations
}

async function main() {
  const { base, stop } = await startSteward();
  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    // The account shown on Account 360: the first by name, the same every run.
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const accounts = (await (
      await fetch(`${base}/api/v1/accounts?limit=1&sort=name`, { headers: { cookie } })
    ).json()) as { items: { id: string }[] };
    // STEWARD_SCREENS=revenue,playbooks: only the screens whose names start so.
    const only = process.env.STEWARD_SCREENS?.split(',').filter(Boolean);
    const all: [string, string][] = [
      ['workbench', '/workbench'],
      ['accounts', '/accounts'],
      ['account-360', `/accounts/${accounts.items[0]!.id}`],
      ['tasks', '/tasks'],
      ['renewals', '/renewals'],
      ['requests', '/requests'],
      ['config', '/config/health'],
      ['revenue', '/revenue'],
      ['revenue-retention', '/revenue?tab=retention'],
      ['revenue-movement', '/revenue?tab=movement'],
      ['revenue-churn', '/revenue?tab=churn'],
      ['revenue-forecast', '/revenue?tab=forecast'],
      ['playbooks', '/playbooks'],
      ['playbooks-effect', '/playbooks?tab=effect'],
      ['admin-audit', '/admin?tab=audit'],
      ['admin-ingest', '/admin?tab=ingest'],
      ['admin-deliveries', '/admin?tab=deliveries'],
      ['admin-rates', '/admin?tab=rates'],
      ['team-load', '/team'],
      ['team-groups', '/team?tab=groups'],
      ['team-capacity', '/team?tab=capacity'],
      ['team-assignment', '/team?tab=assignment'],
      ['team-offboarding', '/team?tab=offboarding'],
      ['scorecards', '/scorecards'],
      ['scorecards-groups', '/scorecards?view=groups'],
    ];
    const screens = all.filter(([name]) => !only || only.some((o) => name.startsWith(o)));
    for (const locale of LOCALES) {
      for (const width of WIDTHS) {
        const context = await browser.newContext({
          viewport: { width, height: width > 500 ? 900 : 844 },
          deviceScaleFactor: 1,
        });
        await context.addInitScript(`localStorage.setItem('steward.locale', ${JSON.stringify(locale)})`);
        const page = await context.newPage();
        await page.goto(`${base}/`);
        await page.getByLabel(/^(Email|邮箱)$/).fill(ADMIN_EMAIL);
        await page.getByLabel(/^(Password|密码)$/).fill(ADMIN_PASSWORD);
        await page.getByRole('button', { name: /^(Sign in|登 ?录)$/ }).click();
        await page.getByRole('navigation', { name: 'main' }).waitFor();
        for (const [name, path] of screens) {
          await page.goto(`${base}${path}`);
          await settle(page);
          const file = join(OUT, `${name}-${locale}-${width}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.log(file);
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    stop();
  }
}

await main();
