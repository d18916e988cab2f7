import type { Tool, ToolArea, ToolEffect } from './defineTool';
import { apiFallbackToolList } from './tools/apiFallback';
import { automationTools } from './tools/automations';
import { commentTools } from './tools/comments';
import { formFieldTools } from './tools/formFields';
import { interactionTools } from './tools/interaction';
import { mappingTools } from './tools/mapping';
import { organizationTools } from './tools/organization';
import { organizeTools } from './tools/organize';
import { peopleTools } from './tools/people';
import { processTools } from './tools/processes';
import { searchTools } from './tools/search';
import { stepTools } from './tools/steps';
import { taskTools } from './tools/tasks';
import { templateTools } from './tools/templates';

/** Every tool the server offers, in the order they are listed. Names are unique (tested). */
export const allTools: readonly Tool[] = [
  ...organizationTools,
  ...taskTools,
  ...commentTools,
  ...processTools,
  ...templateTools,
  ...stepTools,
  ...formFieldTools,
  ...automationTools,
  ...peopleTools,
  ...searchTools,
  ...organizeTools,
  ...interactionTools,
  ...mappingTools,
  ...apiFallbackToolList,
];

/** One catalog row: what a tool is and what it does to Tallyfy, without a client. */
export interface CatalogEntry {
  name: string;
  title: string;
  area: ToolArea;
  effect: ToolEffect;
  description: string;
  annotations: Tool['annotations'];
}

/**
 * The tool catalog (names, areas, effects, annotations), e.g. for docs/mcp.md and the agent's
 * approval policy (`effect !== 'read'` asks for approval). Needs no client and no MCP connection.
 */
export function listToolCatalog(): CatalogEntry[] {
  return allTools.map((tool) => ({
    name: tool.name,
    title: tool.title,
    area: tool.area,
    effect: tool.effect,
    description: tool.description,
    annotations: { ...tool.annotations },
  }));
}

/** The catalog entry for `name`, or undefined. */
export function toolCatalogEntry(name: string): CatalogEntry | undefined {
  return listToolCatalog().find((entry) => entry.name === name);
}
