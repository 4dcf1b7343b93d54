// The Integrations page in Chromium: an admin creates a webhook subscription, sends a test, and
// sees the delivery in the log with the receiver's status and answer. Needs the server started with
// STEWARD_OUTBOUND_ALLOW=127.0.0.1 (the receiver is local); skipped otherwise.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiSession, launchBrowser, screenshot, signIn } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './global-setup.ts';

const allowed = (process.env.STEWARD_OUTBOUND_ALLOW ?? '').split(',').includes('127.0.0.1');

describe.skipIf(!allowed)('the Integrations page in Chromium', () => {
  const base = inject('baseUrl');
  let browser: Browser;
  let server: Server;
  let port = 0;
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  for (const width of [1440, 390]) {
    it(`creates a webhook subscription, sends a test and shows the delivery (${width} px)`, async () => {
      // Signed in at desktop width (the header's user name is hidden on a phone), then narrowed.
      const page: Page = await (
        await browser.newContext({ viewport: { width: 1440, height: 900 } })
      ).newPage();
      await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${base}/integrations`);
      await page.getByTestId('new-subscription').click();
      const dialog = page.locator('.ant-modal:visible');
      const name = `CRM sync ${width}`;
      await dialog.getByLabel(/^(Name|名称)$/).fill(name);
      await dialog.getByLabel(/^(Address|地址)$/).fill(`http://127.0.0.1:${port}/steward`);
      await dialog.getByLabel(/^(Task created|新建任务)$/).check();
      await dialog.getByLabel(/^(Health status changed|健康状态变化)$/).check();
      await dialog.getByRole('button', { name: /^(Save|保 ?存)$/ }).click();
      const row = page.getByTestId('subscriptions').locator('tr', { hasText: name });
      await row.waitFor();
      const before = bodies.length;
      await row.getByRole('button', { name: /^(Send test|发送测试)$/ }).click();
      const log = page.getByTestId('deliveries');
      await log
        .locator('tr', { hasText: /Test message|测试消息/ })
        .first()
        .waitFor();
      const entry = log.locator('tr', { hasText: /Test message|测试消息/ }).first();
      await expect.poll(() => entry.textContent()).toMatch(/Delivered|已送达/);
      expect(await entry.textContent()).toContain('200');
      expect(await entry.textContent()).toContain('{"received":true}');
      expect(bodies.length).toBe(before + 1);
      expect(JSON.parse(bodies.at(-1)!)).toMatchObject({ type: 'test' });
      await screenshot(page, `integrations-${width}`);
      // The API agrees with what the page shows.
      const admin = await apiSession(base, ADMIN_EMAIL, ADMIN_PASSWORD);
      const subs = await admin.get<{ items: { id: string; name: string; events: string[] }[] }>(
        '/subscriptions',
      );
      const sub = subs.items.find((s) => s.name === name)!;
      expect(sub.events.sort()).toEqual(['account.health_status_changed', 'task.created']);
      await page.context().close();
    });
  }
});
