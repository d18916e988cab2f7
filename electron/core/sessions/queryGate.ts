import type { ClientKind, Usage } from '../../../shared/types/session';

import type { Identity } from './engine';

/** What a gate may read of a session and say to it. */
export interface GatedSession {
  readonly kind: ClientKind;
  readonly identity: Identity | undefined;
  /** Tells the peer something (an `info` with `code` on the wire, e.g. `budget_warning`). */
  notify(notice: { code: string; message: string }): void;
}

/** Why a query was not started: sent to the peer as an `error` with `code`. */
export interface QueryRefusal {
  /** A wire `error` code (e.g. `BUDGET_EXCEEDED`). */
  code: string;
  message: string;
}

/**
 * The admin's controls on queries, seen from the sessions (the spend ledger implements it):
 * asked where a query starts, before anything reaches the engine, and told each model call's
 * usage. Implementations may `notify` the session (e.g. `budget_warning`).
 */
export interface QueryGate {
  /** A refusal stops the query before the engine sees it; undefined lets it run. */
  admit(session: GatedSession, query: string): Promise<QueryRefusal | undefined>;
  /** One model call's usage, as the engine reported it. */
  usage(session: GatedSession, usage: Usage): void;
}
