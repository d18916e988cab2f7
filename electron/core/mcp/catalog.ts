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

/**
 * The 109 tool names of Tallyfy's official MCP server (tallyfy-api.md §6). Every one is served here with the
 * official argument shapes; tools outside this list are the gateway's own extras.
 */
export const officialToolNames: ReadonlySet<string> = new Set([
  'add_assignees_to_step',
  'add_form_field_to_step',
  'add_kickoff_field',
  'add_object_to_folder',
  'add_step_to_template',
  'add_task_comment',
  'analyze_template_automations',
  'archive_process',
  'ask_user_question',
  'ask_user_to_confirm',
  'ask_user_to_rank',
  'assess_template_health',
  'change_user_role',
  'clone_step',
  'clone_template',
  'complete_kickoff_form',
  'complete_task',
  'create_automation_rule',
  'create_folder',
  'create_group',
  'create_guest',
  'create_standalone_task',
  'create_tag',
  'create_template',
  'delete_automation_rule',
  'delete_folder',
  'delete_form_field',
  'delete_group',
  'delete_kickoff_field',
  'delete_step',
  'delete_tag',
  'delete_task_comment',
  'delete_template',
  'disable_guest',
  'disable_user',
  'edit_description_on_step',
  'enable_guest',
  'enable_user',
  'get_all_templates',
  'get_dropdown_options',
  'get_group',
  'get_groups',
  'get_guest',
  'get_guest_tasks',
  'get_kickoff_dropdown_options',
  'get_kickoff_fields',
  'get_me',
  'get_my_tasks',
  'get_organization',
  'get_organization_guests',
  'get_organization_guests_list',
  'get_organization_runs',
  'get_organization_users',
  'get_organization_users_list',
  'get_process',
  'get_process_folders',
  'get_standalone_task',
  'get_step_dependencies',
  'get_step_visibility_conditions',
  'get_tags',
  'get_task',
  'get_task_comments',
  'get_tasks_for_process',
  'get_template',
  'get_template_folders',
  'get_template_steps',
  'get_user',
  'get_user_tasks',
  'invite_user_to_organization',
  'launch_process',
  'move_form_field',
  'reactivate_process',
  'remove_object_from_folder',
  'reopen_kickoff_form',
  'reopen_task',
  'reorder_form_fields',
  'reorder_kickoff_fields',
  'reorder_step',
  'report_task_issue',
  'resolve_task_issues',
  'search_all',
  'search_for_processes',
  'search_for_snippets',
  'search_for_tasks',
  'search_for_templates',
  'suggest_automation_consolidation',
  'suggest_form_fields_for_step',
  'suggest_kickoff_fields',
  'suggest_step_deadline',
  'tag_process',
  'tag_template',
  'tallyfy_api_read',
  'tallyfy_api_write',
  'untag_process',
  'untag_template',
  'update_automation_rule',
  'update_dropdown_options',
  'update_folder',
  'update_form_field',
  'update_group',
  'update_guest',
  'update_kickoff_field',
  'update_process',
  'update_standalone_task',
  'update_tag',
  'update_task',
  'update_task_comment',
  'update_template',
  'validate_template_mapping',
]);

/** One catalog row: what a tool is and what it does to Tallyfy, without a client. */
export interface CatalogEntry {
  name: string;
  title: string;
  area: ToolArea;
  effect: ToolEffect;
  description: string;
  annotations: Tool['annotations'];
  /** One of Tallyfy's official tool names (see {@link officialToolNames}). */
  official: boolean;
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
    official: officialToolNames.has(tool.name),
  }));
}

/** The catalog entry for `name`, or undefined. */
export function toolCatalogEntry(name: string): CatalogEntry | undefined {
  return listToolCatalog().find((entry) => entry.name === name);
}
