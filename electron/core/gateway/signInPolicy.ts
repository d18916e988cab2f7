import { randomBytes } from 'node:crypto';

import type { AuthErrorCode } from '../../../shared/protocol';
import { createAttemptLimiter, type AttemptLimit, type AttemptLimiter } from '../net/attemptLimiter';
import { isLoopbackHost } from '../net/loopback';
import { tokensMatch } from '../net/tokensMatch';
import { systemClock, type Clock } from '../sessions/clock';
import type { Credentials } from '../sessions/engine';

import { isLoopbackBinding } from './upgradeGuard';

/** The desk user's own sign-in (`auth_local`), for the desktop app's chat pane. */
export interface LocalSignIn {
  /** True when `token` is a valid local token (issued by the core for the desktop window); may consume it. */
  verify(token: string): boolean;
  /** The desk user's credentials (TALLYFY_API_KEY / TALLYFY_ORG_ID), when set. */
  credentials(): Credentials | undefined;
}

/** Default life of a local sign-in token: 60 s, used once. */
export const localTokenTtlMs = 60_000;

/** One-time tokens for `auth_local`: issued to the desktop window, each valid once for {@link localTokenTtlMs}. */
export class LocalTokens {
  readonly #tokens = new Map<string, number>();

  constructor(private readonly clock: Pick<Clock, 'now'> = systemClock) {}

  issue(): string {
    const now = this.clock.now();
    for (const [token, expires] of this.#tokens) if (expires < now) this.#tokens.delete(token);
    const token = randomBytes(24).toString('base64url');
    this.#tokens.set(token, now + localTokenTtlMs);
    return token;
  }

  /** True when `token` was issued and has not expired; it is spent either way. */
  verify(token: string): boolean {
    const expires = this.#tokens.get(token);
    this.#tokens.delete(token);
    return expires !== undefined && expires >= this.clock.now();
  }
}

/** An access code as people type it: case, spaces and dashes do not matter (`k7qm 2xpa 9htd` = `K7QM-2XPA-9HTD`). */
export function normalizeAccessCode(code: string): string {
  return code.replace(/[\s-]+/g, '').toUpperCase();
}

/** Why a sign-in was refused: the `auth_error` to send, and whether to close the connection after it. */
export interface Refusal {
  code: AuthErrorCode;
  message: string;
  /** Close the connection (policy) with this reason. */
  close?: string;
}

export interface SignInPolicyOptions {
  /** Interface the gateway is bound to: the access code applies only beyond loopback. */
  host: string;
  /** Access code required at `auth` beyond loopback. A function is read at every sign-in (the admin may change it live). */
  accessCode?: string | (() => string | undefined);
  /** Restrict sign-in to these Tallyfy org ids. Default: any org. A function is read at every sign-in. */
  allowedOrgIds?: readonly string[] | (() => readonly string[]);
  local?: LocalSignIn;
  /** Failed sign-ins per address (successes in between do not reset the count). Default 10 per 15 minutes. */
  attemptLimit?: AttemptLimit;
  /** Counts failed sign-ins (a cluster passes a shared store). Default: in memory, with `attemptLimit`. */
  attemptLimiter?: AttemptLimiter;
}

/**
 * Who may sign in: the access code, the org allow-list, the failed-attempt limiter per address,
 * and the desk user's local token. The gateway asks before checking credentials with Tallyfy.
 */
export class SignInPolicy {
  readonly #limiter: AttemptLimiter;

  constructor(private readonly options: SignInPolicyOptions) {
    this.#limiter = options.attemptLimiter ?? createAttemptLimiter(options.attemptLimit);
  }

  #accessCode(): string | undefined {
    const { accessCode } = this.options;
    return typeof accessCode === 'function' ? accessCode() : accessCode;
  }

  /** True when `auth` needs the access code. */
  get accessCodeRequired(): boolean {
    return !isLoopbackBinding(this.options.host) && !!this.#accessCode();
  }

  /** Refuses an address with too many failures (`auth`, `resume`); the connection is closed after it. */
  async checkAttempts(address: string, kind: 'sign-in' | 'resume'): Promise<Refusal | undefined> {
    if ((await this.#limiter.blockedFor(address)) <= 0) return undefined;
    return kind === 'sign-in'
      ? {
          code: 'TOO_MANY_ATTEMPTS',
          message: 'Too many failed sign-ins from this address. Wait a few minutes, then try again.',
          close: 'too many sign-in attempts',
        }
      : {
          code: 'TOO_MANY_ATTEMPTS',
          message: 'Too many failed attempts from this address. Wait a few minutes, then sign in again.',
          close: 'too many attempts',
        };
  }

  /** Checks an `auth` before Tallyfy is asked: attempts, the access code, the org allow-list. */
  async checkAuth(address: string, request: { access_code?: string | undefined; org_id: string }): Promise<Refusal | undefined> {
    const blocked = await this.checkAttempts(address, 'sign-in');
    if (blocked) return blocked;
    const accessCode = this.accessCodeRequired ? this.#accessCode() : undefined;
    if (accessCode) {
      if (!request.access_code)
        return {
          code: 'ACCESS_CODE_REQUIRED',
          message: 'This gateway is shared on the network: enter the access code your admin gave you.',
        };
      if (!tokensMatch(normalizeAccessCode(request.access_code), normalizeAccessCode(accessCode))) {
        await this.failed(address);
        return { code: 'ACCESS_CODE_INVALID', message: 'The access code is wrong. Ask the gateway admin for the current code.' };
      }
    }
    const { allowedOrgIds } = this.options;
    const allowed = typeof allowedOrgIds === 'function' ? allowedOrgIds() : allowedOrgIds;
    if (allowed?.length && !allowed.includes(request.org_id)) {
      await this.failed(address);
      return { code: 'ORG_NOT_ALLOWED', message: 'This gateway does not accept sign-ins for that organization. Ask the gateway admin.' };
    }
    return undefined;
  }

  /** Checks an `auth_local`: this machine, a valid local token, and desk credentials set. */
  async checkLocal(address: string, token: string): Promise<{ credentials: Credentials } | Refusal> {
    const { local } = this.options;
    const credentials = local?.credentials();
    if (!local || !isLoopbackHost(address) || !local.verify(token)) {
      await this.failed(address);
      return { code: 'LOCAL_NOT_AVAILABLE', message: 'Local sign-in is only for the desktop app on this machine.' };
    }
    if (!credentials) return { code: 'LOCAL_NOT_AVAILABLE', message: 'Set your Tallyfy API key and organization id in Settings first.' };
    return { credentials };
  }

  /** Counts one failure for `address` (a success does not reset the count). */
  async failed(address: string): Promise<void> {
    await this.#limiter.fail(address);
  }
}
