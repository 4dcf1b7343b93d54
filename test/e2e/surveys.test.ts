// Issue 17 in Chromium: a contact answers an emailed survey on its public page (no sign-in, 390 px)
// in Chinese and in English, each link works once; the answers show on Account 360's customer
// voice card; the QBR report button downloads a PDF whose text has the report's sections.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, overflowing, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

const base = inject('baseUrl');
const mailDir = inject('mailDir');

/** The survey link in the newest email to `to` (quoted-printable soft breaks undone). */
function linkFor(to: string): string {
  for (const f of readdirSync(mailDir).sort().reverse()) {
    const mail = readFileSync(join(mailDir, f), 'utf8');
    if (!mail.startsWith(`X-Envelope-To: ${to}`)) continue;
    // The body is quoted-printable (English) or base64 (Chinese): undo both before looking.
    const base64 = [
      ...mail.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g),
    ]
      .map((p) => Buffer.from(p[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'))
      .join('\n');
    const m = `${mail.replace(/=\r?\n/g, '')}\n${base64}`.match(/\/s\/(svy_[\w-]{32})/);
    if (m) return `${base}/s/${m[1]}`;
  }
  throw new Error(`no survey email to ${to} in ${mailDir}`);
}

describe('surveys and the QBR report in Chromium', () => {
  const stamp = Date.now();
  let browser: Browser;
  let accountId: string;
  const zhEmail = `zhang.${stamp}@example.com`;
  const enEmail = `smith.${stamp}@example.com`;

  beforeAll(async () => {
    browser = await launchBrowser();
    const admin = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
    const account = await admin.post<{ id: string }>('/accounts', {
      externalId: `SVY-${stamp}`,
      name: `问卷客户 ${stamp}`,
    });
    accountId = account.id;
    const zh = await admin.post<{ id: string }>('/contacts', { accountId, name: '张伟', email: zhEmail });
    const en = await admin.post<{ id: string }>('/contacts', {
      accountId,
      name: 'Ann Smith',
      email: enEmail,
    });
    const sentZh = await admin.post<{ sent: { delivered: boolean }[] }>('/surveys/send', {
      accountId,
      kind: 'nps',
      contactIds: [zh.id],
      locale: 'zh-CN',
    });
    const sentEn = await admin.post<{ sent: { delivered: boolean }[] }>('/surveys/send', {
      accountId,
      kind: 'nps',
      contactIds: [en.id],
      locale: 'en',
    });
    expect(sentZh.sent[0]!.delivered && sentEn.sent[0]!.delivered).toBe(true);
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`answers the survey on its public page at 390 px in ${lang}, once`, async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: lang });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        // The used link's page answers 410 on purpose, which Chromium logs as a failed load.
        if (m.type() === 'error' && !m.text().includes('status of 410')) errors.push(m.text());
      });
      const link = linkFor(lang === 'zh-CN' ? zhEmail : enEmail);
      await page.goto(link);
      const t =
        lang === 'zh-CN'
          ? {
              q: '您有多大可能向朋友或同事推荐我们？',
              submit: '提交',
              thanks: '谢谢！您的回答已记录。',
              used: '该调查链接已被使用',
            }
          : {
              q: 'How likely are you to recommend us to a friend or colleague?',
              submit: 'Send answer',
              thanks: 'Thank you! Your answer was recorded.',
              used: 'already been used',
            };
      await page.getByText(t.q).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      // Nothing overflows the phone's width.
      expect(await overflowing(page)).toEqual([]);
      await page.getByText(lang === 'zh-CN' ? '3' : '9', { exact: true }).click();
      await page.locator('textarea').fill(lang === 'zh-CN' ? '报表加载太慢' : 'Great support team');
      await screenshot(page, `survey-${lang}-390`);
      await page.getByRole('button', { name: t.submit }).click();
      await page.getByText(t.thanks).waitFor();
      await page.goto(link);
      await page.getByText(t.used).waitFor();
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('shows both answers on Account 360 and downloads the QBR report as a PDF', async () => {
    const page = await (
      await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true })
    ).newPage();
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${base}/accounts/${accountId}`);
    const voice = page.getByTestId('account-voice');
    await voice.waitFor();
    // 1 promoter (9), 1 detractor (3): NPS 0.
    await voice.getByText('报表加载太慢').waitFor();
    await voice.getByText('Great support team').waitFor();
    await page.getByTestId('qbr-button').click();
    // The dialog's code loads on the click: wait until its form is there, then ask for the PDF.
    await page.getByTestId('qbr-template').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('qbr-pdf').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^qbr-SVY-\d+-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.pdf$/);
    const path = await download.path();
    expect(readFileSync(path!).subarray(0, 5).toString()).toBe('%PDF-');
    // The report has the goals, ROI, milestones and next-quarter sections, in the page's language,
    // with the customer's words (poppler's pdftotext reads it back, Chinese included).
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path!, '-']).toString();
    expect(text).toMatch(/投资回报|Return on investment/);
    expect(text).toMatch(/下季度计划|Next quarter/);
    expect(text).toMatch(/客户旅程里程碑|Journey milestones/);
    expect(text).toContain('报表加载太慢');
    await screenshot(page, 'account360-voice');
  });
});
