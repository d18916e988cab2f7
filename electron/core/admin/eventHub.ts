import type { EventName, EventPayload } from '../../../shared/ipc/contract';
import type { SessionSnapshot } from '../../../shared/types/session';

import type { AdminContext } from './context';
import { gatewayStatus, sessionList } from './handlers';
import type { SessionChange } from './ports';

/** Receives every admin event. */
export type AdminEventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface AdminEventTiming {
  /** `health.changed` period, ms. Default 1,000. */
  healthMs?: number;
  /** `stats.changed` period, ms. Default 2,000. */
  statsMs?: number;
  /** Least time between two `sessions.changed`, ms. Default 250. */
  sessionsMs?: number;
  /** Log entries are batched for this long, ms. Default 100. */
  logsMs?: number;
}

/**
 * Turns core changes into the admin events of the contract, for every transport at once:
 * session changes (throttled), stats and health on timers, log entries (batched), settings and
 * gateway changes, and `approvals.waiting` when a session starts waiting for an answer.
 * Timers run only while someone listens.
 */
export class AdminEventHub {
  readonly #context: AdminContext;
  readonly #timing: Required<AdminEventTiming>;
  readonly #listeners = new Set<AdminEventListener>();
  readonly #stops: (() => void)[] = [];
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #sessionsTimer: ReturnType<typeof setTimeout> | undefined;
  #sessionsDirty = false;
  #logBatch: EventPayload<'logs.appended'>['entries'] = [];
  #logTimer: ReturnType<typeof setTimeout> | undefined;
  #states = new Map<string, SessionSnapshot['state']>();
  #stopLogs: (() => void) | undefined;

  constructor(context: AdminContext, timing: AdminEventTiming = {}) {
    this.#context = context;
    this.#timing = { healthMs: timing.healthMs ?? 1000, statsMs: timing.statsMs ?? 2000, sessionsMs: timing.sessionsMs ?? 250, logsMs: timing.logsMs ?? 100 };
    for (const session of context.sessions.list()) this.#states.set(session.id, session.state);
    // Approvals are watched even without listeners: the shell's notification listens through here.
    this.#stops.push(context.sessions.subscribe((change) => this.#sessionsChanged(change)));
    this.#stops.push(context.settings.subscribe(() => this.emit('settings.changed', context.settings.view())));
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Adds a listener (starting the timers for the first one); returns the function that removes it. */
  subscribe(listener: AdminEventListener): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#startTimers();
    return () => {
      if (!this.#listeners.delete(listener)) return;
      if (this.#listeners.size === 0) this.#stopTimers();
    };
  }

  /** Sends one event to every listener; a failing listener does not stop the others. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event, payload);
      } catch {
        // A transport that failed to deliver cleans itself up; never log here (logs are events too).
      }
    }
  }

  /** Announces the gateway's status now. */
  gatewayChanged(): void {
    this.emit('gateway.changed', gatewayStatus(this.#context));
  }

  /** Stops timers and subscriptions. */
  close(): void {
    this.#stopTimers();
    for (const stop of this.#stops.splice(0)) stop();
    if (this.#sessionsTimer) clearTimeout(this.#sessionsTimer);
    this.#listeners.clear();
  }

  #startTimers(): void {
    const { healthMs, statsMs } = this.#timing;
    const every = (ms: number, tick: () => void): void => {
      const timer = setInterval(tick, ms);
      timer.unref?.();
      this.#timers.push(timer);
    };
    every(healthMs, () => this.emit('health.changed', this.#context.health()));
    every(statsMs, () => this.emit('stats.changed', this.#context.stats.view()));
    this.#stopLogs = this.#context.logs.subscribe((entry) => {
        this.#logBatch.push(entry);
        this.#logTimer ??= setTimeout(() => {
          this.#logTimer = undefined;
          const entries = this.#logBatch;
          this.#logBatch = [];
          this.emit('logs.appended', { entries });
        }, this.#timing.logsMs);
    });
  }

  #stopTimers(): void {
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.#stopLogs?.();
    this.#stopLogs = undefined;
    if (this.#logTimer) clearTimeout(this.#logTimer);
    this.#logTimer = undefined;
    this.#logBatch = [];
  }

  #sessionsChanged(change?: SessionChange): void {
    this.#watchApprovals(change);
    if (this.#sessionsTimer) {
      this.#sessionsDirty = true;
      return;
    }
    this.#emitSessions();
    const cool = (): void => {
      this.#sessionsTimer = setTimeout(() => {
        this.#sessionsTimer = undefined;
        if (this.#sessionsDirty) {
          this.#sessionsDirty = false;
          this.#emitSessions();
          cool();
        }
      }, this.#timing.sessionsMs);
      this.#sessionsTimer.unref?.();
    };
    cool();
  }

  #emitSessions(): void {
    if (this.#listeners.size === 0) return;
    this.emit('sessions.changed', sessionList(this.#context));
  }

  /** Announces sessions that just started waiting for an approval: from the change alone when given (O(1), this runs on every session update), else by scanning. */
  #watchApprovals(change?: SessionChange): void {
    if (change) {
      if (change.type === 'removed') {
        this.#states.delete(change.id);
        return;
      }
      this.#noteState(change.session);
      return;
    }
    const next = new Map<string, SessionSnapshot['state']>();
    for (const session of this.#context.sessions.list()) {
      next.set(session.id, session.state);
      this.#noteState(session);
    }
    this.#states = next;
  }

  #noteState(session: SessionSnapshot): void {
    if (session.state === 'awaiting_approval' && this.#states.get(session.id) !== 'awaiting_approval') {
      const tool = session.awaitingApprovalFor ?? 'a tool';
      this.emit('approvals.waiting', { sessionId: session.id, user: session.user?.name ?? (session.kind === 'local' ? 'You' : 'A teammate'), tool, local: session.kind === 'local' });
    }
    this.#states.set(session.id, session.state);
  }
}
