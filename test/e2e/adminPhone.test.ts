import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { defaultModel } from '../../shared/types/models';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { TestClient } from '../integration/support/wsClient';

import { launchChromium, screenshotDir } from './support';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
const clients: TestClient[] = [];
const pageErrors: string[] = [];

async function signIn(token: string, org: string = sandboxOrgs.acme): Promise<TestClient> {
  const client = await TestClient.open(serve.url('WebSocket'));
  clients.push(client);
  client.send({ type: 'auth', api_key: token, org_id: org });
  await client.next('auth_success');
  return client;
}

const row = (name: string) => page.locator(`[data-testid="session-row"][data-user^="${name}"]`);

/** True when the element's box lies inside the viewport horizontally (nothing cut off or scrolled away). */
async function inView(selector: ReturnType<Page['locator']>): Promise<boolean> {
  const box = await selector.boundingBox();
  const width = page.viewportSize()?.width ?? 0;
  return box !== null && box.width > 0 && box.x >= 0 && box.x + box.width <= width;
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], {
    env: { ANTHROPIC_API_KEY: '', TALLYFY_API_KEY: '', TALLYFY_ORG_ID: '', GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-e2e-phone-')) },
    timeoutMs: 60_000,
  });
  await serve.ready;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve.url('Admin'));
  await page.waitForSelector('section.page[aria-label="Overview"]');
}, 90_000);

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
});

describe('the admin on a phone (390x844) and at 1280x800', () => {
  it('shows each session as a card with every column readable and Disconnect reachable on a phone', async () => {
    const bob = await signIn(sandboxTokens.bob);
    await signIn(sandboxTokens.dave, sandboxOrgs.beta);
    await page.click('[data-nav="sessions"]');
    await row('Bob').waitFor();
    await row('Dave').waitFor();
    // Nothing is cut off: the card fits the screen, and what a table column held is labelled in it.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const label of ['Connected', 'Last active', 'Expires in', 'Queries', 'Tool calls', 'Tokens', 'Errors']) {
      const cell = row('Bob').locator(`td[data-label="${label}"]`);
      expect(await inView(cell), label).toBe(true);
      expect(await cell.evaluate((element) => getComputedStyle(element, '::before').content)).toBe(`"${label}"`);
    }
    for (const text of ['Bob Okafor', 'Acme Operations', 'Web', 'Idle']) expect(await row('Bob').textContent()).toContain(text);
    for (const cell of ['user', 'org', 'kind', 'state'])
      expect(await inView(row('Bob').locator(`td[data-col="${cell}"]`)), cell).toBe(true);
    const kick = row('Bob').locator('[data-testid="kick"]');
    expect(await inView(kick)).toBe(true);
    // Its accessible name starts with the word it shows (speech input users say what they see).
    expect(await kick.getAttribute('aria-label')).toMatch(new RegExp(`^${(await kick.textContent())!.trim()} Bob`));
    await page.screenshot({ path: join(screenshotDir, 'admin-sessions-mobile.png'), fullPage: true });
    // Row details open in the card.
    await row('Dave').click();
    await page.waitForSelector('[data-testid="session-details"]');
    await page.screenshot({ path: join(screenshotDir, 'admin-sessions-details-mobile.png'), fullPage: true });
    // Disconnect works from the phone.
    await kick.click();
    await page.fill('[data-testid="kick-reason"]', 'Phone check');
    await page.screenshot({ path: join(screenshotDir, 'admin-kick-mobile.png') });
    await page.click('[data-testid="kick-confirm"]');
    await bob.waitClose();
    await row('Bob').waitFor({ state: 'detached', timeout: 5000 });
  }, 60_000);

  it('fits every Sessions column and Disconnect at 1280 px without sideways scrolling', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(sandboxTokens.carol);
    await row('Carol').waitFor();
    const card = page.locator('.table-card');
    const widths = await row('Carol').evaluate((element) =>
      [...element.querySelectorAll('td')].map((td) => `${td.dataset.col}:${Math.round(td.getBoundingClientRect().width)}`).join(' '),
    );
    expect(await card.evaluate((element) => element.scrollWidth - element.clientWidth), widths).toBeLessThanOrEqual(0);
    const errors = row('Carol').locator('td[data-col="errors"]');
    const kick = row('Carol').locator('td[data-col="actions"]');
    const errorsBox = (await errors.boundingBox())!;
    const kickBox = (await kick.boundingBox())!;
    // The sticky Disconnect column does not cover the Errors count.
    expect(errorsBox.x + errorsBox.width).toBeLessThanOrEqual(kickBox.x + 1);
    expect(await row('Carol').locator('.client-address').textContent()).toBe('127.0.0.1');
    await page.screenshot({ path: join(screenshotDir, 'admin-sessions-1280.png') });
  }, 30_000);

  it('warns in Settings that a port below 1024 needs root, and labels the access code', async () => {
    await page.click('[data-nav="settings"]');
    await page.waitForSelector('[data-testid="settings-port"]');
    const port = await page.inputValue('[data-testid="settings-port"]');
    expect(await page.locator('[data-testid="settings-port-warning"]').count()).toBe(0);
    await page.fill('[data-testid="settings-port"]', '80');
    const warning = page.locator('[data-testid="settings-port-warning"]');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Ports below 1024 need administrator (root) rights.');
    expect(await warning.textContent()).toContain('gateway port 80');
    await warning.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, 'admin-settings-port-warning.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await warning.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, 'admin-settings-port-warning-mobile.png') });
    await page.fill('[data-testid="settings-port"]', '8080');
    await warning.waitFor({ state: 'detached' });
    await page.fill('[data-testid="settings-port"]', port);
    expect(await page.getByLabel('Access code').count()).toBe(1);
    // The model suggestions start with the default model (the one in use when none is chosen).
    const suggestions = await page
      .locator('datalist#models option')
      .evaluateAll((options) => options.map((option) => option.getAttribute('value')));
    expect(suggestions[0]).toBe(defaultModel);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('does not count a closed chat tab as signed in while it waits to come back', async () => {
    await page.click('[data-nav="sessions"]');
    await page.waitForSelector('[data-testid="sessions-count"]');
    const before = Number(await page.textContent('[data-testid="sessions-count"]'));
    const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await tab.goto(serve.url('Web chat'));
    await tab.fill('input[name=api_key]', sandboxTokens.alice);
    await tab.fill('input[name=org_id]', sandboxOrgs.acme);
    await tab.click('.signin-submit');
    await tab.waitForSelector('.conn[data-status="ready"]');
    await expect.poll(async () => Number(await page.textContent('[data-testid="sessions-count"]'))).toBe(before + 1);
    await tab.close();
    // The row stays a moment as "Reconnecting" (a reload resumes it) but is not counted as signed in.
    await row('Alice').locator('text=Reconnecting').waitFor({ timeout: 10_000 });
    await expect.poll(async () => Number(await page.textContent('[data-testid="sessions-count"]'))).toBe(before);
    expect(await page.textContent('section.page[aria-label="Sessions"] header')).toContain('closed the page');
    expect(await page.locator('.nav-count').textContent()).toBe(String(before));
  }, 40_000);

  it('names error kinds in words on Stats, and the demo hints at a sandbox key for the admin chat', async () => {
    const client = await signIn(sandboxTokens.carol);
    // Stop with nothing running: counted as an error of kind NOTHING_TO_CANCEL.
    client.send({ type: 'hello', extensions: ['cancel'] });
    client.send({ type: 'cancel', query_id: 'none' });
    await client.next('error');
    await page.click('[data-nav="stats"]');
    await page.getByText('Stop pressed with nothing running').waitFor({ timeout: 10_000 });
    expect(await page.textContent('section.page[aria-label="Stats"]')).not.toContain('NOTHING_TO_CANCEL');
    await page.click('[data-nav="chat"]');
    await page.waitForSelector('.empty-state');
    expect(await page.textContent('.empty-state')).toContain('sandbox-alice');
  }, 30_000);
});
