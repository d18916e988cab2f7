import { parseArgs } from 'node:util';

/**
 * The sections by number: 1 query overhead, 2 capacity, 3 MCP transports, 4 cost, 5 tool economy
 * (tokens), 6 MCP port under concurrency, 7 start-up, 8 page weight, 9 cluster (Redis beside memory mode).
 */
export type BenchSection = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9';

/** `npm run bench` options, validated. */
export interface BenchArgs {
  /** WebSocket clients in section 1 (1–5,000). Default 200. */
  clients: number;
  sections: Set<BenchSection>;
  /** Section 1's measured window, seconds (1–300). Default 10. */
  seconds: number;
  /** Idle session counts section 2 climbs to (each 1–10,000). Default 1,000 then 10,000. */
  sessions: number[];
  /** `core`: the gateway as `createCore` builds it; `parts`: composed by hand so the fetch can be chosen. */
  compose: 'core' | 'parts';
  /** The fetch of the `parts` gateway. Default `lean`. */
  gatewayFetch: 'lean' | 'global';
  /** Tool calls per transport in section 3 (1–1,000,000). Default 2,000. */
  mcpCalls: number;
  /** Concurrent MCP callers in section 6 (1–256). Default 32. */
  mcpConcurrency: number;
  /** Folder for CPU profiles of sections 1 and 2 (and a heap snapshot of the gateway in 2), when given. */
  profile?: string;
}

export const benchUsage =
  'usage: npm run bench -- [--sections 1,2,3,4,5,6,7,8,9 (or overhead,capacity,mcp,cost,tokens,mcpload,startup,pages,cluster)] [--clients 200] [--seconds 10] ' +
  '[--sessions 1000,10000] [--gateway core|parts] [--gateway-fetch lean|global] [--mcp-calls 2000] [--mcp-concurrency 32] [--profile DIR]';

/** A bad `npm run bench` option; `message` says which and what it accepts. */
export class BenchUsageError extends Error {
  readonly code = 'BENCH_USAGE';
}

const sectionNames: Record<string, BenchSection> = {
  '1': '1',
  '2': '2',
  '3': '3',
  '4': '4',
  '5': '5',
  '6': '6',
  '7': '7',
  '8': '8',
  '9': '9',
  overhead: '1',
  capacity: '2',
  mcp: '3',
  cost: '4',
  tokens: '5',
  mcpload: '6',
  startup: '7',
  pages: '8',
  cluster: '9',
};

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new BenchUsageError(`--${flag} must be a whole number ${min}–${max}, got "${text}"`);
  return value;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new BenchUsageError(`--${flag} must be ${allowed.join(' or ')}, got "${text}"`);
  return text as T;
}

/** Parses `npm run bench` arguments. Throws {@link BenchUsageError} on an unknown flag or a bad value. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        clients: { type: 'string', default: '200' },
        sections: { type: 'string', default: '1,2,3,4,5,6,7,8,9' },
        seconds: { type: 'string', default: '10' },
        sessions: { type: 'string', default: '1000,10000' },
        gateway: { type: 'string', default: 'core' },
        'gateway-fetch': { type: 'string', default: 'lean' },
        'mcp-calls': { type: 'string', default: '2000' },
        'mcp-concurrency': { type: 'string', default: '32' },
        profile: { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new BenchUsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const sections = new Set<BenchSection>();
  for (const part of values.sections.split(',')) {
    const section = sectionNames[part.trim().toLowerCase()];
    if (!section) throw new BenchUsageError(`--sections takes 1, 2, 3, 4, 5, 6, 7, 8, 9 or overhead, capacity, mcp, cost, tokens, mcpload, startup, pages, cluster, got "${part.trim()}"`);
    sections.add(section);
  }
  const seconds = Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 300) throw new BenchUsageError(`--seconds must be 1–300, got "${values.seconds}"`);
  return {
    clients: integer('clients', values.clients, 1, 5000),
    sections,
    seconds,
    sessions: values.sessions.split(',').map((part) => integer('sessions', part.trim(), 1, 10_000)),
    compose: oneOf('gateway', values.gateway, ['core', 'parts'] as const),
    gatewayFetch: oneOf('gateway-fetch', values['gateway-fetch'], ['lean', 'global'] as const),
    mcpCalls: integer('mcp-calls', values['mcp-calls'], 1, 1_000_000),
    mcpConcurrency: integer('mcp-concurrency', values['mcp-concurrency'], 1, 256),
    ...(values.profile !== undefined ? { profile: values.profile } : {}),
  };
}
