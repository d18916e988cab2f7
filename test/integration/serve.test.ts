import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { healthSchema } from '../../shared/types/health';
import { repoRoot, startServe, type ServeProcess } from '../helpers/serveProcess';

const running: ServeProcess[] = [];
const env = () => ({ GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-serve-')), ANTHROPIC_API_KEY: '' });

afterEach(() => {
  for (const serve of running.splice(0)) serve.child.kill('SIGKILL');
});

describe('npm run serve (headless entry)', () => {
  it('answers /healthz, loads no electron module, and exits 0 on SIGTERM', async () => {
    const serve = startServe(['--port', '0', '--mcp-port', '0'], { env: env(), guard: true });
    running.push(serve);
    await serve.ready;
    const health = healthSchema.parse(await (await fetch(serve.url('Health'))).json());
    expect(health.status).toBe('ok');
    expect(health.services.gateway.running).toBe(true);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr()).not.toContain('ELECTRON_LOADED');
  });

  it('banners the Anthropic key saved in the settings as Claude, not as direct tool mode (regression: it read the flags and environment only)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gw-serve-'));
    writeFileSync(join(dataDir, 'secrets.json'), JSON.stringify({ anthropicApiKey: 'sk-ant-saved-in-settings-0001' }), { mode: 0o600 });
    const serve = startServe(['--port', '0', '--mcp-port', '0'], { env: { GATEWAY_DATA_DIR: dataDir, ANTHROPIC_API_KEY: '', ANTHROPIC_MODEL: 'claude-test-model' } });
    running.push(serve);
    const banner = await serve.ready;
    expect(banner).toMatch(/Claude\s+claude-test-model/);
    expect(banner).not.toContain('direct tool mode');
    expect(banner).not.toContain('sk-ant-saved-in-settings-0001');
    expect(healthSchema.parse(await (await fetch(serve.url('Health'))).json()).agent).toBe('claude');
  });

  it('explains a bad flag in one line and exits 2', async () => {
    const serve = startServe(['--port', 'seventy'], { env: env() });
    running.push(serve);
    expect(await serve.exited).toBe(2);
    expect(serve.stderr().trim().split('\n')).toHaveLength(1);
    expect(serve.stderr()).toMatch(/--port/);
  });

  it('explains a bad environment value and exits 2', async () => {
    const serve = startServe([], { env: { ...env(), GATEWAY_IDLE_TIMEOUT: '-5' } });
    running.push(serve);
    expect(await serve.exited).toBe(2);
    expect(serve.stderr()).toMatch(/GATEWAY_IDLE_TIMEOUT/);
  });
});

describe('the no-electron guard', () => {
  it('fails a process that loads electron', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/guard/noElectron.mjs', '--input-type=module', '-e', "await import('electron')"], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(err).toContain('ELECTRON_LOADED');
    expect(code).toBe(97);
  });
});
