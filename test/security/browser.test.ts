/**
 * Issue 12 §3 in a real browser (Debian's Chromium): the invite's `#code=` leaves the address
 * bar and the history as soon as the page has read it, and the chat page may open sockets only
 * to its own origin (a page script cannot send a teammate's data elsewhere).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchChromium } from '../e2e/support';
import { startStack, type Stack } from '../integration/support/stack';

describe('security: the web chat page in Chromium (issue 12 §3)', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('removes #code= from the address bar once read, without adding a history entry', async () => {
    const control = await browser.newPage();
    await control.goto(`${stack.httpUrl}/`);
    await control.waitForSelector('input[name=api_key]');
    const entries = await control.evaluate(() => history.length);
    await control.close();
    const page = await browser.newPage();
    await page.goto(`${stack.httpUrl}/#code=K7QM-2XPA-9HTD`);
    await page.waitForSelector('input[name=api_key]');
    await expect.poll(() => page.url()).toBe(`${stack.httpUrl}/`);
    // Replaced, not pushed: the history holds no entry with the code.
    expect(await page.evaluate(() => history.length)).toBe(entries);
    await page.close();
  }, 30_000);

  it("lets the page open sockets to its own origin only (CSP connect-src 'self')", async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.httpUrl}/`);
    await page.waitForSelector('input[name=api_key]');
    const outcome = await page.evaluate(
      (origin) =>
        new Promise<{ foreign: string; own: string }>((resolve) => {
          const result = { foreign: 'allowed', own: 'pending' };
          document.addEventListener('securitypolicyviolation', (event) => {
            if (event.blockedURI.includes(':9')) result.foreign = `blocked by ${event.effectiveDirective}`;
          });
          try {
            new WebSocket('ws://127.0.0.1:9/');
          } catch {
            result.foreign = 'blocked by connect-src';
          }
          const own = new WebSocket(origin.replace(/^http/, 'ws') + '/');
          own.onopen = () => {
            result.own = 'open';
            own.close();
            setTimeout(() => resolve(result), 200);
          };
          own.onerror = () => {
            result.own = 'error';
            resolve(result);
          };
        }),
      stack.httpUrl,
    );
    expect(outcome).toEqual({ foreign: 'blocked by connect-src', own: 'open' });
    await page.close();
  }, 30_000);
});
