import { hostname } from 'node:os';

import { Bonjour } from 'bonjour-service';

import type { Logger } from '../log/logger';

/** The part of bonjour-service the advertiser uses (tests plug a fake: no multicast in tests). */
export interface MdnsResponder {
  publish(config: { name: string; type: string; port: number; txt?: Record<string, string> }): { stop?: CallableFunction };
  unpublishAll(callback?: CallableFunction): void;
  destroy(callback?: CallableFunction): void;
}

export interface LanAdvertiserOptions {
  logger: Logger;
  /** Opens the responder (which joins the multicast group). Default: bonjour-service on every interface. */
  open?: () => MdnsResponder;
  /** Service instance name. Default `Tallyfy MCP Gateway on <hostname>`. */
  name?: string;
}

/** DNS-SD service type: `_tallyfy-gateway._tcp`, plus `_http._tcp` so browsers' service lists show the web chat. */
export const mdnsServiceTypes = ['tallyfy-gateway', 'http'] as const;

/**
 * Advertises the gateway on the LAN over mDNS while it is exposed and running, and withdraws it
 * otherwise. The responder is opened only when there is something to advertise, so a loopback
 * gateway never sends multicast.
 */
export class LanAdvertiser {
  readonly name: string;
  readonly #options: LanAdvertiserOptions;
  #responder: MdnsResponder | undefined;
  #port: number | undefined;

  constructor(options: LanAdvertiserOptions) {
    this.#options = options;
    this.name = options.name ?? `Tallyfy MCP Gateway on ${hostname()}`;
  }

  /** True while the service is published. */
  get advertising(): boolean {
    return this.#port !== undefined;
  }

  /** Publishes when `exposed && running`, withdraws otherwise; re-publishes on a port change. `tls` advertises `_https._tcp` instead of `_http._tcp`. */
  update(state: { exposed: boolean; running: boolean; port: number; tls?: boolean }): void {
    const want = state.exposed && state.running;
    if (!want) {
      this.close();
      return;
    }
    if (this.#port === state.port) return;
    this.close();
    try {
      const responder = (this.#options.open ?? (() => new Bonjour({}, (error: Error) => this.#options.logger.warn({ err: error }, 'mDNS error'))))();
      for (const type of mdnsServiceTypes) {
        const advertised = type === 'http' && state.tls ? 'https' : type;
        responder.publish({ name: this.name, type: advertised, port: state.port, txt: { path: '/', admin: '/admin', ...(state.tls ? { scheme: 'https' } : {}) } });
      }
      this.#responder = responder;
      this.#port = state.port;
      this.#options.logger.info({ name: this.name, port: state.port }, 'advertising the gateway on the LAN (mDNS)');
    } catch (error) {
      this.#options.logger.warn({ err: error }, 'cannot advertise the gateway over mDNS');
    }
  }

  /** Withdraws the service and closes the responder. */
  close(): void {
    const responder = this.#responder;
    this.#responder = undefined;
    if (this.#port !== undefined) this.#options.logger.info('stopped advertising the gateway on the LAN');
    this.#port = undefined;
    if (!responder) return;
    responder.unpublishAll(() => responder.destroy());
  }
}
