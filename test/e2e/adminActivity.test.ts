import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { allExtensions } from '../../shared/protocol';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import { lastToolResults, lastUserText, textReply, toolReply, type FakeReply, type FakeRequest } from '../fakes/anthropic/replies';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { TestClient } from '../integration/support/wsClient';

import { launchChromium, screenshotDir } from './support';

/** "tag this as NAME" creates a tag (a write: approval); anything else lists the user's tasks (a read). */
function model(request: FakeRequest): FakeReply {
  if (lastToolResults(request).length) return textReply('Done.');
  const tag = /tag this as ([\w ]+)/i.exec(lastUserText(request));
  if (tag) return toolReply([{ name: 'create_tag', input: { title: tag[1]!.trim(), color: '#0f7b5f' } }]);
  return toolReply([{ name: 'get_my_tasks', input: {} }]);
}

const dataDir = mkdtempSync(join(tmpdir(), 'gw-e2e-activity-'));
let fake: FakeAnthropic;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function startServer(): Promise<void> {
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], {
    env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'x', GATEWAY_DATA_DIR: dataDir, TALLYFY_API_KEY: '', TALLYFY_ORG_ID: '' },
  });
  await serve.ready;
}

async function stopServer(): Promise<void> {
  serve.child.kill('SIGTERM');
  await serve.exited;
}

/** Signs in over the protocol and asks; answers the approval question with `approve` when one comes. */
async function askAs(token: string, questions: Array<{ text: string; approve?: boolean }>): Promise<void> {
  const client = await TestClient.open(serve.url('WebSocket'));
  client.send({ type: 'auth', api_key: token, org_id: sandboxOrgs.acme, extensions: [...allExtensions] });
  await client.next('auth_success');
  for (const question of questions) {
    client.send({ type: 'query', content: question.text, query_id: `q-${question.text.length}-${Math.random()}` });
    if (question.approve !== undefined) {
      const ask = await client.next<{ type: string; request_id: string }>('approval_request', 15_000);
      client.send({ type: 'approval', request_id: ask.request_id, approved: question.approve });
    }
    await client.next('response', 15_000);
  }
  // The session ends: its record must stay.
  client.send({ type: 'query', content: 'quit' });
  await client.waitClose();
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  fake = await startFakeAnthropic({ fallback: model });
  await startServer();
  browser = await launchChromium();
}, 40_000);

afterAll(async () => {
  await browser?.close();
  if (serve) await stopServer();
  await fake?.close();
});

describe('the admin: token check, stop confirmation and the Activity page (audit trail)', () => {
  it('refuses a wrong admin token on the token form instead of opening a dashboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const fresh = await context.newPage();
    fresh.on('pageerror', (error) => pageErrors.push(error.message));
    await fresh.goto(new URL('/admin#token=not-the-token', serve.url('Admin')).toString());
    await fresh.locator('.token-error').waitFor({ timeout: 10_000 });
    expect(await fresh.textContent('.token-error')).toContain('not right');
    expect(await fresh.locator('.layout').count()).toBe(0);
    await fresh.screenshot({ path: join(screenshotDir, 'admin-token-wrong.png') });
    await fresh.setViewportSize({ width: 390, height: 844 });
    await fresh.screenshot({ path: join(screenshotDir, 'admin-token-wrong-mobile.png') });
    // Typed wrong on the form too: still refused; then the right one opens the admin.
    await fresh.fill('input[aria-label="Admin token"]', 'also-wrong');
    await fresh.click('button[type=submit]');
    await expect.poll(() => fresh.locator('.token-error').count()).toBe(1);
    expect(await fresh.locator('.layout').count()).toBe(0);
    await fresh.fill('input[aria-label="Admin token"]', new URL(serve.url('Admin')).hash.replace('#token=', ''));
    await fresh.click('button[type=submit]');
    await fresh.waitForSelector('section.page[aria-label="Overview"]');
    await context.close();
  }, 30_000);

  it('records every tool call (automatic, approved, denied) and keeps it after the session ends and a restart; the Activity page filters and exports', async () => {
    await askAs(sandboxTokens.alice, [{ text: 'What are my tasks?' }, { text: 'Please tag this as Audit Yes', approve: true }]);
    await askAs(sandboxTokens.bob, [{ text: 'Please tag this as Audit No', approve: false }]);
    await stopServer();
    await startServer();

    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(serve.url('Admin'));
    await page.click('[data-nav="activity"]');
    await page.waitForSelector('section.page[aria-label="Activity"]');
    const rows = page.locator('[data-testid="activity-row"]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3);
    // Newest first.
    expect(await rows.nth(0).getAttribute('data-approval')).toBe('denied');
    expect(await rows.nth(0).getAttribute('data-status')).toBe('denied');
    expect(await rows.nth(0).textContent()).toContain('Bob');
    expect(await rows.nth(1).getAttribute('data-approval')).toBe('approved');
    expect(await rows.nth(1).textContent()).toContain('title: Audit Yes');
    expect(await rows.nth(2).getAttribute('data-tool')).toBe('get_my_tasks');
    expect(await rows.nth(2).getAttribute('data-approval')).toBe('automatic');
    expect(await rows.nth(2).textContent()).toContain('Alice');
    await page.screenshot({ path: join(screenshotDir, 'admin-activity.png') });

    await page.fill('[data-testid="filter-user"]', 'alice');
    await expect.poll(() => rows.count()).toBe(2);
    await page.selectOption('[data-testid="filter-approval"]', 'approved');
    await expect.poll(() => rows.count()).toBe(1);

    const download = page.waitForEvent('download');
    await page.click('[data-testid="export-csv"]');
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^time,user,email,org/);
    expect(csv).toContain('create_tag');
    expect(csv).toContain('approved');
    expect(csv).not.toContain('get_my_tasks');
    const jsonl = page.waitForEvent('download');
    await page.click('[data-testid="export-jsonl"]');
    const lines = readFileSync((await (await jsonl).path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { tool: string }).tool)).toEqual(['create_tag']);
    // No credential is on record.
    expect(readFileSync(join(dataDir, 'audit', 'audit.jsonl'), 'utf8')).not.toContain(sandboxTokens.alice);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.fill('[data-testid="filter-user"]', '');
    await page.selectOption('[data-testid="filter-approval"]', '');
    await expect.poll(() => rows.count()).toBe(3);
    await page.screenshot({ path: join(screenshotDir, 'admin-activity-mobile.png'), fullPage: true });
    // The phone's icon-only navigation still has names.
    for (const name of ['Overview', 'Sessions', 'Activity', 'Settings']) expect(await page.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 90_000);

  it('asks before the sidebar Stop disconnects everyone', async () => {
    const carol = await TestClient.open(serve.url('WebSocket'));
    carol.send({ type: 'auth', api_key: sandboxTokens.carol, org_id: sandboxOrgs.acme });
    await carol.next('auth_success');
    await page.click('.sidebar [data-testid="gateway-toggle"]');
    const dialog = page.locator('dialog.modal[open]');
    await dialog.waitFor();
    // The count is live (it follows sessions.changed): Carol shows up as soon as the admin hears of her.
    await expect.poll(() => dialog.textContent(), { timeout: 10_000 }).toContain('1 teammate is signed in');
    await page.screenshot({ path: join(screenshotDir, 'admin-stop-confirm.png') });
    // Cancel leaves everyone connected.
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    expect(await page.locator('.sidebar .pill-ok').count()).toBe(1);
    expect(carol.ws.readyState).toBe(carol.ws.OPEN);
    await page.click('.sidebar [data-testid="gateway-toggle"]');
    await page.click('[data-testid="gateway-stop-confirm"]');
    await page.waitForSelector('.sidebar .pill-danger');
    await carol.waitClose();
    await page.click('.sidebar [data-testid="gateway-toggle"]');
    await page.waitForSelector('.sidebar .pill-ok');
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
