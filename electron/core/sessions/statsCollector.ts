import { emptyUsage, type SessionStats, type ToolCallRecord, type Usage } from '../../../shared/types/session';

/** Default number of recent tool calls a session lists for the admin: 20. */
export const recentToolCallLimit = 20;

/** Adds `usage` to the running `total` (a session's, or a user's in the gateway stats). */
export function addUsage(total: Usage, usage: Usage): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.cacheReadTokens += usage.cacheReadTokens;
  total.cacheWriteTokens += usage.cacheWriteTokens;
}

/** One session's counters and its recent tool calls, for the admin snapshot. */
export class StatsCollector {
  readonly #stats: SessionStats = { queries: 0, toolCalls: 0, errors: 0, usage: emptyUsage() };
  readonly #recent: ToolCallRecord[] = [];

  queryStarted(): void {
    this.#stats.queries += 1;
  }

  queryFinished(latencyMs: number): void {
    this.#stats.lastLatencyMs = latencyMs;
  }

  errorCounted(): void {
    this.#stats.errors += 1;
  }

  usage(usage: Usage): void {
    addUsage(this.#stats.usage, usage);
  }

  /** A call started running (`args` already shortened and redacted). */
  toolStarted(call: { id: string; tool: string; args: Record<string, unknown>; startedAt: number }): void {
    this.#stats.toolCalls += 1;
    this.#recent.unshift({ ...call, status: 'running' });
    if (this.#recent.length > recentToolCallLimit) this.#recent.length = recentToolCallLimit;
  }

  toolEnded(id: string, status: ToolCallRecord['status'], durationMs: number): void {
    const record = this.#recent.find((item) => item.id === id);
    if (!record) return;
    record.status = status;
    record.durationMs = durationMs;
  }

  /** Copies, safe to hand out. */
  snapshot(): { stats: SessionStats; recentToolCalls: ToolCallRecord[] } {
    return {
      stats: { ...this.#stats, usage: { ...this.#stats.usage } },
      recentToolCalls: this.#recent.map((call) => ({ ...call })),
    };
  }
}
