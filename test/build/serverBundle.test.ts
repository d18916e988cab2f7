import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { repoRoot } from '../helpers/serveProcess';

const serverOut = join(repoRoot, 'out/server');
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

/** Every bare module specifier the built files import (static or dynamic) or require, by file. */
function bareImports(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) {
        // Code, not comments or generated-code strings (ajv and pino mention require() in both).
        const code = readFileSync(path, 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\*|\/\/)/.test(line) && !line.includes('`require('))
          .join('\n');
        for (const match of code.matchAll(/(?:^import\s[^'"]*?from\s*|^import\s*|\bimport\(\s*|\brequire\(\s*)["']([^"'.][^"']*)["']/gm)) {
          const specifier = match[1]!;
          // Node's own modules, with or without the `node:` prefix (some dependencies write `require('stream')`).
          if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) found.set(specifier, path);
        }
      }
    }
  };
  walk(serverOut);
  return found;
}

const packageName = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the server build (npm run build:server, run by pretest)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'server-bundle-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports nothing but production dependencies (it bundles them), so `npm ci --omit=dev` is always enough', () => {
    const imports = bareImports();
    const strays = [...imports].filter(([specifier]) => !(packageName(specifier) in manifest.dependencies));
    expect(strays).toEqual([]);
  });

  it('serve.js starts with plain node (no tsx), away from node_modules, and answers /healthz', async () => {
    // A copy outside the checkout: nothing can be resolved from the project's node_modules.
    cpSync(serverOut, join(dataDir, 'out/server'), { recursive: true });
    cpSync(join(repoRoot, 'out/web'), join(dataDir, 'out/web'), { recursive: true });
    const child = spawn(
      process.execPath,
      [
        join(dataDir, 'out/server/serve.js'),
        '--sandbox',
        '--port',
        '0',
        '--mcp-port',
        '0',
        '--no-mdns',
        '--data-dir',
        join(dataDir, 'data'),
      ],
      { cwd: dataDir, env: { ...process.env, ANTHROPIC_API_KEY: '', GATEWAY_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const banner = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('Press Ctrl+C to stop.')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`serve.js exited with ${code}:\n${out}\n${err}`)));
      });
      const health = /Health\s+(http:\/\/\S+)/.exec(banner)?.[1];
      expect(health).toBeDefined();
      const response = await fetch(health!);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { status: string }).status).toBe('ok');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
