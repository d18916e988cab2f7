/** Issue 12 §3: "Always allow" is offered only for non-destructive writes; a destructive tool asks every time. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { lastToolResults, lastUserText, textReply, toolReply, type FakeReply, type FakeRequest } from '../fakes/anthropic/replies';
import { startStack, type Stack } from '../integration/support/stack';
import { TestClient } from '../integration/support/wsClient';

/** "archive RUN" archives a process (destructive), "tag NAME" creates a tag (a write). */
function model(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  if (results.length) return textReply(results[0]!.is_error ? 'Not done.' : 'Done.');
  const text = lastUserText(request);
  const archive = /archive (\w+)/i.exec(text);
  if (archive) return toolReply([{ name: 'archive_process', input: { run_id: archive[1] } }]);
  const tag = /tag (\w+)/i.exec(text);
  if (tag) return toolReply([{ name: 'create_tag', input: { title: tag[1] } }]);
  return textReply('Nothing to do.');
}

describe('security: "Always allow" (issue 12 §3)', () => {
  let stack: Stack;
  let client: TestClient;

  beforeAll(async () => {
    stack = await startStack();
    stack.fake.setFallback(model);
    client = await TestClient.open(stack.url);
    await client.request(
      { type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme, extensions: ['tools', 'approvals'] },
      'auth_success',
    );
  });
  afterAll(async () => {
    client?.close();
    await stack?.close();
  });

  it('is not offered for a destructive tool, and an "always" answer to one is a plain allow (the next call asks again)', async () => {
    const runId = 'a'.repeat(32);
    const ask = await client.request({ type: 'query', content: `archive ${runId}` }, 'approval_request', 15_000);
    expect(ask).toMatchObject({ tool: 'archive_process', destructive: true });
    expect(ask.allow_always).toBeUndefined();
    const done = client.next('response', 15_000);
    client.send({ type: 'approval', request_id: ask.request_id, approved: true, always: true });
    await done;
    const again = await client.request({ type: 'query', content: `archive ${runId}` }, 'approval_request', 15_000);
    expect(again).toMatchObject({ tool: 'archive_process' });
    const denied = client.next('response', 15_000);
    client.send({ type: 'approval', request_id: again.request_id, approved: false });
    await denied;
  }, 30_000);

  it('is offered for a non-destructive write', async () => {
    const ask = await client.request({ type: 'query', content: 'tag Gamma' }, 'approval_request', 15_000);
    expect(ask).toMatchObject({ tool: 'create_tag', destructive: false, allow_always: true });
    const done = client.next('response', 15_000);
    client.send({ type: 'approval', request_id: ask.request_id, approved: false });
    await done;
  }, 30_000);
});
