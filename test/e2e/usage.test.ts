import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import { textReply } from '../fakes/anthropic/replies';
import { repoRoot, startServe, type ServeProcess } from '../helpers/serveProcess';
import { TestClient, type Frame } from '../integration/support/wsClient';

import { launchChromium, screenshotDir } from './support';

/**
 * The Usage page and the spend/tool-policy settings in Chromium against `serve`: every model call
 * costs exactly $0.12 (10,000 input + 2,000 output + 8,000 cache-write + 100,000 cache-read tokens
 * at the Sonnet rates), Bob's daily limit is $0.30.
 */
const usage = { input_tokens: 10_000, output_tokens: 2_000, cache_creation_input_tokens: 8_000, cache_read_input_tokens: 100_000 };
const docsShots = join(repoRoot, 'docs/screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'gw-usage-e2e-'));

let fake: FakeAnthropic;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
const clients: TestClient[] = [];
const pageErrors: string[] = [];

async function shot(name: string): Promise<string> {
  const file = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  const docs = join(docsShots, `${name}.png`);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(docs)) copyFileSync(file, docs);
  return file;
}

async function signIn(token: string): Promise<TestClient> {
  const client = await TestClient.open(serve.url('WebSocket'));
  clients.push(client);
  await client.request({ type: 'auth', api_key: token, org_id: sandboxOrgs.acme }, 'auth_success', 10_000);
  return client;
}

function ask(client: TestClient, content: string): Promise<Frame> {
  const answer = client.next(['response', 'error'], 15_000);
  client.send({ type: 'query', content });
  return answer;
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  mkdirSync(docsShots, { recursive: true });
  fake = await startFakeAnthropic({ fallback: () => textReply('Sure.', { usage }) });
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0', '--user-daily-usd', '0.30'], {
    env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'x', GATEWAY_DATA_DIR: dataDir, TALLYFY_API_KEY: '', TALLYFY_ORG_ID: '' },
  });
  await serve.ready;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 40_000);

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  await browser?.close();
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Usage page', () => {
  it('shows spend per user and day, top users, the 80% warning and the refusal, and exports CSV', async () => {
    const bob = await signIn(sandboxTokens.bob);
    const carol = await signIn(sandboxTokens.carol);
    expect((await ask(bob, 'one')).type).toBe('response');
    expect((await ask(bob, 'two')).type).toBe('response'); // $0.24 = 80%
    expect((await ask(bob, 'three')).type).toBe('response'); // $0.36: over
    expect(await ask(bob, 'four')).toMatchObject({ type: 'error', code: 'BUDGET_EXCEEDED' });
    expect(bob.frames.filter((frame) => frame.code === 'budget_warning')).toHaveLength(1);
    expect((await ask(carol, 'hello')).type).toBe('response');

    await page.goto(serve.url('Admin'));
    await page.click('[data-nav="usage"]');
    await page.waitForSelector('section.page[aria-label="Usage"]');
    await expect.poll(async () => page.locator('[data-testid="usage-total"]').textContent(), { timeout: 5000 }).toBe('$0.48');
    const top = page.locator('[data-testid="usage-top-users"] li');
    expect(await top.count()).toBe(2);
    expect(await top.first().textContent()).toMatch(/^Bob.*\$0\.36/);
    expect(await page.locator('[data-testid="usage-warnings"]').textContent()).toMatch(
      /Bob .*\$0\.36 of the \$0\.30 daily limit — reached, queries refused/,
    );
    expect(await page.locator('[data-testid="usage-days"] tbody tr').count()).toBe(2);
    expect(await page.locator('[data-testid="usage-month"]').textContent()).toMatch(/\$0\.48.*No monthly limit/);
    const desktop = await shot('admin-usage');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="usage-csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^usage-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('day,org_id,org_name,user_id,name,email,usd,input_tokens,output_tokens,cache_write_tokens,cache_read_tokens,calls');
    expect(csv.filter((line) => line.includes('Bob'))).toEqual([expect.stringMatching(/,0\.36,30000,6000,24000,300000,3$/)]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(200);
    const phone = await shot('admin-usage-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect([desktop, phone].every((file) => existsSync(file))).toBe(true);
  });

  it('sets a limit and disables a tool from Settings, applied to the running gateway', async () => {
    await page.click('[data-nav="settings"]');
    await page.waitForSelector('[data-testid="settings-spend"]');
    // The daily limit from --user-daily-usd shows; the monthly ones are empty (no limit).
    expect(await page.locator('[data-testid="limit-perUserDailyUsd"]').inputValue()).toBe('0.3');
    expect(await page.locator('[data-testid="limit-perUserMonthlyUsd"]').inputValue()).toBe('');
    await page.fill('[data-testid="limit-gatewayMonthlyUsd"]', '0.50');
    await page.click('[data-testid="limits-save"]');
    await page.waitForSelector('[data-testid="settings-spend"] [role="status"]');
    // Carol ($0.12) may ask once more: the month reaches $0.60, over the new $0.50.
    const carol = await signIn(sandboxTokens.carol);
    expect((await ask(carol, 'again')).type).toBe('response');
    const refused = await ask(carol, 'and again');
    expect(refused).toMatchObject({ type: 'error', code: 'BUDGET_EXCEEDED' });
    expect(refused.message).toMatch(/gateway's monthly spending limit.*: \$0\.60 spent of \$0\.50/);

    const policy = page.locator('[data-testid="settings-tool-policy"]');
    await policy.scrollIntoViewIfNeeded();
    await page.fill('[data-testid="settings-tool-policy"] input[type="search"]', 'tag');
    await page.selectOption('[data-tool="create_tag"] select[aria-label="create_tag for everyone"]', 'disabled');
    await page.selectOption('[data-tool="get_tags"] select[aria-label="get_tags for Light"]', 'ask');
    expect(await page.locator('[data-tool="get_tags"]').textContent()).toContain('read-only');
    await shot('admin-settings-tool-policy');
    await page.click('[data-testid="policy-save"]');
    await page.waitForSelector('[data-testid="settings-tool-policy"] [role="status"]');
    const base = new URL(serve.url('Admin')).origin;
    const token = new URL(serve.url('Admin')).hash.replace('#token=', '');
    const settings = (await (
      await fetch(`${base}/admin/api/settings.get`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' })
    ).json()) as {
      data?: { toolPolicy: unknown; spendLimits: unknown };
    };
    expect(settings.data?.toolPolicy).toEqual({
      disabled: ['create_tag'],
      alwaysAsk: [],
      byRole: { light: { disabled: [], alwaysAsk: ['get_tags'] } },
    });
    expect(settings.data?.spendLimits).toEqual({ perUserDailyUsd: 0.3, perUserMonthlyUsd: null, gatewayMonthlyUsd: 0.5 });
    await page.setViewportSize({ width: 390, height: 844 });
    await policy.scrollIntoViewIfNeeded();
    await shot('admin-settings-tool-policy-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(pageErrors).toEqual([]);
  });
});
