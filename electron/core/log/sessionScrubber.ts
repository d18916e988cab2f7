import type { SecretRegistry } from './redact';

/**
 * How many characters of streamed text are always held back for the server-wide secrets, no
 * matter what the text is: 256, the longest admin token the config accepts (access codes stop at
 * 128, Anthropic keys are about 108). A server-wide secret split across deltas is therefore
 * always whole in the held text before any of it is sent. Constant on purpose: a hold-back that
 * depended on the secrets' content or length would tell a session something about them.
 */
export const serverSecretHoldBack = 256;

/** What one session may send now, and what it keeps for later. */
export interface StreamCut {
  /** Scrubbed text to send now (may be empty). */
  ready: string;
  /** Raw text to put in front of the next delta, or to {@link SessionScrubber.flush} at the end. */
  held: string;
}

/**
 * The one place a session's output is scrubbed (docs/security.md, "per-session secrets").
 *
 * A session's output — streamed deltas, the final response, direct-mode tool results, `tool_call`
 * arguments, error messages, the resume transcript — may depend only on secrets that session
 * owns. So it is scrubbed of:
 * - the session's own credentials (its API key, its resume token), with a content-aware
 *   hold-back while streaming (it only ever reveals the session's own secrets to itself);
 * - the server-wide secrets (Anthropic key, admin token, access code, the desk user's key), with a
 *   hold-back of {@link serverSecretHoldBack} characters whatever the text is;
 * and of nothing else: another session's key is never looked for, so it cannot shape anything
 * this session sees (text, framing, timing or errors). Logs and the admin's views keep scrubbing
 * with every secret (the shared registry).
 */
export class SessionScrubber {
  /** This session's own secrets, layered over the server-wide ones. */
  readonly registry: SecretRegistry;

  constructor(
    /** The shared registry (every secret, for logs); its `serverWide` part applies to this session. */
    private readonly all: SecretRegistry,
    private readonly holdBack: number = serverSecretHoldBack,
  ) {
    this.registry = all.scoped();
  }

  /** Registers one of the session's own secrets (and in the shared registry, for logs). */
  own(secret: string | undefined): void {
    this.registry.add(secret);
    this.all.add(secret);
  }

  /** Forgets one of the session's own secrets (rotated resume token, wiped credentials). */
  disown(secret: string | undefined): void {
    this.registry.remove(secret);
    this.all.remove(secret);
  }

  /** Text meant for people (the response, the transcript): own and server-wide secrets replaced. */
  text(text: string): string {
    return this.registry.scrubKnown(text);
  }

  /** An error message or tool summary: {@link text} plus the generic credential patterns. */
  message(text: string): string {
    return this.registry.scrub(text);
  }

  /**
   * Cuts streamed text (`held` from last time + the new delta): everything but the last
   * {@link serverSecretHoldBack} characters may go, less any tail that could start one of the
   * session's own secrets, and never through the middle of a whole secret.
   */
  stream(text: string): StreamCut {
    let cut = Math.min(text.length - this.holdBack, this.registry.heldTailStart(text));
    if (cut <= 0) return { ready: '', held: text };
    cut = this.registry.cutOutside(text, cut);
    return { ready: this.text(text.slice(0, cut)), held: text.slice(cut) };
  }

  /** The held text at the end of a stretch of text (before a tool call, an approval, the answer). */
  flush(held: string): string {
    return this.text(held);
  }
}
