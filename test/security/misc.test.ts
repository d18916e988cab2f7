/**
 * Issue 12 §3, the smaller doors: secrets from files instead of the command line (which every
 * local user can read), the stdio MCP server answering malformed JSON-RPC, the invite code
 * leaving the address bar.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, overriddenKeys, usage } from '../../electron/core/config/config';
import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startSandbox } from '../../electron/core/tallyfy/sandbox/server';
import { removeHashParam, withoutHashParam } from '../../renderer/src/lib/hashParam';

const dir = mkdtempSync(join(tmpdir(), 'gateway-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('security: secrets from files (issue 12 §3)', () => {
  const codeFile = join(dir, 'code.txt');
  const tokenFile = join(dir, 'token.txt');
  writeFileSync(codeFile, 'K7QM-2XPA-9HTD\n');
  writeFileSync(tokenFile, '  admin-token-from-a-file-0123456789  \nsecond line ignored\n');
  const base = ['--data-dir', join(dir, 'data')];

  it('reads --access-code-file and --admin-token-file (first line, trimmed), and the same from the environment', () => {
    const byFlag = loadConfig([...base, '--access-code-file', codeFile, '--admin-token-file', tokenFile], {}).config;
    expect(byFlag).toMatchObject({ accessCode: 'K7QM-2XPA-9HTD', adminToken: 'admin-token-from-a-file-0123456789' });
    const byEnv = loadConfig(base, { GATEWAY_ACCESS_CODE_FILE: codeFile, GATEWAY_ADMIN_TOKEN_FILE: tokenFile }).config;
    expect(byEnv).toMatchObject({ accessCode: 'K7QM-2XPA-9HTD', adminToken: 'admin-token-from-a-file-0123456789' });
    expect(overriddenKeys(['--admin-token-file', tokenFile], { GATEWAY_ACCESS_CODE_FILE: codeFile }).sort()).toEqual([
      'accessCode',
      'adminToken',
    ]);
  });

  it('says clearly what is wrong with a missing file, or with a secret given twice', () => {
    expect(() => loadConfig([...base, '--admin-token-file', join(dir, 'nope.txt')], {})).toThrow(ConfigError);
    expect(() => loadConfig([...base, '--admin-token-file', join(dir, 'nope.txt')], {})).toThrow(/--admin-token-file.*cannot read.*ENOENT/);
    expect(() => loadConfig([...base, '--access-code', 'abcd-efgh', '--access-code-file', codeFile], {})).toThrow(/not both/);
  });

  it('--help says the plain flags are visible to other local users and offers the file flags', () => {
    expect(usage).toMatch(/--access-code CODE[^\n]*\n[^\n]*visible to every local user[^\n]*--access-code-file/);
    expect(usage).toMatch(/--admin-token TOKEN[^\n]*\n[^\n]*visible to every local user[^\n]*--admin-token-file/);
    expect(usage).toContain('GATEWAY_ACCESS_CODE_FILE');
    expect(usage).toContain('GATEWAY_ADMIN_TOKEN_FILE');
  });
});

describe('security: the stdio MCP server answers malformed JSON-RPC (issue 12 §3)', () => {
  it('answers a line that is not JSON with -32700, and JSON that is not JSON-RPC with -32600, and keeps serving', async () => {
    const sandbox = await startSandbox({ port: 0 });
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)), ['electron/core/mcp/transports/stdio.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TALLYFY_API_KEY: sandboxTokens.alice,
        TALLYFY_ORG_ID: sandboxOrgs.acme,
        TALLYFY_API_URL: sandbox.url,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let buffer = '';
    const seen = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let index: number;
        while ((index = buffer.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(buffer.slice(0, index)) as Record<string, unknown>);
          buffer = buffer.slice(index + 1);
        }
        if (lines.some((line) => line.id === 7)) resolve();
      });
    });
    try {
      child.stdin.write('this is not json\n');
      child.stdin.write('{"hello":"world"}\n');
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' })}\n`);
      const timeout = new Promise<never>((_resolve, reject) => {
        setTimeout(() => reject(new Error(`no answer; got ${JSON.stringify(lines)}`)), 20_000).unref();
      });
      await Promise.race([seen, timeout]);
      expect(lines[0]).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
      expect(lines[1]).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
      expect(lines.find((line) => line.id === 7)).toMatchObject({ jsonrpc: '2.0', id: 7, result: {} });
    } finally {
      child.kill('SIGTERM');
      await sandbox.close();
    }
  }, 30_000);
});

describe('security: the invite code leaves the address bar (issue 12 §3)', () => {
  it('removes #code= from the fragment, keeping the rest, without a history entry', () => {
    expect(withoutHashParam('#code=K7QM-2XPA', 'code')).toBe('');
    expect(withoutHashParam('#x=1&code=K7QM&y=2', 'code')).toBe('#x=1&y=2');
    const calls: string[] = [];
    removeHashParam(
      'code',
      { hash: '#code=K7QM-2XPA', pathname: '/', search: '?lang=en' },
      { replaceState: (_data, _unused, url) => calls.push(String(url)) },
    );
    expect(calls).toEqual(['/?lang=en']);
  });
});
