import type { Tool } from '@anthropic-ai/sdk/resources/messages/messages';

import type { ToolHost, ToolInfo } from '../mcp/toolHost';

import type { ToolCatalog } from './conversation';

/**
 * Turns a tool list into the Messages API `tools` parameter once, with a `cache_control` breakpoint
 * on the last tool so the whole list is cached as a prompt prefix.
 */
export function buildToolParams(infos: readonly ToolInfo[]): Tool[] {
  return infos.map((info, index) => {
    const tool: Tool = { name: info.name, description: info.description, input_schema: info.inputSchema as Tool['input_schema'] };
    if (index === infos.length - 1) tool.cache_control = { type: 'ephemeral' };
    return tool;
  });
}

/** Lists a host's tools and builds everything the agent needs from them. */
export async function loadCatalog(host: ToolHost): Promise<ToolCatalog> {
  const infos = await host.listTools();
  return { infos, byName: new Map(infos.map((info) => [info.name, info])), params: buildToolParams(infos) };
}
