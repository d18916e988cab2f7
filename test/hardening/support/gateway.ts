import type { GatewayHttp, GatewayHttpOptions } from '../../../electron/core/gateway/httpServer';
import type { WsGatewayOptions } from '../../../electron/core/gateway/wsGateway';
import { SecretRegistry } from '../../../electron/core/log/redact';
import { SessionRegistry } from '../../../electron/core/sessions/registry';
import { startLoopbackGateway } from '../../integration/support/loopbackGateway';
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
  const gateway = await startLoopbackGateway({
    registry,
    logger,
    authenticate: fakeAuthenticator,
    name: 'limits',
    ...(options.gateway ? { gateway: options.gateway } : {}),
    ...(options.http ? { http: options.http } : {}),
  });
  return {
    url: gateway.url,
    http: gateway.http,
    registry,
    logLines: lines,
    close: () => gateway.close('test done'),
  };
}
