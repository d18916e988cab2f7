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

/** Rough tokens for a text: about 4 characters per token (undercounts JSON; the bench passes a real tokenizer). */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** Counts the tokens of one piece of prompt text. */
export type TokenCounter = (text: string) => number;

type Tool = { name?: unknown; defer_loading?: unknown; type?: unknown };

/**
 * A `tool_search_tool_result` block as the model reads it: the block plus the full definition of
 * every tool it references (the API expands references in place, so the tools prefix stays put).
 */
function expandSearchResult(block: Record<string, unknown>, tools: readonly Tool[]): unknown {
  const content = block.content as { type?: string; tool_references?: Array<{ tool_name?: unknown }> } | undefined;
  if (content?.type !== 'tool_search_tool_search_result' || !Array.isArray(content.tool_references)) return block;
  const loaded = content.tool_references.map((reference) => {
    const tool = tools.find((candidate) => candidate.name === reference.tool_name);
    if (!tool) return null;
    const { defer_loading: _deferred, cache_control: _breakpoint, ...definition } = tool as Record<string, unknown>;
    return definition;
  });
  return { ...block, loaded };
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

  /**
   * @param minTokens Smallest prefix (tokens) that is cached. Default 1,024.
   * @param ttlMs How long an entry lives after its last hit (ms). Default 5 minutes.
   * @param count Tokens of a text. Default characters ÷ 4.
   */
  constructor(
    readonly minTokens = 1024,
    readonly ttlMs = 5 * 60_000,
    readonly count: TokenCounter = (text) => estimateTokens(text.length),
  ) {}

  readonly #tokenMemo = new Map<string, number>();

  /** Tokens of one block's text, remembered (tool definitions repeat on every request). */
  #tokens(text: string): number {
    let tokens = this.#tokenMemo.get(text);
    if (tokens === undefined) {
      tokens = this.count(text);
      if (this.#tokenMemo.size > 20_000) this.#tokenMemo.clear();
      this.#tokenMemo.set(text, tokens);
    }
    return tokens;
  }

  /** Tokens of `blocks` (e.g. a reply's search results, expanded) as the model reads them in `body`'s context. */
  blockTokens(body: Record<string, unknown>, blocks: readonly unknown[]): number {
    const tools = Array.isArray(body.tools) ? (body.tools as Tool[]) : [];
    return blocks.reduce<number>(
      (sum, block) => sum + this.#tokens(blockText(expandSearchResult(block as Record<string, unknown>, tools))),
      0,
    );
  }

  /**
   * Computes usage for a request body and records the prefixes it writes. Deferred tools
   * (`defer_loading: true`) are not part of the prompt; a `tool_search_tool_result` counts with the
   * definitions it loads, where it sits.
   */
  account(body: Record<string, unknown>): FakeUsage {
    const blocks: unknown[] = [];
    const model = typeof body.model === 'string' ? body.model : '';
    const tools = Array.isArray(body.tools) ? (body.tools as Tool[]) : [];
    blocks.push(...tools.filter((tool) => tool.defer_loading !== true));
    if (typeof body.system === 'string') blocks.push({ type: 'text', text: body.system });
    else if (Array.isArray(body.system)) blocks.push(...(body.system as unknown[]));
    if (Array.isArray(body.messages)) {
      for (const message of body.messages as Array<{ role?: unknown; content?: unknown }>) {
        if (typeof message.content === 'string') blocks.push({ role: message.role, type: 'text', text: message.content });
        else if (Array.isArray(message.content)) {
          // The role is part of identity; mark it with a zero-width marker block.
          blocks.push({ role: message.role });
          for (const block of message.content as Array<Record<string, unknown>>) {
            blocks.push(block?.type === 'tool_search_tool_result' ? expandSearchResult(block, tools) : block);
          }
        }
      }
    }
    const hash: Hash = createHash('sha1').update(model);
    const boundaries: Boundary[] = [];
    let tokens = 0;
    for (const block of blocks) {
      const text = blockText(block);
      tokens += this.#tokens(text);
      hash.update(text);
      boundaries.push({ digest: hash.copy().digest('base64'), tokens, breakpoint: hasBreakpoint(block) });
    }
    const total = tokens;
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
