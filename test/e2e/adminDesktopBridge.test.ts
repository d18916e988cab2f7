import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startServe, type ServeProcess } from '../helpers/serveProcess';
import { TestClient } from '../integration/support/wsClient';

import { launchChromium } from './support';

/**
 * The desktop window's renderer talks to main through `window.api` (the preload). Without
 * Electron here, the page gets a `window.api` of the same shape whose calls cross into Node
 * (`page.exposeFunction`, structured-cloned like IPC), where they reach the core's admin contract.
 * Proves the app picks the IPC bridge when the preload is there and works the same through it.
 */
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let events: WebSocket;
const requests: string[] = [];

beforeAll(async () => {
  serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], { env: { GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-bridge-')), ANTHROPIC_API_KEY: '' } });
  await serve.ready;
  const adminUrl = new URL(serve.url('Admin'));
  const token = adminUrl.hash.replace('#token=', '');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // main: the admin contract, reached from the page only through these two functions.
  await page.exposeFunction('__ipcInvoke', async (route: string, input: unknown) => {
    requests.push(route);
    const response = await fetch(`${adminUrl.origin}/admin/api/${route}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(input ?? {}) });
    return response.json();
  });
  events = new WebSocket(`${adminUrl.origin.replace('http', 'ws')}/admin/events`, ['gateway-admin', `token.${token}`]);
  const opened = new Promise((resolve) => events.once('open', resolve));
  events.on('message', (data) => {
    const { event, payload } = JSON.parse(String(data)) as { event: string; payload: unknown };
    void page.evaluate(([name, body]) => (window as unknown as { __ipcEmit?: (n: string, b: unknown) => void }).__ipcEmit?.(name as string, body), [event, payload] as const).catch(() => undefined);
  });
  // preload: exactly window.api.request / window.api.on, as electron/preload/index.ts exposes them.
  await page.addInitScript(() => {
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    const host = window as unknown as { __ipcInvoke: (route: string, input: unknown) => Promise<unknown>; __ipcEmit: (name: string, payload: unknown) => void; api: unknown };
    host.__ipcEmit = (name, payload) => listeners.get(name)?.forEach((listener) => listener(payload));
    host.api = Object.freeze({
      request: (route: string, input: unknown) => host.__ipcInvoke(route, input),
      on: (event: string, listener: (payload: unknown) => void) => {
        const set = listeners.get(event) ?? new Set();
        set.add(listener);
        listeners.set(event, set);
        return () => set.delete(listener);
      },
    });
  });
  await opened;
}, 40_000);

afterAll(async () => {
  events?.close();
  await browser?.close();
  serve?.child.kill('SIGTERM');
  await serve?.exited;
});

describe('the admin view over the desktop bridge (window.api)', () => {
  it('uses window.api instead of asking for a token, and shows live sessions through it', async () => {
    // No #token in the address: over IPC the window is trusted by main, not by a token.
    await page.goto(`${new URL(serve.url('Admin')).origin}/admin#/sessions`);
    await page.waitForSelector('section.page[aria-label="Sessions"]');
    expect(await page.locator('input[aria-label="Admin token"]').count()).toBe(0);
    expect(requests).toContain('sessions.list');
    const client = await TestClient.open(serve.url('WebSocket'));
    client.send({ type: 'auth', api_key: sandboxTokens.dave, org_id: sandboxOrgs.beta });
    await client.next('auth_success');
    await page.locator('[data-testid="session-row"][data-user^="Dave"]').waitFor({ timeout: 2000 });
    client.close();
  });
});
