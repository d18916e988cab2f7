import type { GatewayTls } from '../../../shared/types/network';
import type { Config } from '../config/config';
import type { Service } from '../lifecycle/services';
import type { Logger } from '../log/logger';

import { ensureSelfSignedCertificate, loadOwnCertificate, type TlsMaterial } from './certificate';
import { tlsEnabled } from './policy';

/** The gateway port's certificate as a service: loaded (or generated) at start, before the port opens. */
export interface GatewayCertificate extends Service {
  /** The certificate once started; undefined before, or when the gateway speaks plain HTTP. */
  material(): TlsMaterial | undefined;
  /** What the admin view shows about it; undefined without TLS. */
  facts(): GatewayTls | undefined;
}

/**
 * The gateway port's certificate: the user's own (`--tls-cert`, `--tls-key`), else the kept (or a
 * newly generated) self-signed one in the data dir; none when TLS is off (tls/policy.ts).
 */
export function gatewayCertificate(
  config: Pick<Config, 'tls' | 'tlsCert' | 'tlsKey' | 'host' | 'dataDir'>,
  logger: Pick<Logger, 'info' | 'warn'>,
): GatewayCertificate {
  let material: TlsMaterial | undefined;
  const load = async (): Promise<TlsMaterial | undefined> => {
    if (!tlsEnabled(config)) return undefined;
    if (config.tlsCert && config.tlsKey) {
      const own = loadOwnCertificate(config.tlsCert, config.tlsKey);
      logger.info(
        { file: own.certFile, fingerprint: own.fingerprint256, validTo: own.validTo.toISOString() },
        'TLS with your own certificate',
      );
      return own;
    }
    const kept = await ensureSelfSignedCertificate({ dataDir: config.dataDir, bindHost: config.host });
    const { material } = kept;
    const facts = { file: material.certFile, fingerprint: material.fingerprint256, validTo: material.validTo.toISOString() };
    if (kept.generatedBecause)
      logger.info({ ...facts, names: material.names }, `generated a self-signed TLS certificate (${kept.generatedBecause})`);
    else logger.info(facts, 'TLS with the kept self-signed certificate');
    if (kept.missingNames.length > 0) {
      logger.warn(
        { missing: kept.missingNames, file: material.certFile },
        'the kept TLS certificate does not name every address of this machine; browsers warn for those too. Delete the file to make a new one (its fingerprint changes).',
      );
    }
    return material;
  };
  return {
    name: 'tls',
    async start() {
      material = await load();
    },
    stop: () => undefined,
    material: () => material,
    facts: () =>
      material
        ? {
            fingerprint256: material.fingerprint256,
            selfSigned: material.selfSigned,
            validTo: material.validTo.toISOString(),
            names: material.names,
          }
        : undefined,
  };
}
