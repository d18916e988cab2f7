import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { allTools, listToolCatalog, toolCatalogEntry } from './catalog';
import { renderToolTable } from './catalogMarkdown';
import { toolAreas } from './defineTool';

/** Argument names that need no description: their meaning is the word itself. */
const selfExplanatoryNames = new Set([
  'title',
  'name',
  'summary',
  'description',
  'email',
  'first_name',
  'last_name',
  'question',
  'header',
  'submit_label',
  'confirm_label',
  'cancel_label',
  'items',
  'fields',
  'details',
  'max_assignable',
  'webhook',
  'sort',
  'sort_by',
  'alias',
  'folder_object_id',
  'method',
  'reason',
  'content',
  'template_data',
  'step_data',
  'field_data',
  'automation_data',
  'assignees',
  'field_order',
  'mapping',
  'members',
  'guests',
  'groups',
  'users',
  'tags',
  'folders',
  'roles',
  'tasks',
  'task_status',
  'tag',
  'parent_id',
  'position',
  'owner_id',
  'status',
]);

describe('tool catalog', () => {
  it('offers at least 45 tools with unique snake_case names, in every area the issue lists', () => {
    const names = allTools.map((tool) => tool.name);
    expect(names.length).toBeGreaterThanOrEqual(45);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
    const areas = new Set(allTools.map((tool) => tool.area));
    for (const area of [
      'tasks',
      'processes',
      'templates',
      'steps',
      'form_fields',
      'kickoff',
      'automations',
      'people',
      'groups',
      'search',
      'comments',
    ] as const) {
      expect(areas.has(area), area).toBe(true);
    }
    for (const area of areas) expect(toolAreas).toContain(area);
  });

  it("keeps the names of Tallyfy's own MCP server for the same jobs", () => {
    const names = new Set(allTools.map((tool) => tool.name));
    for (const name of [
      'get_my_tasks',
      'get_user_tasks',
      'get_tasks_for_process',
      'create_standalone_task',
      'complete_task',
      'reopen_task',
      'update_task',
      'get_task',
      'get_organization_runs',
      'launch_process',
      'get_process',
      'update_process',
      'archive_process',
      'reactivate_process',
      'get_template',
      'get_all_templates',
      'get_template_steps',
      'get_kickoff_fields',
      'create_template',
      'update_template',
      'clone_template',
      'delete_template',
      'add_step_to_template',
      'edit_description_on_step',
      'add_assignees_to_step',
      'delete_step',
      'reorder_step',
      'assess_template_health',
      'add_form_field_to_step',
      'update_form_field',
      'move_form_field',
      'delete_form_field',
      'get_dropdown_options',
      'update_dropdown_options',
      'add_kickoff_field',
      'create_automation_rule',
      'analyze_template_automations',
      'suggest_automation_consolidation',
      'get_organization_users',
      'invite_user_to_organization',
      'get_organization_guests',
      'create_guest',
      'get_groups',
      'search_all',
      'add_task_comment',
      'report_task_issue',
      'resolve_task_issues',
      'get_me',
    ]) {
      expect(names.has(name), name).toBe(true);
    }
  });

  it('gives every tool truthful annotations consistent with its effect', () => {
    for (const entry of listToolCatalog()) {
      const { annotations, effect } = entry;
      expect(annotations.readOnlyHint, entry.name).toBe(effect === 'read');
      expect(annotations.destructiveHint, entry.name).toBe(effect === 'destructive');
      if (effect === 'read') expect(annotations.idempotentHint, entry.name).toBe(true);
      // Only the questions to the user and the offline draft check stay inside the gateway.
      expect(annotations.openWorldHint, entry.name).toBe(!['interaction', 'analysis'].includes(entry.area));
      expect(annotations.title.length).toBeGreaterThan(3);
      // Names that say "get/list/search/analyze/assess/suggest" must not write; archive/delete must be destructive.
      if (/^(get|search|analyze|assess|suggest)_/.test(entry.name)) expect(effect, entry.name).toBe('read');
      if (/^(delete|archive)_/.test(entry.name)) expect(effect, entry.name).toBe('destructive');
    }
    expect(toolCatalogEntry('complete_task')?.effect).toBe('write');
    expect(toolCatalogEntry('nope')).toBeUndefined();
  });

  it('describes every tool and every argument so a model can act on it', () => {
    for (const tool of allTools) {
      expect(tool.description.length, tool.name).toBeGreaterThan(30);
      // Lean definitions: an argument carries a description unless its name, enum or boolean type already says it all.
      for (const [key, schema] of Object.entries(tool.input)) {
        const json = z.toJSONSchema(schema as z.ZodType, { io: 'input' }) as { description?: string; enum?: unknown[]; type?: unknown };
        const selfExplanatory = !!json.enum || json.type === 'boolean' || selfExplanatoryNames.has(key);
        expect(json.description ?? (schema as z.ZodType).description ?? (selfExplanatory || undefined), `${tool.name}.${key}`).toBeTruthy();
      }
      // No tool ever takes credentials: isolation comes from the server instance.
      for (const key of Object.keys(tool.input)) expect(key).not.toMatch(/api_?key|token|org_id|password/i);
    }
  });

  it('is documented: docs/mcp.md lists every tool', () => {
    const doc = readFileSync(new URL('../../../docs/mcp.md', import.meta.url), 'utf8');
    for (const tool of allTools) expect(doc, tool.name).toContain(`\`${tool.name}\``);
    expect(doc).toContain(`with ${allTools.length} Tallyfy tools`);
    // The table is generated: regenerate it (see docs/mcp.md) when tools change.
    // Prettier may pad the table; compare cell contents.
    const normalise = (text: string): string => text.replace(/ *\| */g, '|').replace(/-{3,}/g, '---');
    expect(normalise(doc)).toContain(normalise(renderToolTable()));
  });
});
