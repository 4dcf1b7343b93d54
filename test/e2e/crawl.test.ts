import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, openTab, overflowing, until } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, VIEWER_EMAIL, VIEWER_PASSWORD } from './global-setup.ts';
import { COMPOSED_OF_DATA, collectDataValues, findWrongScript, type TextProblem } from './script-check.ts';

// The whole app as each role sees it, in both languages: every route, every configuration
// section a role may open, and 200 Account 360 pages (spread over the role/language pairs so the
// run stays within a few minutes) with every tab opened. A page fails on an uncaught error, a
// console error, an API answer of 4xx/5xx that the page did not ask for on purpose, or text in the
// other language's script (see script-check.ts for what counts as a data value).

type Api = Awaited<ReturnType<typeof apiSession>>;
type Locale = 'en' | 'zh-CN';
type Role = 'admin' | 'manager' | 'csm' | 'viewer';
type User = { id: string; email: string; role: Role; active: boolean };

// `npm run test:crawl` (STEWARD_CRAWL=1): the full crawl, 200 Account 360 pages. Inside
// `npm run test:e2e` a trimmed one: every route once per role and language, 25 accounts.
// CRAWL_ACCOUNT_PAGES: another number of pages (CRAWL_ONLY below: fewer pairs).
const LOCALES = ['zh-CN', 'en'] as const;
const ACCOUNT_PAGES = Number(process.env.CRAWL_ACCOUNT_PAGES ?? (process.env.STEWARD_CRAWL ? 200 : 25));
const PASSWORD = 'crawl-e2e-password-41';
/** Every route of web/src/App.tsx; a route a role may not open is visited too (it must lead home). */
const ROUTES = [
  '/workbench',
  '/accounts',
  '/tasks',
  '/renewals',
  '/risk',
  '/requests',
  '/revenue',
  '/playbooks',
  '/surveys',
  '/notifications',
  '/scorecards',
  '/team',
  '/imports',
  '/integrations',
  '/admin',
  '/config',
];
const CONFIG = ['health', 'tiers', 'segments', 'stages', 'rules', 'metrics', 'custom-fields'];
const ADMIN_CONFIG = ['users', 'tokens', 'write-keys', 'access'];

/** Everything that went wrong on one page, as lines a person can read in the test output. */
interface Findings {
  errors: string[];
  textProblems: TextProblem[];
}

describe('crawling every page as every role in both languages', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let admin: Api;
  const logins: { role: Role; locale: Locale; email: string; password: string }[] = [];
  let accountIds: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    // One user per role and language: the pairs run at once, and signing in saves the language
    // on the user, so two runs sharing a user would switch each other's language. The demo's
    // managers and CSMs sign in once an admin has set their password, as in real life; a second
    // admin and viewer are made through the API.
    const users = await admin.get<{ items: User[] }>('/users?limit=200');
    for (const role of ['manager', 'csm'] as const) {
      const demo = users.items.filter((u) => u.role === role && u.active && u.email !== ADMIN_EMAIL);
      if (demo.length < 2) throw new Error(`the demo has fewer than two active ${role}s`);
      for (const [n, locale] of LOCALES.entries()) {
        await admin.patch(`/users/${demo[n]!.id}`, { password: PASSWORD });
        logins.push({ role, locale, email: demo[n]!.email, password: PASSWORD });
      }
    }
    logins.push({ role: 'admin', locale: 'zh-CN', email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    logins.push({ role: 'viewer', locale: 'en', email: VIEWER_EMAIL, password: VIEWER_PASSWORD });
    for (const [role, locale] of [
      ['admin', 'en'],
      ['viewer', 'zh-CN'],
    ] as const) {
      const email = `crawl.${role}.${Date.now()}@example.com`;
      await admin.post('/users', { email, name: `Crawl ${role}`, role, locale: 'zh-CN', password: PASSWORD });
      logins.push({ role, locale, email, password: PASSWORD });
    }
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await admin.get(
        `/accounts?limit=200&sort=name${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      accountIds.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    // A fixed shuffle (the run is repeatable), then as many pages as asked, repeating if the demo is small.
    accountIds = shuffle(accountIds, 12);
    while (accountIds.length < ACCOUNT_PAGES)
      accountIds.push(...accountIds.slice(0, ACCOUNT_PAGES - accountIds.length));
    accountIds = accountIds.slice(0, ACCOUNT_PAGES);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  // CRAWL_ONLY=manager:zh-CN,csm:en runs those pairs alone (their share of the account pages too).
  const only = process.env.CRAWL_ONLY?.split(',');
  const pairs = (['admin', 'manager', 'csm', 'viewer'] as const)
    .flatMap((role) => LOCALES.map((locale) => ({ role, locale })))
    .filter((p) => !only || only.includes(`${p.role}:${p.locale}`));

  // The pairs run side by side (separate browser contexts): the server, not the browser, is the
  // bottleneck, and a run one after another took four times as long.
  // The manager crawls on a phone (390 px), the others at 1280 px: every page must fit either.
  it.concurrent.each(pairs.map((p, i) => ({ ...p, i })))(
    'shows $role every page in $locale without errors or the other language',
    async ({ role, locale, i }) => {
      const login = logins.find((l) => l.role === role && l.locale === locale)!;
      const share = accountIds.filter((_, n) => n % pairs.length === i);
      const findings = await crawl(browser, base, login, locale, share, role);
      const report = [...unique(findings.errors), ...byText(findings.textProblems)];
      expect(report, `${role} in ${locale}:\n${report.join('\n')}`).toEqual([]);
    },
    900_000,
  );

  // The public survey page (/s/<token>, no sign-in), as a contact opens it from the email: in
  // each language, answered, opened again once used, and a link that does not exist.
  // CRAWL_ONLY=public:zh-CN runs one language.
  const publicLocales = LOCALES.filter((l) => !only || only.includes(`public:${l}`));
  it.concurrent.each(publicLocales)(
    'shows the public survey page in %s without errors or the other language',
    async (locale) => {
      // Lower case: Steward stores email addresses in lower case and mails them so.
      const stamp = `${Date.now()}${locale.toLowerCase()}`;
      const account = await admin.post<{ id: string; name: string }>('/accounts', {
        externalId: `CRAWL-SVY-${stamp}`,
        name: locale === 'en' ? `Crawl survey ${stamp}` : `巡检问卷 ${stamp}`,
      });
      const email = `crawl.survey.${stamp}@example.com`;
      const contact = await admin.post<{ id: string }>('/contacts', {
        accountId: account.id,
        name: locale === 'en' ? 'Ann Crawl' : '张巡检',
        email,
      });
      await admin.post('/surveys/send', {
        accountId: account.id,
        kind: 'nps',
        contactIds: [contact.id],
        locale,
      });
      const link = await surveyLink(inject('mailDir'), email, base);
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const errors: string[] = [];
      let where = link;
      // A used link answers 410 and an unknown one 404, with a page that says so.
      let closedLink = false;
      page.on('pageerror', (e) => errors.push(`${where}: uncaught ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !(closedLink && m.text().startsWith('Failed to load resource')))
          errors.push(`${where}: console error ${m.text().slice(0, 300)}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400 && !closedLink) errors.push(`${where}: ${r.url()} answered ${r.status()}`);
      });
      const data = new Set([account.name]);
      const problems: TextProblem[] = [];
      const look = async (url: string) => {
        where = url;
        await page.goto(url);
        problems.push(...findWrongScript(await visibleTexts(page), locale, data, where));
      };
      await look(link);
      expect(await page.evaluate('document.documentElement.lang')).toBe(locale);
      await page.locator('.scale label').nth(9).click();
      await page.locator('textarea').fill(locale === 'en' ? 'Works well' : '很好用');
      where = `${link} (answered)`;
      await page.locator('button[type=submit], button').first().click();
      await page.waitForLoadState();
      problems.push(...findWrongScript(await visibleTexts(page), locale, data, where));
      expect(await page.locator('.msg').count(), 'the thanks').toBe(1);
      closedLink = true;
      await look(link);
      await look(`${base}/s/svy_no-such-link-000000000000000000000?lang=${locale}`);
      await context.close();
      const report = [...unique(errors), ...byText(problems)];
      expect(report, `the survey page in ${locale}:\n${report.join('\n')}`).toEqual([]);
    },
    120_000,
  );
});

/** The survey link in the newest email to `to` (quoted-printable or base64 body). */
async function surveyLink(mailDir: string, to: string, base: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    for (const f of readdirSync(mailDir).sort().reverse()) {
      const mail = readFileSync(join(mailDir, f), 'utf8');
      if (!mail.startsWith(`X-Envelope-To: ${to}`)) continue;
      const base64 = [
        ...mail.matchAll(
          /Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g,
        ),
      ]
        .map((p) => Buffer.from(p[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'))
        .join('\n');
      const m = `${mail.replace(/=\r?\n/g, '')}\n${base64}`.match(/\/s\/(svy_[\w-]{32})/);
      if (m) return `${base}/s/${m[1]}`;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no survey email to ${to} in ${mailDir}`);
}

/** One line per text in the wrong script, with its words and the first page it was on. */
function byText(problems: TextProblem[]): string[] {
  const seen = new Map<string, { where: string; words: Set<string>; kind: string }>();
  for (const p of problems) {
    const e = seen.get(p.text) ?? { where: p.where, words: new Set<string>(), kind: p.kind };
    e.words.add(p.word);
    seen.set(p.text, e);
  }
  return [...seen].map(
    ([text, e]) => `${e.where}: ${e.kind} ${[...e.words].join(' ')} in ${JSON.stringify(text)}`,
  );
}
const unique = (xs: string[]) => [...new Set(xs)];

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function crawl(
  browser: Browser,
  base: string,
  login: { email: string; password: string },
  locale: Locale,
  accountIds: string[],
  role: Role,
): Promise<Findings> {
  const phone = role === 'manager';
  const context = await browser.newContext({
    viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const findings: Findings = { errors: [], textProblems: [] };
  let where = 'sign-in';
  // Data values: every string the API sent this page (names, emails, notes...) may be in either script.
  const data = new Set<string>();
  // API requests not yet answered. A set, not a count: a request the page aborts after its answer
  // began reports both a response and a failure, and a count would then run one short for the rest
  // of the crawl, letting a page be read while it still waits for data.
  const inflight = new Set<Request>();
  let lastActivity = Date.now();
  // The page's fetch hands each JSON answer to the test and waits until it is read, so no text can
  // be on screen before its data values are known. (A response listener reads a body only after the
  // app has it, and Chromium cannot give some bodies back at all: CI failed on data values missed.)
  await page.exposeFunction('__stewardCollect', (path: string, body: string) => {
    try {
      collectDataValues(JSON.parse(body), data, '', path);
    } catch {
      // Not JSON after all.
    }
  });
  await page.addInitScript(`(() => {
    const original = window.fetch;
    window.fetch = async (...args) => {
      const res = await original(...args);
      try {
        const path = new URL(res.url, location.href).pathname;
        if (path.startsWith('/api/') && (res.headers.get('content-type') || '').includes('json')) {
          await window.__stewardCollect(path, await res.clone().text());
        }
      } catch {}
      return res;
    };
  })()`);
  page.on('pageerror', (e) => findings.errors.push(`${where}: uncaught ${e.message}`));
  page.on('console', (m) => {
    // A failed request is also logged by Chromium as "Failed to load resource": judged below, by its URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      findings.errors.push(`${where}: console error ${m.text().slice(0, 300)}`);
    }
  });
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) {
      inflight.add(r);
      lastActivity = Date.now();
    }
  });
  const done = (r: Request) => {
    inflight.delete(r);
    lastActivity = Date.now();
  };
  page.on('requestfailed', (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) return;
    done(r);
    // A request the page cancelled itself (a newer query replaced it) is not a failure.
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? '')) {
      findings.errors.push(`${where}: ${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`);
    }
  });
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (!url.pathname.startsWith('/api/')) return;
    try {
      const status = res.status();
      // The sign-in page asks who is signed in before anyone is: a 401 there is the expected answer.
      // A 429 from the heavy-read limit is waited out and retried by the app (main.tsx), as designed.
      const expected =
        (status === 401 && url.pathname === '/api/v1/auth/me' && where === 'sign-in') || status === 429;
      if (status >= 400 && !expected) {
        findings.errors.push(
          `${where}: ${res.request().method()} ${url.pathname}${url.search} answered ${status} ${(await res.text().catch(() => '')).slice(0, 200)}`,
        );
      }
    } catch {
      // The page navigated away before the body arrived.
    } finally {
      done(res.request());
    }
  });

  /**
   * Waits until no API call has been in flight for a moment, nothing is loading on screen, and the
   * page on screen was rendered for the address in the bar (`main[data-path]`, App.tsx): React
   * Router renders a navigation in a transition, so the previous page can stay on screen a while,
   * and a route a role may not open sends it home only once rendered. Checked before the home
   * redirect landed, a viewer's crawl moved on, and the late redirect replaced the next address
   * (an Account 360 page) with the workbench (stop-23 CI).
   */
  const settle = async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await page.waitForTimeout(50);
      if (inflight.size > 0 || Date.now() - lastActivity < 200) continue;
      const busy = await page.evaluate(`(() => {
        const main = document.querySelector('main[data-path]');
        if (main && main.getAttribute('data-path') !== location.pathname) return true;
        return document.querySelector('.ant-skeleton, .ant-spin-spinning, .ant-table-placeholder .ant-spin') !== null;
      })()`);
      if (!busy) return;
    }
    findings.errors.push(`${where}: still loading after 30 s`);
  };
  // CRAWL_TRACE=1: how long each page took to settle, to find the slow ones.
  let started = Date.now();
  const check = async () => {
    await settle();
    if (process.env.CRAWL_TRACE) console.log(`[${role} ${locale}] ${Date.now() - started} ms ${where}`);
    const texts = await visibleTexts(page);
    for (const p of findWrongScript(texts, locale, data, where)) {
      if (!COMPOSED_OF_DATA.some((k) => k.test(p.text))) findings.textProblems.push(p);
    }
  };
  // Within the app, as a person clicking a link would (the router follows history), not a reload:
  // the app's code is loaded once per run.
  const go = async (path: string) => {
    where = path;
    started = Date.now();
    await page.evaluate(
      `(() => { history.pushState({}, '', ${JSON.stringify(path)}); dispatchEvent(new PopStateEvent('popstate')); })()`,
    );
  };

  // The language is chosen on the sign-in page and must survive the login (the user's profile
  // language is the other one for half of the runs).
  await page.goto(`${base}/`);
  await page.getByText(locale === 'en' ? 'English' : '简体中文', { exact: true }).click();
  await check();
  await page.getByLabel(/^(Email|邮箱)$/).fill(login.email);
  await page.getByLabel(/^(Password|密码)$/).fill(login.password);
  await page.getByRole('button', { name: /^(Sign in|登 ?录)$/ }).click();
  // Attached, not visible: on a phone the header keeps the user's name in the sign-out button.
  await page.getByTestId('current-user').waitFor({ state: 'attached' });
  where = '/workbench';
  await settle();
  // The chosen language is saved on the user as the session starts: give that a moment.
  await until(page, `document.documentElement.lang === ${JSON.stringify(locale)}`, 10_000);
  expect(await page.evaluate('document.documentElement.lang'), 'the language chosen at sign-in').toBe(locale);
  await page
    .getByRole('navigation', { name: 'main' })
    .getByRole('link', { name: locale === 'en' ? 'Workbench' : '我的工作台', exact: true })
    .waitFor({ state: 'attached' });

  const routes = [...ROUTES];
  if (role === 'admin' || role === 'manager') {
    routes.push(...CONFIG.map((s) => `/config/${s}`));
    if (role === 'admin') routes.push(...ADMIN_CONFIG.map((s) => `/config/${s}`));
  }
  routes.push('/no-such-page');
  for (const path of routes) {
    await go(path);
    await check();
    if (phone) for (const wide of await overflowing(page)) findings.errors.push(`${path} at 390 px: ${wide}`);
    // Every tab of the page (the team's, revenue's, the admin's...), each checked as it opens.
    // Read by key first: an opened tab's pane may hold tabs of its own, which shift positions.
    const keys = (await page
      .locator('main .ant-tabs-tab:not(.ant-tabs-tab-disabled)')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-node-key')))) as (string | null)[];
    for (const key of keys.slice(1)) {
      if (!key) continue;
      const tab = page.locator(`main .ant-tabs-tab[data-node-key="${key}"]`).first();
      // A tab of a pane another tab has replaced is gone with it.
      if (!(await tab.isVisible())) continue;
      const name = (await tab.textContent({ timeout: 5_000 }).catch(() => key))?.trim();
      started = Date.now();
      where = `${path} (tab ${name})`;
      // A tab past the edge of a phone's tab bar is wheeled into reach first (openTab): clicked
      // where it is, it is "visible" but out of reach. Under CI load a click can still miss its
      // 10 s (two of 76 crawls at stop 23): the tab's own address opens it then, so its page is
      // checked either way; that tabs can be clicked is cockpit-revenue.test.ts's to show.
      await openTab(page, tab, 10_000).catch(() => go(`${path}${path.includes('?') ? '&' : '?'}tab=${key}`));
      where = `${path} (tab ${name})`;
      await check();
    }
  }

  for (const id of accountIds) {
    await go(`/accounts/${id}`);
    try {
      await page.getByTestId('account-name').waitFor({ timeout: 30_000 });
    } catch {
      const shown = await page
        .locator('main')
        .last()
        .textContent({ timeout: 2_000 })
        .catch(() => '');
      findings.errors.push(`${where}: no account name after 30 s: ${shown?.slice(0, 200)}`);
      continue;
    }
    await check();
    if (phone)
      for (const wide of await overflowing(page)) findings.errors.push(`${where} at 390 px: ${wide}`);
    if ((await page.getByTestId('widget-error').count()) > 0) {
      findings.errors.push(`${where}: ${await page.getByTestId('widget-error').first().textContent()}`);
    }
    // Every tab of the page (the account's and the usage card's), each opened once: a tab's pane
    // stays in the page, hidden, once opened, so one check afterwards reads them all.
    const tabs = page.locator('.ant-tabs-tab');
    const count = await tabs.count();
    started = Date.now();
    // A tab past the edge of a phone's tab bar opens through the bar's "more" menu (openTab). A
    // tab that cannot be opened is left for its next visit, as before: a page that broke meanwhile
    // still shows in the check below.
    for (let n = 0; n < count; n++) {
      if (await tabs.nth(n).isVisible()) await openTab(page, tabs.nth(n), 10_000).catch(() => undefined);
    }
    where = `/accounts/${id} (every tab)`;
    await check();
  }
  await context.close();
  return findings;
}

/** The text a person sees: visible text nodes, and placeholders of empty inputs (run in the page). */
const VISIBLE_TEXTS = `(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, noscript')) continue;
    // A hidden tab pane was opened before the check: its text counts as seen.
    if (!el.checkVisibility({ visibilityProperty: true }) && !el.closest('.ant-tabs-tabpane')) continue;
    out.push({ text, data: el.closest('[data-value]') !== null });
  }
  for (const input of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!input.value && input.checkVisibility()) out.push({ text: input.placeholder, data: false });
  }
  return out;
})()`;

const visibleTexts = (page: Page) =>
  page.evaluate(VISIBLE_TEXTS) as Promise<{ text: string; data: boolean }[]>;
