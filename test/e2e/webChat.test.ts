import { mkdtempSync } from 'node:fs';
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
  textReply,
  toolReply,
  type FakeRequest,
  type FakeReply,
} from '../fakes/anthropic/replies';
import { startServe, type ServeProcess } from '../helpers/serveProcess';

import { launchChromium, screenshotDir, startProxy, type CuttableProxy } from './support';

let busyAnswered = false;

/**
 * The scripted model: a question about tasks calls `get_my_tasks` and summarises it (streamed
 * slowly enough to watch); "tag this as NAME" calls `create_tag`, a write that needs approval;
 * a "busy" question is refused once with 529 (retry after 2 s), then answered.
 */
function model(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  const toolUses = (request.body.messages ?? [])
    .flatMap((message) => (Array.isArray(message.content) ? message.content : []))
    .filter((block) => block.type === 'tool_use');
  const toolNames = toolUses.map((block) => String(block.name));
  if (results.length) {
    if (toolNames.at(-1) === 'create_tag') {
      const title = String((toolUses.at(-1)?.input as { title?: unknown } | undefined)?.title);
      return textReply(results[0]!.is_error ? `That did not work: ${results[0]!.content}` : `Done: I created the tag **${title}** for you.`);
    }
    return textReply(`Here are your tasks.\n\n${summarise(results[0]!.content)}\n\nAnything you want me to do with them?`, {
      // Slow enough that the page is seen mid-stream even on a loaded machine.
      eventDelayMs: 80,
    });
  }
  if (/slow/i.test(lastUserText(request))) return textReply('This took far too long.', { delayMs: 20_000 });
  if (/busy/i.test(lastUserText(request))) {
    if (!busyAnswered) {
      busyAnswered = true;
      return errorReply(529, { headers: { 'retry-after': '2' } });
    }
    return textReply('Sorry for the wait: all good now.');
  }
  const tag = /tag this as ([\w ]+)/i.exec(lastUserText(request));
  if (tag) return toolReply([{ name: 'create_tag', input: { title: tag[1]!.trim(), color: '#0f7b5f' } }], 'I will create that tag.');
  return toolReply([{ name: 'get_my_tasks', input: {} }], 'Let me look that up.');
}

/** An answer's parts in order: the first sentence of each text stretch, or the tools of a chip row. */
function answerShape(index: number): Promise<string[]> {
  return page
    .locator('.msg-assistant')
    .nth(index)
    .evaluate((element) =>
      [...element.querySelectorAll(':scope .msg-body > .md, :scope .msg-body > .tool-row')].map((part) =>
        part.matches('.tool-row')
          ? `tools: ${[...part.querySelectorAll('.tool-chip')].map((chip) => chip.getAttribute('data-tool')).join(', ')}`
          : (/^[^.!?]*[.!?]/.exec(part.textContent?.trim() ?? '')?.[0] ?? ''),
      ),
    );
}

let fake: FakeAnthropic;
let serve: ServeProcess;
let browser: Browser;
let proxy: CuttableProxy;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  await mkdir(screenshotDir, { recursive: true });
  fake = await startFakeAnthropic({ fallback: model });
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], {
    env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'x', GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-e2e-')) },
  });
  await serve.ready;
  // The browser goes through a proxy that the test can cut, to see reconnect and resume.
  proxy = await startProxy(Number(new URL(serve.url('Web chat')).port));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await fake?.close();
});

describe('the web chat page in chromium', () => {
  it('signs in as alice, streams an answer built from a tool call with a tool chip, approves a write, survives a dropped connection and a reload, and stops a slow answer', async () => {
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await page.waitForSelector('.signin-card');
    await page.waitForSelector('.conn[data-status="connected"]');
    await page.screenshot({ path: join(screenshotDir, 'chat-signin.png') });

    await page.fill('input[name=api_key]', 'not-a-real-key');
    await page.fill('input[name=org_id]', sandboxOrgs.acme);
    await page.click('.signin-submit');
    await expect.poll(() => page.textContent('.signin-error')).toMatch(/did not accept/);

    await page.fill('input[name=api_key]', sandboxTokens.alice);
    await page.click('.signin-submit');
    await page.waitForSelector('.empty h2');
    expect(await page.textContent('.empty h2')).toContain('Hi Alice');
    expect(await page.textContent('.topbar-title')).toContain('Acme Operations');

    await page.fill('textarea', 'What tasks do I have?');
    await page.keyboard.press('Enter');
    // Streaming: part of the answer is on screen while the message is still busy.
    await page.waitForSelector('.msg-assistant[aria-busy="true"] .md', { timeout: 15_000 });
    const chip = page.locator('.tool-chip[data-tool="get_my_tasks"]');
    await chip.waitFor();
    await page.waitForSelector('.msg-assistant[aria-busy="false"]', { timeout: 15_000 });
    expect(await chip.getAttribute('data-status')).toBe('ok');
    // The chip sits where the call happened: after "Let me look that up.", before the summary.
    expect(await answerShape(0)).toEqual(['Let me look that up.', 'tools: get_my_tasks', 'Here are your tasks.']);
    const answer = await page.locator('.msg-assistant .md').last().textContent();
    expect(answer).toContain('Here are your tasks.');
    expect(answer).toMatch(/found:|Nothing found/);
    await page.screenshot({ path: join(screenshotDir, 'chat-answer.png') });

    await page.fill('textarea', 'Please tag this as E2E Review');
    await page.keyboard.press('Enter');
    const approval = page.locator('.approval');
    await approval.waitFor({ timeout: 15_000 });
    expect(await approval.textContent()).toContain('E2E Review');
    // The tool chip is already there, waiting for the answer.
    await page.locator('.tool-chip[data-tool="create_tag"][data-status="awaiting_approval"]').waitFor();
    await page.screenshot({ path: join(screenshotDir, 'chat-approval.png') });
    const always = approval.locator('[data-testid="approval-always"]');
    expect(await always.textContent()).toBe('Always allow Create a tag this session');
    await always.click();
    await page.locator('.tool-chip[data-tool="create_tag"][data-status="ok"]').waitFor({ timeout: 15_000 });
    await expect
      .poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 })
      .toContain('created the tag');
    // The tag really exists in the sandbox, made with alice's token.
    const sandboxUrl = serve.url('Sandbox');
    const tags = (await (
      await fetch(`${sandboxUrl}/organizations/${sandboxOrgs.acme}/tags`, {
        headers: { authorization: `Bearer ${sandboxTokens.alice}`, 'x-tallyfy-client': 'APIClient', accept: 'application/json' },
      })
    ).json()) as { data: Array<{ title: string }> };
    expect(tags.data.map((tag) => tag.title)).toContain('E2E Review');
    await page.screenshot({ path: join(screenshotDir, 'chat-approved.png') });

    // Drop the connection: the page says so, reconnects, resumes the same session and keeps the conversation.
    const before = await page.locator('.msg').count();
    proxy.cut();
    await page.waitForSelector('.banner-warning', { timeout: 5000 });
    await page.screenshot({ path: join(screenshotDir, 'chat-reconnecting.png') });
    await page.waitForSelector('.conn[data-status="ready"]', { timeout: 15_000 });
    expect(await page.locator('.msg').count()).toBe(before);
    expect(await page.locator('.tool-chip[data-tool="get_my_tasks"]').count()).toBe(1);
    const health = (await (await fetch(serve.url('Health'))).json()) as { sessions: { active: number } };
    expect(health.sessions.active).toBe(1);

    // A reload restores the same session from the resume ticket (the key itself was never stored).
    await page.reload();
    await page.waitForSelector('.conn[data-status="ready"]', { timeout: 15_000 });
    expect(await page.locator('.msg-user').count()).toBe(2);
    expect(await page.locator('.tool-chip[data-status="ok"]').count()).toBe(2);
    await expect.poll(async () => page.locator('.msg-assistant .md').last().textContent()).toContain('created the tag');
    // Rebuilt from the transcript, each chip is still where its call happened.
    expect(await answerShape(0)).toEqual(['Let me look that up.', 'tools: get_my_tasks', 'Here are your tasks.']);
    expect(await answerShape(1)).toEqual(['I will create that tag.', 'tools: create_tag', 'Done: I created the tag E2E Review for you.']);
    expect(((await (await fetch(serve.url('Health'))).json()) as { sessions: { active: number } }).sessions.active).toBe(1);

    // Stop: a slow answer is cancelled and the conversation stays usable.
    await page.fill('textarea', 'A slow question');
    await page.keyboard.press('Enter');
    await page.locator('.btn-stop').click();
    await page.locator('.msg-note', { hasText: 'Stopped.' }).waitFor({ timeout: 10_000 });
    await page.waitForSelector('.btn-send');

    // Still usable after the resume, then a fresh conversation.
    await page.fill('textarea', 'And my tasks again?');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.tool-chip[data-tool="get_my_tasks"][data-status="ok"]').count(), { timeout: 15_000 }).toBe(2);
    await expect
      .poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 })
      .toContain('Here are your tasks.');
    await page.waitForSelector('.btn-send');

    // Claude is busy: a quiet notice in the answer while the server retries, then the answer.
    await page.fill('textarea', 'Are you busy?');
    await page.keyboard.press('Enter');
    const retry = page.locator('.msg-assistant .msg-retry');
    await retry.waitFor({ timeout: 10_000 });
    expect(await retry.textContent()).toMatch(/^Claude is busy, retrying in \d+ s…$/);
    await page.screenshot({ path: join(screenshotDir, 'chat-retrying.png') });
    await expect
      .poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 })
      .toContain('all good now');
    expect(await retry.count()).toBe(0);
    expect(await page.locator('.msg-info').count()).toBe(0);
    await page.waitForSelector('.btn-send');

    // create_tag was allowed for the rest of the session: the next one runs without asking.
    await page.fill('textarea', 'Please tag this as E2E Second');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => page.locator('.msg-assistant .md').last().textContent(), { timeout: 15_000 })
      .toContain('created the tag E2E Second');
    expect(await page.locator('.approval').count()).toBe(0);
    await page.waitForSelector('.btn-send');

    // A new chat forgets the grant: it asks again, and a refusal shows on the chip.
    await page.click('button:has-text("New chat")');
    await page.waitForSelector('.empty');
    await page.fill('textarea', 'Please tag this as E2E Third');
    await page.keyboard.press('Enter');
    await approval.waitFor({ timeout: 15_000 });
    await approval.locator('button', { hasText: 'Deny' }).click();
    await page.locator('.tool-chip[data-tool="create_tag"][data-status="denied"]').waitFor({ timeout: 15_000 });
    await page.waitForSelector('.btn-send');
    await page.click('button:has-text("New chat")');
    await page.waitForSelector('.empty');

    await page.setViewportSize({ width: 390, height: 760 });
    await page.screenshot({ path: join(screenshotDir, 'chat-mobile-empty.png') });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
