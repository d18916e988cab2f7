import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';

/** Where `.ci/run` (and `apt-get install redis-server`) puts Debian's Redis. */
export const redisServerPath = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** True when Debian's `redis-server` is installed (the cluster tests say how to get it otherwise). */
export const haveRedisServer = existsSync(redisServerPath);

/** A `redis-server` child on a free loopback port, persistence off. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:PORT`, or with `:password@` when started with one. */
  url: string;
  /** SIGKILL (a crash, as a node would see it); resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts Debian's `redis-server` on a free port with `save ""`, `appendonly no`, bound to 127.0.0.1. */
export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  if (!haveRedisServer) throw new Error(`${redisServerPath} is missing: install it with 'sudo apt-get install redis-server'`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  let stderr = '';
  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    if (options.password) args.push('--requirepass', options.password);
    child = spawn(redisServerPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<never>((_, reject) => child?.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${stderr}`))));
    exited.catch(() => undefined);
    await Promise.race([waitForPort(port, 10_000), exited]);
  };
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(signal);
    await gone;
  };
  await launch();
  return {
    port,
    url: options.password ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGKILL');
      await launch();
    },
    stop: () => end('SIGTERM'),
  };
}
