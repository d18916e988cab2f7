import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { repoRoot } from '../helpers/serveProcess';

const out = join(repoRoot, 'out');

describe('the desktop build (npm run build, run by pretest)', () => {
  it('main bundle loads in Node with electron stubbed: every import it keeps external resolves', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        './test/build/electronStubHook.mjs',
        '--input-type=module',
        '-e',
        "await import('./out/main/index.js'); console.log('LOADED'); process.exit(0);",
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.stdout).toContain('LOADED');
    expect(result.status).toBe(0);
  });

  it('preload is CommonJS that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const preload = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
  });

  it('renderer and web pages are built', () => {
    for (const file of ['renderer/index.html', 'web/index.html', 'web/chat.html']) expect(existsSync(join(out, file)), file).toBe(true);
  });
});
