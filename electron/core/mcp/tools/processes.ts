import { z } from 'zod';

import type { ListQuery } from '../../tallyfy/endpoints/context';
import { parseDeadline } from '../deadline';
import { defineTool, renameAlias, ToolInputError, type Tool } from '../defineTool';

import {
  detailRun,
  encodeFieldValues,
  folderIdOf,
  fromPage,
  hexId,
  listOutput,
  mergeOwners,
  objectOutput,
  ownersArg,
  pageArg,
  perPageArg,
  trimRun,
  userId,
} from './common';

const runIdArg = hexId('process (run)');

/** Processes (runs): listing, launching, changing, archiving. */
export const processTools: Tool[] = [
  defineTool({
    name: 'get_organization_runs',
    title: 'List processes',
    area: 'processes',
    effect: 'read',
    description: 'Lists processes (runs), newest first, with status, progress and template. All filters optional.',
    aliases: renameAlias({ template_id: 'checklist_id', owner_ids: 'owners' }),
    output: listOutput,
    input: {
      status: z.enum(['active', 'complete', 'problem', 'issue', 'improvement', 'delayed', 'starred', 'archived']).optional(),
      checklist_id: hexId('template').optional().describe('Launched from this template.'),
      owners: z.array(userId).optional().describe('Owned by, or with tasks of, these members.'),
      groups: z.array(hexId('group')).optional(),
      task_status: z.string().max(50).optional(),
      folder: z.string().min(1).max(64).optional().describe('Folder id or name.'),
      tag: hexId('tag').optional(),
      run_type: z.enum(['procedure', 'form', 'document']).optional(),
      starred: z.boolean().optional(),
      archived: z.enum(['only', 'true']).optional(),
      form_fields_values: z.boolean().optional().describe('Include kick-off answers.'),
      with_data: z.string().max(200).optional().describe('Tallyfy `with` includes, e.g. "tasks_meta".'),
      query: z.string().min(1).max(200).optional().describe('Part of the process name.'),
      sort: z.string().max(50).default('-created_at'),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async (args, { client, signal }) => {
      const { status, archived, folder, run_type, with_data, query, page, per_page, form_fields_values, ...rest } = args;
      const folderId = folder ? await folderIdOf(client, folder, 'run', signal) : undefined;
      const result = await client.runs.list(
        {
          ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
          ...(status === 'archived' ? { archived: 'only' } : status ? { status } : {}),
          ...(archived ? { archived } : {}),
          ...(folderId ? { folder: folderId } : {}),
          ...(run_type ? { type: run_type } : {}),
          ...(with_data ? { with: with_data } : {}),
          ...(form_fields_values ? { form_fields_values: true } : {}),
          ...(query ? { q: query } : {}),
          page,
          per_page,
        } as ListQuery,
        signal,
      );
      return fromPage(result, form_fields_values ? (run) => ({ ...trimRun(run), prerun: run.prerun }) : trimRun, page, per_page);
    },
  }),
  defineTool({
    name: 'get_process',
    title: 'Get a process',
    area: 'processes',
    effect: 'read',
    description:
      'Returns one process (run): status, progress, kick-off answers, its tasks with status and assignees, the next task due, and tags.',
    output: objectOutput,
    input: { run_id: runIdArg },
    run: async ({ run_id }, { client, signal }) => detailRun(await client.runs.get(run_id, { with: 'tasks,next_task,tags' }, signal)),
  }),
  defineTool({
    name: 'launch_process',
    title: 'Launch a process',
    area: 'processes',
    effect: 'write',
    description:
      'Launches a process from a template. prerun holds kick-off answers keyed by field id, alias or label (choice answers may be the option text); unknown keys are refused.',
    aliases: (args) => {
      const renamed = renameAlias({ kickoff: 'prerun' })(args);
      // The older list form [{id|label, value}] is folded into an object.
      if (Array.isArray(renamed.prerun))
        renamed.prerun = Object.fromEntries(
          (renamed.prerun as Record<string, unknown>[]).map((item) => [
            String(item.id ?? item.field_id ?? item.alias ?? item.label),
            item.value,
          ]),
        );
      return renamed;
    },
    input: {
      template_id: hexId('template'),
      name: z.string().min(1).max(550),
      summary: z.string().max(5000).optional(),
      prerun: z
        .record(z.string(), z.unknown())
        .default({})
        .describe('Kick-off answers, e.g. {"Vendor name":"Acme","Contract tier":"Gold"}.'),
      owner_id: userId.optional(),
      users: z.array(userId).optional().describe('Members given access.'),
      groups: z.array(hexId('group')).optional(),
      tags: z.array(hexId('tag')).optional(),
      folders: z.array(hexId('folder')).optional(),
      is_public: z.boolean().optional(),
      parent_id: hexId('parent process').optional(),
      tasks: z
        .record(hexId('step'), z.object({ deadline: z.string().min(2).max(200).optional(), owners: ownersArg.optional() }))
        .optional()
        .describe('Per step id: deadline (natural language or UTC) and owners.'),
      roles: z.record(z.string(), ownersArg).optional().describe('Per role id: owners.'),
    },
    run: async ({ template_id, prerun: answers, tasks, ...rest }, { client, signal, timezone }) => {
      const fields = await client.prerun.list(template_id, signal);
      const prerun = encodeFieldValues(fields, answers);
      const missing = fields.filter((field) => field.required && !(field.id in prerun));
      if (missing.length > 0) {
        throw new ToolInputError(`Required kick-off field(s) missing: ${missing.map((field) => `"${field.label}"`).join(', ')}.`);
      }
      const tz = tasks ? ((await timezone()) ?? 'UTC') : 'UTC';
      const perTask = tasks
        ? Object.fromEntries(
            Object.entries(tasks).map(([stepId, task]) => [
              stepId,
              {
                ...(task.deadline
                  ? {
                      deadline: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(task.deadline)
                        ? task.deadline
                        : parseDeadline(task.deadline, tz).utc,
                    }
                  : {}),
                ...(task.owners ? { owners: mergeOwners(undefined, task.owners) } : {}),
              },
            ]),
          )
        : undefined;
      const run = await client.runs.launch(
        {
          checklist_id: template_id,
          ...(Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as { name: string }),
          prerun,
          ...(perTask ? { tasks: perTask } : {}),
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
