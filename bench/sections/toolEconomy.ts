/**
 * Section 5, tool economy: what the agent's tools cost Claude, today's approach (every tool eager,
 * results as the tools write them) beside the new one (a lean core set eager, the rest behind tool
 * search, lean results), in one run. Tokens are counted with a Claude tokenizer
 * (`@anthropic-ai/tokenizer`), characters beside them.
 */
import { getTokenizer } from '@anthropic-ai/tokenizer';

import { createAgent } from '../../electron/core/agent';
import { buildToolParams, isDeferred, type ToolLoading } from '../../electron/core/agent/toolParams';
import { createLogger } from '../../electron/core/log/logger';
import { SecretRegistry } from '../../electron/core/log/redact';
import type { ToolHost } from '../../electron/core/mcp/toolHost';
import { leanResult } from '../../electron/core/mcp/toolOutput';
import { createInProcessToolHost } from '../../electron/core/mcp/transports/inProcessToolHost';
import { createTallyfyClient } from '../../electron/core/tallyfy';
import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox/defaultSeed';
import { startSandbox } from '../../electron/core/tallyfy/sandbox/server';
import { startFakeAnthropic } from '../../test/fakes/anthropic/fakeAnthropic';
import { createScenario, scenarioTurns } from '../../test/fakes/anthropic/scenario';
import { withoutCaching } from '../lib/withoutCaching';

/** Anthropic's input billing: cache writes (5-minute TTL) 1.25×, cache reads 0.1× of plain input. */
const cacheWriteMultiplier = 1.25;
const cacheReadMultiplier = 0.1;

/** Tokens and characters of one text. */
export interface Size {
  tokens: number;
  chars: number;
}

/** Billed input of one run of the scripted conversation. */
export interface ConversationCost {
  label: string;
  requests: number;
  inputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** input + 1.25 × cache writes + 0.1 × cache reads, in plain-input-token equivalents. */
  billedInputEquivalent: number;
  /** Tool searches the model made. */
  searches: number;
  answers: string[];
}

/** Section 5 result. */
export interface ToolEconomyResult {
  toolCount: number;
  definitions: { today: Size; eager: Size; deferred: Size; eagerToolCount: number };
  /** Tokens per result of the scenario's tools, as the tool writes it and lean. */
  results: Array<{ tool: string; raw: Size; lean: Size }>;
  conversations: { todayUncached: ConversationCost; todayCached: ConversationCost; newCached: ConversationCost };
  /** newCached ÷ todayCached billed input. */
  ratioToTodayCached: number;
  /** The scenario's answers are the same with lean results as with raw ones. */
  answersUnchanged: boolean;
}

/** Records every raw tool output (for the before/after token count) while passing calls through. */
function recording(host: ToolHost, outputs: Array<{ tool: string; text: string }>): ToolHost {
  return {
    listTools: () => host.listTools(),
    close: () => host.close(),
    callTool: async (name, args, signal) => {
      const outcome = await host.callTool(name, args, signal);
      if (!outcome.isError) outputs.push({ tool: name, text: outcome.text });
      return outcome;
    },
  };
}

async function converse(
  label: string,
  options: { loading: ToolLoading; lean: boolean; caching: boolean },
  count: (text: string) => number,
  outputs: Array<{ tool: string; text: string }> = [],
): Promise<ConversationCost> {
  // A fresh sandbox per run: the last turn completes a task.
  const sandbox = await startSandbox();
  const fake = await startFakeAnthropic({ countTokens: count, autoSearch: false });
  const host = recording(
    await createInProcessToolHost(
      createTallyfyClient({ baseUrl: sandbox.url, token: sandboxTokens.alice, orgId: sandboxOrgs.acme, maxRetries: 0 }),
    ),
    outputs,
  );
  const scenario = createScenario();
  fake.setFallback((request) => scenario.responder(request));
  const logger = createLogger({ secrets: new SecretRegistry(), destination: null, level: 'warn' });
  const base = globalThis.fetch.bind(globalThis);
  const agent = createAgent({
    apiKey: 'sk-bench',
    baseURL: fake.url,
    logger,
    approvalPolicy: 'never',
    maxRetries: 0,
    toolLoading: options.loading,
    leanToolResults: options.lean,
    fetch: options.caching ? base : withoutCaching(base),
  });
  const conversation = agent.createConversation();
  const user = {
    name: 'Alice Nguyen',
    email: 'alice@acme.example',
    role: 'admin',
    orgId: sandboxOrgs.acme,
    orgName: 'Acme Operations',
    timezone: 'America/Chicago',
  };
  const cost: ConversationCost = {
    label,
    requests: 0,
    inputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    billedInputEquivalent: 0,
    searches: 0,
    answers: scenario.answers,
  };
  try {
    for (let turn = 0; turn < scenarioTurns.length; turn++) {
      const result = await agent.run({ conversation, query: scenario.question(), tools: host, user });
      if (result.toolCalls.length !== 1 || result.toolCalls[0]?.outcome !== 'ok')
        throw new Error(
          `tool economy: turn ${turn + 1} made ${result.toolCalls.length} calls (${result.toolCalls.map((call) => call.outcome).join(', ')})`,
        );
      cost.requests += result.rounds;
      cost.inputTokens += result.usage.inputTokens;
      cost.cacheCreationInputTokens += result.usage.cacheWriteTokens;
      cost.cacheReadInputTokens += result.usage.cacheReadTokens;
    }
    // Searches the model made: server_tool_use blocks in the last request's history.
    const history = fake.messageRequests.at(-1)?.body.messages ?? [];
    cost.searches = history.reduce(
      (sum, message) =>
        sum + (Array.isArray(message.content) ? message.content.filter((block) => block.type === 'server_tool_use').length : 0),
      0,
    );
    cost.billedInputEquivalent =
      cost.inputTokens + cacheWriteMultiplier * cost.cacheCreationInputTokens + cacheReadMultiplier * cost.cacheReadInputTokens;
    return cost;
  } finally {
    await host.close();
    await fake.close();
    await sandbox.close();
  }
}

/** Runs section 5. */
export async function runToolEconomySection(log: (line: string) => void = () => undefined): Promise<ToolEconomyResult> {
  const tokenizer = getTokenizer();
  const memo = new Map<string, number>();
  const count = (text: string): number => {
    let tokens = memo.get(text);
    if (tokens === undefined) {
      tokens = tokenizer.encode(text.normalize('NFKC'), 'all').length;
      memo.set(text, tokens);
    }
    return tokens;
  };
  const size = (text: string): Size => ({ tokens: count(text), chars: text.length });
  try {
    // Definitions, from the embedded server's real tool list (listing needs no Tallyfy call).
    const client = createTallyfyClient({ baseUrl: 'http://tallyfy.invalid', token: 'bench', orgId: sandboxOrgs.acme, maxRetries: 0 });
    const host = await createInProcessToolHost(client);
    const infos = await host.listTools();
    await host.close();
    const today = buildToolParams(infos, { loading: 'all' });
    const deferredParams = buildToolParams(infos, { loading: 'deferred' });
    const eager = deferredParams.filter((param) => !isDeferred(param));
    const deferred = deferredParams.filter(isDeferred);

    log('§5 tool economy: scripted conversation, today (uncached, cached) and new (cached + deferred + lean)…');
    const rawOutputs: Array<{ tool: string; text: string }> = [];
    const todayUncached = await converse('today, uncached', { loading: 'all', lean: false, caching: false }, count);
    const todayCached = await converse('today, cached', { loading: 'all', lean: false, caching: true }, count, rawOutputs);
    const newCached = await converse('cached + deferred + lean results', { loading: 'deferred', lean: true, caching: true }, count);

    return {
      toolCount: infos.length,
      definitions: {
        today: size(JSON.stringify(today)),
        eager: size(JSON.stringify(eager)),
        deferred: size(JSON.stringify(deferred)),
        eagerToolCount: eager.length,
      },
      results: rawOutputs.map(({ tool, text }) => ({ tool, raw: size(text), lean: size(leanResult(text)) })),
      conversations: { todayUncached, todayCached, newCached },
      ratioToTodayCached: newCached.billedInputEquivalent / todayCached.billedInputEquivalent,
      answersUnchanged:
        JSON.stringify(todayCached.answers) === JSON.stringify(newCached.answers) && newCached.answers.length === scenarioTurns.length,
    };
  } finally {
    tokenizer.free();
  }
}
