import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';
import type { Step, Template } from '../../tallyfy/types';
import { suggestKickoffFields } from '../analysis/fieldSuggestions';
import { assessTemplateHealth } from '../analysis/templateHealth';
import { defineTool, nestAlias, renameAlias, ToolInputError, ToolLookupError, type Tool } from '../defineTool';

import {
  detailTemplate,
  folderIdOf,
  fromPage,
  hexId,
  listOutput,
  objectOutput,
  objectWithList,
  pageArg,
  perPageArg,
  trimCapture,
  trimStep,
  trimTemplate,
  userId,
} from './common';

/** A template with its steps, sorted by position. `include` is Tallyfy's `with` (default `steps`; add `tags` only when shown). */
export async function templateWithSteps(
  client: TallyfyClient,
  templateId: string,
  signal: AbortSignal,
  include = 'steps',
): Promise<Template & { steps: { data: Step[] } }> {
  const template = await client.templates.get(templateId, { with: include }, signal);
  const steps = [...(template.steps?.data ?? [])].sort((a, b) => a.position - b.position);
  return { ...template, steps: { data: steps } };
}

/** The step `stepId` of a template, or a lookup error naming the steps there are. */
export function stepOf(template: Template, stepId: string): Step {
  const step = template.steps?.data.find((item) => item.id === stepId);
  if (!step) {
    throw new ToolLookupError(
      `Step ${stepId} is not in template "${template.title}". Steps: ${(template.steps?.data ?? []).map((item) => `"${item.title}" (${item.id})`).join(', ') || 'none'}.`,
    );
  }
  return step;
}

const templateIdArg = hexId('template');

/** Templates (blueprints): listing, reading, creating, changing, cloning, archiving, health. */
export const templateTools: Tool[] = [
  defineTool({
    name: 'get_all_templates',
    title: 'List templates',
    area: 'templates',
    effect: 'read',
    description:
      'Lists the templates (process blueprints) with id, title, type and step count. `query` filters by title; `folder` by folder id or name.',
    aliases: renameAlias({ folder_id: 'folder' }),
    output: listOutput,
    input: {
      query: z.string().min(1).max(250).optional().describe('Part of the template title.'),
      folder: z.string().min(1).max(64).optional().describe('Folder id or name.'),
      archived: z.boolean().default(false).describe('List archived templates instead of active ones.'),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ query, folder, archived, page, per_page }, { client, signal }) => {
      const folderId = folder ? await folderIdOf(client, folder, 'checklist', signal) : undefined;
      return fromPage(
        await client.templates.list({ q: query, folder: folderId, ...(archived ? { archived: 'only' } : {}), page, per_page }, signal),
        trimTemplate,
        page,
        per_page,
      );
    },
  }),
  defineTool({
    name: 'get_template',
    title: 'Get a template',
    area: 'templates',
    effect: 'read',
    description:
      "Returns one template with Tallyfy's fields: steps (assignees, deadline, captures), prerun (kick-off fields), automated_actions and tags. By template_id or template_name.",
    output: objectOutput,
    input: {
      template_id: templateIdArg.optional(),
      template_name: z.string().min(2).max(250).optional().describe('Title (or part of it) of the template, if you do not know its id.'),
    },
    run: async ({ template_id, template_name }, { client, signal }) => {
      let id = template_id;
      if (!id) {
        if (!template_name) throw new ToolInputError('Give template_id or template_name.');
        const hits = (await client.templates.list({ q: template_name, per_page: 10 }, signal)).data;
        const exact = hits.filter((hit) => hit.title.toLowerCase() === template_name.toLowerCase());
        const chosen = exact.length === 1 ? exact : hits;
        if (chosen.length === 0) throw new ToolLookupError(`No template matches "${template_name}". Call get_all_templates to list them.`);
        if (chosen.length > 1)
          throw new ToolLookupError(
            `"${template_name}" matches ${chosen.length} templates: ${chosen.map((hit) => `"${hit.title}" (${hit.id})`).join(', ')}. Pass template_id.`,
          );
        id = chosen[0]?.id;
      }
      if (!id) throw new ToolLookupError('The template could not be found.');
      return detailTemplate(await templateWithSteps(client, id, signal, 'steps,tags'));
    },
  }),
  defineTool({
    name: 'get_template_steps',
    output: objectWithList('steps', { template_id: z.string() }),
    title: "List a template's steps",
    area: 'templates',
    effect: 'read',
    description:
      "Lists a template's steps in order with type, assignees, deadline and form fields (field ids are used by the form-field tools).",
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => {
      const template = await templateWithSteps(client, template_id, signal);
      return { template_id, template_title: template.title, steps: template.steps.data.map(trimStep) };
    },
  }),
  defineTool({
    name: 'get_kickoff_fields',
    output: objectWithList('fields', { template_id: z.string() }),
    title: 'List kick-off fields',
    area: 'kickoff',
    effect: 'read',
    description:
      "Lists a template's kick-off form fields (asked when a process is launched) with id, label, type, required and options. launch_process takes answers keyed by these labels or ids.",
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => ({
      template_id,
      fields: (await client.prerun.list(template_id, signal)).map(trimCapture),
    }),
  }),
  defineTool({
    name: 'create_template',
    title: 'Create a template',
    area: 'templates',
    effect: 'write',
    description: 'Creates an empty template; add steps with add_step_to_template and kick-off fields with add_kickoff_field.',
    input: {
      title: z.string().min(1).max(250).describe('Template title, e.g. "Employee onboarding".'),
      type: z
        .enum(['procedure', 'form', 'document'])
        .default('procedure')
        .describe('procedure (steps people do; default), form (a form to fill) or document.'),
      summary: z.string().max(5000).optional().describe('What the process is for.'),
      guidance: z.string().max(10_000).optional().describe('Instructions for whoever launches or runs it.'),
      starred: z.boolean().optional(),
    },
    run: async ({ starred, ...args }, { client, signal }) => {
      const created = await client.templates.create(args, signal);
      // Starring is a property of the template Tallyfy sets on update, not on create.
      return trimTemplate(starred ? await client.templates.amend(created.id, () => ({ starred }), signal) : created);
    },
  }),
  defineTool({
    name: 'update_template',
    title: 'Update a template',
    area: 'templates',
    effect: 'write',
    idempotent: true,
    description:
      'Changes a template: the keys of template_data only. users and groups, when given, replace the access lists; otherwise they are kept.',
    aliases: nestAlias('template_data', ['title', 'summary', 'guidance']),
    input: {
      template_id: templateIdArg,
      template_data: z
        .object({
          title: z.string().min(1).max(250).optional(),
          summary: z.string().max(5000).optional(),
          guidance: z.string().max(10_000).optional(),
          icon: z.string().max(100).optional(),
          alias: z.string().max(250).optional(),
          webhook: z.url().nullable().optional(),
          is_public: z.boolean().optional(),
          is_featured: z.boolean().optional(),
          auto_naming: z.boolean().optional(),
          folderize_process: z.boolean().optional(),
          allow_launcher_change_name: z.boolean().optional(),
          is_pinned: z.boolean().optional(),
          default_folder: z.string().nullable().optional(),
          kickoff_title: z.string().max(250).optional(),
          kickoff_description: z.string().max(5000).optional(),
          users: z.array(userId).optional(),
          groups: z.array(hexId('group')).optional(),
        })
        .refine((data) => Object.values(data).some((value) => value !== undefined), 'template_data needs at least one field to change'),
    },
    run: async ({ template_id, template_data }, { client, signal }) => {
      const change = Object.fromEntries(Object.entries(template_data).filter(([, value]) => value !== undefined));
      return trimTemplate(await client.templates.amend(template_id, () => change, signal));
    },
  }),
  defineTool({
    name: 'clone_template',
    title: 'Clone a template',
    area: 'templates',
    effect: 'write',
    description: 'Copies a template (steps, fields and rules) under a new name. Returns the copy.',
    input: { template_id: templateIdArg, new_name: z.string().min(1).max(250).describe('Title of the copy.') },
    run: async ({ template_id, new_name }, { client, signal }) => trimTemplate(await client.templates.clone(template_id, new_name, signal)),
  }),
  defineTool({
    name: 'delete_template',
    title: 'Archive a template',
    area: 'templates',
    effect: 'destructive',
    idempotent: true,
    description:
      'Archives a template so it can no longer be launched (running processes are not affected). Recoverable with restore_template.',
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => {
      await client.templates.archive(template_id, signal);
      return { archived: true, template_id, hint: 'Undo with restore_template.' };
    },
  }),
  defineTool({
    name: 'restore_template',
    title: 'Restore a template',
    area: 'templates',
    effect: 'write',
    idempotent: true,
    description: 'Restores an archived template so it can be launched again.',
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => trimTemplate(await client.templates.restore(template_id, signal)),
  }),
  defineTool({
    name: 'assess_template_health',
    title: 'Assess template health',
    area: 'templates',
    effect: 'read',
    description:
      'Scores a template out of 100 (metadata, step clarity, forms, automation, deadlines, workflow) and rates it excellent, good, fair, poor or critical. Every lost point comes with a finding and a recommendation, plus a phased improvement plan. Use it before suggesting improvements.',
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => assessTemplateHealth(await templateWithSteps(client, template_id, signal)),
  }),
  defineTool({
    name: 'suggest_kickoff_fields',
    title: 'Suggest kick-off fields',
    area: 'kickoff',
    effect: 'read',
    description:
      "Suggests kick-off fields from the template's words (client, project, dates, priority, documents, money…), skipping ones it has. Add them with add_kickoff_field.",
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => suggestKickoffFields(await templateWithSteps(client, template_id, signal)),
  }),
];
