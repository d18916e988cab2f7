import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import type { TallyfyClient } from '../../tallyfy/client';
import { appVersion } from '../../version';

import { plainValidationText } from '../argumentErrors';
import { createMcpServer, type McpServerOptions } from '../server/createMcpServer';
import type { ToolHost, ToolInfo } from '../toolHost';

/** Thrown by a closed host (and when a call is aborted): the only rejections {@link ToolHost.callTool} has. */
export class ToolHostClosedError extends Error {
  readonly code = 'TOOL_HOST_CLOSED';
  constructor() {
    super('The tool host is closed.');
    this.name = 'ToolHostClosedError';
  }
}

/** The text of an MCP tool result (text parts joined by newlines). */
function resultText(result: Pick<CallToolResult, 'content'>): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : `[${part.type} content]`)).join('\n');
}

/**
 * A {@link ToolHost} over an MCP server bound to `client`, reached through a real MCP `Client`
 * over an in-memory linked transport pair. Built on demand (about 1 ms with all tools, measured): make one when
 * a session first needs tools and close it when the session idles. The tool list is fetched once.
 */
export async function createInProcessToolHost(client: TallyfyClient, options: McpServerOptions = {}): Promise<ToolHost> {
  const server = createMcpServer(client, options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcpClient = new Client({ name: 'tallyfy-gateway-agent', version: appVersion });
  await server.connect(serverSide);
  await mcpClient.connect(clientSide);
  return toolHostOverClient(mcpClient, () => server.close());
}

/**
 * A {@link ToolHost} over a connected MCP `Client`: the tool list fetched once, tool failures and
 * protocol errors returned as `isError` outcomes. `release` runs after the client closes.
 */
export function toolHostOverClient(mcpClient: Client, release: () => Promise<void> = async () => undefined): ToolHost {
  let closed = false;
  let tools: Promise<ToolInfo[]> | undefined;
  return {
    listTools: () =>
      (tools ??= mcpClient.listTools().then((result) =>
        result.tools.map((tool) => ({
          name: tool.name,
          description: tool.description ?? '',
          inputSchema: tool.inputSchema as ToolInfo['inputSchema'],
          ...(tool.annotations ? { annotations: { ...tool.annotations, ...(tool.title ? { title: tool.title } : {}) } } : {}),
        })),
      )),
    callTool: async (name, args, signal) => {
      if (closed) throw new ToolHostClosedError();
      // Raw argument-validation text (e.g. from an external server) becomes a sentence the model and the chat can use.
      const plain = async (text: string): Promise<string> => {
        const tool = tools ? (await tools.catch(() => [])).find((item) => item.name === name) : undefined;
        return plainValidationText(name, text, tool?.inputSchema);
      };
      try {
        const result = (await mcpClient.callTool({ name, arguments: args }, undefined, signal ? { signal } : undefined)) as CallToolResult;
        const text = resultText(result);
        return result.isError === true ? { text: await plain(text), isError: true } : { text, isError: false };
      } catch (error) {
        if (closed) throw new ToolHostClosedError();
        if (signal?.aborted) throw error;
        // Protocol errors (unknown tool, invalid params) are the model's to fix, not a crash.
        return { text: await plain(error instanceof Error ? error.message : String(error)), isError: true };
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await mcpClient.close();
      await release();
    },
  };
}
