import { describe, expect, it } from 'vitest';

import { emptyGatewayStats, type GatewayStats } from '../../../shared/types/gatewayStats';

import { mergeStats, shareableStats, sharedLatencySamples } from './clusterStats';

const stats = (patch: Partial<GatewayStats>): GatewayStats => ({ ...emptyGatewayStats(), ...patch });

describe('mergeStats', () => {
  it('adds up two nodes: counts, tool calls, errors, tokens per user, latency by time', () => {
    const a = stats({
      active: 2,
      authenticated: 2,
      peak: 3,
      sessionsTotal: 5,
      queries: 4,
      latency: [
        { at: 10, ms: 100 },
        { at: 30, ms: 300 },
      ],
      toolCalls: { list_tasks: { count: 3, errors: 1 } },
      errors: { AGENT_FAILED: 1 },
      tokensByUser: {
        'o:alice': { name: 'Alice', email: 'a@x', inputTokens: 10, outputTokens: 5, cacheReadTokens: 1, cacheWriteTokens: 2 },
      },
    });
    const b = stats({
      active: 1,
      authenticated: 1,
      peak: 1,
      sessionsTotal: 2,
      queries: 1,
      latency: [{ at: 20, ms: 200 }],
      toolCalls: { list_tasks: { count: 1, errors: 0 }, get_process: { count: 2, errors: 0 } },
      errors: { AGENT_FAILED: 2, INVALID_CREDENTIALS: 1 },
      tokensByUser: {
        'o:alice': { name: 'Alice', email: 'a@x', inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      },
    });
    const merged = mergeStats([a, b]);
    expect(merged).toMatchObject({ active: 3, authenticated: 3, peak: 4, sessionsTotal: 7, queries: 5 });
    expect(merged.latency.map((entry) => entry.ms)).toEqual([100, 200, 300]);
    expect(merged.toolCalls).toEqual({ list_tasks: { count: 4, errors: 1 }, get_process: { count: 2, errors: 0 } });
    expect(merged.errors).toEqual({ AGENT_FAILED: 3, INVALID_CREDENTIALS: 1 });
    expect(merged.tokensByUser['o:alice']).toMatchObject({ inputTokens: 11, outputTokens: 6, cacheReadTokens: 1, cacheWriteTokens: 2 });
    // The inputs are left as they were.
    expect(a.toolCalls.list_tasks).toEqual({ count: 3, errors: 1 });
  });

  it('keeps the newest 1,000 latency samples and a peak never below the open sessions', () => {
    const many = Array.from({ length: 800 }, (_, i) => ({ at: i, ms: i }));
    const merged = mergeStats([
      stats({ latency: many, active: 5, peak: 0 }),
      stats({ latency: many.map((e) => ({ ...e, at: e.at + 1000 })) }),
    ]);
    expect(merged.latency).toHaveLength(1000);
    expect(merged.latency[0]!.at).toBe(600);
    expect(merged.peak).toBe(5);
  });
});

describe('shareableStats', () => {
  it('cuts the latency list to the newest samples', () => {
    const latency = Array.from({ length: sharedLatencySamples + 50 }, (_, i) => ({ at: i, ms: i }));
    expect(shareableStats(stats({ latency })).latency[0]!.at).toBe(50);
  });
});
