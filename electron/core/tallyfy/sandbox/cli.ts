import { parseArgs } from 'node:util';

import { sandboxOrgs, sandboxTokens } from './defaultSeed';
import { loadSeedFile, SeedError } from './seedSchema';
import { startSandbox } from './server';

const usage = 'usage: npm run sandbox -- [--port N (default 8100)] [--host H (default 127.0.0.1)] [--seed FILE]';

/** Parses the CLI flags; throws an Error with a one-line message when they are wrong. */
export function parseCliArgs(argv: string[]): { host: string; port: number; seed?: string } {
  let values: { port?: string; host?: string; seed?: string; 'sandbox-seed'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, 'sandbox-seed': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message.split('\n')[0] ?? 'bad arguments'} — ${usage}`, { cause: error });
  }
  if (values.help) throw new Error(usage);
  const port = values.port === undefined ? 8100 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535 — ${usage}`);
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new Error(`--host must not be empty — ${usage}`);
  const seed = values.seed ?? values['sandbox-seed'];
  return { host, port, ...(seed ? { seed } : {}) };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  try {
    const seed = args.seed ? await loadSeedFile(args.seed) : undefined;
    const sandbox = await startSandbox({ host: args.host, port: args.port, ...(seed ? { seed } : {}) });
    const lines = [`Tallyfy sandbox listening on ${sandbox.url}`];
    if (!seed) {
      lines.push(
        `  Acme Operations ${sandboxOrgs.acme}: tokens ${sandboxTokens.alice} (admin), ${sandboxTokens.bob} (standard), ${sandboxTokens.carol} (light)`,
        `  Beta Logistics  ${sandboxOrgs.beta}: token ${sandboxTokens.dave} (admin)`,
        `  try: curl -H 'Authorization: Bearer ${sandboxTokens.alice}' -H 'X-Tallyfy-Client: APIClient' ${sandbox.url}/organizations/${sandboxOrgs.acme}/me/tasks`,
      );
    } else lines.push(`  seed: ${args.seed}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    const stop = (): void => {
      void sandbox.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (error) {
    process.stderr.write(`${error instanceof SeedError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && /cli\.[cm]?[tj]s$/.test(process.argv[1])) void main();
