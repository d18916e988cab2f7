import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import { repoRoot, startServe, type ServeProcess } from '../helpers/serveProcess';
import { TestClient } from '../integration/support/wsClient';

import { launchChromium, screenshotDir } from './support';

const docsShots = join(repoRoot, 'docs/screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'gw-admin-e2e-'));
const env = (fake: FakeAnthropic) => ({
  ANTHROPIC_BASE_URL: fake.url,
  ANTHROPIC_API_KEY: 'x',
  GATEWAY_DATA_DIR: dataDir,
  TALLYFY_API_KEY: '',
  TALLYFY_ORG_ID: '',
});

let fake: FakeAnthropic;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let adminUrl: string;
let wsUrl: string;
const clients: TestClient[] = [];
const pageErrors: string[] = [];

async function start(): Promise<void> {
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], { env: env(fake) });
  await serve.ready;
  adminUrl = serve.url('Admin');
  wsUrl = serve.url('WebSocket');
}

async function stop(): Promise<void> {
  serve.child.kill('SIGTERM');
  await serve.exited;
}

/**
 * Saves a screenshot as a test artifact, and for the README under docs/screenshots when it has none
 * yet or `UPDATE_SCREENSHOTS=1` (so an ordinary test run leaves the working tree clean).
 */
async function shot(name: string): Promise<void> {
  const file = join(screenshotDir, `admin-${name}.png`);
  await page.screenshot({ path: file });
  const docs = join(docsShots, `admin-${name}.png`);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(docs)) copyFileSync(file, docs);
}

async function open(pageName: string): Promise<void> {
  await page.click(`[data-nav="${pageName}"]`);
  await page.waitForSelector(`section.page[aria-label="${pageName === 'chat' ? 'Chat' : pageName[0]!.toUpperCase() + pageName.slice(1)}"]`);
}

async function signIn(token: string, org: string = sandboxOrgs.acme): Promise<TestClient> {
  const client = await TestClient.open(wsUrl);
  clients.push(client);
  client.send({ type: 'auth', api_key: token, org_id: org });
  await client.next('auth_success');
  return client;
}

const row = (name: string) => page.locator(`[data-testid="session-row"][data-user^="${name}"]`);

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  mkdirSync(docsShots, { recursive: true });
  fake = await startFakeAnthropic();
  await start();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 40_000);

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await browser?.close();
  if (serve) await stop();
  await fake?.close();
});

describe('the browser admin at /admin', () => {
  it('opens with the token from the banner and refuses the API without it', async () => {
    expect(adminUrl).toMatch(/\/admin#token=[A-Za-z0-9_-]{32}$/);
    const base = new URL(adminUrl).origin;
    expect((await fetch(`${base}/admin/api/sessions.list`, { method: 'POST', body: '{}' })).status).toBe(401);
    await page.goto(adminUrl);
    await page.waitForSelector('section.page[aria-label="Overview"]');
    // The token leaves the address bar at once.
    expect(page.url()).not.toContain('token=');
    await page.waitForSelector('[data-testid="health-status"]');
  });

  it('shows a teammate within a second of sign-in and drops them when they quit', async () => {
    await open('sessions');
    await page.waitForSelector('.empty-state');
    await shot('sessions-empty');
    const alice = await signIn(sandboxTokens.alice);
    const signedInAt = Date.now();
    await row('Alice').waitFor({ timeout: 1000 });
    expect(Date.now() - signedInAt).toBeLessThan(1000);
    alice.send({ type: 'query', content: 'quit' });
    await row('Alice').waitFor({ state: 'detached', timeout: 2000 });
  });

  it('kicks a session with a reason the teammate sees', async () => {
    const bob = await signIn(sandboxTokens.bob);
    await signIn(sandboxTokens.dave, sandboxOrgs.beta);
    await row('Bob').waitFor({ timeout: 1000 });
    await row('Bob').locator('[data-testid="kick"]').click();
    await page.fill('[data-testid="kick-reason"]', 'Lunch break, back at 2');
    await shot('kick');
    await page.click('[data-testid="kick-confirm"]');
    const closed = await bob.waitClose();
    expect(JSON.stringify(bob.frames)).toContain('Lunch break, back at 2');
    expect(closed.code).toBeGreaterThanOrEqual(1000);
    await row('Bob').waitFor({ state: 'detached', timeout: 2000 });
    await row('Dave').waitFor();
  });

  it('moves the stats as teammates ask questions', async () => {
    const carol = await signIn(sandboxTokens.carol);
    await open('stats');
    const queries = page.locator('[data-testid="kpi-queries"]');
    const before = Number(await queries.textContent());
    carol.send({ type: 'query', content: 'What tasks are assigned to me?' });
    await carol.next('response', 15_000);
    await expect.poll(async () => Number(await queries.textContent()), { timeout: 5000 }).toBe(before + 1);
    await expect
      .poll(async () => Number(await page.locator('[data-testid="kpi-active"]').textContent()), { timeout: 5000 })
      .toBeGreaterThanOrEqual(2);
    await shot('stats');
  });

  it('shows the sessions table with row details', async () => {
    await open('sessions');
    await row('Carol').click();
    await page.waitForSelector('[data-testid="session-details"]');
    await shot('sessions');
    await open('overview');
    await page.waitForSelector('.glance-list li');
    await shot('overview');
  });

  it('shows live redacted logs', async () => {
    await open('logs');
    await page.waitForSelector('.log-list li');
    const text = await page.locator('[data-testid="logs"]').textContent();
    expect(text).toContain('core started');
    expect(text).not.toContain(sandboxTokens.carol);
    await shot('logs');
  });

  it('builds an invite with a link, and no phone QR code while only this computer can connect', async () => {
    await open('invite');
    await page.waitForSelector('[data-testid="invite-url"]');
    expect(await page.locator('[data-testid="invite-url"]').textContent()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // A phone cannot open 127.0.0.1 of this machine: a QR code for it would only mislead (issue 16).
    expect(await page.getByText('Only this computer can connect right now.').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="invite-qr"]').count()).toBe(0);
    await shot('invite');
  });

  it('saves settings, keeps secrets masked, and the local chat answers with the desk user credentials', async () => {
    await open('chat');
    await page.waitForSelector('.empty-state');
    await open('settings');
    await page.fill('[data-testid="settings-idle"]', '25');
    await page.fill('[data-testid="settings-allowed-orgs"]', sandboxOrgs.acme);
    await page.fill('[data-testid="settings-org"]', sandboxOrgs.acme);
    await page.fill('[data-testid="settings-tallyfy-key"]', sandboxTokens.alice);
    await page.click('[data-testid="settings-save"]');
    const outcome = await page.locator('[data-testid="settings-outcome"]').textContent();
    expect(outcome).toMatch(/Applied now: .*allowed organizations.*idle timeout/);
    expect(outcome).not.toMatch(/restart/);
    // The allow-list applies at once: Beta Logistics can no longer sign in.
    const dave = await TestClient.open(wsUrl);
    clients.push(dave);
    dave.send({ type: 'auth', api_key: sandboxTokens.dave, org_id: sandboxOrgs.beta });
    expect(await dave.next('auth_error')).toMatchObject({ code: 'ORG_NOT_ALLOWED' });
    await page.waitForSelector('[data-testid="settings-tallyfy-key-masked"]');
    expect(await page.content()).not.toContain(sandboxTokens.alice);
    await shot('settings');
    await page.evaluate(() => document.querySelector('.main')?.scrollTo(0, 100_000));
    await shot('settings-assistant');

    await open('chat');
    await page.waitForSelector('.chat textarea');
    await page.fill('.chat textarea', 'What tasks are assigned to me?');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.chat .msg-assistant, .chat [data-role="assistant"]', { timeout: 15_000 });
    await expect.poll(async () => (await page.locator('.chat').textContent()) ?? '', { timeout: 15_000 }).toMatch(/task/i);
    await shot('chat');
    await open('sessions');
    await page.waitForSelector('.tag-local');
  }, 40_000);

  it('stops the gateway from the sidebar (teammates are told and dropped) and starts it again', async () => {
    const carol = await signIn(sandboxTokens.carol);
    await page.click('.sidebar [data-testid="gateway-toggle"]');
    // It asks first (stopping disconnects every teammate).
    await page.click('[data-testid="gateway-stop-confirm"]');
    await page.waitForSelector('.sidebar .pill-danger');
    await carol.waitClose();
    // Loopback still connects (the desk user's pane may sign in locally), but a teammate's sign-in is refused.
    const refused = await TestClient.open(wsUrl);
    clients.push(refused);
    expect(await refused.request({ type: 'auth', api_key: sandboxTokens.carol, org_id: sandboxOrgs.acme }, 'auth_error')).toMatchObject({
      code: 'GATEWAY_STOPPED',
    });
    await page.click('.sidebar [data-testid="gateway-toggle"]');
    await page.waitForSelector('.sidebar .pill-ok');
    await signIn(sandboxTokens.carol);
  });

  it('asks for the token when the page is opened without one', async () => {
    const context = await browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(new URL('/admin', adminUrl).toString());
    await fresh.waitForSelector('input[aria-label="Admin token"]');
    await fresh.fill('input[aria-label="Admin token"]', new URL(adminUrl).hash.replace('#token=', ''));
    await fresh.click('button[type=submit]');
    await fresh.waitForSelector('section.page[aria-label="Overview"]');
    await context.close();
  }, 30_000);

  it('keeps the settings and the admin token across a restart', async () => {
    const token = new URL(adminUrl).hash;
    for (const client of clients.splice(0)) client.ws.terminate();
    await stop();
    await start();
    expect(new URL(adminUrl).hash).toBe(token);
    await page.goto(adminUrl);
    await page.click('[data-nav="settings"]');
    await page.waitForSelector('[data-testid="settings-idle"]');
    expect(await page.inputValue('[data-testid="settings-idle"]')).toBe('25');
    expect(await page.inputValue('[data-testid="settings-allowed-orgs"]')).toBe(sandboxOrgs.acme);
    await page.waitForSelector('[data-testid="settings-tallyfy-key-masked"]');
    // The restarted core applies the saved allow-list: an org outside it is refused.
    const dave = await TestClient.open(wsUrl);
    clients.push(dave);
    dave.send({ type: 'auth', api_key: sandboxTokens.dave, org_id: sandboxOrgs.beta });
    expect(await dave.next('auth_error')).toMatchObject({ code: 'ORG_NOT_ALLOWED' });
    expect(pageErrors).toEqual([]);
  }, 45_000);
});
