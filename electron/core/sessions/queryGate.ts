import type { ErrorCode, ServerMessage } from '../../../shared/protocol';
import type { ClientKind, Usage } from '../../../shared/types/session';

import type { Identity } from './engine';

/** What a gate may read of a session and say to it. */
export interface GatedSession {
  readonly kind: ClientKind;
  readonly identity: Identity | undefined;
  send(message: ServerMessage): void;
}

/** Why a query was not started: sent to the peer as an `error` with `code`. */
export interface QueryRefusal {
  code: ErrorCode;
  message: string;
}

/**
 * The admin's controls on queries, seen from the sessions (the spend ledger implements it):
 * asked where a query starts, before anything reaches the engine, and told each model call's
 * usage. Implementations may `send` notices (e.g. `info` `budget_warning`) to the session.
 */
export interface QueryGate {
  /** A refusal stops the query before the engine sees it; undefined lets it run. */
  admit(session: GatedSession, query: string): Promise<QueryRefusal | undefined>;
  /** One model call's usage, as the engine reported it. */
  usage(session: GatedSession, usage: Usage): void;
}
