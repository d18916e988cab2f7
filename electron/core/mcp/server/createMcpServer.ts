import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ElicitRequestFormParams, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

import type { Logger } from '../../log/logger';
import { genericSecrets, type SecretRegistry } from '../../log/redact';
import type { TallyfyClient } from '../../tallyfy/client';
import { appVersion } from '../../version';

import { argumentProblem } from '../argumentErrors';
import { allTools } from '../catalog';
import type { Tool, ToolContext } from '../defineTool';

import { toolErrorText } from '../toolError';
import { toJsonText } from '../toolOutput';

import { handleLogLevels, registerResourcesAndPrompts } from './features';

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /** Run-time secrets scrubbed from every tool result (the generic credential patterns always apply). */
  secrets?: SecretRegistry;
  /** Logs one debug line per tool call (name, duration, ok) — never arguments. Default: none. */
  logger?: Logger;
  /** Only these tools (by name). Default: all. */
  only?: readonly string[];
  /** Server name announced to clients. Default `tallyfy`. */
  name?: string;
  /** Register the resources and prompts (`features.ts`). Default true. */
  resources?: boolean;
  /**
   * Serve `tallyfy_api_read` / `tallyfy_api_write` (raw REST on known paths). createCore passes the
   * config's `apiFallback` (settings.json or env); default: on only when the environment has `GATEWAY_API_FALLBACK=1`.
   */
  apiFallback?: boolean;
}

/** The raw-REST fallback tools, served only when enabled. */
export const apiFallbackTools: readonly string[] = ['tallyfy_api_read', 'tallyfy_api_write'];

/** Instructions sent to MCP clients on initialize. */
export const serverInstructions =
  'Tools for Tallyfy, the workflow platform: tasks, processes (runs), templates with steps and form fields, kick-off forms, automation rules, people, groups, tags, folders and search. ' +
  'Ids are 32-hex strings except member ids (integers). Find ids with search_all or the list tools first. ' +
  "Lists are paged: when meta.truncated is true, ask for the next page. Deadlines accept natural language in the organization's timezone.";

/**
 * Builds an MCP server whose tools all act through `client`, and only through it: one server per
 * credential set, so a session can never reach another's Tallyfy data. About 1 ms of CPU with ~90 tools (2 cores), so
 * the HTTP endpoint pools them per credential set (`serverPool.ts`); a server may serve many requests in turn.
 * Tool failures come back as `isError` results with Tallyfy's message and field errors, scrubbed
 * of secrets; a handler never throws through the protocol.
 */
export function createMcpServer(client: TallyfyClient, options: McpServerOptions = {}): McpServer {
  const secrets = options.secrets ?? genericSecrets;
  const server = new McpServer(
    { name: options.name ?? 'tallyfy', version: appVersion },
    { instructions: serverInstructions, capabilities: { tools: {}, logging: {} } },
  );
  let timezone: Promise<string | undefined> | undefined;
  const readTimezone = async (): Promise<string | undefined> => {
    try {
      const org = await client.organization();
      if (org.timezone) return org.timezone;
    } catch {
      // Fall back to the member's own timezone below.
    }
    try {
      return (await client.me()).timezone ?? undefined;
    } catch {
      return undefined;
    }
  };
  const fallback = options.apiFallback ?? process.env.GATEWAY_API_FALLBACK === '1';
  const tools: readonly Tool[] = allTools.filter(
    (tool) => (options.only ? options.only.includes(tool.name) : true) && (fallback || !apiFallbackTools.includes(tool.name)),
  );
  installArgumentChecks(server, tools);
  const logLevels = handleLogLevels(server);
  if (options.resources !== false) registerResourcesAndPrompts(server, client);
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        ...(tool.output ? { outputSchema: tool.output } : {}),
        annotations: tool.annotations,
      },
      async (args: Record<string, unknown>, extra) => {
        const ctx: ToolContext = {
          client,
          signal: extra.signal,
          ...(server.server.getClientCapabilities()?.elicitation
            ? {
                elicit: async (request) => {
                  const answer = await server.server.elicitInput(
                    // The tools build flat primitive-field schemas, which is what the SDK's type describes.
                    {
                      mode: 'form',
                      message: request.message,
                      requestedSchema: request.requestedSchema as ElicitRequestFormParams['requestedSchema'],
                    },
                    { signal: extra.signal },
                  );
                  return { action: answer.action, ...(answer.content ? { content: answer.content } : {}) };
                },
              }
            : {}),
          // A failed lookup is not kept: the server may be pooled and serve later requests.
          timezone: () =>
            (timezone ??= readTimezone().then((zone) => {
              if (zone === undefined) timezone = undefined;
              return zone;
            })),
        };
        const started = performance.now();
        const session = extra.sessionId ?? headerValue(extra.requestInfo?.headers['mcp-session-id']);
        // Only the tool name, timing and error code: never arguments or results (they may hold personal data).
        const log = (level: LoggingLevel, data: Record<string, unknown>) =>
          logLevels.wants(level, session)
            ? extra.sendNotification({ method: 'notifications/message', params: { level, logger: 'tallyfy', data } }).catch(() => undefined)
            : undefined;
        const progressToken = extra._meta?.progressToken;
        const progress = (done: number, message: string) =>
          progressToken === undefined
            ? undefined
            : extra
                .sendNotification({ method: 'notifications/progress', params: { progressToken, progress: done, total: 1, message } })
                .catch(() => undefined);
        await log('debug', { tool: tool.name, event: 'start' });
        await progress(0, `${tool.title}…`);
        try {
          const value = await tool.run(args, ctx);
          const ms = Math.round(performance.now() - started);
          options.logger?.debug({ tool: tool.name, ms, ok: true }, 'mcp tool call');
          await log('info', { tool: tool.name, ms, ok: true });
          await progress(1, 'Done');
          const text = secrets.scrub(toJsonText(value));
          // The same (size-capped, scrubbed) answer as structured content, for tools that announce an outputSchema.
          return {
            content: [{ type: 'text' as const, text }],
            ...(tool.output ? { structuredContent: JSON.parse(text) as Record<string, unknown> } : {}),
          };
        } catch (error) {
          options.logger?.debug(
            { tool: tool.name, ms: Math.round(performance.now() - started), ok: false, code: (error as { code?: unknown }).code },
            'mcp tool call',
          );
          await log('error', {
            tool: tool.name,
            ms: Math.round(performance.now() - started),
            ok: false,
            code: (error as { code?: unknown }).code ?? 'ERROR',
          });
          await progress(1, 'Failed');
          return { content: [{ type: 'text' as const, text: toolErrorText(tool, error, secrets) }], isError: true };
        }
      },
    );
  }
  return server;
}

/** The SDK's argument validation, as {@link installAliases} wraps it. */
type ValidateToolInput = (tool: unknown, args: unknown, toolName: string) => Promise<unknown>;

/**
 * Rewrites documented older argument shapes into the official ones before the SDK validates them
 * (see `ToolSpec.aliases`), and turns the SDK's validation failure (`Input validation error: …` with
 * zod's issues) into a short human message naming each argument and what it needs
 * (`argumentErrors.ts`): the SDK returns a thrown error's message as the `isError` tool result.
 * The SDK has no hook for either, so its validation method is wrapped.
 */
function installArgumentChecks(server: McpServer, tools: readonly Tool[]): void {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  // `validateToolInput` is private in the SDK's types but a plain method at run time.
  const target = server as unknown as { validateToolInput: ValidateToolInput };
  const original = target.validateToolInput.bind(server);
  target.validateToolInput = async (registered, args, toolName) => {
    const tool = byName.get(toolName);
    const alias = tool?.aliases;
    const rewritten = alias && args && typeof args === 'object' && !Array.isArray(args) ? alias(args as Record<string, unknown>) : args;
    try {
      return await original(registered, rewritten, toolName);
    } catch (error) {
      if (!tool || !(error instanceof McpError) || error.code !== ErrorCode.InvalidParams) throw error;
      const problem = argumentProblem(tool.input, rewritten);
      throw new Error(
        problem
          ? `Could not ${tool.title.charAt(0).toLowerCase()}${tool.title.slice(1)}: ${problem} Fix the arguments and call ${tool.name} again.`
          : `The arguments for ${tool.name} are not valid; check them against its input schema.`,
        { cause: error },
      );
    }
  };
}

/** One header value (the first when repeated). */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
