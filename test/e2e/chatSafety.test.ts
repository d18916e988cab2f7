import { mkdtempSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { summarise } from '../fakes/anthropic/demoResponder';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import {
  errorReply,
  lastToolResults,
  lastUserText,
  resultItems,
  textReply,
  toolReply,
  type FakeReply,
  type FakeRequest,
} from '../fakes/anthropic/replies';
import { startServe, type ServeProcess } from '../helpers/serveProcess';

import { launchChromium, screenshotDir } from './support';

/** The question this turn answers: the newest user message with text (tool results come as user messages too). */
function question(request: FakeRequest): string {
  for (const message of [...(request.body.messages ?? [])].reverse()) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    const text = message.content.filter((block) => block.type === 'text').map((block) => String(block.text)).join('\n');
    if (text) return text;
  }
  return '';
}

/** "Finish the finance approval": finds the task with get_my_tasks, then asks to complete it by its ids (a write: approval). */
function finishFinance(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  if (!results.length) return toolReply([{ name: 'get_my_tasks', input: {} }], 'Let me find that task.');
  const finance = resultItems(results[0]!.content).find((item) => item.title === 'Finance approval');
  if (finance && !/complete/i.test(JSON.stringify(request.body.messages?.at(-2)?.content ?? '')))
    return toolReply([{ name: 'complete_task', input: { run_id: finance.run_id, task_id: finance.id } }], 'I will complete it.');
  return textReply(results[0]!.is_error ? 'It was not completed.' : 'Done.');
}

/** "tag this as NAME" asks to create a tag (a write: approval); anything else lists the user's tasks. */
function model(request: FakeRequest): FakeReply {
  if (/finish the finance approval/i.test(question(request))) return finishFinance(request);
  const results = lastToolResults(request);
  if (results.length) {
    const text = results[0]!.content;
    return textReply(/tag/i.test(text) ? 'Done: the tag is created.' : `Here are your tasks.\n\n${summarise(text)}\n\nAnything else?`);
  }
  if (/show me code/i.test(lastUserText(request))) return textReply('Like this:\n\n```\nGET /me\n```\n\nThat is all.');
  if (/fail once/i.test(lastUserText(request)) && !failedOnce) {
    failedOnce = true;
    return errorReply(400, { message: 'bad request' });
  }
  if (/fail once/i.test(lastUserText(request))) return textReply('Worked on the second try.');
  const tag = /tag this as ([\w ]+)/i.exec(lastUserText(request));
  if (tag) return toolReply([{ name: 'create_tag', input: { title: tag[1]!.trim(), color: '#0f7b5f' } }], 'I will create that tag.');
  return toolReply([{ name: 'get_my_tasks', input: {} }], 'Let me look that up.');
}

let failedOnce = false;
let fake: FakeAnthropic;
let serve: ServeProcess;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function tagTitles(): Promise<string[]> {
  const response = await fetch(`${serve.url('Sandbox')}/organizations/${sandboxOrgs.acme}/tags`, {
    headers: { authorization: `Bearer ${sandboxTokens.alice}`, 'x-tallyfy-client': 'APIClient', accept: 'application/json' },
  });
  return ((await response.json()) as { data: Array<{ title: string }> }).data.map((tag) => tag.title);
}

async function admin(route: string): Promise<unknown> {
  const url = new URL(serve.url('Admin'));
  const token = url.hash.replace('#token=', '');
  const response = await fetch(`${url.origin}/admin/api/${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: '{}',
  });
  return response.json();
}

async function ask(text: string): Promise<void> {
  await page.fill('textarea', text);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  await mkdir(screenshotDir, { recursive: true });
  fake = await startFakeAnthropic({ fallback: model });
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], {
    env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'x', GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-e2e-safety-')) },
  });
  await serve.ready;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve.url('Web chat'));
  await page.waitForSelector('.signin-card');
  await page.fill('input[name=api_key]', sandboxTokens.alice);
  await page.fill('input[name=org_id]', sandboxOrgs.acme);
  await page.click('.signin-submit');
  await page.waitForSelector('.conn[data-status="ready"]');
}, 40_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await fake?.close();
});

describe('the web chat never acts on a stray keystroke and never gets stuck', () => {
  it('keeps focus in the composer when an approval appears: typing, Enter and Space cannot approve', async () => {
    await ask('Please tag this as Keyboard Accident');
    const approval = page.locator('.approval');
    await approval.waitFor({ timeout: 15_000 });
    // The teammate keeps typing as if nothing appeared.
    await page.keyboard.type('ok so ');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    expect(await page.inputValue('textarea')).toContain('ok so');
    // Still waiting, and nothing was created.
    expect(await approval.count()).toBe(1);
    expect(await page.locator('.tool-chip[data-tool="create_tag"]').getAttribute('data-status')).toBe('awaiting_approval');
    expect(await tagTitles()).not.toContain('Keyboard Accident');
    await page.screenshot({ path: join(screenshotDir, 'chat-approval-focus.png') });
    await approval.locator('button', { hasText: 'Deny' }).click();
    await page.locator('.tool-chip[data-tool="create_tag"][data-status="denied"]').waitFor({ timeout: 15_000 });
    await page.waitForSelector('.btn-send');
    expect(await tagTitles()).not.toContain('Keyboard Accident');
    // The chip is a disclosure, reachable by keyboard: it shows the input and, in the user's words, the outcome.
    await page.focus('.tool-chip[data-tool="create_tag"]');
    await page.keyboard.press('Enter');
    const detail = page.locator('.tool-call[open] .tool-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('Keyboard Accident');
    expect(await detail.textContent()).toContain('You declined this; nothing was changed.');
    expect(await page.textContent('.tool-chip[data-tool="create_tag"]')).toContain('you declined');
    await page.screenshot({ path: join(screenshotDir, 'chat-tool-details.png') });
  }, 40_000);

  it('names what the ids in an approval refer to (the task title, the process name) instead of showing raw ids only', async () => {
    await ask('Please finish the finance approval');
    const approval = page.locator('.approval');
    await approval.waitFor({ timeout: 15_000 });
    const names = approval.locator('.approval-name');
    await expect.poll(() => names.allTextContents()).toContain('Finance approval');
    // The process the task belongs to is named too, and each id stays visible, small, under its name.
    expect((await names.allTextContents()).length).toBe(2);
    expect(await approval.locator('.approval-id').first().textContent()).toMatch(/^[0-9a-f]{32}$/);
    await page.screenshot({ path: join(screenshotDir, 'chat-approval-names.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await approval.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshotDir, 'chat-approval-names-mobile.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await approval.locator('button', { hasText: 'Deny' }).click();
    await page.locator('.tool-chip[data-tool="complete_task"][data-status="denied"]').waitFor({ timeout: 15_000 });
    await page.waitForSelector('.btn-send');
  }, 40_000);

  it('has the chat basics: copy a message and a code block, retry after an error, edit the last question, export as Markdown', async () => {
    await ask('Show me code');
    const code = page.locator('.md-code').last();
    await code.waitFor({ timeout: 15_000 });
    await page.waitForSelector('.btn-send');
    await code.hover();
    await code.locator('.code-copy').click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('GET /me');
    await page.locator('.msg-assistant').last().locator('.msg-action', { hasText: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('That is all.');

    await ask('Please fail once');
    const retry = page.locator('[data-testid="retry"]');
    await retry.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(screenshotDir, 'chat-retry.png') });
    await retry.click();
    await expect.poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 }).toContain('second try');
    await page.waitForSelector('.btn-send');

    await page.click('[data-testid="edit-last"]');
    expect(await page.inputValue('textarea')).toBe('Please fail once');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
    await page.fill('textarea', '');

    const download = page.waitForEvent('download');
    await page.click('[data-testid="export-chat"]');
    const file = await (await download).path();
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('# Tallyfy Assistant conversation');
    expect(markdown).toContain('## You');
    expect(markdown).toContain('Worked on the second try.');
  }, 60_000);

  it('typing clear empties the conversation and the next question is answered', async () => {
    await page.fill('textarea', '');
    await ask('clear');
    await page.waitForSelector('.empty');
    await page.waitForSelector('.btn-send');
    // The old conversation is kept in a list for the session (read-only).
    await page.selectOption('[data-testid="chat-history"]', { index: 1 });
    await page.locator('.msg-user', { hasText: 'Keyboard Accident' }).waitFor();
    await page.screenshot({ path: join(screenshotDir, 'chat-earlier-conversation.png') });
    await page.selectOption('[data-testid="chat-history"]', '');
    await page.waitForSelector('.empty');
    await ask('What tasks do I have?');
    await expect
      .poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 })
      .toContain('Here are your tasks.');
    await page.waitForSelector('.btn-send');
  }, 40_000);

  it('shows the newest message after sending while scrolled up, and offers "jump to latest"', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (let index = 0; index < 2; index += 1) {
      await ask(`What tasks do I have? (${index})`);
      await page.waitForSelector('.msg-assistant[aria-busy="false"] >> nth=-1', { timeout: 15_000 });
      await page.waitForSelector('.btn-send');
    }
    const messages = page.locator('.messages');
    await messages.evaluate((element) => element.scrollTo({ top: 0 }));
    await page.locator('.jump-latest').waitFor({ timeout: 5000 });
    await page.screenshot({ path: join(screenshotDir, 'chat-jump-latest-mobile.png') });
    await page.locator('.jump-latest').click();
    await expect
      .poll(() => messages.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight), { timeout: 5000 })
      .toBeLessThan(80);
    await messages.evaluate((element) => element.scrollTo({ top: 0 }));
    await ask('Sent while scrolled up');
    await expect.poll(() => page.locator('.msg-user', { hasText: 'Sent while scrolled up' }).isVisible()).toBe(true);
    const box = await page.locator('.msg-user', { hasText: 'Sent while scrolled up' }).boundingBox();
    const view = await messages.boundingBox();
    expect(box && view && box.y >= view.y && box.y + box.height <= view.y + view.height).toBe(true);
    await page.waitForSelector('.btn-send', { timeout: 15_000 });
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('after the admin stops and restarts the gateway: shows why, then recovers by itself and can answer again', async () => {
    expect(await admin('gateway.stop')).toMatchObject({ ok: true });
    await page.locator('.banner', { hasText: 'stopped the gateway' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.conn').getAttribute('data-status')).not.toBe('ready');
    expect(await page.textContent('.conn')).not.toBe('Connected');
    await page.screenshot({ path: join(screenshotDir, 'chat-gateway-stopped.png') });
    // A question can be written meanwhile: it waits and goes out once back.
    await page.fill('textarea', 'Draft while stopped');
    await page.keyboard.press('Enter');
    await page.locator('.banner', { hasText: 'is sent once connected' }).waitFor();
    expect(await admin('gateway.start')).toMatchObject({ ok: true });
    await page.waitForSelector('.conn[data-status="ready"]', { timeout: 30_000 });
    expect(await page.locator('.banner', { hasText: 'stopped the gateway' }).count()).toBe(0);
    // Earlier context is gone, and the page says so.
    await page.locator('.msg-info', { hasText: 'earlier messages' }).waitFor();
    expect(await page.locator('.msg-stale').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshotDir, 'chat-gateway-restarted.png') });
    await page.locator('.msg-user', { hasText: 'Draft while stopped' }).waitFor();
    await expect
      .poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 })
      .toContain('Here are your tasks.');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
