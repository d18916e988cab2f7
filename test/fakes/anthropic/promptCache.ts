import { createHash, type Hash } from 'node:crypto';

/** Token counts the fake reports for one request, split the way the Messages API splits them. */
export interface FakeUsage {
  /** Tokens after the last cache breakpoint (or all of them when nothing is cached). */
  input_tokens: number;
  /** Tokens written to the cache by this request. */
  cache_creation_input_tokens: number;
  /** Tokens served from the cache. */
  cache_read_input_tokens: number;
}

/** Rough tokens for a text: about 4 characters per token, as the real tokenizer averages on English/JSON. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

interface Boundary {
  digest: string;
  tokens: number;
  breakpoint: boolean;
}

/** Strips `cache_control` so a block's identity does not depend on where the breakpoint sits. */
function blockText(block: unknown): string {
  if (block && typeof block === 'object' && 'cache_control' in block) {
    const { cache_control: _ignored, ...rest } = block as Record<string, unknown>;
    return JSON.stringify(rest);
  }
  return JSON.stringify(block);
}

function hasBreakpoint(block: unknown): boolean {
  return Boolean(block && typeof block === 'object' && (block as { cache_control?: unknown }).cache_control);
}

/**
 * Prompt-cache bookkeeping like the real API's: the prompt is the sequence tools → system → messages;
 * each `cache_control` breakpoint writes the prefix ending there; a later request whose prefix (at any
 * block boundary up to its last breakpoint) was written before reads it. Entries live `ttlMs` (default
 * 5 minutes) and prefixes shorter than `minTokens` (default 1,024, the Sonnet minimum) are never cached.
 */
export class PromptCache {
  readonly #entries = new Map<string, number>();

  constructor(
    readonly minTokens = 1024,
    readonly ttlMs = 5 * 60_000,
  ) {}

  /** Computes usage for a request body and records the prefixes it writes. */
  account(body: Record<string, unknown>): FakeUsage {
    const blocks: unknown[] = [];
    const model = typeof body.model === 'string' ? body.model : '';
    if (Array.isArray(body.tools)) blocks.push(...(body.tools as unknown[]));
    if (typeof body.system === 'string') blocks.push({ type: 'text', text: body.system });
    else if (Array.isArray(body.system)) blocks.push(...(body.system as unknown[]));
    if (Array.isArray(body.messages)) {
      for (const message of body.messages as Array<{ role?: unknown; content?: unknown }>) {
        if (typeof message.content === 'string') blocks.push({ role: message.role, type: 'text', text: message.content });
        else if (Array.isArray(message.content)) {
          // The role is part of identity; mark it with a zero-width marker block.
          blocks.push({ role: message.role });
          blocks.push(...(message.content as unknown[]));
        }
      }
    }
    const hash: Hash = createHash('sha1').update(model);
    const boundaries: Boundary[] = [];
    let chars = 0;
    for (const block of blocks) {
      const text = blockText(block);
      chars += text.length;
      hash.update(text);
      boundaries.push({ digest: hash.copy().digest('base64'), tokens: estimateTokens(chars), breakpoint: hasBreakpoint(block) });
    }
    const total = estimateTokens(chars);
    let lastBreakpoint = -1;
    for (let i = boundaries.length - 1; i >= 0; i--) {
      if (boundaries[i]?.breakpoint) {
        lastBreakpoint = i;
        break;
      }
    }
    if (lastBreakpoint < 0) return { input_tokens: total, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

    const now = Date.now();
    let read = 0;
    for (let i = lastBreakpoint; i >= 0; i--) {
      const boundary = boundaries[i];
      if (!boundary) continue;
      const writtenAt = this.#entries.get(boundary.digest);
      if (writtenAt !== undefined && now - writtenAt <= this.ttlMs) {
        read = boundary.tokens;
        this.#entries.set(boundary.digest, now); // a hit refreshes the entry, as the real cache does
        break;
      }
    }
    let written = 0;
    for (let i = 0; i <= lastBreakpoint; i++) {
      const boundary = boundaries[i];
      if (!boundary?.breakpoint || boundary.tokens < this.minTokens) continue;
      if (boundary.tokens > read) written = boundary.tokens - read;
      this.#entries.set(boundary.digest, now);
    }
    const cachedEnd = read + written;
    return { input_tokens: Math.max(0, total - cachedEnd), cache_creation_input_tokens: written, cache_read_input_tokens: read };
  }

  /** Forgets every cached prefix. */
  clear(): void {
    this.#entries.clear();
  }
}
