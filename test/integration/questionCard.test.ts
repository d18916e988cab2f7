import { afterEach, describe, expect, it } from 'vitest';

import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import { lastToolResults, textReply, toolReply, type FakeReply, type FakeRequest } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient } from './support/wsClient';

let stack: Stack | undefined;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  await stack?.close();
  stack = undefined;
});

/** The model asks with `call`, then repeats the tool result it got. */
function asking(call: { name: string; input: Record<string, unknown> }, seen: string[]) {
  return (request: FakeRequest): FakeReply => {
    const results = lastToolResults(request);
    if (results.length) {
      seen.push(results[0]!.content);
      return textReply(`Result: ${results[0]!.content}`);
    }
    return toolReply([call], 'Let me ask.');
  };
}

async function signIn(extensions: string[]): Promise<TestClient> {
  const client = await TestClient.open(stack!.url);
  clients.push(client);
  await client.request({ type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme, extensions }, 'auth_success', 10_000);
  return client;
}

describe('ask_user_* in the gateway chat', () => {
  it('a client with the questions extension gets a question card; its answer is the tool result the model reads', async () => {
    stack = await startStack({ env: { GATEWAY_TOOL_LOADING: 'all' } });
    const seen: string[] = [];
    stack.fake.setFallback(
      asking(
        {
          name: 'ask_user_question',
          input: {
            question: 'Which vendor should we onboard?',
            fields: [
              { name: 'vendor', label: 'Vendor', type: 'select', options: ['Acme Paper', 'Globex'] },
              { name: 'note', type: 'textarea', required: false },
            ],
          },
        },
        seen,
      ),
    );
    const client = await signIn(['stream', 'tools', 'questions']);
    const asked = client.next(['question'], 15_000);
    client.send({ type: 'query', content: 'onboard a vendor' });
    const question = await asked;
    expect(question).toMatchObject({
      ui: 'question',
      question: 'Which vendor should we onboard?',
      fields: [
        { name: 'vendor', label: 'Vendor', type: 'select', required: true, options: ['Acme Paper', 'Globex'] },
        { name: 'note', type: 'textarea', required: false },
      ],
    });
    const resolved = client.next(['question_resolved'], 15_000);
    const done = client.next(['response', 'error'], 15_000);
    client.send({ type: 'question_answer', request_id: question.request_id, answered: true, answers: { vendor: 'Globex', note: 'asap' } });
    expect(await resolved).toMatchObject({ request_id: question.request_id, reason: 'answered' });
    expect((await done).type).toBe('response');
    expect(JSON.parse(seen[0]!)).toEqual({ answered: true, answers: { vendor: 'Globex', note: 'asap' } });
  });

  it('a ranking and a declined confirmation come back in the tool shapes', async () => {
    stack = await startStack({ env: { GATEWAY_TOOL_LOADING: 'all' } });
    const seen: string[] = [];
    stack.fake.setFallback(asking({ name: 'ask_user_to_rank', input: { question: 'Order these', items: ['A', 'B', 'C'] } }, seen));
    const client = await signIn(['questions']);
    let asked = client.next(['question'], 15_000);
    client.send({ type: 'query', content: 'rank' });
    let question = await asked;
    expect(question).toMatchObject({ ui: 'rank', items: ['A', 'B', 'C'] });
    let done = client.next(['response', 'error'], 15_000);
    client.send({ type: 'question_answer', request_id: question.request_id, answered: true, ranking: ['C', 'A', 'B'] });
    await done;
    expect(JSON.parse(seen[0]!)).toEqual({ answered: true, ranking: ['C', 'A', 'B'] });

    stack.fake.setFallback(
      asking({ name: 'ask_user_to_confirm', input: { question: 'Archive it?', details: 'The run is archived.' } }, seen),
    );
    asked = client.next(['question'], 15_000);
    client.send({ type: 'query', content: 'confirm' });
    question = await asked;
    expect(question).toMatchObject({ ui: 'confirm', question: 'Archive it?', details: 'The run is archived.' });
    done = client.next(['response', 'error'], 15_000);
    client.send({ type: 'question_answer', request_id: question.request_id, answered: false });
    await done;
    expect(JSON.parse(seen[1]!)).toMatchObject({ answered: true, confirmed: false, action: 'decline' });
  });

  it('an old client never receives a question frame: the model gets the question to ask in its reply', async () => {
    stack = await startStack({ env: { GATEWAY_TOOL_LOADING: 'all' } });
    const seen: string[] = [];
    stack.fake.setFallback(asking({ name: 'ask_user_to_confirm', input: { question: 'Archive it?' } }, seen));
    const client = await signIn([]);
    const done = client.next(['response', 'error'], 15_000);
    client.send({ type: 'query', content: 'archive' });
    const response = await done;
    expect(response.type).toBe('response');
    expect(JSON.parse(seen[0]!)).toMatchObject({ status: 'needs_user_answer', ui: 'confirm', question: 'Archive it?' });
    expect(String(response.content)).toContain('Archive it?');
    expect(client.frames.map((frame) => frame.type)).not.toContain('question');
  });

  it('a cancel withdraws the question card (question_resolved cancelled)', async () => {
    stack = await startStack({ env: { GATEWAY_TOOL_LOADING: 'all' } });
    stack.fake.setFallback(asking({ name: 'ask_user_to_confirm', input: { question: 'Archive it?' } }, []));
    const client = await signIn(['questions', 'cancel']);
    const asked = client.next(['question'], 15_000);
    client.send({ type: 'query', content: 'archive' });
    const question = await asked;
    const resolved = client.next(['question_resolved'], 15_000);
    client.send({ type: 'cancel' });
    expect(await resolved).toMatchObject({ request_id: question.request_id, reason: 'cancelled' });
    await client.next(['cancelled'], 15_000);
    // A late answer is refused with a clear code.
    const refused = client.next(['error'], 15_000);
    client.send({ type: 'question_answer', request_id: question.request_id, answered: true, confirmed: true });
    expect(await refused).toMatchObject({ code: 'NO_PENDING_QUESTION' });
  });

  it('a resume asks the open question again, and the answer still reaches the model', async () => {
    stack = await startStack({ env: { GATEWAY_TOOL_LOADING: 'all' } });
    const seen: string[] = [];
    stack.fake.setFallback(asking({ name: 'ask_user_to_confirm', input: { question: 'Archive it?' } }, seen));
    const first = await TestClient.open(stack.url);
    clients.push(first);
    const success = await first.request(
      { type: 'auth', api_key: sandboxTokens.alice, org_id: sandboxOrgs.acme, extensions: ['questions', 'resume'] },
      'auth_success',
      10_000,
    );
    const asked = first.next(['question'], 15_000);
    first.send({ type: 'query', content: 'archive' });
    const question = await asked;
    first.ws.terminate();
    const second = await TestClient.open(stack.url);
    clients.push(second);
    const again = second.next(['question'], 15_000);
    second.send({
      type: 'resume',
      session_id: success.session_id,
      resume_token: success.resume_token,
      extensions: ['questions', 'resume'],
    });
    expect(await again).toMatchObject({ request_id: question.request_id, ui: 'confirm', question: 'Archive it?' });
    const done = second.next(['response', 'error'], 15_000);
    second.send({ type: 'question_answer', request_id: question.request_id, answered: true, confirmed: true });
    expect((await done).type).toBe('response');
    expect(JSON.parse(seen[0]!)).toEqual({ answered: true, confirmed: true });
  });
});
