import { mkdtempSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import { lastToolResults, lastUserText, textReply, toolReply, type FakeReply, type FakeRequest } from '../fakes/anthropic/replies';
import { startServe, type ServeProcess } from '../helpers/serveProcess';

import { launchChromium, screenshotDir } from './support';

/** What the model read as each ask_user_* tool's result. */
const toolResults: string[] = [];

/** "which vendor" asks a form, "rank" a ranking, "archive" a confirmation; then it repeats the answer. */
function model(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  if (results.length) {
    toolResults.push(results[0]!.content);
    return textReply(`Thanks, noted: ${results[0]!.content}`);
  }
  const text = lastUserText(request);
  if (/which vendor/i.test(text))
    return toolReply(
      [
        {
          name: 'ask_user_question',
          input: {
            header: 'Vendor onboarding',
            question: 'Which vendor should I onboard, and by when?',
            fields: [
              { name: 'vendor', label: 'Vendor', type: 'select', options: ['Acme Paper', 'Globex', 'Initech'] },
              { name: 'start', label: 'Start date', type: 'date' },
              { name: 'note', label: 'Anything the team should know', type: 'textarea', required: false },
            ],
            submit_label: 'Start onboarding',
          },
        },
      ],
      'I need two details first.',
    );
  if (/rank/i.test(text))
    return toolReply([
      { name: 'ask_user_to_rank', input: { question: 'Which should the team tackle first?', items: ['Invoices', 'Hiring', 'Audit'] } },
    ]);
  return toolReply([
    {
      name: 'ask_user_to_confirm',
      input: {
        question: 'Archive the process "Onboard Globex"?',
        details: 'It disappears from the active list; you can restore it later.',
        confirm_label: 'Archive it',
      },
    },
  ]);
}

let fake: FakeAnthropic;
let serve: ServeProcess;
let browser: Browser;
const pageErrors: string[] = [];

async function openChat(width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(serve.url('Web chat'));
  await page.waitForSelector('.signin-card');
  await page.fill('input[name=api_key]', sandboxTokens.alice);
  await page.fill('input[name=org_id]', sandboxOrgs.acme);
  await page.click('.signin-submit');
  await page.waitForSelector('.conn[data-status="ready"]');
  return page;
}

async function ask(page: Page, text: string): Promise<void> {
  await page.fill('textarea', text);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  await mkdir(screenshotDir, { recursive: true });
  fake = await startFakeAnthropic({ fallback: model });
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], {
    env: {
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'x',
      GATEWAY_TOOL_LOADING: 'all',
      GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-e2e-question-')),
    },
  });
  await serve.ready;
  browser = await launchChromium();
}, 40_000);

afterAll(async () => {
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  await fake?.close();
});

describe('the assistant asks the teammate in a question card', () => {
  it('a form: the answer goes back to the assistant as the tool result (desktop 1280x800)', async () => {
    const page = await openChat(1280, 800);
    await ask(page, 'Which vendor should we onboard?');
    const card = page.locator('[data-testid="question-card"]');
    await card.waitFor({ timeout: 15_000 });
    expect(await card.locator('.question-text').innerText()).toBe('Which vendor should I onboard, and by when?');
    // Required fields first: the button waits for them.
    expect(await card.locator('[data-testid="question-submit"]').isDisabled()).toBe(true);
    await card.locator('label', { hasText: 'Globex' }).click();
    await card.locator('input[type=date]').fill('2026-12-14');
    await card.locator('textarea').fill('Bring the signed NDA.');
    await page.screenshot({ path: join(screenshotDir, 'chat-question-form-desktop.png') });
    await card.locator('[data-testid="question-submit"]', { hasText: 'Start onboarding' }).click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('.msg-assistant', { hasText: 'Thanks, noted' }).waitFor({ timeout: 15_000 });
    expect(JSON.parse(toolResults.at(-1)!)).toEqual({
      answered: true,
      answers: { vendor: 'Globex', start: '2026-12-14', note: 'Bring the signed NDA.' },
    });
    await page.screenshot({ path: join(screenshotDir, 'chat-question-answered-desktop.png') });
    await page.close();
  });

  it('a ranking and a confirmation on a phone (390x844)', async () => {
    const page = await openChat(390, 844);
    await ask(page, 'Please rank our priorities');
    const card = page.locator('[data-testid="question-card"]');
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: 'Move Audit up' }).click();
    await card.getByRole('button', { name: 'Move Audit up' }).click();
    expect(await card.locator('.question-rank-text').allInnerTexts()).toEqual(['Audit', 'Invoices', 'Hiring']);
    await page.screenshot({ path: join(screenshotDir, 'chat-question-rank-phone.png') });
    await card.locator('[data-testid="question-submit"]').click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('.msg-assistant', { hasText: 'Thanks, noted' }).waitFor({ timeout: 15_000 });
    expect(JSON.parse(toolResults.at(-1)!)).toEqual({ answered: true, ranking: ['Audit', 'Invoices', 'Hiring'] });

    await ask(page, 'Archive the Globex process');
    await card.waitFor({ timeout: 15_000 });
    expect(await card.locator('.question-details').innerText()).toContain('restore it later');
    await page.screenshot({ path: join(screenshotDir, 'chat-question-confirm-phone.png') });
    await card.locator('[data-testid="question-yes"]', { hasText: 'Archive it' }).click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await page.locator('.msg-assistant', { hasText: 'confirmed' }).waitFor({ timeout: 15_000 });
    expect(JSON.parse(toolResults.at(-1)!)).toEqual({ answered: true, confirmed: true });
    await page.close();
    expect(pageErrors).toEqual([]);
  });
});
