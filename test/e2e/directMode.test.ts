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
    // One vocabulary: before sign-in the page is ready to sign in, not "Connected".
    await page.waitForSelector('.conn[data-status="connected"]');
    expect(await page.textContent('.conn')).toBe('Ready to sign in');
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

  it('logs a typo in a /tool command as one INFO line, without a stack trace', async () => {
    await page.waitForSelector('.btn-send');
    const before = serve.stderr().length;
    await page.fill('textarea', '/tool get_tsk {}');
    await page.keyboard.press('Enter');
    const typo = page.locator('.msg-error', { hasText: 'no tool named' });
    await typo.waitFor({ timeout: 15_000 });
    // A typo is not a failure of the gateway, and asking again the same way cannot help.
    expect(await typo.locator('strong').textContent()).toBe('Not run.');
    expect(await typo.locator('[data-testid="retry"]').count()).toBe(0);
    await page.waitForSelector('.btn-send');
    await page.fill('textarea', '/tool get_task {not json');
    await page.keyboard.press('Enter');
    await page.locator('.msg-error', { hasText: 'not valid JSON' }).waitFor({ timeout: 15_000 });
    await page.waitForSelector('.btn-send');
    const lines = serve
      .stderr()
      .slice(before)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string; code?: string; err?: unknown });
    const about = lines.filter((line) => /query/.test(line.msg));
    expect(about.map((line) => [line.level, line.code])).toEqual([
      [30, 'AGENT_UNKNOWN_TOOL'],
      [30, 'AGENT_INVALID_INPUT'],
    ]);
    expect(serve.stderr().slice(before)).not.toContain('stack');
  }, 60_000);

  it('says "Ready to sign in" after typing quit (the server is fine), not "Offline"', async () => {
    await page.fill('textarea', 'quit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.signin-card');
    await page.waitForSelector('.conn[data-status="connected"]', { timeout: 10_000 });
    expect(await page.textContent('.conn')).toBe('Ready to sign in');
    await page.fill('input[name=api_key]', sandboxTokens.bob);
    await page.fill('input[name=org_id]', sandboxOrgs.acme);
    await page.click('.signin-submit');
    await page.waitForSelector('.conn[data-status="ready"]');
    expect(await page.textContent('.conn')).toBe('Connected');
  }, 30_000);

  it('shows the shutdown notice when the server stops (SIGTERM), then keeps trying to reconnect', async () => {
    serve.child.kill('SIGTERM');
    const banner = page.locator('.banner[data-away="shutdown"]');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toContain('The gateway is shutting down (SIGTERM)');
    await serve.exited;
    await page.waitForSelector('.conn[data-status="reconnecting"]', { timeout: 15_000 });
    expect(await banner.textContent()).toContain('shutting down');
    await page.screenshot({ path: join(screenshotDir, 'chat-shutdown.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(screenshotDir, 'chat-shutdown-mobile.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);
});
