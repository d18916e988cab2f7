import type { Logger } from '../log/logger';

/**
 * One part of the running core (a file, a port, a timer): started in order, stopped in reverse.
 * Building a service starts nothing; `start` may open ports and timers, `stop` releases them.
 */
export interface Service {
  /** Shown in the log when stopping it fails. */
  readonly name: string;
  start(): Promise<void> | void;
  /** `reason` is what connected clients are told (closed with 1001). */
  stop(reason: string): Promise<void> | void;
}

/** Starts {@link Service}s in order and stops the started ones in reverse. */
export interface ServiceList {
  /** Starts each service in turn; if one throws, stops those already started (reason `start-up failed`) and rethrows. */
  start(): Promise<void>;
  /** Stops the started services in reverse order; a failing stop is logged and the rest still stop. Safe to call twice. */
  stop(reason: string): Promise<void>;
}

/** An ordered list of services: the core's start order, read top to bottom. */
export function serviceList(services: readonly Service[], logger: Pick<Logger, 'warn'>): ServiceList {
  const started: Service[] = [];
  const stop = async (reason: string): Promise<void> => {
    for (const service of started.splice(0).reverse()) {
      try {
        await service.stop(reason);
      } catch (error) {
        logger.warn({ err: error, service: service.name }, 'stopping a service failed');
      }
    }
  };
  return {
    async start() {
      try {
        for (const service of services) {
          await service.start();
          started.push(service);
        }
      } catch (error) {
        await stop('start-up failed');
        throw error;
      }
    },
    stop,
  };
}
