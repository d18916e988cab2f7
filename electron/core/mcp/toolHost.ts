/**
 * What the agent needs from a tool server, without knowing MCP: the MCP folder implements it
 * over an in-process MCP client (or an external MCP server), the agent consumes it.
 */

/** Truthful hints about a tool's effects (MCP `ToolAnnotations`). */
export interface ToolHints {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
  title?: string;
}

/** One tool as listed to the model. */
export interface ToolInfo {
  name: string;
  description: string;
  /** JSON Schema of the arguments (an object schema). */
  inputSchema: { type: 'object'; properties?: Record<string, unknown>; required?: string[]; [key: string]: unknown };
  annotations?: ToolHints;
}

/** The outcome of one tool call, as text the model can read. */
export interface ToolOutcome {
  /** The tool's text output (JSON or a message). */
  text: string;
  /** True when the tool failed (bad arguments, a Tallyfy error); `text` says why. */
  isError: boolean;
}

/** A set of tools bound to ONE credential set (one session): isolation by construction. */
export interface ToolHost {
  listTools(): Promise<ToolInfo[]>;
  /** Runs a tool. Never throws for tool failures (they come back with `isError`); rejects only when aborted or closed. */
  callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome>;
  /** Releases the server and client behind it. */
  close(): Promise<void>;
}
