import { connect, createServer, type Server, type Socket } from 'node:net';

import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, launched the way toolchain.md §5 tested it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Where e2e screenshots are kept (CI artifacts). */
export const screenshotDir = new URL('../../test-results/screenshots/', import.meta.url).pathname;

/** A TCP proxy on 127.0.0.1 that can cut every open connection, to test reconnects. */
export interface CuttableProxy {
  port: number;
  /** Destroys every open connection (the browser sees its socket drop). */
  cut(): void;
  /** New connections go to `port` from now on (a load balancer moving to another node); open ones stay. */
  switchTo(port: number): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  let target = targetPort;
  const sockets = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const cut = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut,
    switchTo(port) {
      target = port;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
