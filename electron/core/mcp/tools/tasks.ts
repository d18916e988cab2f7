import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';
import type { Owners, Task } from '../../tallyfy/types';
import { parseDeadline } from '../deadline';
import { defineTool, renameAlias, ToolInputError, ToolLookupError, type Tool, type ToolContext } from '../defineTool';

import {
  detailTask,
  encodeFieldValues,
  fromPage,
  hexId,
  listOutput,
  mergeOwners,
  objectOutput,
  ownersArg,
  pageArg,
  perPageArg,
  trimTask,
  userId,
} from './common';
import { allGroups, allMembers, findGroup, findMember } from './people';

const taskStatusArg = z
  .enum(['all', 'active', 'incomplete', 'complete', 'overdue', 'due_soon', 'hasproblem'])
  .default('all')
  .describe('Filter; default all.');

/** `status` as the list endpoints take it (`all` means no filter). */
const statusQuery = (status: string): string | undefined => (status === 'all' ? undefined : status);

/** The run a task belongs to (null for a one-off task), read from Tallyfy when not given. */
export async function runIdOf(
  client: TallyfyClient,
  taskId: string,
  runId: string | undefined,
  signal: AbortSignal,
): Promise<string | null> {
  if (runId) return runId;
  return (await client.tasks.get(taskId, undefined, signal)).run_id ?? null;
}

/** Reads a task wherever it lives, with form fields and comments. */
async function readTask(client: TallyfyClient, taskId: string, runId: string | undefined, signal: AbortSignal): Promise<Task> {
  const run = await runIdOf(client, taskId, runId, signal);
  return run
    ? client.tasks.getInRun(run, taskId, { with: 'form_fields,threads' }, signal)
    : client.tasks.get(taskId, { with: 'form_fields,threads' }, signal);
}

/** A deadline argument: exact `YYYY-MM-DD HH:MM:SS` UTC passes through; anything else is read as natural language. */
async function resolveDeadline(text: string, timezone: () => Promise<string | undefined>): Promise<{ utc: string; local?: string }> {
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text.trim())) return { utc: text.trim() };
  const parsed = parseDeadline(text, (await timezone()) ?? 'UTC');
  return { utc: parsed.utc, local: parsed.local };
}

const runIdArg = hexId('process (run)').describe('The process (run) id of the task.');

const reasonArg = z.string().min(1).max(5000).describe('Why; posted as a comment.');

const completeShape = {
  is_approved: z.boolean().optional().describe('Approval tasks: true approves, false rejects.'),
  override_user: userId.optional().describe('Complete on behalf of this member.'),
};

/** A form field of a one-off task, as create_standalone_task takes it. */
const formFieldArg = z.object({
  label: z.string().min(1).max(600),
  field_type: z.enum(['text', 'textarea', 'radio', 'dropdown', 'multiselect', 'date', 'file', 'table', 'assignees_form']),
  required: z.boolean(),
  options: z.array(z.string().min(1)).optional().describe('Choice texts.'),
  columns: z.array(z.string().min(1)).optional().describe('Table column labels.'),
  guidance: z.string().max(2000).optional(),
  position: z.number().int().min(1).optional(),
});

/** What update_task and update_standalone_task change. */
const updateTaskShape = {
  title: z.string().min(1).max(600).optional(),
  summary: z.string().max(10_000).optional().describe('Description (replaces it).'),
  deadline: z.string().min(2).max(200).optional().describe('Natural language or "YYYY-MM-DD HH:MM:SS" UTC.'),
  started_at: z.string().min(2).max(200).optional().describe('Start date, same forms as deadline.'),
  owners: ownersArg.optional(),
  taskdata: z.record(z.string(), z.unknown()).optional().describe('Answers keyed by field id; choice answers may be the option text.'),
  status: z.enum(['not-started', 'in-progress']).optional(),
  task_type: z.enum(['task', 'approval', 'expiring', 'email', 'expiring_email']).optional(),
  max_assignable: z.number().int().min(0).optional(),
  top_secret: z.boolean().optional(),
  prevent_guest_comment: z.boolean().optional(),
  webhook: z.url().optional(),
};

type TaskPatch = Omit<z.infer<z.ZodObject<typeof updateTaskShape>>, never> & { position?: number };

/** Applies `patch` to a task (a one-off when `runId` is null): owners merged, answers encoded and checked, one-off PUT completed. */
async function updateAnyTask(
  { client, signal, timezone }: ToolContext,
  taskId: string,
  runId: string | null,
  patch: TaskPatch,
): Promise<Record<string, unknown>> {
  const given = Object.entries(patch).filter(([, value]) => value !== undefined);
  if (given.length === 0) throw new ToolInputError(`Nothing to change: give one of ${Object.keys(updateTaskShape).join(', ')}.`);
  const query = patch.taskdata ? { with: 'form_fields' } : undefined;
  const current = runId ? await client.tasks.getInRun(runId, taskId, query, signal) : await client.tasks.get(taskId, query, signal);
  if (!runId && current.run_id)
    throw new ToolInputError(`This task belongs to process ${current.run_id}: use update_task with that run_id.`);
  const due = patch.deadline ? await resolveDeadline(patch.deadline, timezone) : undefined;
  const start = patch.started_at ? await resolveDeadline(patch.started_at, timezone) : undefined;
  const taskdata = patch.taskdata
    ? encodeFieldValues(current.form_fields?.data ?? [], patch.taskdata, 'form field of this task')
    : undefined;
  const { deadline: _deadline, started_at: _started, owners, taskdata: _taskdata, ...rest } = patch;
  const body = {
    ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    ...(due ? { deadline: due.utc } : {}),
    ...(start ? { started_at: start.utc } : {}),
    ...(owners ? { owners: mergeOwners(current.owners, owners) } : {}),
    ...(taskdata ? { taskdata } : {}),
  };
  const updated = runId
    ? await client.tasks.update(runId, taskId, body, signal)
    : await client.tasks.updateOneOff(
        taskId,
        // One-off PUTs need title, deadline and owners every time.
        {
          ...body,
          title: patch.title ?? current.title,
          deadline: due?.utc ?? (current.deadline ?? '').replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
          owners: mergeOwners(current.owners, owners),
        },
        signal,
      );
  return { task: trimTask(updated), ...(due?.local ? { deadline_local: due.local } : {}) };
}

/** Completes a task (a one-off when `runId` is null), checking approval rules first. */
async function completeAnyTask(
  client: TallyfyClient,
  taskId: string,
  runId: string | null,
  input: { is_approved?: boolean; override_user?: number },
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const task = runId ? await client.tasks.getInRun(runId, taskId, undefined, signal) : await client.tasks.get(taskId, undefined, signal);
  if (!runId && task.run_id) throw new ToolInputError(`This task belongs to process ${task.run_id}: use complete_task with that run_id.`);
  if (task.task_type === 'approval' && input.is_approved === undefined) {
    throw new ToolInputError('This is an approval task: pass is_approved true (approve) or false (reject).');
  }
  if (task.task_type === 'expiring' && input.is_approved === false) {
    throw new ToolInputError('An expiring task is acknowledged, not rejected: leave is_approved out.');
  }
  const body = {
    ...(task.task_type === 'approval' ? { is_approved: input.is_approved } : {}),
    ...(input.override_user !== undefined ? { override_user: input.override_user } : {}),
  };
  const done = runId ? await client.tasks.complete(runId, taskId, body, signal) : await client.tasks.completeOneOff(taskId, body, signal);
  return trimTask(done);
}

/** Tasks: listing, reading, creating, changing, completing and reopening. */
export const taskTools: Tool[] = [
  defineTool({
    name: 'get_my_tasks',
    title: 'List my tasks',
    area: 'tasks',
    effect: 'read',
    description:
      "Lists the signed-in member's tasks (direct or through a group), soonest deadline first, with status, deadline, run_id and assignees. All statuses unless status is given.",
    output: listOutput,
    input: { status: taskStatusArg, page: pageArg, per_page: perPageArg },
    run: async ({ status, page, per_page }, { client, signal }) =>
      fromPage(
        await client.tasks.listMine({ status: statusQuery(status), sort: 'deadline', page, per_page }, signal),
        trimTask,
        page,
        per_page,
      ),
  }),
  defineTool({
    name: 'get_user_tasks',
    title: "List a member's tasks",
    area: 'tasks',
    effect: 'read',
    description:
      "Lists a member's tasks, by user_id, user_email or user_name (an ambiguous name is refused with the candidates). All statuses unless status is given.",
    output: listOutput,
    input: {
      user_id: userId.optional(),
      user_email: z.email().optional().describe("The member's email, if you do not know the id."),
      user_name: z.string().min(2).max(100).optional().describe("Part of the member's full name, if you know neither id nor email."),
      sort_by: z.enum(['newest', 'deadline', '-newest', '-deadline']).default('newest'),
      status: taskStatusArg,
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ user_id, user_email, user_name, sort_by, status, page, per_page }, { client, signal }) => {
      let id = user_id;
      if (id === undefined) {
        if (!user_email && !user_name) throw new ToolInputError('Give user_id, user_email or user_name.');
        id = findMember(await allMembers(client, signal), { email: user_email, name: user_name }).id;
      }
      const result = await client.tasks.listForUser(id, { status: statusQuery(status), sort_by, page, per_page }, signal);
      return { user_id: id, ...fromPage(result, trimTask, page, per_page) };
    },
  }),
  defineTool({
    name: 'get_tasks_for_process',
    title: 'List the tasks of a process',
    area: 'tasks',
    effect: 'read',
    description:
      'Lists the tasks of one process (run) in step order, with a summary of the process. Identify it by run_id (alias process_id) or process_name.',
    aliases: renameAlias({ process_id: 'run_id' }),
    output: listOutput,
    input: {
      run_id: hexId('process (run)').optional(),
      process_name: z.string().min(2).max(550).optional().describe('Name (or part of it) of the process, if you do not know its id.'),
      status: z
        .enum(['all', 'complete', 'active', 'active_visible', 'not-started', 'incomplete'])
        .default('all')
        .describe('Filter; default all.'),
      sort: z.enum(['position', 'deadline', '-position', '-deadline']).default('position'),
      owners: z.array(userId).optional().describe('Only tasks of these members.'),
      groups: z.array(hexId('group')).optional().describe('Only tasks of these groups.'),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ run_id, process_name, status, sort, owners, groups, page, per_page }, { client, signal }) => {
      let id = run_id;
      if (!id) {
        if (!process_name) throw new ToolInputError('Give run_id or process_name.');
        const hits = (await client.search(process_name, { on: ['process'], per_page: 10 }, signal)).process?.data ?? [];
        if (hits.length === 0)
          throw new ToolLookupError(`No process matches "${process_name}". Call get_organization_runs to list processes.`);
        if (hits.length > 1 && !hits.some((hit) => (hit.name ?? '').toLowerCase() === process_name.toLowerCase())) {
          throw new ToolLookupError(
            `"${process_name}" matches ${hits.length} processes: ${hits.map((hit) => `"${hit.name ?? hit.title}" (${hit.id})`).join(', ')}. Pass run_id.`,
          );
        }
        id = (hits.find((hit) => (hit.name ?? '').toLowerCase() === process_name.toLowerCase()) ?? hits[0])?.id;
      }
      if (!id) throw new ToolLookupError('The process could not be found.');
      const [run, tasks] = await Promise.all([
        client.runs.get(id, undefined, signal),
        client.tasks.listForRun(id, { status: statusQuery(status), sort, owners, groups, page, per_page }, signal),
      ]);
      return {
        process_info: { id: run.id, name: run.name, status: run.status, progress: run.progress, checklist_title: run.checklist_title },
        ...fromPage(tasks, trimTask, page, per_page),
      };
    },
  }),
  defineTool({
    name: 'get_guest_tasks',
    title: "List a guest's tasks",
    area: 'tasks',
    effect: 'read',
    description: "Lists a guest's tasks (by guest_email, or guest_id: the code in their guest link), soonest deadline first. Pages at 10.",
    output: listOutput,
    input: {
      guest_email: z.email().optional().describe("The guest's email address."),
      guest_id: z.string().min(4).max(100).optional().describe('The guest code.'),
      status: taskStatusArg,
      page: pageArg,
    },
    run: async ({ guest_email, guest_id, status, page }, { client, signal }) => {
      let code = guest_id;
      if (!code) {
        if (!guest_email) throw new ToolInputError('Give guest_email or guest_id.');
        const guest = await client.guests.get(guest_email, undefined, signal);
        // Tallyfy lists a guest's tasks by the code in their guest link.
        code = typeof guest.guest_code === 'string' ? guest.guest_code : (guest.link?.split('/').pop() ?? guest_email);
      }
      const result = await client.tasks.listForGuest(code, { status: statusQuery(status), sort: 'deadline', page }, signal);
      return { ...(guest_email ? { guest_email } : {}), guest_id: code, ...fromPage(result, trimTask, page, 10) };
    },
  }),
  defineTool({
    name: 'get_task',
    title: 'Get a task',
    area: 'tasks',
    effect: 'read',
    description:
      'Returns a task of a process with its form fields and answers (field ids are what update_task taskdata takes) and comments.',
    output: objectOutput,
    input: { run_id: runIdArg, task_id: hexId('task') },
    run: async ({ task_id, run_id }, { client, signal }) => detailTask(await readTask(client, task_id, run_id, signal)),
  }),
  defineTool({
    name: 'get_standalone_task',
    title: 'Get a one-off task',
    area: 'tasks',
    effect: 'read',
    description: 'Returns a one-off (standalone) task with its form fields, answers and comments.',
    output: objectOutput,
    input: { task_id: hexId('task') },
    run: async ({ task_id }, { client, signal }) => detailTask(await client.tasks.get(task_id, { with: 'form_fields,threads' }, signal)),
  }),
  defineTool({
    name: 'create_standalone_task',
    title: 'Create a one-off task',
    area: 'tasks',
    effect: 'write',
    description:
      'Creates a one-off task and assigns it (at least one of user_ids, user_emails, user_names, guest_emails, group_ids, group_names). The deadline is natural language in the org timezone ("next Friday 5pm", "tomorrow evening"; no time means 09:00) or "YYYY-MM-DD HH:MM:SS" UTC.',
    aliases: (args) => (typeof args.guest_emails === 'string' ? { ...args, guest_emails: [args.guest_emails] } : args),
    input: {
      title: z.string().min(1).max(600),
      deadline: z.string().min(2).max(200).describe('e.g. "next Friday 5pm" or "2026-12-01 17:00:00" (UTC).'),
      description: z.string().max(10_000).optional(),
      task_type: z.enum(['task', 'approval', 'expiring']).default('task'),
      user_ids: z.array(userId).default([]).describe('Member ids.'),
      user_emails: z.array(z.email()).default([]).describe('Member emails.'),
      user_names: z.array(z.string().min(2)).default([]).describe('Member names.'),
      guest_emails: z.array(z.email()).default([]).describe('Guest emails.'),
      group_ids: z.array(hexId('group')).default([]).describe('Group ids.'),
      group_names: z.array(z.string().min(1)).default([]).describe('Group names.'),
      max_assignable: z.number().int().min(0).optional(),
      prevent_guest_comment: z.boolean().optional(),
      separate_task_for_each_assignee: z.boolean().optional().describe('One task per assignee (returns the first).'),
      run_id: hexId('process (run)').optional().describe('Attach the task to this process.'),
      form_fields: z.array(formFieldArg).max(50).optional().describe('Fields the task asks for.'),
    },
    run: async (args, { client, signal, timezone }) => {
      // Each list is read once, and only when something is to be resolved against it.
      const members = args.user_emails.length + args.user_names.length > 0 ? await allMembers(client, signal) : [];
      const users = [
        ...args.user_ids,
        ...args.user_emails.map((email) => findMember(members, { email }).id),
        ...args.user_names.map((name) => findMember(members, { name }).id),
      ];
      const orgGroups = args.group_names.length > 0 ? await allGroups(client, signal) : [];
      const groups = [...args.group_ids, ...args.group_names.map((name) => findGroup(orgGroups, name).id)];
      const owners: Owners = { users: [...new Set(users)], guests: [...new Set(args.guest_emails)], groups: [...new Set(groups)] };
      if (owners.users.length + owners.guests.length + owners.groups.length === 0) {
        throw new ToolInputError(
          'Assign the task to at least one person: user_ids, user_emails, user_names, guest_emails, group_ids or group_names.',
        );
      }
      const deadline = await resolveDeadline(args.deadline, timezone);
      const task = await client.tasks.create(
        {
          title: args.title,
          task_type: args.task_type,
          owners,
          deadline: deadline.utc,
          ...(args.description ? { summary: args.description } : {}),
          ...(args.run_id ? { run_id: args.run_id } : {}),
          ...(args.max_assignable !== undefined ? { max_assignable: args.max_assignable } : {}),
          ...(args.prevent_guest_comment !== undefined ? { prevent_guest_comment: args.prevent_guest_comment } : {}),
          ...(args.separate_task_for_each_assignee ? { separate_task_for_each_assignee: true } : {}),
          ...(args.form_fields
            ? {
                form_fields: args.form_fields.map((field, index) => ({
                  ...field,
                  position: field.position ?? index + 1,
                  ...(field.options ? { options: field.options.map((text, at) => ({ id: at + 1, text })) } : {}),
                  ...(field.columns ? { columns: field.columns.map((label, at) => ({ id: at + 1, label })) } : {}),
                })),
              }
            : {}),
        },
        signal,
      );
      return { task: trimTask(task), deadline_utc: deadline.utc, ...(deadline.local ? { deadline_local: deadline.local } : {}) };
    },
  }),
  defineTool({
    name: 'update_task',
    title: 'Update a task',
    area: 'tasks',
    effect: 'write',
    idempotent: true,
    description:
      'Changes a task of a process. Owner buckets left out are kept. taskdata answers are keyed by field id (get_task); choice answers may be the option text. A completed task must be reopened first.',
    aliases: renameAlias({ description: 'summary' }),
    input: { run_id: runIdArg, task_id: hexId('task'), ...updateTaskShape, position: z.number().int().min(1).optional() },
    run: async ({ run_id, task_id, ...patch }, ctx) => updateAnyTask(ctx, task_id, run_id, patch),
  }),
  defineTool({
    name: 'update_standalone_task',
    title: 'Update a one-off task',
    area: 'tasks',
    effect: 'write',
    idempotent: true,
    description: 'Changes a one-off task (same fields as update_task); title, deadline and owners are re-sent for you.',
    aliases: renameAlias({ description: 'summary' }),
    input: { task_id: hexId('task'), ...updateTaskShape },
    run: async ({ task_id, ...patch }, ctx) => updateAnyTask(ctx, task_id, null, patch),
  }),
  defineTool({
    name: 'complete_task',
    title: 'Complete a task',
    area: 'tasks',
    effect: 'write',
    description:
      'Completes a task of a process. Approval tasks need is_approved (true approves, false rejects). Repeating it fires rules again, so do it once.',
    input: { run_id: runIdArg, task_id: hexId('task'), ...completeShape },
    run: async ({ run_id, task_id, is_approved, override_user }, { client, signal }) =>
      completeAnyTask(client, task_id, run_id, { is_approved, override_user }, signal),
  }),
  defineTool({
    name: 'complete_standalone_task',
    title: 'Complete a one-off task',
    area: 'tasks',
    effect: 'write',
    description: 'Completes a one-off task (is_approved for approval tasks).',
    input: { task_id: hexId('task'), ...completeShape },
    run: async ({ task_id, is_approved, override_user }, { client, signal }) =>
      completeAnyTask(client, task_id, null, { is_approved, override_user }, signal),
  }),
  defineTool({
    name: 'reopen_task',
    title: 'Reopen a task',
    area: 'tasks',
    effect: 'write',
    description: 'Reopens a completed task of a process and posts the reason as a comment.',
    input: { run_id: runIdArg, task_id: hexId('task'), reason: reasonArg },
    run: async ({ run_id, task_id, reason }, { client, signal }) => {
      const task = await client.tasks.reopen(run_id, task_id, signal);
      const comment = await client.comments.create(task_id, { content: reason }, signal);
      return { task: trimTask(task), comment_id: comment.id };
    },
  }),
  defineTool({
    name: 'reopen_standalone_task',
    title: 'Reopen a one-off task',
    area: 'tasks',
    effect: 'write',
    description: 'Reopens a completed one-off task; a reason, when given, is posted as a comment.',
    input: { task_id: hexId('task'), reason: reasonArg.optional() },
    run: async ({ task_id, reason }, { client, signal }) => {
      const task = await client.tasks.reopenOneOff(task_id, signal);
      const comment = reason ? await client.comments.create(task_id, { content: reason }, signal) : undefined;
      return { task: trimTask(task), ...(comment ? { comment_id: comment.id } : {}) };
    },
  }),
];
