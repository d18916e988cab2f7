import { mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startServe, type ServeProcess } from '../helpers/serveProcess';

import { launchChromium, screenshotDir } from './support';

let serve: ServeProcess;
let browser: Browser;
let context: BrowserContext;
let fingerprint: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  await mkdir(screenshotDir, { recursive: true });
  serve = startServe(['--sandbox', '--tls', '--port', '0', '--mcp-port', '0'], {
    env: { ANTHROPIC_API_KEY: '', TALLYFY_API_KEY: '', TALLYFY_ORG_ID: '', GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-e2e-tls-')) },
    timeoutMs: 60_000,
  });
  await serve.ready;
  fingerprint = /SHA-256\s+(\S+)/.exec(serve.stdout())![1]!;
  browser = await launchChromium();
  // The certificate is self-signed: a teammate accepts the warning after checking the fingerprint.
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
});

describe('the gateway over https and wss in chromium', () => {
  it(
    'redirects http:// to https://, signs in over wss://, and shows the certificate fingerprint on the Invite page',
    { timeout: 120_000 },
    async () => {
      const webChat = serve.url('Web chat');
      expect(webChat).toMatch(/^https:\/\//);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const sockets: string[] = [];
      page.on('websocket', (socket) => sockets.push(socket.url()));

      // A teammate typing http:// lands on https:// (no page over plain HTTP).
      await page.goto(webChat.replace(/^https:/, 'http:'));
      expect(page.url()).toBe(webChat);
      await page.waitForSelector('.signin-card');
      await page.waitForSelector('.conn[data-status="connected"]');
      await page.fill('input[name=api_key]', sandboxTokens.alice);
      await page.fill('input[name=org_id]', sandboxOrgs.acme);
      await page.click('.signin-submit');
      await page.waitForSelector('.empty h2');
      expect(await page.textContent('.empty h2')).toContain('Hi Alice');
      expect(sockets.length).toBeGreaterThan(0);
      expect(sockets.every((url) => url.startsWith('wss://'))).toBe(true);
      await page.screenshot({ path: join(screenshotDir, 'tls-chat-signed-in.png') });

      await page.goto(serve.url('Admin'));
      await page.click('[data-nav="invite"]');
      await page.waitForSelector('[data-testid="invite-fingerprint"]');
      expect((await page.textContent('[data-testid="invite-fingerprint"]'))?.trim()).toBe(fingerprint);
      expect(await page.textContent('[data-testid="invite-url"]')).toMatch(/^https:\/\//);
      expect(await page.locator('[data-testid="invite-cleartext"]').count()).toBe(0);
      await page.screenshot({ path: join(screenshotDir, 'tls-invite-desktop.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(screenshotDir, 'tls-invite-phone.png'), fullPage: true });

      await page.setViewportSize({ width: 1280, height: 800 });
      await page.click('[data-nav="settings"]');
      await page.waitForSelector('[data-testid="gateway-fingerprint"]');
      expect(await page.textContent('[data-testid="gateway-fingerprint"]')).toContain(fingerprint);
      await page.screenshot({ path: join(screenshotDir, 'tls-settings-desktop.png') });
      // The LAN switch: choosing the LAN offers TLS (on); turning it off warns that keys cross the LAN in clear.
      await page.selectOption('[data-testid="settings-host"]', '0.0.0.0');
      expect(await page.isChecked('[data-testid="settings-tls"]')).toBe(true);
      expect(await page.locator('[data-testid="settings-cleartext-warning"]').count()).toBe(0);
      await page.uncheck('[data-testid="settings-tls"]');
      await page.waitForSelector('[data-testid="settings-cleartext-warning"]');
      await page.locator('[data-testid="settings-tls"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(screenshotDir, 'tls-settings-lan-no-tls.png') });
      expect(pageErrors).toEqual([]);
    },
  );
});
