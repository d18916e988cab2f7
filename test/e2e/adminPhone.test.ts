import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
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
    env: { ANTHROPIC_API_KEY: '', GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-e2e-phone-')) },
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
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
