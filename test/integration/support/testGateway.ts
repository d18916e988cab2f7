import { Writable } from 'node:stream';

import type { GatewayHttp, GatewayHttpOptions } from '../../../electron/core/gateway/httpServer';
import type { WsGatewayOptions } from '../../../electron/core/gateway/wsGateway';
import { createLogger, type Logger } from '../../../electron/core/log/logger';
import { SecretRegistry } from '../../../electron/core/log/redact';
import type { Clock } from '../../../electron/core/sessions/clock';
import {
  AuthFailure,
  type Authenticator,
  type EngineConversation,
  type Identity,
  type QueryEngine,
  type RunInput,
  type ToolHostFactory,
} from '../../../electron/core/sessions/engine';
import { SessionRegistry, type SessionRegistryOptions } from '../../../electron/core/sessions/registry';

import { startLoopbackGateway } from './loopbackGateway';

/** Test identities: token → who it is. */
const testUsers: Record<string, Identity & { orgId: string }> = {
  'tok-alice': {
    orgId: 'org-a',
    user: { id: '1', name: 'Alice Admin', email: 'alice@acme.test', role: 'admin' },
    org: { id: 'org-a', name: 'Acme' },
  },
  'tok-bob': {
    orgId: 'org-a',
    user: { id: '2', name: 'Bob Standard', email: 'bob@acme.test', role: 'standard' },
    org: { id: 'org-a', name: 'Acme' },
  },
  'tok-dave': {
    orgId: 'org-b',
    user: { id: '4', name: 'Dave Beta', email: 'dave@beta.test', role: 'admin' },
    org: { id: 'org-b', name: 'Beta' },
  },
};

/** Accepts the tokens of {@link testUsers} for their own org only. */
const fakeAuthenticator: Authenticator = async (credentials) => {
  const found = testUsers[credentials.apiKey];
  if (!found || found.orgId !== credentials.orgId)
    throw new AuthFailure('INVALID_CREDENTIALS', 'Tallyfy did not accept this API key for this organization.');
  return { user: found.user, org: found.org };
};

/** A query engine whose answers come from `script` (per query), with the conversation's past queries. */
export function scriptedEngine(
  script: (input: RunInput, history: string[]) => Promise<string> | string,
): QueryEngine & { opened: Identity[] } {
  const opened: Identity[] = [];
  return {
    opened,
    open(identity): EngineConversation {
      opened.push(identity);
      const history: string[] = [];
      return {
        async run(input) {
          const text = await script(input, history);
          history.push(input.query);
          return { text };
        },
        clear() {
          history.length = 0;
        },
      };
    },
  };
}

/** A tool factory that records builds and closes. */
export function countingToolFactory(): ToolHostFactory & { built: number; closed: number } {
  const factory = Object.assign(
    async () => {
      factory.built += 1;
      return {
        listTools: async () => [],
        callTool: async (name: string) => ({ text: `ran ${name}`, isError: false }),
        close: async () => {
          factory.closed += 1;
        },
      };
    },
    { built: 0, closed: 0 },
  );
  return factory;
}

/** A logger that keeps its lines in memory (so tests can check nothing secret was logged). */
function memoryLogger(secrets: SecretRegistry): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ secrets, destination, level: 'debug' }), lines };
}

export interface TestGateway {
  url: string;
  httpUrl: string;
  port: number;
  registry: SessionRegistry;
  secrets: SecretRegistry;
  logLines: string[];
  http: GatewayHttp;
  close(reason?: string): Promise<void>;
}

/**
 * Starts the real HTTP server + WebSocket gateway on 127.0.0.1:0 with test services: by default a
 * scripted echo engine ("You said: …"), a counting tool factory and {@link fakeAuthenticator}.
 * `gateway.host` sets the policy (e.g. `0.0.0.0` to act as a LAN-exposed gateway) while the socket
 * stays bound to 127.0.0.1; `http` passes HTTP server options (timeouts, webRoot…).
 */
export async function startTestGateway(
  options: {
    engine?: QueryEngine;
    authenticate?: Authenticator;
    toolHostFactory?: ToolHostFactory;
    clock?: Clock;
    registry?: Partial<SessionRegistryOptions>;
    gateway?: Partial<WsGatewayOptions>;
    http?: Partial<GatewayHttpOptions>;
  } = {},
): Promise<TestGateway> {
  const secrets = new SecretRegistry();
  const { logger, lines } = memoryLogger(secrets);
  const registry = new SessionRegistry({
    secrets,
    logger,
    engine: options.engine ?? scriptedEngine((input) => `You said: ${input.query}`),
    toolHostFactory: options.toolHostFactory ?? countingToolFactory(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.registry,
  });
  registry.start();
  const gateway = await startLoopbackGateway({
    registry,
    logger,
    authenticate: options.authenticate ?? fakeAuthenticator,
    name: 'test',
    gateway: { ...(options.clock ? { clock: options.clock } : {}), ...options.gateway },
    ...(options.http ? { http: options.http } : {}),
  });
  return {
    url: gateway.url,
    httpUrl: gateway.httpUrl,
    port: gateway.port,
    registry,
    secrets,
    logLines: lines,
    http: gateway.http,
    close: (reason) => gateway.close(reason),
  };
}
