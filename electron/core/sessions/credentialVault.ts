import { randomBytes } from 'node:crypto';

import type { SessionScrubber } from '../log/sessionScrubber';
import { tokensMatch } from '../net/tokensMatch';

import type { Credentials } from './engine';

/**
 * One session's secrets: its Tallyfy credentials and its resume token. Memory only; each is
 * owned by the session's {@link SessionScrubber} while held (and so by the shared registry), so no
 * log line, error text or output of this session can carry it.
 */
export class CredentialVault {
  #credentials: Credentials | undefined;
  #resumeToken: string | undefined;

  constructor(private readonly scrub: SessionScrubber) {}

  /** The credentials held, if any (handed only to the tool host factory). */
  get credentials(): Credentials | undefined {
    return this.#credentials;
  }

  get holdsCredentials(): boolean {
    return this.#credentials !== undefined;
  }

  hold(credentials: Credentials): void {
    if (this.#credentials) this.scrub.disown(this.#credentials.apiKey);
    this.#credentials = { ...credentials };
    this.scrub.own(credentials.apiKey);
  }

  /** A fresh resume token (the previous one stops working). */
  issueResumeToken(): string {
    if (this.#resumeToken) this.scrub.disown(this.#resumeToken);
    this.#resumeToken = randomBytes(24).toString('base64url');
    this.scrub.own(this.#resumeToken);
    return this.#resumeToken;
  }

  /** Constant-time check of a presented resume token. */
  checkResumeToken(token: string): boolean {
    return this.#resumeToken !== undefined && tokensMatch(token, this.#resumeToken);
  }

  /** Forgets the credentials and the resume token. */
  wipe(): void {
    if (this.#credentials) this.scrub.disown(this.#credentials.apiKey);
    this.#credentials = undefined;
    if (this.#resumeToken) this.scrub.disown(this.#resumeToken);
    this.#resumeToken = undefined;
  }
}
