import { createAgent, type Agent, type AgentOptions } from '../../../electron/core/agent/agent';
import type { AgentEvent, ApprovalAnswer, ApprovalRequest } from '../../../electron/core/agent/events';
import type { AgentUser } from '../../../electron/core/agent/systemPrompt';
import { createLogger } from '../../../electron/core/log/logger';
import { SecretRegistry } from '../../../electron/core/log/redact';
import { startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic/fakeAnthropic';

/** The user every agent test asks as. */
export const testUser: AgentUser = {
  name: 'Alice Admin',
  email: 'alice@acme.test',
  role: 'admin',
  orgId: 'a0000000000000000000000000000001',
  orgName: 'Acme Operations',
  timezone: 'Europe/London',
};

/** A quiet logger for tests. */
export const quietLogger = (): ReturnType<typeof createLogger> => createLogger({ secrets: new SecretRegistry(), destination: null });

/** Starts the fake Anthropic server and returns a factory for agents pointed at it. */
export async function startAgentHarness(): Promise<{
  fake: FakeAnthropic;
  agent: (options?: Partial<AgentOptions>) => Agent;
  close: () => Promise<void>;
}> {
  const fake = await startFakeAnthropic({ minCacheTokens: 0 });
  return {
    fake,
    agent: (options = {}) =>
      // The loop tests script tool calls directly, so tools are offered eagerly unless a test asks for deferred loading.
      createAgent({ apiKey: 'sk-ant-test-key-123456', baseURL: fake.url, model: 'claude-sonnet-5-5', retryBaseDelayMs: 20, toolLoading: 'all', logger: quietLogger(), ...options }),
    close: () => fake.close(),
  };
}

/** Collects events and answers approvals from a list of decisions (in order). */
export function recorder(decisions: Array<ApprovalAnswer | 'never'> = []): {
  events: AgentEvent[];
  onEvent: (event: AgentEvent) => void;
  requestApproval: (request: ApprovalRequest) => Promise<ApprovalAnswer>;
  asked: ApprovalRequest[];
  types: () => string[];
} {
  const events: AgentEvent[] = [];
  const asked: ApprovalRequest[] = [];
  return {
    events,
    asked,
    onEvent: (event) => void events.push(event),
    requestApproval: (request) => {
      asked.push(request);
      const decision = decisions.shift() ?? 'deny';
      return decision === 'never' ? new Promise<ApprovalAnswer>(() => undefined) : Promise.resolve(decision);
    },
    types: () => events.map((event) => event.type),
  };
}
