import Anthropic from '@anthropic-ai/sdk';
import { beforeAll, describe, expect, it } from 'vitest';

import { AgentError, toAgentError } from './errors';
import { loadAnthropicSdk } from './sdk';

// The agent loads the SDK before any model request (./sdk), so toAgentError knows its classes.
beforeAll(async () => {
  await loadAnthropicSdk();
});

const apiError = (status: number, type: string, headers: Record<string, string> = {}): Error =>
  Anthropic.APIError.generate(status, { type: 'error', error: { type, message: `${type} happened` } }, undefined, new Headers(headers));

describe('toAgentError', () => {
  it('maps each API failure to a stable code and a message for people', () => {
    expect(toAgentError(apiError(401, 'authentication_error')).code).toBe('AGENT_AUTH_FAILED');
    const limited = toAgentError(apiError(429, 'rate_limit_error', { 'retry-after': '12' }));
    expect(limited.code).toBe('AGENT_RATE_LIMITED');
    expect(limited.message).toContain('in about 12 s');
    expect(limited.retryable).toBe(true);
    expect(toAgentError(apiError(529, 'overloaded_error')).code).toBe('AGENT_OVERLOADED');
    expect(toAgentError(apiError(400, 'invalid_request_error')).code).toBe('AGENT_BAD_REQUEST');
    expect(toAgentError(apiError(500, 'api_error')).code).toBe('AGENT_API_ERROR');
    expect(toAgentError(new Anthropic.APIConnectionError({ message: 'down' })).code).toBe('AGENT_CONNECTION_LOST');
    expect(toAgentError(new TypeError('terminated')).code).toBe('AGENT_CONNECTION_LOST');
    expect(toAgentError(new Anthropic.APIUserAbortError()).code).toBe('AGENT_CANCELLED');
    const same = new AgentError('AGENT_BUSY', 'busy');
    expect(toAgentError(same)).toBe(same);
    expect(toAgentError(new RangeError('x')).code).toBe('AGENT_INTERNAL');
  });
});
