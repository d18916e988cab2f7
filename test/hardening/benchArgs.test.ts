import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { BenchUsageError, parseBenchArgs } from '../../bench/lib/args';
import { repoRoot } from '../helpers/serveProcess';

describe('npm run bench options', () => {
  it('defaults: every section, 200 clients, 10 s, 1,000 then 10,000 sessions, createCore with the lean fetch', () => {
    expect(parseBenchArgs([])).toEqual({
      clients: 200,
      sections: new Set(['1', '2', '3', '4', '5', '6', '7', '8', '9']),
      seconds: 10,
      sessions: [1000, 10000],
      compose: 'core',
      gatewayFetch: 'lean',
      mcpCalls: 2000,
      mcpConcurrency: 32,
    });
  });

  it('takes section names beside numbers, and every flag', () => {
    const args = parseBenchArgs(['--sections', 'MCP, 1', '--clients', '50', '--seconds', '2.5', '--sessions', '40', '--gateway', 'parts', '--gateway-fetch', 'global', '--mcp-calls', '30', '--profile', '/tmp/p']);
    expect(args).toEqual({ clients: 50, sections: new Set(['3', '1']), seconds: 2.5, sessions: [40], compose: 'parts', gatewayFetch: 'global', mcpCalls: 30, mcpConcurrency: 32, profile: '/tmp/p' });
  });

  it.each([
    [['--sections', '10'], /--sections takes .* got "10"/],
    [['--sections', 'overhed'], /got "overhed"/],
    [['--gateway', 'prts'], /--gateway must be core or parts, got "prts"/],
    [['--gateway-fetch', 'undici'], /--gateway-fetch must be lean or global/],
    [['--mcp-calls', 'many'], /--mcp-calls must be a whole number/],
    [['--sessions', '1000,abc'], /--sessions must be a whole number 1–10000, got "abc"/],
    [['--clients', '0'], /--clients must be a whole number 1–5000/],
    [['--seconds', '0.5'], /--seconds must be 1–300/],
    [['--client', '5'], /Unknown option '--client'/],
  ])('refuses %j with a message that names the flag', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('the bench stops with exit code 2, the reason and the usage before starting anything', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--sections', '10'], { cwd: repoRoot, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('bench: --sections takes');
    expect(run.stderr).toContain('usage: npm run bench --');
    expect(run.stderr).not.toContain('§');
  });
});
