import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectRedis } from '../../electron/core/cluster/redisConnection';
import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { lastUserText, textReply, type FakeRequest, type FakeReply } from '../fakes/anthropic/replies';
import { haveRedisServer, startClusterStack, until, type ClusterStack } from '../integration/cluster/clusterStack';

import { launchChromium, screenshotDir, startProxy, type CuttableProxy } from './support';

/** The model: remembers a code word only if an earlier turn it received carries one. */
function model(request: FakeRequest): FakeReply {
  const question = lastUserText(request);
  const earlier = JSON.stringify((request.body.messages ?? []).slice(0, -1));
  if (/code word\?/i.test(question)) {
    const word = /PELICAN-\d+/.exec(earlier)?.[0];
    return textReply(word ? `The code word was **${word}**.` : 'I do not know any code word.');
  }
  return textReply('Noted: I will remember that.');
}

const portOf = (url: string): number => Number(new URL(url).port);

describe.skipIf(!haveRedisServer && !process.env.CI)('the web chat when its gateway node dies (cluster on Redis, chromium)', () => {
  let stack: ClusterStack | undefined;
  /** A load balancer stand-in: new connections go to the node it is switched to. */
  let balancer: CuttableProxy | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await mkdir(screenshotDir, { recursive: true });
    stack = await startClusterStack({ fake: { fallback: model } });
    balancer = await startProxy(portOf(stack.node('node-a').httpUrl));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await balancer?.close();
    await stack?.close();
  }, 30_000);

  it('continues the same conversation on another node: by itself while the key is in the tab, and after a reload by asking for the key', async () => {
    const cluster = stack!;
    const lb = balancer!;
    const url = `http://127.0.0.1:${lb.port}/`;
    await page.goto(url);
    await page.waitForSelector('.conn[data-status="connected"]');
    await page.fill('input[name=api_key]', sandboxTokens.alice);
    await page.fill('input[name=org_id]', sandboxOrgs.acme);
    await page.click('.signin-submit');
    await page.waitForSelector('.empty h2');
    await page.fill('textarea', 'Remember the code word PELICAN-42.');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.msg-assistant .md').last().textContent(), { timeout: 20_000 }).toContain('Noted');

    // Node A keeps the turn in Redis just after answering; the test waits for it, so the kill below never falls
    // in that window (conversationFailover.test.ts checks what is kept; this test is about the browser).
    const link = connectRedis({ url: cluster.redis.url, nodeId: 'test-reader' });
    try {
      await until('the turn kept in Redis', async () => {
        if (link.status() !== 'ready') return false;
        for (const key of await link.client.keys('tallyfy-gw:conv:*:transcript'))
          if ((await link.client.lrange(key, 0, -1)).some((entry) => entry.includes('Noted'))) return true;
        return false;
      });
    } finally {
      await link.close();
    }

    // Node A dies; the balancer sends new connections to node B.
    await cluster.kill('node-a');
    lb.switchTo(portOf(cluster.node('node-b').httpUrl));
    lb.cut();
    // The page reconnects and resumes on node B with the key it holds in memory: no question asked.
    await expect.poll(() => page.getAttribute('.conn', 'data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await page.locator('[data-testid="resume-sign-in"]').count()).toBe(0);
    await page.fill('textarea', 'What was the code word?');
    await page.keyboard.press('Enter');
    // The second answer, from node B, knows the word node A heard.
    await expect.poll(() => page.locator('.msg-assistant').nth(1).textContent(), { timeout: 20_000 }).toContain('PELICAN-42');

    // The tab leaves (the key leaves its memory), node B dies and node C takes over; the teammate comes back.
    await page.goto('about:blank');
    const nodeC = await cluster.addNode('node-c');
    await cluster.kill('node-b');
    lb.switchTo(portOf(nodeC.httpUrl));
    lb.cut();
    await page.goto(url);
    const prompt = page.locator('[data-testid="resume-sign-in"]');
    await prompt.waitFor({ timeout: 30_000 });
    // The org id is known from the resume ticket: only the key is asked for.
    expect(await page.inputValue('input[name=org_id]')).toBe(sandboxOrgs.acme);
    expect(await page.inputValue('input[name=api_key]')).toBe('');
    expect(await page.textContent('.signin-submit')).toBe('Continue conversation');
    await page.screenshot({ path: join(screenshotDir, 'cluster-resume-sign-in.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(screenshotDir, 'cluster-resume-sign-in-phone.png') });

    // Another teammate's key does not open it.
    await page.fill('input[name=api_key]', sandboxTokens.bob);
    await page.click('.signin-submit');
    await expect.poll(() => page.textContent('.signin-error'), { timeout: 20_000 }).toMatch(/do not match this conversation/);

    await page.fill('input[name=api_key]', sandboxTokens.alice);
    await page.click('.signin-submit');
    await expect.poll(() => page.getAttribute('.conn', 'data-status'), { timeout: 30_000 }).toBe('ready');
    const texts = await page.locator('.msg .md, .msg-user').allTextContents();
    expect(texts.join('\n')).toContain('Remember the code word PELICAN-42.');
    expect(texts.join('\n')).toContain('PELICAN-42');
    await page.screenshot({ path: join(screenshotDir, 'cluster-resumed-phone.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.fill('textarea', 'What was the code word?');
    await page.keyboard.press('Enter');
    // The third answer, asked on node C, still knows the word from node A's turn.
    await expect.poll(() => page.locator('.msg-assistant').nth(2).textContent(), { timeout: 20_000 }).toContain('PELICAN-42');
    await page.waitForSelector('.msg-assistant[aria-busy="false"] >> nth=2');
    await page.screenshot({ path: join(screenshotDir, 'cluster-resumed.png') });
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
