import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startServe, type ServeProcess } from '../helpers/serveProcess';

import { launchChromium, screenshotDir } from './support';

let serve: ServeProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  // The default demo: no Anthropic key.
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], {
    env: { ANTHROPIC_API_KEY: '', GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-e2e-direct-')) },
    timeoutMs: 60_000,
  });
  await serve.ready;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
});

describe('the web chat in direct tool mode (no Anthropic key)', () => {
  it('says so in the header and the empty state, suggests commands that work, and talks to the teammate, not the operator', async () => {
    await page.goto(serve.url('Web chat'));
    await page.fill('input[name=api_key]', sandboxTokens.bob);
    await page.fill('input[name=org_id]', sandboxOrgs.acme);
    await page.click('.signin-submit');
    await page.waitForSelector('.conn[data-status="ready"]');
    await page.locator('.mode-badge').waitFor({ timeout: 10_000 });
    expect(await page.textContent('.mode-badge')).toBe('Direct tool mode');
    expect(await page.textContent('[data-testid="direct-note"]')).toContain('Claude is not connected');
    expect(await page.locator('.suggestion', { hasText: '/tools' }).count()).toBe(1);
    await page.screenshot({ path: join(screenshotDir, 'chat-direct-mode.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(screenshotDir, 'chat-direct-mode-mobile.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.fill('textarea', 'What tasks do I have?');
    await page.keyboard.press('Enter');
    const answer = page.locator('.msg-assistant .md').last();
    await expect.poll(() => answer.textContent(), { timeout: 15_000 }).toContain('Claude is not connected');
    expect(await answer.textContent()).not.toMatch(/ANTHROPIC_API_KEY|restart/);
    await page.waitForSelector('.btn-send');
    await page.fill('textarea', '/tools');
    await page.keyboard.press('Enter');
    await expect.poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 }).toContain('get_my_tasks');
  }, 60_000);
});
