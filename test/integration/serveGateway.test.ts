import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic/fakeAnthropic';
import { startServe, type ServeProcess } from '../helpers/serveProcess';

import { TestClient } from './support/wsClient';

let serve: ServeProcess | undefined;
let fake: FakeAnthropic | undefined;
afterEach(async () => {
  serve?.child.kill('SIGKILL');
  serve = undefined;
  await fake?.close();
  fake = undefined;
});

describe('npm run serve -- --sandbox (a separate process)', () => {
  it('accepts an old-protocol client that signs in as alice and answers from a real tool call, then shuts down telling the client (1001)', async () => {
    fake = await startFakeAnthropic(); // the demo responder calls a task-listing tool, then summarises it
    serve = startServe(['--sandbox', '--port', '0', '--mcp-port', '0'], {
      env: { ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: 'x', GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-serve-')) },
    });
    const banner = await serve.ready;
    expect(banner).toMatch(/Sandbox\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toContain('sandbox-alice');
    expect(banner).toMatch(/MCP\s+http:\/\/127\.0\.0\.1:\d+\/mcp/);
    const client = await TestClient.open(serve.url('WebSocket'));
    expect(await client.request({ type: 'auth', api_key: 'wrong-key', org_id: sandboxOrgs.acme }, 'auth_error')).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    const success = await client.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme }, 'auth_success');
    expect(success.user).toMatchObject({ name: 'Alice Nguyen', email: 'alice@acme.example' });
    await client.request({ type: 'query', content: 'What tasks do I have?' }, 'processing');
    const response = await client.next('response', 15_000);
    expect(response.content).toMatch(/Here is what I found/);
    expect(response.content).toMatch(/found:|Nothing found/);
    const toolCall = fake.messageRequests.find((request) =>
      request.body.messages?.some(
        (message) => Array.isArray(message.content) && message.content.some((block) => block.type === 'tool_result'),
      ),
    );
    expect(toolCall).toBeDefined();
    expect(client.types()).toEqual(['connection_established', 'auth_error', 'auth_success', 'processing', 'response']);

    const health = await (await fetch(serve.url('Health'))).json();
    expect(health).toMatchObject({ status: 'ok', mode: 'sandbox', agent: 'claude', sessions: { active: 1 } });
    const page = await fetch(serve.url('Web chat'));
    expect(page.headers.get('content-type')).toContain('text/html');

    serve.child.kill('SIGTERM');
    expect((await client.waitClose(10_000)).code).toBe(1001);
    expect(client.frames.at(-1)).toMatchObject({ type: 'info', code: 'shutdown' });
    expect(await serve.exited).toBe(0);
  }, 40_000);
});
