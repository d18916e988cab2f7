import { describe, expect, it } from 'vitest';

import { runCapacitySection } from '../../bench/sections/capacity';
import { runCostSection } from '../../bench/sections/cost';
import { runMcpSection } from '../../bench/sections/mcp';
import { runOverheadSection } from '../../bench/sections/overhead';

// `npm run bench` is not a test, but its harness must keep working as the product changes: each
// section runs here at a tiny scale. Timing targets are not asserted (they depend on the machine);
// the cost target is, because token counts are deterministic.
describe('bench harness (tiny scale)', () => {
  it('section 1: queries flow through createCore, baselines (a) and (b) are measured', async () => {
    const result = await runOverheadSection({ clients: 4, warmupMs: 300, measureMs: 1000, clientWorkIterations: 20, compose: 'core', gatewayFetch: 'lean' }, () => undefined);
    expect(result.gateway.errors).toBe(0);
    expect(result.gateway.queries).toBeGreaterThan(0);
    expect(result.recipe.tool).toBe('get_my_tasks');
    expect(result.clientWork.map((entry) => entry.fetch)).toEqual(['global', 'lean']);
    expect(Number.isFinite(result.ratioToClientWork) && result.ratioToClientWork > 0).toBe(true);
    expect(result.echo.roundTrips).toBeGreaterThan(0);
  }, 60_000);

  it('section 2: idle authenticated sessions are counted and measured, beside the bare ws + /me server', async () => {
    const result = await runCapacitySection([40], () => undefined);
    for (const point of [result.points[0], result.bare.points[0]]) {
      expect(point?.sessions).toBe(40);
      expect(point?.signIn.perSecond).toBeGreaterThan(0);
      expect(point?.signIn.cpuMsPerSignIn).toBeGreaterThan(0);
    }
    // Two bundles are built first (bench/lib/buildProc.ts): a loaded machine needs the time.
  }, 180_000);

  it('section 3: the same tool call in-process and over both HTTP modes', async () => {
    const result = await runMcpSection(30);
    for (const latency of [result.inProcess, result.httpJson, result.httpSse]) expect(latency.n).toBe(30);
  }, 30_000);

  it('section 4: a cached 10-turn conversation bills at most 30% of the uncached input', async () => {
    const result = await runCostSection();
    expect(result.cached.requests).toBe(20);
    expect(result.uncached.cacheReadTokens).toBe(0);
    expect(result.ratio).toBeLessThanOrEqual(0.3);
    // The eager tools only (the core set and the tool search tool); the rest are deferred and not in the prompt.
    expect(result.toolCount).toBeGreaterThanOrEqual(2);
    expect(result.toolListTokens).toBeLessThanOrEqual(3000);
  }, 30_000);
});
