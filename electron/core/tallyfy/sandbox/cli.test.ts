import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { parseCliArgs } from './cli';

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

function run(args: string[]) {
  const child = spawn(process.execPath, [tsxCli, cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('sandbox CLI', () => {
  it('parses flags with defaults', () => {
    expect(parseCliArgs([])).toEqual({ host: '127.0.0.1', port: 8100 });
    expect(parseCliArgs(['--port', '0', '--host', '::1', '--seed', 'x.json'])).toEqual({ host: '::1', port: 0, seed: 'x.json' });
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(/--port/);
    expect(() => parseCliArgs(['--bogus'])).toThrow(/usage/);
  });

  it('serves, prints where, and exits 0 on SIGTERM', async () => {
    const proc = run(['--port', '0']);
    const deadline = Date.now() + 10_000;
    while (!/listening on (http:\/\/\S+)/.test(proc.output().stdout) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    const url = /listening on (http:\/\/\S+)/.exec(proc.output().stdout)?.[1];
    expect(url).toBeDefined();
    const response = await fetch(`${url}/organizations/a0000000000000000000000000000001/me/tasks`, {
      headers: { Authorization: 'Bearer sandbox-alice', 'X-Tallyfy-Client': 'APIClient' },
    });
    expect(response.status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('bad flags: one line on stderr, exit 2', async () => {
    const proc = run(['--port', 'seventy']);
    expect(await proc.exited).toBe(2);
    const lines = proc.output().stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/--port/);
  });
});
