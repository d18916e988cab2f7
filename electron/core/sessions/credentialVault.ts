import { randomBytes } from 'node:crypto';

import type { SecretRegistry } from '../log/redact';
import { tokensMatch } from '../net/tokensMatch';

import type { Credentials } from './engine';

/**
 * One session's secrets: its Tallyfy credentials and its resume token. Memory only; each is
 * registered with the {@link SecretRegistry} while held, so no log line or error text can carry it.
 */
export class CredentialVault {
  #credentials: Credentials | undefined;
  #resumeToken: string | undefined;

  constructor(private readonly secrets: SecretRegistry) {}

  /** The credentials held, if any (handed only to the tool host factory). */
  get credentials(): Credentials | undefined {
    return this.#credentials;
  }

  get holdsCredentials(): boolean {
    return this.#credentials !== undefined;
  }

  hold(credentials: Credentials): void {
    if (this.#credentials) this.secrets.remove(this.#credentials.apiKey);
    this.#credentials = { ...credentials };
    this.secrets.add(credentials.apiKey);
  }

  /** A fresh resume token (the previous one stops working). */
  issueResumeToken(): string {
    if (this.#resumeToken) this.secrets.remove(this.#resumeToken);
    this.#resumeToken = randomBytes(24).toString('base64url');
    this.secrets.add(this.#resumeToken);
    return this.#resumeToken;
  }

  /** Constant-time check of a presented resume token. */
  checkResumeToken(token: string): boolean {
    return this.#resumeToken !== undefined && tokensMatch(token, this.#resumeToken);
  }

  /** Forgets the credentials and the resume token. */
  wipe(): void {
    if (this.#credentials) this.secrets.remove(this.#credentials.apiKey);
    this.#credentials = undefined;
    if (this.#resumeToken) this.secrets.remove(this.#resumeToken);
    this.#resumeToken = undefined;
  }
}
