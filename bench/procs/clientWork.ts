/**
 * Bench helper process, baseline (b): the unavoidable client work of one query, with no gateway —
 * the same two Messages API requests (bodies captured from a real query, same SDK, same fake) and the
 * same Tallyfy request (same path and query, same client), made back to back. Reports CPU per query.
 *
 * argv: --anthropic URL --sandbox URL --fetch lean|global ; the recipe comes in the `run` command.
 */
import { parseArgs } from 'node:util';

import Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsStreaming } from '@anthropic-ai/sdk/resources/messages/messages';

import { createHttpFetch } from '../../electron/core/net/httpFetch';
import { createTallyfyClient } from '../../electron/core/tallyfy';
import { serveParent } from '../lib/child';
import { cpuMsSince, summarize } from '../lib/stats';

const { values } = parseArgs({ options: { anthropic: { type: 'string' }, sandbox: { type: 'string' }, fetch: { type: 'string', default: 'lean' } } });
if (!values.anthropic || !values.sandbox) throw new Error('clientWork proc: --anthropic and --sandbox are required');

/** What one query sent upstream. */
export interface Recipe {
  messages: [Record<string, unknown>, Record<string, unknown>];
  tallyfy: { method: string; path: string; query: string; token: string; orgId: string };
}

const fetch = values.fetch === 'lean' ? createHttpFetch() : globalThis.fetch.bind(globalThis);

async function run(args: {
  recipe: Recipe;
  iterations: number;
  warmup: number;
}): Promise<{ iterations: number; cpuMsPerQuery: number; cpuMsPerModelRequest: number; wallMsPerQuery: number; latency: ReturnType<typeof summarize> }> {
  const { recipe } = args;
  const anthropic = new Anthropic({ apiKey: 'sk-bench', baseURL: values.anthropic, maxRetries: 0, fetch });
  const tallyfy = createTallyfyClient({ baseUrl: values.sandbox as string, token: recipe.tallyfy.token, orgId: recipe.tallyfy.orgId, fetch });
  const query = Object.fromEntries(new URLSearchParams(recipe.tallyfy.query));
  const [first, second] = recipe.messages.map((body) => ({ ...body, stream: true }) as unknown as MessageCreateParamsStreaming);
  const model = async (body: MessageCreateParamsStreaming | undefined): Promise<void> => {
    const stream = await anthropic.messages.create(body as MessageCreateParamsStreaming);
    let stopped = false;
    for await (const event of stream) if (event.type === 'message_stop') stopped = true;
    if (!stopped) throw new Error('stream ended early');
  };
  const once = async (): Promise<void> => {
    await model(first);
    await tallyfy.request(recipe.tallyfy.method, recipe.tallyfy.path, { query });
    await model(second);
  };
  for (let i = 0; i < args.warmup; i++) await once();
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < args.iterations; i++) {
    const t = performance.now();
    await once();
    samples.push(performance.now() - t);
  }
  const wall = performance.now() - started;
  const cpuMs = cpuMsSince(cpu);
  // The model requests alone (the two rounds in turn): issue 18 §5's bare client CPU per model request.
  const modelCpu = process.cpuUsage();
  for (let i = 0; i < args.iterations; i++) await model(i % 2 === 0 ? first : second);
  const cpuMsPerModelRequest = cpuMsSince(modelCpu) / args.iterations;
  return { iterations: args.iterations, cpuMsPerQuery: cpuMs / args.iterations, cpuMsPerModelRequest, wallMsPerQuery: wall / args.iterations, latency: summarize(samples) };
}

serveParent({ run: (args) => run(args as { recipe: Recipe; iterations: number; warmup: number }) }, { pid: process.pid });
