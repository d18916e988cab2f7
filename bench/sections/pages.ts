import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { summarize } from '../lib/stats';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The JavaScript a page loads before it can run: its module script and the chunks it preloads. */
export interface PageWeight {
  page: string;
  files: string[];
  rawBytes: number;
  gzipBytes: number;
}

/** Chat page loads in Chromium, cold cache: navigation start until the sign-in form takes input. */
export interface ChatLoad {
  /** `br`/`gzip` as the browser asks (what users get). */
  compressed: { ms: number[]; medianMs: number; transferBytes: number };
  /** The same page with `Accept-Encoding: identity` (as the gateway served it before). */
  identity: { ms: number[]; medianMs: number; transferBytes: number };
}

/** Issue 18 §4: initial JS per page (gzip) and the chat page's time to interactive. */
export interface PagesResult {
  weights: PageWeight[];
  chat?: ChatLoad;
  chatError?: string;
}

function weigh(page: string, htmlFile: string): PageWeight {
  const dir = join(htmlFile, '..');
  const html = readFileSync(htmlFile, 'utf8');
  const files = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)].map((match) => (match[1] ?? match[2])!.replace(/^\.?\//, ''));
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const data = readFileSync(join(dir, file));
    rawBytes += data.length;
    gzipBytes += gzipSync(data, { level: 9 }).length;
  }
  return { page, files, rawBytes, gzipBytes };
}

async function chatLoads(runs: number, log: (line: string) => void): Promise<ChatLoad> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-pages-'));
  const child = spawn(process.execPath, ['out/server/serve.js', '--sandbox', '--port', '0', '--mcp-port', '0', '--no-mdns', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, ANTHROPIC_API_KEY: '', GATEWAY_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // playwright-core loads only when this section runs: `npm run bench` answers a bad flag at once.
  const { launchChromium } = await import('../../test/e2e/support');
  const browser = await launchChromium();
  try {
    const chatUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('pages: serve printed no banner in 60 s')), 60_000);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const url = /Web chat\s+(http:\/\/\S+)/.exec(out)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      });
      child.once('exit', (code) => reject(new Error(`pages: serve exited with ${code}`)));
    });
    const once = async (identity: boolean): Promise<{ ms: number; transferBytes: number }> => {
      const context = await browser.newContext({ ...(identity ? { extraHTTPHeaders: { 'accept-encoding': 'identity' } } : {}) });
      const page = await context.newPage();
      let transferBytes = 0;
      page.on('requestfinished', (request) => {
        void request.sizes().then((sizes) => (transferBytes += sizes.responseBodySize));
      });
      try {
        await page.goto(chatUrl, { waitUntil: 'commit' });
        const input = page.locator('input[name=api_key]');
        await input.waitFor({ state: 'visible', timeout: 30_000 });
        await input.fill('x'); // takes input: the page is interactive
        const ms = await page.evaluate(() => performance.now());
        await page.waitForLoadState('networkidle');
        return { ms, transferBytes };
      } finally {
        await context.close();
      }
    };
    await once(false); // warm the server's file cache
    const compressed: Array<{ ms: number; transferBytes: number }> = [];
    const identity: Array<{ ms: number; transferBytes: number }> = [];
    for (let i = 0; i < runs; i++) {
      compressed.push(await once(false));
      identity.push(await once(true));
      log(`  load ${i + 1}/${runs}: compressed ${Math.round(compressed.at(-1)!.ms)} ms, identity ${Math.round(identity.at(-1)!.ms)} ms`);
    }
    const pack = (list: Array<{ ms: number; transferBytes: number }>): ChatLoad['compressed'] => ({
      ms: list.map((item) => item.ms),
      medianMs: summarize(list.map((item) => item.ms)).p50,
      transferBytes: Math.round(summarize(list.map((item) => item.transferBytes)).p50),
    });
    return { compressed: pack(compressed), identity: pack(identity) };
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Reads the built pages (`npm run build` first) and loads the chat page in Chromium `runs` times. */
export async function runPagesSection(runs: number, log: (line: string) => void): Promise<PagesResult> {
  const pages: Array<[string, string]> = [
    ['web chat (/)', 'out/web/chat.html'],
    ['browser admin (/admin)', 'out/web/index.html'],
    ['desktop renderer', 'out/renderer/index.html'],
  ];
  const weights = pages.filter(([, file]) => existsSync(join(repoRoot, file))).map(([page, file]) => weigh(page, join(repoRoot, file)));
  try {
    return { weights, chat: await chatLoads(runs, log) };
  } catch (error) {
    return { weights, chatError: error instanceof Error ? error.message : String(error) };
  }
}
