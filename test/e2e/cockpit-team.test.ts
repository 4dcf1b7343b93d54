// Issue 16 in Chromium: the manager's cockpit on the demo. The South China lead lands on their own
// group on the workbench, reads the team load, the headcount planner's arithmetic, previews and
// applies an assignment and an offboarding, and drills a scorecard figure down to its accounts; a
// CSM of the group sees only their own scorecard and no team screen. Both languages; tables export.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { team as teamTexts } from '../../web/src/i18n/messages/team.ts';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

type User = { id: string; name: string; email: string; role: string; active: boolean };
type Group = {
  id: string;
  name: string;
  leadId: string | null;
  members: { userId: string; active: boolean }[];
};
type Load = { items: { userId: string; name: string; accounts: number; active: boolean }[] };
type Overview = { selected: string; csms: { userId: string }[]; groups: { id: string; mine: boolean }[] };
type Cards = { items: { id: string; metrics: { accounts: number } }[]; groups: { id: string }[] };

/** The API as a user, waiting out the fair-load limit (429) that the page's own heavy reads may hit. */
async function session(base: string, email: string, password: string) {
  const s = await apiSession(base, email, password);
  const retry =
    <A extends unknown[], T>(f: (...a: A) => Promise<T>) =>
    async (...a: A): Promise<T> => {
      for (let i = 0; ; i++) {
        try {
          return await f(...a);
        } catch (e) {
          if (i >= 10 || !/: 429 /.test(String(e))) throw e;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    };
  return {
    ...s,
    get: retry(s.get) as typeof s.get,
    post: retry(s.post) as typeof s.post,
    patch: retry(s.patch) as typeof s.patch,
  };
}

const rows = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"] tbody tr.ant-table-row`);

describe('the manager’s cockpit in Chromium', () => {
  const base = inject('baseUrl');
  const password = 'e2e-cockpit-pw-16';
  let browser: Browser;
  let admin: Awaited<ReturnType<typeof session>>;
  let lead: User;
  let csm: User;
  let leaver: User;
  let group: Group;
  const errors: string[] = [];

  async function open(
    locale: 'en' | 'zh-CN',
    who: User,
    width = 1440,
  ): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
    await context.addInitScript(`localStorage.setItem('steward.locale', ${JSON.stringify(locale)})`);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      // 429: the fair-load limit on heavy reads per user; the app retries those after 2 s.
      if (
        r.url().includes('/api/v1/') &&
        r.status() >= 400 &&
        r.status() !== 429 &&
        !r.url().endsWith('/auth/me')
      )
        errors.push(`${r.status()} ${r.url()}`);
    });
    await signIn(page, base, who.email, password);
    return { page, context };
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    admin = await session(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const users = (await admin.get<{ items: User[] }>('/users?limit=200')).items;
    const groups = (await admin.get<{ items: Group[] }>('/team/groups')).items;
    // The South China lead and their group (the demo names leads “…（华南主管）”).
    lead = users.find((u) => u.role === 'manager' && u.name.includes('华南'))!;
    group = groups.find((g) => g.leadId === lead.id && g.members.filter((m) => m.active).length >= 2)!;
    expect(group, 'a South China group with members').toBeTruthy();
    const members = group.members.filter((m) => m.active).map((m) => users.find((u) => u.id === m.userId)!);
    [csm, leaver] = [members[0]!, members[1]!];
    for (const u of [lead, csm, leaver]) await admin.patch(`/users/${u.id}`, { password });
    // Managers read their groups' accounts (the other browser tests open every account to everyone).
    await admin.patch('/team/settings', { csmReadScope: 'group' });
  });
  afterAll(async () => {
    await admin?.patch('/team/settings', { csmReadScope: 'all' });
    await browser?.close();
  });

  it('lands the South China lead on their own group on the workbench (zh-CN), CSMs side by side', async () => {
    const { page, context } = await open('zh-CN', lead);
    const api = await session(base, lead.email, password);
    const overview = await api.get<Overview>('/reports/team-overview');
    expect(overview.selected).toBe('mine');
    await page.getByTestId('team-overview').waitFor();
    await expect
      .poll(() => page.getByTestId('wb-group-shown').textContent(), { timeout: 20_000 })
      .toContain(group.name);
    await expect.poll(() => rows(page, 'wb-csms').count(), { timeout: 20_000 }).toBe(overview.csms.length);
    await expect.poll(() => rows(page, 'wb-health-trend').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(page.getByText('我的团队').first().isVisible()).resolves.toBe(true);
    const text = (await page.locator('main').first().allInnerTexts()).join('\n');
    expect(Object.keys(teamTexts).filter((k) => text.includes(k))).toEqual([]);
    for (const en of ['My team', 'CSMs side by side', 'Health over time']) expect(text).not.toContain(en);
    await screenshot(page, 'cockpit-workbench-lead-zh');
    // The side-by-side table exports: CSV with a BOM, one line per CSM.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="team-overview"]').getByRole('button', { name: /CSV/ }).first().click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.trim().split('\r\n')).toHaveLength(overview.csms.length + 1);
    await context.close();
  });

  it('shows the team load and the planner’s arithmetic, and applies an assignment (en)', async () => {
    const { page, context } = await open('en', lead);
    const api = await session(base, lead.email, password);
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByRole('heading', { name: 'Team' }).waitFor();
    const load = await api.get<Load>('/team/load');
    await expect.poll(() => rows(page, 'load-table').count(), { timeout: 20_000 }).toBe(load.items.length);
    expect(await rows(page, 'load-table').first().textContent()).toContain(load.items[0]!.name);
    // xlsx comes from a chunk loaded on demand.
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Excel workbook/ }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe('team-load.xlsx');
    expect(
      readFileSync((await xlsx.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');

    await page.getByRole('tab', { name: 'Capacity planner' }).click();
    const steps = page.locator('[data-testid="planner-steps"] li');
    const capacity = await admin.get<{ plan: { tiers: unknown[]; totals: { csmsNeeded: number } } }>(
      '/team/capacity',
    );
    await expect.poll(() => steps.count(), { timeout: 20_000 }).toBe(capacity.plan.tiers.length + 1);
    await expect
      .poll(() => page.getByTestId('planner-csms').textContent(), { timeout: 20_000 })
      .toBe(String(capacity.plan.totals.csmsNeeded));
    // What-if: double the growth → more CSMs; the steps show the new group size.
    await page.getByLabel('CSMs per group').fill('5');
    await page.getByLabel('Growth of accounts').fill('100');
    await expect.poll(() => steps.first().textContent(), { timeout: 15_000 }).toContain('÷ 5 per group');
    await expect
      .poll(async () => Number((await page.getByTestId('planner-csms').textContent())!.replace(/,/g, '')), {
        timeout: 15_000,
      })
      .toBeGreaterThan(capacity.plan.totals.csmsNeeded);
    await screenshot(page, 'cockpit-planner-en');

    // Two of the group's accounts lose their owner; the assignment preview places them, apply writes it.
    const mine = await api.get<{ items: { id: string; ownerId: string }[] }>(
      `/accounts?owner=${csm.id}&limit=2`,
    );
    for (const a of mine.items) await admin.patch(`/accounts/${a.id}`, { ownerId: null });
    await page.getByRole('tab', { name: 'Assignment' }).click();
    await page.getByTestId('assign-preview').click();
    await expect
      .poll(() => rows(page, 'assign-moves-table').count(), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(mine.items.length);
    const listed = await page.locator('[data-testid="assign-moves-table"] tbody').textContent();
    await page.getByTestId('assign-apply').click();
    await page.getByRole('button', { name: 'Apply' }).last().click();
    await page.getByTestId('assign-done').waitFor();
    for (const a of mine.items) {
      const now = await admin.get<{ name: string; ownerId: string | null }>(`/accounts/${a.id}`);
      expect(now.ownerId).not.toBeNull();
      expect(listed).toContain(now.name);
    }
    await context.close();
  });

  it('offboards a leaver: preview, then the handover (zh-CN)', async () => {
    const { page, context } = await open('zh-CN', lead);
    await page.goto(`${base}/team?tab=offboarding`);
    await page.getByRole('tab', { name: '离职交接' }).waitFor();
    const before = (await admin.get<Load>('/team/load')).items.find((r) => r.userId === leaver.id)!;
    await page.getByLabel('离职人员').click();
    await page.getByLabel('离职人员').fill(leaver.name);
    await page.locator('.ant-select-item-option').filter({ hasText: leaver.name }).first().click();
    await expect
      .poll(() => page.getByTestId('offboard-accounts').textContent(), { timeout: 20_000 })
      .toBe(String(before.accounts));
    await expect
      .poll(() => rows(page, 'offboard-moves-table').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await screenshot(page, 'cockpit-offboard-zh');
    await page.getByTestId('offboard-apply').click();
    await page.getByRole('button', { name: '执行交接' }).last().click();
    await page.getByTestId('offboard-done').waitFor();
    const after = (await admin.get<Load>('/team/load')).items.find((r) => r.userId === leaver.id);
    expect(after?.accounts ?? 0).toBe(0);
    await context.close();
  });

  it('drills a manager’s scorecard figure down to the accounts and tasks behind it (en)', async () => {
    const { page, context } = await open('en', lead);
    const api = await session(base, lead.email, password);
    await page.getByRole('link', { name: 'Scorecards' }).click();
    await page.getByRole('heading', { name: 'Scorecards' }).waitFor();
    const cards = await api.get<Cards>('/reports/scorecards');
    // Scoped to the lead's groups: every card's person is in a group the lead may read.
    await expect
      .poll(() => rows(page, 'scorecards-table').count(), { timeout: 20_000 })
      .toBe(cards.items.length);
    expect(await page.getByTestId('sc-weights').textContent()).toContain('60%');
    // When the cards were computed (kept by the hourly recompute for the default period).
    expect(await page.getByTestId('scorecards-computed').textContent()).toMatch(/^Computed /);
    const card = cards.items.find((c) => c.metrics.accounts > 0)!;
    await page.getByTestId(`sc-touches-${card.id}`).click();
    await page.locator('.ant-drawer-open').waitFor();
    await expect
      .poll(() => page.getByTestId('sc-drill-count').textContent(), { timeout: 20_000 })
      .toContain(`${card.metrics.accounts} accounts`);
    await page.getByRole('tab', { name: /Tasks due/ }).click();
    await page.getByTestId('sc-drill-tasks').waitFor();
    await screenshot(page, 'cockpit-scorecard-drill-en');
    await page.locator('.ant-drawer-close').click();
    // By group: the lead's groups only.
    await page.getByText('By group').click();
    await expect
      .poll(() => rows(page, 'scorecards-table').count(), { timeout: 20_000 })
      .toBe(cards.groups.length);
    await context.close();
  });

  it('shows a CSM only their own scorecard and no team screen, in both languages', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const { page, context } = await open(locale, csm);
      const api = await session(base, csm.email, password);
      const cards = await api.get<Cards>('/reports/scorecards');
      expect(cards.items.map((c) => c.id)).toEqual([csm.id]);
      const nav = await page.getByRole('navigation', { name: 'main' }).textContent();
      expect(nav).not.toMatch(locale === 'en' ? /Team/ : /团队管理/);
      await page.goto(`${base}/team`);
      await page.waitForURL(/\/workbench/);
      expect(await page.getByTestId('team-overview').count()).toBe(0);
      await page.goto(`${base}/scorecards`);
      await expect.poll(() => rows(page, 'scorecards-table').count(), { timeout: 20_000 }).toBe(1);
      expect(await page.getByTestId('scorecards-computed').textContent()).toMatch(
        locale === 'en' ? /^Computed / : /^计算于/,
      );
      await page.getByTestId(`sc-touches-${csm.id}`).click();
      await expect
        .poll(() => page.getByTestId('sc-drill-count').textContent(), { timeout: 20_000 })
        .toContain(String(cards.items[0]!.metrics.accounts));
      if (locale === 'zh-CN') {
        const text = (await page.locator('body').allInnerTexts()).join('\n');
        for (const en of ['Scorecards', 'Outcome', 'Process', 'Touches']) expect(text).not.toContain(en);
      }
      await context.close();
    }
    // The API refuses a CSM another CSM's drill-down and the team overview.
    const api = await session(base, csm.email, password);
    await expect(api.get(`/reports/scorecards/detail?kind=csm&id=${leaver.id}`)).rejects.toThrow(/403/);
    await expect(api.get('/reports/team-overview')).rejects.toThrow(/403/);
    expect(errors).toEqual([]);
  });

  it('creates a group with its scope and members, then edits it (en)', async () => {
    const { page, context } = await open('en', lead);
    await page.goto(`${base}/team?tab=groups`);
    const key = `e2e_${Date.now()}`;
    // A new CSM, in no group yet (a CSM belongs to one group).
    const hire = await admin.post<User>('/users', {
      email: `cockpit.hire.${Date.now()}@example.com`,
      name: `Hire ${key}`,
      role: 'csm',
      password,
    });
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Key').fill(key);
    await dialog.getByLabel('Name').fill('Overseas pilots');
    // A scope no demo account matches, so the other groups keep their accounts.
    await dialog.getByLabel('Scope').fill('region = "海外"');
    await dialog.getByLabel('Members').click();
    await dialog.getByLabel('Members').fill(hire.name);
    await page.locator('.ant-select-item-option').filter({ hasText: hire.name }).first().click();
    await dialog.getByLabel('Capacity factor').fill('0.5');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByTestId('groups-table').textContent(), { timeout: 20_000 })
      .toContain('Overseas pilots');
    let made = (
      await admin.get<{ items: (Group & { key: string; scopeText: string })[] }>('/team/groups')
    ).items.find((g) => g.key === key)!;
    expect(made.scopeText).toBe('region = "海外"');
    expect(made.members).toMatchObject([{ userId: hire.id, capacityFactor: 0.5 }]);
    await page.getByRole('button', { name: 'Edit Overseas pilots' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Overseas pilot group');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByTestId('groups-table').textContent(), { timeout: 20_000 })
      .toContain('Overseas pilot group');
    made = (
      await admin.get<{ items: (Group & { key: string; scopeText: string })[] }>('/team/groups')
    ).items.find((g) => g.key === key)!;
    expect(made.name).toBe('Overseas pilot group');
    await screenshot(page, 'cockpit-groups-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});
