import { z } from 'zod';

import type { FieldOption, PrerunField } from '../../tallyfy/types';
import { defineTool, ToolInputError, type Tool } from '../defineTool';

import { detailRun, fromPage, hexId, pageArg, perPageArg, trimRun, userId } from './common';

/** Finds the option a value names (by id, or by text ignoring case). */
function option(field: PrerunField, value: unknown): FieldOption {
  const options = field.options ?? [];
  const wanted =
    value && typeof value === 'object' ? ((value as { text?: unknown; id?: unknown }).text ?? (value as { id?: unknown }).id) : value;
  const found = options.find(
    (item) => item.id === wanted || (typeof wanted === 'string' && item.text.toLowerCase() === wanted.trim().toLowerCase()),
  );
  if (!found) {
    throw new ToolInputError(
      `"${String(wanted)}" is not an option of kick-off field "${field.label}". Options: ${options.map((item) => `"${item.text}"`).join(', ')}.`,
    );
  }
  return { id: found.id, text: found.text };
}

/**
 * Turns kick-off values keyed by field id, alias or label into Tallyfy's `prerun` object keyed by
 * timeline id, with choice values in the shape each field type needs. Unknown keys are refused
 * (Tallyfy would silently drop them).
 */
function encodeKickoff(fields: PrerunField[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const lower = key.trim().toLowerCase();
    const field = fields.find((item) => item.id === key || item.alias?.toLowerCase() === lower || item.label.toLowerCase() === lower);
    if (!field) {
      throw new ToolInputError(
        `"${key}" is not a kick-off field of this template. Fields: ${fields.map((item) => `"${item.label}" (${item.id})`).join(', ') || 'none'}.`,
      );
    }
    switch (field.field_type) {
      case 'dropdown':
        out[field.id] = option(field, value);
        break;
      case 'radio':
        out[field.id] = option(field, value).text;
        break;
      case 'multiselect':
        out[field.id] = (Array.isArray(value) ? value : [value]).map((item) => ({ ...option(field, item), selected: true }));
        break;
      case 'textarea':
      case 'text':
      case 'email':
        out[field.id] = typeof value === 'string' ? value : String(value);
        break;
      default:
        out[field.id] = value;
    }
  }
  return out;
}

const runIdArg = hexId('process (run)');

/** Processes (runs): listing, launching, changing, archiving. */
export const processTools: Tool[] = [
  defineTool({
    name: 'get_organization_runs',
    title: 'List processes',
    area: 'processes',
    effect: 'read',
    description:
      'Lists running and finished processes (runs), newest first, with status, progress and template. Filter by status (active, complete, problem, delayed, archived, starred), template, owner or a name query.',
    input: {
      status: z
        .enum(['active', 'complete', 'problem', 'delayed', 'starred', 'archived'])
        .optional()
        .describe('Only processes in this state; archived ones appear only with status "archived".'),
      template_id: hexId('template').optional().describe('Only processes launched from this template.'),
      owner_ids: z.array(userId).optional().describe('Only processes owned by (or with tasks assigned to) these members.'),
      query: z.string().min(1).max(200).optional().describe('Part of the process name.'),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ status, template_id, owner_ids, query, page, per_page }, { client, signal }) => {
      const result = await client.runs.list(
        {
          ...(status === 'archived' ? { archived: 'only' } : status ? { status } : {}),
          checklist_id: template_id,
          owners: owner_ids,
          q: query,
          sort: '-created_at',
          page,
          per_page,
        },
        signal,
      );
      return fromPage(result, trimRun, page, per_page);
    },
  }),
  defineTool({
    name: 'get_process',
    title: 'Get a process',
    area: 'processes',
    effect: 'read',
    description:
      'Returns one process (run): status, progress, kick-off answers, its tasks with status and assignees, the next task due, and tags.',
    input: { run_id: runIdArg },
    run: async ({ run_id }, { client, signal }) => detailRun(await client.runs.get(run_id, { with: 'tasks,next_task,tags' }, signal)),
  }),
  defineTool({
    name: 'launch_process',
    title: 'Launch a process',
    area: 'processes',
    effect: 'write',
    description:
      'Launches (starts) a process from a template. Give the kick-off form answers in `kickoff`, keyed by field label, alias or id (see get_kickoff_fields); dropdown and radio answers may be the option text. Unknown fields are refused rather than silently lost. Returns the new process with its tasks.',
    input: {
      template_id: hexId('template'),
      name: z.string().min(1).max(550).describe('Name of this process instance, e.g. "Vendor onboarding – Acme Supplies".'),
      summary: z.string().max(5000).optional().describe('Optional description of this instance.'),
      kickoff: z
        .record(z.string(), z.unknown())
        .default({})
        .describe('Kick-off answers keyed by field label, alias or id, e.g. {"Vendor name":"Acme","Contract tier":"Gold"}.'),
      owner_id: userId.optional().describe('Member who owns the process; default the launcher.'),
      tags: z.array(hexId('tag')).optional().describe('Tag ids to put on the process.'),
    },
    run: async ({ template_id, name, summary, kickoff, owner_id, tags }, { client, signal }) => {
      const fields = await client.prerun.list(template_id, signal);
      const prerun = encodeKickoff(fields, kickoff);
      const missing = fields.filter((field) => field.required && !(field.id in prerun));
      if (missing.length > 0) {
        throw new ToolInputError(`Required kick-off field(s) missing: ${missing.map((field) => `"${field.label}"`).join(', ')}.`);
      }
      const run = await client.runs.launch(
        {
          checklist_id: template_id,
          name,
          ...(summary ? { summary } : {}),
          prerun,
          ...(owner_id ? { owner_id } : {}),
          ...(tags ? { tags } : {}),
        },
        signal,
      );
      const full = await client.runs.get(run.id, { with: 'tasks,next_task' }, signal);
      return detailRun(full);
    },
  }),
  defineTool({
    name: 'update_process',
    title: 'Update a process',
    area: 'processes',
    effect: 'write',
    idempotent: true,
    description:
      "Renames a process, changes its summary or stars it. The process's member and group access is kept (it is re-sent, because Tallyfy would otherwise clear it).",
    input: {
      run_id: runIdArg,
      name: z.string().min(1).max(550).optional().describe('New name.'),
      summary: z.string().max(5000).optional().describe('New summary.'),
      starred: z.boolean().optional().describe('Star (true) or unstar (false).'),
    },
    run: async ({ run_id, name, summary, starred }, { client, signal }) => {
      if (name === undefined && summary === undefined && starred === undefined)
        throw new ToolInputError('Nothing to change: give name, summary or starred.');
      const current = await client.runs.get(run_id, undefined, signal);
      const updated = await client.runs.update(
        run_id,
        {
          ...(name !== undefined ? { name } : {}),
          ...(summary !== undefined ? { summary } : {}),
          ...(starred !== undefined ? { starred } : {}),
          users: current.users ?? [],
          groups: current.groups ?? [],
        },
        signal,
      );
      return trimRun(updated);
    },
  }),
  defineTool({
    name: 'archive_process',
    title: 'Archive a process',
    area: 'processes',
    effect: 'destructive',
    idempotent: true,
    description: 'Archives a process: it disappears from lists and its tasks are hidden. Recoverable with reactivate_process.',
    input: { run_id: runIdArg },
    run: async ({ run_id }, { client, signal }) => trimRun(await client.runs.archive(run_id, signal)),
  }),
  defineTool({
    name: 'reactivate_process',
    title: 'Reactivate a process',
    area: 'processes',
    effect: 'write',
    idempotent: true,
    description: 'Restores an archived process with the status it had before.',
    input: { run_id: runIdArg },
    run: async ({ run_id }, { client, signal }) => trimRun(await client.runs.activate(run_id, signal)),
  }),
  defineTool({
    name: 'complete_kickoff_form',
    title: 'Submit the kick-off form',
    area: 'processes',
    effect: 'write',
    description: "Submits a process's kick-off form when it was launched with the form still open.",
    input: { run_id: runIdArg },
    run: async ({ run_id }, { client, signal }) => trimRun(await client.runs.completePrerun(run_id, signal)),
  }),
  defineTool({
    name: 'reopen_kickoff_form',
    title: 'Reopen the kick-off form',
    area: 'processes',
    effect: 'write',
    idempotent: true,
    description: "Reopens a process's submitted kick-off form so its answers can be changed; submit it again with complete_kickoff_form.",
    input: { run_id: runIdArg },
    run: async ({ run_id }, { client, signal }) => trimRun(await client.runs.reopenPrerun(run_id, signal)),
  }),
];
