/**
 * Lean tool results: the scripted 10-turn conversation on the sandbox gives the same answers with
 * lean results as with the tools' own output, while the results Claude reads cost ≥ 40 % fewer tokens.
 */
import { getTokenizer } from '@anthropic-ai/tokenizer';
import { describe, expect, it } from 'vitest';

import { createAgent } from '../../../electron/core/agent/agent';
import { createInProcessToolHost } from '../../../electron/core/mcp/transports/inProcessToolHost';
import { createTallyfyClient } from '../../../electron/core/tallyfy/client';
import { sandboxOrgs, sandboxTokens } from '../../../electron/core/tallyfy/sandbox/defaultSeed';
import { startSandbox } from '../../../electron/core/tallyfy/sandbox/server';
import { startFakeAnthropic } from '../../fakes/anthropic/fakeAnthropic';
import { lastToolResults } from '../../fakes/anthropic/replies';
import { createScenario, scenarioTurns } from '../../fakes/anthropic/scenario';

import { quietLogger, testUser } from './harness';

/** Runs the scenario on a fresh sandbox; returns the answers and the tool results Claude was sent. */
async function run(leanToolResults: boolean): Promise<{ answers: string[]; results: string[] }> {
  const sandbox = await startSandbox();
  const fake = await startFakeAnthropic({ minCacheTokens: 0, autoSearch: false });
  const tools = await createInProcessToolHost(
    createTallyfyClient({ baseUrl: sandbox.url, token: sandboxTokens.alice, orgId: sandboxOrgs.acme, maxRetries: 0 }),
  );
  const scenario = createScenario();
  fake.setFallback((request) => scenario.responder(request));
  try {
    const agent = createAgent({
      apiKey: 'sk-ant-test-key-123456',
      baseURL: fake.url,
      logger: quietLogger(),
      approvalPolicy: 'never',
      maxRetries: 0,
      leanToolResults,
    });
    const conversation = agent.createConversation();
    for (let turn = 0; turn < scenarioTurns.length; turn++) {
      const result = await agent.run({ conversation, query: scenario.question(), tools, user: testUser });
      expect(result.toolCalls.map((call) => call.outcome)).toEqual(['ok']);
    }
    const results = fake.messageRequests.flatMap((request) => lastToolResults(request).map((result) => result.content));
    return { answers: scenario.answers, results };
  } finally {
    await tools.close();
    await fake.close();
    await sandbox.close();
  }
}

describe('lean tool results', () => {
  it('leave every scenario answer unchanged and cost at least 40 % fewer tokens', async () => {
    const raw = await run(false);
    const lean = await run(true);
    expect(lean.answers).toHaveLength(10);
    expect(lean.answers).toEqual(raw.answers);
    expect(lean.answers[6]).toMatch(/Finance Approvers \(2 members\)/);

    const tokenizer = getTokenizer();
    const tokens = (texts: string[]): number =>
      texts.reduce((sum, text) => sum + tokenizer.encode(text.normalize('NFKC'), 'all').length, 0);
    const before = tokens(raw.results);
    const after = tokens(lean.results);
    tokenizer.free();
    expect(lean.results).toHaveLength(10);
    expect(after / before).toBeLessThanOrEqual(0.6);
  }, 60_000);
});
