/**
 * Launch smoke test of the real desktop app, for machines where Electron's binary can be
 * downloaded: `npm run test:electron`. Never part of `npm test` or CI (the binary cannot be had
 * there). Builds nothing itself (the npm script builds first), launches out/main with a fresh data
 * folder on the embedded sandbox, and checks the window: locked down (no Node in the page, the
 * preload's `window.api` present), the admin view rendering live health over IPC.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { _electron } from 'playwright-core';

import { repoRoot } from '../helpers/serveProcess';

function electronBinary(): string {
  try {
    // The `electron` package's main export is the binary's path; requiring it downloads the binary on first use.
    return createRequire(import.meta.url)('electron') as string;
  } catch (error) {
    process.stderr.write(`electron smoke: Electron's binary is not available here (${(error as Error).message.split('\n')[0]}).\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const app = await _electron.launch({
    executablePath: electronBinary(),
    args: [join(repoRoot, 'out/main/index.js')],
    cwd: repoRoot,
    env: {
      ...process.env,
      GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-electron-')),
      GATEWAY_SANDBOX: 'true',
      GATEWAY_PORT: '0',
      GATEWAY_MCP_PORT: '0',
      GATEWAY_MDNS: 'false',
    },
    timeout: 60_000,
  });
  const failures: string[] = [];
  try {
    const window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    const page = await window.evaluate(() => ({
      nodeInPage: typeof (globalThis as { require?: unknown }).require !== 'undefined' || typeof (globalThis as { process?: unknown }).process !== 'undefined',
      api: Object.keys((globalThis as { api?: object }).api ?? {}).sort(),
    }));
    if (page.nodeInPage) failures.push('the page can reach Node (require or process is defined)');
    if (page.api.join() !== 'on,request') failures.push(`window.api should expose exactly on and request, got [${page.api.join()}]`);
    await window.getByText('Overview').first().waitFor({ timeout: 20_000 });
    await window.getByText(/Sandbox/).first().waitFor({ timeout: 20_000 });
    const shots = join(repoRoot, 'test-results/screenshots');
    mkdirSync(shots, { recursive: true });
    await window.screenshot({ path: join(shots, 'electron-window.png') });
  } catch (error) {
    failures.push((error as Error).message);
  } finally {
    await app.close();
  }
  if (failures.length > 0) {
    process.stderr.write(`electron smoke: FAILED\n- ${failures.join('\n- ')}\n`);
    process.exit(1);
  }
  process.stdout.write('electron smoke: 1 passed, 0 failed\n');
}

await main();
