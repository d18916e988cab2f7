import { describe, expect, it } from 'vitest';

import { createAgent } from '../agent';
import { createLogger } from '../log/logger';
import { SecretRegistry } from '../log/redact';
import type { ToolHost } from '../mcp/toolHost';

import { createAgentEngine } from './agentEngine';
import type { Identity, RunInput } from './engine';

const identity: Identity = { user: { id: '1', name: 'Alice', email: 'alice@acme.test' }, org: { id: 'org-a', name: 'Acme' } };

/** A session's tool host that counts how often it was built and listed. */
function countingHosts(): { counts: { built: number; listed: number }; build: () => Promise<ToolHost> } {
  const counts = { built: 0, listed: 0 };
  return {
    counts,
    build: async () => {
      counts.built += 1;
      return {
        listTools: async () => {
          counts.listed += 1;
          return [{ name: 'get_me', description: 'Who am I', inputSchema: { type: 'object', properties: {} } }];
        },
        callTool: async () => ({ text: '{}', isError: false }),
        close: async () => undefined,
      };
    },
  };
}

function input(query: string, tools: () => Promise<ToolHost>): RunInput {
  return {
    query,
    queryId: query,
    signal: new AbortController().signal,
    identity,
    tools,
    emit: () => undefined,
    requestApproval: async () => 'deny',
  };
}

describe('createAgentEngine', () => {
  it('lists the tools once for every session (the one tool-list cache); a session that only lists builds no tool host', async () => {
    const agent = createAgent({ logger: createLogger({ secrets: new SecretRegistry(), destination: null }) }); // no key: direct mode
    const engine = createAgentEngine(agent);
    const first = countingHosts();
    const second = countingHosts();
    const a = await engine.open(identity).run(input('/tools', first.build));
    const b = await engine.open(identity).run(input('/tools', second.build));
    expect(a.text).toContain('get_me');
    expect(b.text).toContain('get_me');
    expect(first.counts).toEqual({ built: 1, listed: 1 });
    expect(second.counts).toEqual({ built: 0, listed: 0 });
  });

  it('does not keep a failed listing: the next session asks again', async () => {
    const agent = createAgent({ logger: createLogger({ secrets: new SecretRegistry(), destination: null }) });
    const engine = createAgentEngine(agent);
    const failing = async (): Promise<ToolHost> => {
      throw new Error('Tallyfy is down');
    };
    await engine
      .open(identity)
      .run(input('/tools', failing))
      .catch(() => undefined);
    const later = countingHosts();
    expect((await engine.open(identity).run(input('/tools', later.build))).text).toContain('get_me');
    expect(later.counts.listed).toBe(1);
  });
});
