import { describe, expect, it } from 'vitest';

import { healthSchema } from '../../shared/types/health';

import { coreHealth, type HealthSources } from './coreHealth';

const sources = (cluster?: HealthSources['cluster']): HealthSources => ({
  status: () => 'ok',
  startedAt: Date.now(),
  mode: 'live',
  agent: () => 'claude',
  gateway: () => ({ running: true, url: 'http://127.0.0.1:9001', stoppedByAdmin: false }),
  mcpUrl: () => 'http://127.0.0.1:9000/mcp',
  sandbox: () => ({ enabled: false }),
  sessions: () => ({ active: 1, peak: 2 }),
  ...(cluster ? { cluster } : {}),
});

describe('coreHealth', () => {
  it('has no cluster entry on a single node', () => {
    const health = coreHealth(sources());
    expect(health.status).toBe('ok');
    expect(health.services.cluster).toBeUndefined();
  });

  it('is ok with a cluster entry while Redis is reachable, degraded (still serving) while it is not', () => {
    const up = coreHealth(sources(() => ({ running: true, detail: '2 nodes on Redis', node: 'a', nodes: ['a', 'b'] })));
    expect(up.status).toBe('ok');
    expect(up.services.cluster).toEqual({ running: true, detail: '2 nodes on Redis', node: 'a', nodes: ['a', 'b'] });
    const down = coreHealth(sources(() => ({ running: false, detail: 'degraded: Redis is unreachable', node: 'a', nodes: ['a'] })));
    expect(down.status).toBe('degraded');
    expect(down.services.gateway.running).toBe(true);
    expect(healthSchema.parse(down)).toEqual(down);
  });
});
