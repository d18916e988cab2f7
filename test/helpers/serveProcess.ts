import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the banner once printed; rejects if the process exits first. */
  ready: Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Parses a URL from the banner line that starts with `label`. */
  url(label: string): string;
}

/**
 * Runs `electron/core/serve.ts` in a child Node process (with tsx), optionally under the
 * no-electron guard, and exposes its output and exit.
 */
export function startServe(args: string[], options: { env?: NodeJS.ProcessEnv; guard?: boolean; timeoutMs?: number } = {}): ServeProcess {
  const nodeArgs = ['--import', 'tsx', ...(options.guard ? ['--import', './test/guard/noElectron.mjs'] : []), 'electron/core/serve.ts', ...args];
  const child = spawn(process.execPath, nodeArgs, { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not print its banner in time.\nstdout: ${out}\nstderr: ${err}`)), options.timeoutMs ?? 20_000);
    const check = (): void => {
      if (out.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before it was ready.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ready,
    exited,
    url(label) {
      const line = out.split('\n').find((item) => item.trimStart().startsWith(label));
      const match = line ? /(https?|wss?):\/\/\S+/.exec(line) : null;
      if (!match) throw new Error(`No "${label}" URL in the banner:\n${out}`);
      return match[0];
    },
  };
}
