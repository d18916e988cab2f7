import { getTokenizer } from '@anthropic-ai/tokenizer';

import { createAgent } from '../../electron/core/agent';
import { createLogger } from '../../electron/core/log/logger';
import { SecretRegistry } from '../../electron/core/log/redact';
import type { ToolHost } from '../../electron/core/mcp/toolHost';
import { createInProcessToolHost } from '../../electron/core/mcp/transports/inProcessToolHost';
import { createTallyfyClient } from '../../electron/core/tallyfy';
import { startFakeAnthropic } from '../../test/fakes/anthropic/fakeAnthropic';
import { stubOrgId, stubTallyfyFetch, stubToken } from '../lib/stubTallyfy';
import { withoutCaching } from '../lib/withoutCaching';

/** Anthropic's billing multipliers for input: cache writes (5-minute TTL) 1.25×, cache reads 0.1×. */
const cacheWriteMultiplier = 1.25;
const cacheReadMultiplier = 0.1;

/** Usage summed over a conversation, as the fake reported it. */
export interface ConversationUsage {
  requests: number;
  inputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  /** input + 1.25 × cache writes + 0.1 × cache reads: what is billed, in plain-input-token equivalents. */
  billedInputEquivalent: number;
}

/** Section 4 result. */
export interface CostResult {
  turns: number;
  toolCount: number;
  /** The eager part of the tool list as sent (JSON; deferred tools are not in the prompt), in Claude tokenizer tokens. */
  toolListTokens: number;
  systemPromptTokens: number;
  cached: ConversationUsage;
  uncached: ConversationUsage;
  /** cached.billedInputEquivalent / uncached.billedInputEquivalent. */
  ratio: number;
}

/** Ten questions a teammate might ask in one sitting; each takes one tool call and two model rounds. */
const scriptedQuestions = [
  'What tasks do I have open?',
  'Which of them are overdue?',
  'Show my tasks again, soonest deadline first.',
  'Anything due this week?',
  'List my tasks that have not started.',
  'Which process does the first task belong to?',
  'How many tasks are in progress?',
  'Remind me of my open tasks.',
  'Which task should I do first?',
  'One last look at my tasks, please.',
];

async function converse(url: string, host: ToolHost, caching: boolean): Promise<ConversationUsage> {
  const logger = createLogger({ secrets: new SecretRegistry(), destination: null, level: 'warn' });
  const base = globalThis.fetch.bind(globalThis);
  const agent = createAgent({
    apiKey: 'sk-bench',
    baseURL: url,
    logger,
    approvalPolicy: 'never',
    fetch: caching ? base : withoutCaching(base),
  });
  const conversation = agent.createConversation();
  const user = {
    name: 'Alice Admin',
    email: 'alice@acme.test',
    role: 'admin',
    orgId: stubOrgId,
    orgName: 'Acme Operations',
    timezone: 'UTC',
  };
  const total: ConversationUsage = {
    requests: 0,
    inputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    outputTokens: 0,
    billedInputEquivalent: 0,
  };
  for (const query of scriptedQuestions) {
    const result = await agent.run({ conversation, query, tools: host, user });
    if (result.toolCalls.length !== 1 || result.rounds !== 2)
      throw new Error(`cost: expected one tool call in two rounds, got ${result.toolCalls.length} in ${result.rounds}`);
    total.requests += result.rounds;
    total.inputTokens += result.usage.inputTokens;
    total.cacheWriteTokens += result.usage.cacheWriteTokens;
    total.cacheReadTokens += result.usage.cacheReadTokens;
    total.outputTokens += result.usage.outputTokens;
  }
  total.billedInputEquivalent =
    total.inputTokens + cacheWriteMultiplier * total.cacheWriteTokens + cacheReadMultiplier * total.cacheReadTokens;
  return total;
}

/** Runs section 4: the scripted conversation with and without prompt caching, on the fake's usage. */
export async function runCostSection(): Promise<CostResult> {
  const fake = await startFakeAnthropic();
  const tallyfy = createTallyfyClient({ baseUrl: 'http://tallyfy.stub', token: stubToken, orgId: stubOrgId, fetch: stubTallyfyFetch });
  const host = await createInProcessToolHost(tallyfy);
  try {
    const cached = await converse(fake.url, host, true);
    fake.clearCache();
    const uncached = await converse(fake.url, host, false);
    const first = fake.messageRequests[0]?.body;
    const tools = first?.tools ?? [];
    const system = first?.system;
    const systemText = typeof system === 'string' ? system : (system ?? []).map((block) => block.text).join('\n');
    const eager = tools.filter((tool) => tool.defer_loading !== true);
    const tokenizer = getTokenizer();
    const tokens = (text: string): number => tokenizer.encode(text.normalize('NFKC'), 'all').length;
    const toolListTokens = tokens(JSON.stringify(eager));
    const systemPromptTokens = tokens(systemText);
    tokenizer.free();
    return {
      turns: scriptedQuestions.length,
      toolCount: eager.length,
      toolListTokens,
      systemPromptTokens,
      cached,
      uncached,
      ratio: cached.billedInputEquivalent / uncached.billedInputEquivalent,
    };
  } finally {
    await host.close();
    await fake.close();
  }
}
