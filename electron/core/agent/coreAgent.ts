import type { Config } from '../config/config';
import type { Logger } from '../log/logger';

import { createAgent, type Agent, type AgentOptions } from './agent';

/**
 * The agent as the config describes it: model, tool loading, the Anthropic key and base URL (when
 * set; without a key the agent answers in direct tool mode). `approvalPolicy` is the admin's saved one.
 */
export function createCoreAgent(
  config: Pick<Config, 'anthropicModel' | 'toolLoading' | 'anthropicApiKey' | 'anthropicBaseUrl'>,
  options: { logger: Logger; fetch: typeof fetch; approvalPolicy: AgentOptions['approvalPolicy'] },
): Agent {
  return createAgent({
    logger: options.logger,
    model: config.anthropicModel,
    approvalPolicy: options.approvalPolicy,
    toolLoading: config.toolLoading,
    fetch: options.fetch,
    ...(config.anthropicApiKey ? { apiKey: config.anthropicApiKey } : {}),
    ...(config.anthropicBaseUrl ? { baseURL: config.anthropicBaseUrl } : {}),
  });
}
