import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { haveRedisServer, startClusterStack, until, type ClusterStack } from '../integration/cluster/clusterStack';

import { launchChromium, screenshotDir } from './support';

/** Node A's browser admin in a two-node cluster: the Sessions table's Node column, a kick across nodes, the cluster's health. */
describe.skipIf(!haveRedisServer && !process.env.CI)('the browser admin of a cluster node', () => {
  let stack: ClusterStack;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `cluster-${name}.png`) });
  const row = (name: string) => page.locator(`[data-testid="session-row"][data-user^="${name}"]`);

  beforeAll(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    [stack, browser] = await Promise.all([startClusterStack(), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  }, 30_000);

  it('lists both nodes’ teammates with their node, kicks one held by node B, and shows the cluster degraded while Redis is away', async () => {
    const alice = await stack.signIn('node-a');
    const bob = await stack.signIn('node-b', { apiKey: sandboxTokens.bob });
    await page.goto(`${stack.node('node-a').httpUrl}/admin#token=${stack.adminToken}`);
    await page.waitForSelector('section.page[aria-label="Overview"]');
    await page.locator('dt', { hasText: 'Cluster (Redis)' }).waitFor();
    await page.locator('dd', { hasText: '2 nodes on Redis' }).waitFor({ timeout: 15_000 });
    await shot('overview');

    await page.click('[data-nav="sessions"]');
    await page.waitForSelector('section.page[aria-label="Sessions"]');
    await row('Bob').waitFor({ timeout: 15_000 });
    expect(await row('Bob').locator('[data-testid="session-node"]').textContent()).toBe('node-b');
    expect(await row('Alice').locator('[data-testid="session-node"]').textContent()).toBe('node-a');
    await expect(page.locator('th', { hasText: 'Node' }).count()).resolves.toBe(1);
    // The Node column fits at 1280 px too: no sideways scrolling, Disconnect covers no count (the expiry sits under Last active).
    expect(await page.locator('.table-card').evaluate((element) => element.scrollWidth - element.clientWidth)).toBeLessThanOrEqual(0);
    expect(await row('Bob').locator('td[data-col="lastActiveAt"]').textContent()).toMatch(/expires in \d/);
    await shot('sessions');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('sessions-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    await row('Bob').locator('[data-testid="kick"]').click();
    await page.fill('[data-testid="kick-reason"]', 'Moving you to another node');
    await page.click('[data-testid="kick-confirm"]');
    expect((await bob.client.waitClose(10_000)).reason).toBe('kicked');
    expect(JSON.stringify(bob.client.frames)).toContain('Moving you to another node');
    await row('Bob').waitFor({ state: 'detached', timeout: 10_000 });

    await stack.redis.kill();
    await page.click('[data-nav="overview"]');
    await page.locator('[data-testid="health-status"]', { hasText: 'degraded' }).waitFor({ timeout: 15_000 });
    await shot('overview-degraded');
    await stack.redis.restart();
    await until('ok again', async () => (await stack.health('node-a')).status === 'ok');
    alice.client.close();
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
