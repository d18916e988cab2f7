import { parseArgs } from 'node:util';

import { startFakeAnthropic } from './fakeAnthropic';

/**
 * `npx tsx test/fakes/anthropic/cli.ts --port N [--min-cache-tokens N]`: the fake Anthropic API on
 * 127.0.0.1 answering every request with the demo responder. Point the gateway at it with
 * `ANTHROPIC_BASE_URL=http://127.0.0.1:N ANTHROPIC_API_KEY=anything`.
 */
const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'min-cache-tokens': { type: 'string' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be 0..65535, got ${values.port}\n`);
  process.exit(2);
}
const minCacheTokens = values['min-cache-tokens'] === undefined ? undefined : Number(values['min-cache-tokens']);
const fake = await startFakeAnthropic({ port, ...(minCacheTokens !== undefined ? { minCacheTokens } : {}) });
process.stdout.write(`fake Anthropic API listening on ${fake.url}\n`);
const stop = (): void => {
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
