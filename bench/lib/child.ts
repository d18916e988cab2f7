import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A benchmark helper process reached over IPC with request/response messages. */
export interface BenchChild {
  readonly process: ChildProcess;
  /** Sends `cmd` and resolves with the child's answer (rejects on its error, or after `timeoutMs`). */
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to exit, then kills it if it has not after 5 s. */
  stop(): Promise<void>;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/**
 * Forks `bench/procs/<name>.ts` under tsx with an IPC channel and waits for its `ready` message
 * (which carries what the child wants the parent to know, e.g. URLs). Extra `execArgv` (e.g.
 * `--cpu-prof`, `--expose-gc`) go before the script. With `built`, the script is bundled first
 * (`buildProc`) and run without tsx, as the shipped server runs.
 */
export async function startChild<Ready = unknown>(
  name: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; execArgv?: string[]; readyTimeoutMs?: number; built?: boolean } = {},
): Promise<BenchChild & { ready: Ready }> {
  // Loaded on demand: the procs import this file too, and must not carry the bundler.
  const script = options.built ? await (await import('./buildProc')).buildProc(name) : fileURLToPath(new URL(`../procs/${name}.ts`, import.meta.url));
  const child = fork(script, options.args ?? [], {
    execArgv: [...(options.built ? [] : ['--import', 'tsx']), ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`bench child ${name} exited (${code ?? signal})`));
    pending.clear();
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench child ${name} did not start in time`)), options.readyTimeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench child ${name} exited before ready (${code})`));
    });
    child.on('message', (message: { ready?: Ready } & Partial<Reply>) => {
      if (message && 'ready' in message) {
        clearTimeout(timer);
        resolve(message.ready as Ready);
        return;
      }
      if (typeof message?.id !== 'number') return;
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  });
  return {
    process: child,
    ready,
    call<T>(cmd: string, args?: unknown, timeoutMs = 600_000): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`bench child ${name}: ${cmd} timed out`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ id, cmd, args });
      });
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ id: 0, cmd: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Child side: answers IPC commands with `handlers`, then announces `ready`. `exit` is built in. */
export function serveParent(handlers: Record<string, (args: unknown) => unknown>, ready: unknown, onExit?: () => Promise<void> | void): void {
  process.on('message', (message: { id: number; cmd: string; args?: unknown }) => {
    void (async () => {
      if (message.cmd === 'exit') {
        await onExit?.();
        process.disconnect?.();
        process.exit(0);
      }
      const handler = handlers[message.cmd];
      try {
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        const result = await handler(message.args);
        process.send?.({ id: message.id, result });
      } catch (error) {
        process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
  process.send?.({ ready });
}
