import { startGatewayHttp, type GatewayHttp, type GatewayHttpOptions } from '../../../electron/core/gateway/httpServer';
import { createWsGateway, type WsGatewayOptions } from '../../../electron/core/gateway/wsGateway';
import { SecretRegistry } from '../../../electron/core/log/redact';
import { SessionRegistry } from '../../../electron/core/sessions/registry';
import { countingToolFactory, fakeAuthenticator, memoryLogger, scriptedEngine } from '../../integration/support/testGateway';

/** The HTTP server + WebSocket gateway with test services, physically on 127.0.0.1, with any gateway policy. */
export interface LimitsGateway {
  url: string;
  http: GatewayHttp;
  registry: SessionRegistry;
  logLines: string[];
  close(): Promise<void>;
}

/**
 * Starts the real gateway (HTTP server and WebSocket layer) with a scripted engine and the test
 * authenticator (`tok-alice` on `org-a` signs in). `gateway.host` sets the policy (e.g. `0.0.0.0`
 * to act as a LAN-exposed gateway) while the socket stays bound to 127.0.0.1.
 */
export async function startLimitsGateway(options: { gateway?: Partial<WsGatewayOptions>; http?: Partial<GatewayHttpOptions> } = {}): Promise<LimitsGateway> {
  const secrets = new SecretRegistry();
  const { logger, lines } = memoryLogger(secrets);
  const registry = new SessionRegistry({ secrets, logger, engine: scriptedEngine((input) => `You said: ${input.query}`), toolHostFactory: countingToolFactory() });
  registry.start();
  const http = await startGatewayHttp({
    host: '127.0.0.1',
    port: 0,
    logger,
    health: () => ({
      status: 'ok',
      name: 'limits',
      version: '0',
      uptimeSeconds: 0,
      mode: 'sandbox',
      agent: 'direct',
      services: { gateway: { running: true }, mcp: { running: false }, sandbox: { running: false } },
      sessions: { active: registry.size, peak: registry.stats().peak },
    }),
    ...options.http,
  });
  const ws = createWsGateway({ registry, logger, authenticate: fakeAuthenticator, host: '127.0.0.1', ...options.gateway });
  http.attachWebSocket(ws);
  return {
    url: `ws://127.0.0.1:${http.port}`,
    http,
    registry,
    logLines: lines,
    async close() {
      await ws.close('test done');
      await http.close();
    },
  };
}
