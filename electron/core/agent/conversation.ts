import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages/messages';

import type { ToolInfo } from '../mcp/toolHost';

import { addUsage, emptyUsage, type AgentUsage } from './events';
import type { ToolParam } from './toolParams';

/** The history message shape the agent keeps (user and assistant turns only). */
export type HistoryMessage = Extract<MessageParam, { role: 'user' | 'assistant' }>;

/** Default history budget in (estimated) tokens: 50,000. */
export const defaultHistoryTokenBudget = 50_000;

/** Rough characters for a message, counted without serializing it. */
export function messageChars(message: HistoryMessage): number {
  const content = message.content;
  if (typeof content === 'string') return content.length;
  let chars = 0;
  for (const block of content) {
    switch (block.type) {
      case 'text':
        chars += block.text.length;
        break;
      case 'tool_use':
        chars += block.name.length + JSON.stringify(block.input).length;
        break;
      case 'tool_result':
        if (typeof block.content === 'string') chars += block.content.length;
        else if (Array.isArray(block.content))
          for (const part of block.content)
            chars += part.type === 'text' ? part.text.length : part.type === 'tool_reference' ? loadedToolChars : 1000;
        break;
      case 'server_tool_use':
        chars += block.name.length + JSON.stringify(block.input ?? {}).length;
        break;
      case 'tool_search_tool_result':
        // The API expands each reference into the tool's full definition at this point of the prompt.
        chars += 100 + referencedTools(block).length * loadedToolChars;
        break;
      default:
        chars += 1000;
    }
    chars += 20; // block framing
  }
  return chars;
}

/** Characters counted for a tool definition a search loads into the history (a typical deferred tool's). */
export const loadedToolChars = 1_200;

type Block = ContentBlockParam;
type SearchUse = Extract<Block, { type: 'server_tool_use' }>;
type SearchResult = Extract<Block, { type: 'tool_search_tool_result' }>;

/** The tool names a `tool_search_tool_result` block references (none for an error result). */
export function referencedTools(block: SearchResult): string[] {
  const content = block.content;
  return content.type === 'tool_search_tool_search_result' ? content.tool_references.map((reference) => reference.tool_name) : [];
}

/** Estimated tokens for a number of characters (about 4 per token). */
export const charsToTokens = (chars: number): number => Math.ceil(chars / 4);

/** True when `message` opens an exchange: a user turn that answers no tool call. */
function opensExchange(message: HistoryMessage): boolean {
  if (message.role !== 'user') return false;
  if (typeof message.content === 'string') return true;
  return !message.content.some((block) => block.type === 'tool_result');
}

/** The tool list of a conversation, fetched once and turned into the request parameter once. */
export interface ToolCatalog {
  infos: ToolInfo[];
  byName: Map<string, ToolInfo>;
  /** The `tools` request parameter (deferred tools marked), with one cache breakpoint. Never mutated. */
  params: ToolParam[];
  /** Tools sent with `defer_loading: true`: callable only once a search in the history loaded them. */
  deferred: ReadonlySet<string>;
}

/**
 * One session's conversation with Claude: its history (user/assistant turns), usage totals, the
 * tools approved for the rest of the session and the tool list fetched for it. Not thread-safe by
 * design: the agent runs one query per conversation at a time (a second gets `AGENT_BUSY`).
 */
export class Conversation {
  readonly #messages: HistoryMessage[] = [];
  readonly #chars: number[] = [];
  #totalChars = 0;
  /** Turns dropped by trimming so far (lets a rollback find its place after a trim). */
  #dropped = 0;
  /** Usage summed over every query of this conversation (survives `clear()`). */
  readonly usage: AgentUsage = emptyUsage();
  /** Queries answered (or attempted) in this conversation. */
  queries = 0;
  /** Tools the user allowed "for the rest of the session". */
  readonly allowedTools = new Set<string>();
  /** Set by the agent while a query runs. */
  busy = false;
  /** @internal Tool list cache, filled by the agent on first use. */
  catalog: ToolCatalog | undefined;

  /** @param historyTokenBudget Estimated tokens the history may hold before old exchanges are dropped. Default 50,000. */
  constructor(readonly historyTokenBudget = defaultHistoryTokenBudget) {}

  /** The history, oldest first. Do not mutate: use the agent. */
  get messages(): readonly HistoryMessage[] {
    return this.#messages;
  }

  /** Estimated tokens the history holds. */
  get estimatedTokens(): number {
    return charsToTokens(this.#totalChars);
  }

  /** Empties the history (the `clear` command). Usage totals, approvals and the tool list stay. */
  clear(): void {
    this.#messages.length = 0;
    this.#chars.length = 0;
    this.#totalChars = 0;
  }

  /** Forgets the "allow for the rest of the session" approvals. */
  resetApprovals(): void {
    this.allowedTools.clear();
  }

  /** @internal Appends a turn; a user turn after a user turn is merged into it, keeping roles alternating. */
  append(message: HistoryMessage): void {
    const last = this.#messages.at(-1);
    if (last && last.role === 'user' && message.role === 'user') {
      const merged: HistoryMessage = { role: 'user', content: [...toBlocks(last.content), ...toBlocks(message.content)] };
      this.#replaceLast(merged);
      return;
    }
    const chars = messageChars(message);
    this.#messages.push(message);
    this.#chars.push(chars);
    this.#totalChars += chars;
  }

  /** @internal A point to roll back to: the length and the last turn (which a merge may replace). */
  mark(): { length: number; last: HistoryMessage | undefined; dropped: number } {
    return { length: this.#messages.length, last: this.#messages.at(-1), dropped: this.#dropped };
  }

  /** @internal Undoes everything appended since `mark` (a failed query), allowing for trimming since. */
  rollback(mark: { length: number; last: HistoryMessage | undefined; dropped: number }): void {
    const length = Math.max(0, mark.length - (this.#dropped - mark.dropped));
    this.truncate(length);
    if (length > 0 && mark.last && this.#messages[length - 1] !== mark.last) this.#replaceLast(mark.last);
  }

  /**
   * @internal Answers a trailing assistant turn's `tool_use` blocks that have no `tool_result` yet
   * (only possible after an unexpected failure), so the history stays valid for the API.
   */
  closeDanglingToolUse(text: string): void {
    const last = this.#messages.at(-1);
    if (!last || last.role !== 'assistant' || typeof last.content === 'string') return;
    const ids = last.content.filter((block) => block.type === 'tool_use').map((block) => (block as { id: string }).id);
    if (ids.length === 0) return;
    this.append({
      role: 'user',
      content: ids.map((id) => ({ type: 'tool_result' as const, tool_use_id: id, content: text, is_error: true })),
    });
  }

  /** @internal Drops turns after the first `length`. */
  truncate(length: number): void {
    while (this.#messages.length > length) {
      this.#messages.pop();
      this.#totalChars -= this.#chars.pop() ?? 0;
    }
  }

  #replaceLast(message: HistoryMessage): void {
    this.#totalChars -= this.#chars.pop() ?? 0;
    this.#messages.pop();
    const chars = messageChars(message);
    this.#messages.push(message);
    this.#chars.push(chars);
    this.#totalChars += chars;
  }

  /**
   * Drops the oldest whole exchanges (a user question with every turn up to the next question) until
   * the history fits `budgetTokens`, so a `tool_use` never loses its `tool_result`. The latest
   * exchange is always kept, even when it alone exceeds the budget. Returns the turns dropped.
   */
  trim(budgetTokens = this.historyTokenBudget): number {
    if (charsToTokens(this.#totalChars) <= budgetTokens) return 0;
    let cut = 0;
    let remaining = this.#totalChars;
    for (let i = 1; i < this.#messages.length; i++) {
      remaining -= this.#chars[i - 1] ?? 0;
      const message = this.#messages[i];
      if (message && opensExchange(message)) {
        cut = i;
        if (charsToTokens(remaining) <= budgetTokens) break;
      }
    }
    if (cut === 0) return 0;
    const carried = searchesStillNeeded(this.#messages.slice(0, cut), this.#messages.slice(cut));
    this.#messages.splice(0, cut);
    const dropped = this.#chars.splice(0, cut);
    for (const chars of dropped) this.#totalChars -= chars;
    this.#dropped += cut;
    if (carried.length > 0) {
      // A kept turn calls a tool that only a dropped search loaded: keep that search (its server_tool_use
      // and tool_search_tool_result, unchanged and in order) at the front of the first kept assistant turn.
      const at = this.#messages.findIndex((message) => message.role === 'assistant');
      const target = this.#messages[at];
      if (target) {
        const next: HistoryMessage = { role: 'assistant', content: [...carried, ...toBlocks(target.content)] };
        const chars = messageChars(next);
        this.#totalChars += chars - (this.#chars[at] ?? 0);
        this.#messages[at] = next;
        this.#chars[at] = chars;
      }
    }
    return cut;
  }

  /** @internal Adds a query's usage to the totals. */
  addUsage(usage: AgentUsage): void {
    addUsage(this.usage, usage);
  }
}

/**
 * The search blocks (server_tool_use + tool_search_tool_result pairs, in order) of `dropped` that
 * loaded a tool a `kept` turn calls without a search of its own among the kept turns.
 */
function searchesStillNeeded(dropped: readonly HistoryMessage[], kept: readonly HistoryMessage[]): Block[] {
  const loadedByKept = new Set<string>();
  const calledByKept = new Set<string>();
  for (const message of kept) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'tool_search_tool_result') for (const name of referencedTools(block)) loadedByKept.add(name);
      else if (block.type === 'tool_use' && !loadedByKept.has(block.name)) calledByKept.add(block.name);
    }
  }
  if (calledByKept.size === 0) return [];
  const uses = new Map<string, SearchUse>();
  const out: Block[] = [];
  for (const message of dropped) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'server_tool_use') uses.set(block.id, block);
      else if (block.type === 'tool_search_tool_result') {
        const use = uses.get(block.tool_use_id);
        if (use && referencedTools(block).some((name) => calledByKept.has(name))) out.push(use, block);
      }
    }
  }
  return out;
}

function toBlocks(content: HistoryMessage['content']): Exclude<HistoryMessage['content'], string> {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}
