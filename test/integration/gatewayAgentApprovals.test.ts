import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { errorReply, lastToolResults, lastUserText, textReply, toolReply, type FakeReply, type FakeRequest } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient, type Frame } from './support/wsClient';

let running: Stack | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const all = ['stream', 'tools', 'approvals', 'cancel', 'resume', 'idle'];
const originalTypes = ['connection_established', 'auth_success', 'auth_error', 'processing', 'response', 'info', 'error', 'pong'];

/** "tag NAME" creates a tag, "folder NAME" a folder (both writes that ask); then it reports the tool's outcome. */
function writerModel(request: FakeRequest): FakeReply {
  const results = lastToolResults(request);
  if (results.length) return textReply(results[0]!.is_error ? `Not done: ${results[0]!.content}` : `Done: ${results[0]!.content}`);
  const text = lastUserText(request);
  const tag = /tag (\w+)/i.exec(text);
  if (tag) return toolReply([{ name: 'create_tag', input: { title: tag[1] } }], 'Creating the tag.');
  const folder = /folder (\w+)/i.exec(text);
  if (folder) return toolReply([{ name: 'create_folder', input: { name: folder[1] } }], 'Creating the folder.');
  return textReply('Nothing to do.');
}

/** Frames of `types` from index `from` on. */
function since(client: TestClient, from: number, ...types: string[]): Frame[] {
  return client.frames.slice(from).filter((frame) => types.includes(frame.type));
}

async function signIn(url: string, extensions?: string[]): Promise<TestClient> {
  const client = await TestClient.open(url);
  await client.request(
    { type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme, ...(extensions ? { extensions } : {}) },
    'auth_success',
  );
  return client;
}

describe('approvals with the real agent: "always allow this tool for the rest of the session"', () => {
  it('shows the chip awaiting approval, remembers an always-answer for that tool only, and forgets it on clear and in a new session', async () => {
    running = await startStack();
    running.fake.setFallback(writerModel);
    const client = await signIn(running.addresses.wsUrl, all);

    // 1. The first create_tag asks; the chip is there (awaiting approval) before the question.
    let mark = client.frames.length;
    const ask = await client.request({ type: 'query', content: 'Please tag Alpha', query_id: 'q1' }, 'approval_request', 15_000);
    const [pending] = since(client, mark, 'tool_call');
    expect(pending).toMatchObject({ query_id: 'q1', tool: 'create_tag', status: 'awaiting_approval', args: { title: 'Alpha' } });
    expect(client.frames.indexOf(pending!)).toBeLessThan(client.frames.indexOf(ask));
    expect(ask).toMatchObject({ tool: 'create_tag', call_id: pending!.call_id, allow_always: true });
    const resolved = client.next('approval_resolved');
    const first = client.next('response', 15_000);
    client.send({ type: 'approval', request_id: ask.request_id, approved: true, always: true });
    expect(await resolved).toMatchObject({ approved: true, always: true, call_id: pending!.call_id, reason: 'answered' });
    expect((await first).content).toContain('Alpha');
    // Still one tool_call and one tool_result for the call.
    expect(since(client, mark, 'tool_call', 'tool_result').map((frame) => `${frame.type}:${String(frame.status)}`)).toEqual([
      'tool_call:awaiting_approval',
      'tool_result:ok',
    ]);

    // 2. The same tool again: not asked, runs at once.
    mark = client.frames.length;
    expect((await client.request({ type: 'query', content: 'And tag Beta', query_id: 'q2' }, 'response', 15_000)).content).toContain('Beta');
    expect(since(client, mark, 'approval_request')).toEqual([]);
    expect(since(client, mark, 'tool_call', 'tool_result').map((frame) => `${frame.type}:${String(frame.status)}`)).toEqual([
      'tool_call:undefined',
      'tool_result:ok',
    ]);

    // 3. A different write tool still asks; a denial shows on its chip.
    mark = client.frames.length;
    const folderAsk = await client.request({ type: 'query', content: 'Make a folder Gamma', query_id: 'q3' }, 'approval_request', 15_000);
    expect(folderAsk).toMatchObject({ tool: 'create_folder', allow_always: true });
    const denied = client.next('response', 15_000);
    client.send({ type: 'approval', request_id: folderAsk.request_id, approved: false, always: true });
    expect((await denied).content).toMatch(/Not done/);
    expect(since(client, mark, 'tool_call', 'tool_result').map((frame) => `${frame.type}:${String(frame.status)}`)).toEqual([
      'tool_call:awaiting_approval',
      'tool_result:denied',
    ]);

    // 4. `clear` forgets the grant: create_tag asks again.
    expect(await client.request({ type: 'query', content: 'clear' }, 'info')).toMatchObject({ code: 'history_cleared' });
    const again = await client.request({ type: 'query', content: 'tag Delta' }, 'approval_request', 15_000);
    expect(again.tool).toBe('create_tag');
    const done = client.next('response', 15_000);
    client.send({ type: 'approval', request_id: again.request_id, approved: true });
    expect((await done).content).toContain('Delta');

    // 5. A new session of the same user does not inherit anything.
    const other = await signIn(running.addresses.wsUrl, all);
    const otherAsk = await other.request({ type: 'query', content: 'tag Epsilon' }, 'approval_request', 15_000);
    expect(otherAsk.tool).toBe('create_tag');
    other.send({ type: 'approval', request_id: otherAsk.request_id, approved: false });
    await other.next('response', 15_000);

    // The tags really exist in the sandbox (alice's own), the denied folder does not.
    const tags = running.sandbox.requestLog.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/tags') && entry.status < 300);
    expect(tags).toHaveLength(3);
    expect(running.sandbox.requestLog.some((entry) => entry.method === 'POST' && entry.path.endsWith('/folders'))).toBe(false);
    client.close();
    other.close();
  }, 30_000);

  it('an old client answers "always" in plain text (the question says so) and is not asked again for that tool', async () => {
    running = await startStack();
    running.fake.setFallback(writerModel);
    const client = await signIn(running.addresses.wsUrl);
    const question = await client.request({ type: 'query', content: 'tag Zeta' }, 'info', 15_000);
    expect(question).toMatchObject({ code: 'approval_needed' });
    expect(question.message).toContain('"always" to allow create_tag for the rest of this session');
    const approved = client.next('info');
    const answer = client.next('response', 15_000);
    client.send({ type: 'query', content: 'Always' });
    expect(await approved).toMatchObject({ code: 'approved', message: expect.stringContaining('will not ask again') });
    expect((await answer).content).toContain('Zeta');

    const mark = client.frames.length;
    expect((await client.request({ type: 'query', content: 'tag Eta' }, 'response', 15_000)).content).toContain('Eta');
    expect(client.frames.slice(mark).filter((frame) => frame.code === 'approval_needed')).toEqual([]);
    // A different write tool still asks.
    expect(await client.request({ type: 'query', content: 'folder Theta' }, 'info', 15_000)).toMatchObject({ code: 'approval_needed' });
    const refused = client.next('response', 15_000);
    client.send({ type: 'query', content: 'no' });
    expect((await refused).content).toMatch(/Not done/);
    expect(client.types().filter((type) => !originalTypes.includes(type))).toEqual([]);
    client.close();
  }, 30_000);
});

describe("the agent's retries reach the client", () => {
  it('a 529 then success: old clients get an info "Claude is busy, retrying in N s…", extension clients the same with query_id and retry_in_ms', async () => {
    running = await startStack();
    const old = await signIn(running.addresses.wsUrl);
    running.fake.enqueue(errorReply(529), textReply('Back again.'));
    const info = old.next('info', 15_000);
    const answer = old.next('response', 15_000);
    old.send({ type: 'query', content: 'Hello?' });
    expect(await info).toMatchObject({ code: 'retrying', message: expect.stringMatching(/^Claude is busy, retrying in \d+ s…$/) });
    expect((await answer).content).toBe('Back again.');
    expect(old.types().filter((type) => !originalTypes.includes(type))).toEqual([]);

    const modern = await signIn(running.addresses.wsUrl, all);
    running.fake.enqueue(errorReply(529), textReply('Second time lucky.'));
    const retry = modern.next('info', 15_000);
    const done = modern.next('response', 15_000);
    modern.send({ type: 'query', content: 'Hello again?', query_id: 'q-retry' });
    expect(await retry).toMatchObject({ code: 'retrying', query_id: 'q-retry', retry_in_ms: expect.any(Number) });
    expect((await done).content).toBe('Second time lucky.');
    const types = modern.types();
    expect(types.indexOf('info')).toBeGreaterThan(types.indexOf('processing'));
    expect(running.fake.messageRequests.length).toBe(4);
    old.close();
    modern.close();
  }, 30_000);
});
