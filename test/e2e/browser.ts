import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium (see DEVELOPERS.md / .ci/run), headless, no network beyond loopback. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * What sticks out past the window's right edge once the page has laid itself out: antd's horizontal
 * menus render every item, measure, and fold those that do not fit into "…" some frames later (more
 * under CI load: the config menu at 390 px, stop 23), so this waits up to 3 s for the page to fit
 * and reports what still sticks out. A shell that flaps after a resize is resize.test.ts's to catch
 * (it samples every frame). Returns the outermost elements past the edge (tag, class, right edge,
 * text), so a failing test says what is too wide; empty when the page fits.
 */
export async function overflowing(page: Page): Promise<string[]> {
  await until(page, 'document.documentElement.scrollWidth <= window.innerWidth', 3_000);
  return page.evaluate<string[]>(STICKING_OUT);
}

/**
 * Whether the page expression came true within `ms`, asked every 50 ms from here. Not
 * page.waitForFunction: it evals a string predicate in the page again on every poll, which the app's
 * Content-Security-Policy (no 'unsafe-eval') refuses, so such a wait ended at its first poll with an
 * EvalError and the page was measured mid-fold (stop-23 CI); a function predicate needs DOM types
 * this project's Node-side tsconfig does not have.
 */
export async function until(page: Page, expression: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() >= end) return false;
    await page.waitForTimeout(50);
  }
  return true;
}

/**
 * Opens an antd tab as a person would: a tab past the edge of its bar (five revenue tabs at 390 px)
 * is first brought into the bar by scrolling the bar with the wheel, as a phone's user swipes it.
 * The bar scrolls by a CSS transform, so such a tab still counts as visible, but Playwright cannot
 * scroll it into view, and a click on it where it is retried until it timed out.
 */
export async function openTab(page: Page, tab: Locator, timeout = 30_000) {
  // How far (px) the tab lies past the left (< 0) or right (> 0) edge of its bar's window.
  const past = () =>
    tab.evaluate(
      (el) => {
        const bar = el.closest('.ant-tabs-nav-wrap')?.getBoundingClientRect();
        const r = el.getBoundingClientRect();
        if (!bar) return 0;
        return r.left < bar.left - 1 ? r.left - bar.left : r.right > bar.right + 1 ? r.right - bar.right : 0;
      },
      undefined,
      { timeout },
    );
  for (let n = 0, off = await past(); off !== 0 && n < 10; n++, off = await past()) {
    const bar = tab.locator(
      'xpath=ancestor::div[contains(concat(" ", @class, " "), " ant-tabs-nav-wrap ")][1]',
    );
    await bar.hover({ timeout, position: { x: 10, y: 10 } });
    await page.mouse.wheel(0, off + Math.sign(off) * 20);
    await page.waitForTimeout(100);
  }
  await tab.click({ timeout });
}

/** Run in the page: the outermost elements past the right edge, not looking inside scrolling boxes. */
const STICKING_OUT = `(() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return [];
  const out = ['page ' + document.documentElement.scrollWidth + ' px wide'];
  const walk = (el) => {
    for (const child of el.children) {
      const r = child.getBoundingClientRect();
      const scrolls = /(auto|scroll|hidden)/.test(getComputedStyle(child).overflowX);
      if (r.right > window.innerWidth + 0.5 && r.width > 0) {
        out.push(child.tagName.toLowerCase() + '.' + String(child.className).split(' ')[0] +
          ' right=' + Math.round(r.right) + ' width=' + Math.round(r.width) + ' "' + (child.textContent || '').trim().slice(0, 40) + '"');
        if (!scrolls && out.length < 12) walk(child);
      } else if (!scrolls) walk(child);
    }
  };
  walk(document.body);
  return out;
})()`;

/** Signs in through the form, as a person would, and waits for the workbench. */
export async function signIn(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/`);
  await page.getByLabel(/^(Email|邮箱)$/).fill(email);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|登 ?录)$/ }).click();
  // Attached, not visible: on a phone the header shows the user behind a menu.
  await page.getByTestId('current-user').waitFor({ state: 'attached' });
}

/** The API as the same user, for comparing what the page shows with what the API says. */
export async function apiSession(base: string, email: string, password: string) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const { csrfToken, user } = (await login.json()) as { csrfToken: string; user: { id: string } };
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const send = () =>
      fetch(`${base}/api/v1${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    // The same user's page may hold its heavy-read slots: wait as Retry-After says, as the web app does.
    let res = await send();
    for (let n = 0; res.status === 429 && n < 5; n++) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 2) * 1000));
      res = await send();
    }
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    user,
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
    put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  };
}
