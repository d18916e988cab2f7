import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';
import type { Owners, Task } from '../../tallyfy/types';
import { parseDeadline } from '../deadline';
import { defineTool, ToolInputError, ToolLookupError, type Tool } from '../defineTool';

import { detailTask, fromPage, hexId, mergeOwners, ownersArg, pageArg, perPageArg, trimTask, userId } from './common';
import { allGroups, allMembers, findGroup, findMember } from './people';

const taskStatusArg = z
  .enum(['all', 'active', 'incomplete', 'complete', 'overdue', 'due_soon', 'hasproblem'])
  .default('incomplete')
  .describe('Which tasks: incomplete (default: not yet done), active, complete, overdue, due_soon, hasproblem, or all.');

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

/** A task as it is now, and its run (null for a one-off task): one read, whether or not `runId` is given. */
async function currentTask(
  client: TallyfyClient,
  taskId: string,
  runId: string | undefined,
  signal: AbortSignal,
): Promise<{ task: Task; run: string | null }> {
  if (runId) return { task: await client.tasks.getInRun(runId, taskId, undefined, signal), run: runId };
  const task = await client.tasks.get(taskId, undefined, signal);
  return { task, run: task.run_id ?? null };
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

const runIdArg = hexId('process (run)')
  .optional()
  .describe('The process (run) id the task belongs to. Optional: looked up from the task when left out.');

/** Tasks: listing, reading, creating, changing, completing and reopening. */
export const taskTools: Tool[] = [
  defineTool({
    name: 'get_my_tasks',
    title: 'List my tasks',
    area: 'tasks',
    effect: 'read',
    description:
      "Lists the signed-in member's own tasks (assigned to them directly or through a group), soonest deadline first, with status, deadline, process (run_id) and assignees. Default: incomplete tasks only. An incomplete task whose deadline has passed is overdue.",
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
      "Lists another member's tasks. Identify the member by user_id, or by user_email or user_name (resolved for you; an ambiguous name is refused with the candidates). Default: incomplete tasks.",
    input: {
      user_id: userId.optional(),
      user_email: z.email().optional().describe("The member's email, if you do not know the id."),
      user_name: z.string().min(2).max(100).optional().describe("Part of the member's full name, if you know neither id nor email."),
      status: taskStatusArg,
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ user_id, user_email, user_name, status, page, per_page }, { client, signal }) => {
      let id = user_id;
      if (id === undefined) {
        if (!user_email && !user_name) throw new ToolInputError('Give user_id, user_email or user_name.');
        id = findMember(await allMembers(client, signal), { email: user_email, name: user_name }).id;
      }
      const result = await client.tasks.listForUser(id, { status: statusQuery(status), sort_by: 'newest', page, per_page }, signal);
      return { user_id: id, ...fromPage(result, trimTask, page, per_page) };
    },
  }),
  defineTool({
    name: 'get_tasks_for_process',
    title: 'List the tasks of a process',
    area: 'tasks',
    effect: 'read',
    description:
      'Lists the tasks of one running process (run) in step order, with status, deadline and assignees, plus a summary of the process. Identify it by run_id or by process_name (found through search).',
    input: {
      run_id: hexId('process (run)').optional(),
      process_name: z.string().min(2).max(550).optional().describe('Name (or part of it) of the process, if you do not know its id.'),
      status: taskStatusArg.default('all'),
      page: pageArg,
      per_page: perPageArg,
    },
    run: async ({ run_id, process_name, status, page, per_page }, { client, signal }) => {
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
        client.tasks.listForRun(id, { status: statusQuery(status), sort: 'position', page, per_page }, signal),
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
    description:
      'Lists the tasks assigned to a guest (an external person, by email), soonest deadline first. Default: incomplete tasks. Tallyfy pages guest task lists at 10.',
    input: { guest_email: z.email().describe("The guest's email address."), status: taskStatusArg, page: pageArg },
    run: async ({ guest_email, status, page }, { client, signal }) => {
      const guest = await client.guests.get(guest_email, undefined, signal);
      // Tallyfy lists a guest's tasks by the code in their guest link.
      const code = typeof guest.guest_code === 'string' ? guest.guest_code : (guest.link?.split('/').pop() ?? guest_email);
      const result = await client.tasks.listForGuest(code, { status: statusQuery(status), sort: 'deadline', page }, signal);
      return { guest_email, ...fromPage(result, trimTask, page, 10) };
    },
  }),
  defineTool({
    name: 'get_task',
    title: 'Get a task',
    area: 'tasks',
    effect: 'read',
    description:
      'Returns one task (in a process or one-off) with its description, form fields and their current answers (field ids are what update_task taskdata takes), and its comments.',
    input: { task_id: hexId('task'), run_id: runIdArg },
    run: async ({ task_id, run_id }, { client, signal }) => detailTask(await readTask(client, task_id, run_id, signal)),
  }),
  defineTool({
    name: 'create_standalone_task',
    title: 'Create a one-off task',
    area: 'tasks',
    effect: 'write',
    description:
      'Creates a one-off task (not part of a template) and assigns it. The deadline is natural language read in the organization\'s timezone ("next Friday 5pm", "tomorrow", "in 3 days"; no time means 09:00) or exact "YYYY-MM-DD HH:MM:SS" UTC. Assign at least one person: user_ids, user_emails, user_names, guest_emails, group_ids or group_names. Returns the task and the deadline as understood (UTC and local).',
    input: {
      title: z.string().min(1).max(600).describe('What needs doing, as a short imperative.'),
      deadline: z.string().min(2).max(200).describe('When it is due, e.g. "next Friday 5pm" or "2026-12-01 17:00:00" (UTC).'),
      description: z.string().max(10_000).optional().describe('Details and instructions (plain text or HTML).'),
      task_type: z
        .enum(['task', 'approval', 'expiring'])
        .default('task')
        .describe('task (do it), approval (approve or reject) or expiring (acknowledge before the deadline).'),
      user_ids: z.array(userId).default([]).describe('Member ids to assign.'),
      user_emails: z.array(z.email()).default([]).describe('Member emails to assign (resolved to ids).'),
      user_names: z.array(z.string().min(2)).default([]).describe('Member names to assign (resolved; ambiguity is refused).'),
      guest_emails: z.array(z.email()).default([]).describe('Guest emails to assign (external people).'),
      group_ids: z.array(hexId('group')).default([]).describe('Group ids to assign.'),
      group_names: z.array(z.string().min(1)).default([]).describe('Group names to assign (resolved).'),
      run_id: hexId('process (run)').optional().describe('Attach the task to this running process instead of leaving it standalone.'),
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
      'Changes a task: title, description, deadline (natural language or exact UTC), assignees, or form-field answers (taskdata, keyed by the field ids from get_task). Assignee buckets you leave out are kept (they are read first, because Tallyfy would otherwise remove them). A completed task cannot be edited: reopen it first.',
    input: {
      task_id: hexId('task'),
      run_id: runIdArg,
      title: z.string().min(1).max(600).optional().describe('New title.'),
      description: z.string().max(10_000).optional().describe('New description (replaces the old one).'),
      deadline: z.string().min(2).max(200).optional().describe('New deadline, e.g. "Monday 9am" or "2026-12-01 17:00:00" (UTC).'),
      owners: ownersArg
        .optional()
        .describe(
          'New assignees per bucket (users, guests, groups); a bucket left out is kept. To add one person, pass the current list plus them.',
        ),
      taskdata: z
        .record(z.string(), z.unknown())
        .optional()
        .describe(
          'Form answers keyed by field id (from get_task). Text: a string; dropdown: {"id":n,"text":"…"}; radio: the option text; multiselect: [{"id":n,"text":"…","selected":true}].',
        ),
    },
    run: async ({ task_id, run_id, title, description, deadline, owners, taskdata }, { client, signal, timezone }) => {
      if (title === undefined && description === undefined && deadline === undefined && owners === undefined && taskdata === undefined) {
        throw new ToolInputError('Nothing to change: give title, description, deadline, owners or taskdata.');
      }
      const { task: current, run } = await currentTask(client, task_id, run_id, signal);
      const due = deadline ? await resolveDeadline(deadline, timezone) : undefined;
      const body = {
        ...(title !== undefined ? { title } : {}),
        ...(description !== undefined ? { summary: description } : {}),
        ...(due ? { deadline: due.utc } : {}),
        ...(owners ? { owners: mergeOwners(current.owners, owners) } : {}),
        ...(taskdata ? { taskdata } : {}),
      };
      const updated = run
        ? await client.tasks.update(run, task_id, body, signal)
        : await client.tasks.updateOneOff(
            task_id,
            // One-off PUTs need title, deadline and owners every time.
            {
              ...body,
              title: title ?? current.title,
              deadline: due?.utc ?? (current.deadline ?? '').replace('T', ' ').replace(/\.\d+Z$|Z$/, ''),
              owners: mergeOwners(current.owners, owners),
            },
            signal,
          );
      return { task: trimTask(updated), ...(due?.local ? { deadline_local: due.local } : {}) };
    },
  }),
  defineTool({
    name: 'complete_task',
    title: 'Complete a task',
    area: 'tasks',
    effect: 'write',
    description:
      "Marks a task complete. For an approval task pass is_approved (true approves, false rejects); it is required there. Completing fires the template's rules again if repeated, so do it once. Returns the completed task.",
    input: {
      task_id: hexId('task'),
      run_id: runIdArg,
      is_approved: z.boolean().optional().describe('Approval tasks only: true to approve, false to reject.'),
    },
    run: async ({ task_id, run_id, is_approved }, { client, signal }) => {
      const task = await client.tasks.get(task_id, undefined, signal);
      const run = run_id ?? task.run_id ?? null;
      if (task.task_type === 'approval' && is_approved === undefined) {
        throw new ToolInputError('This is an approval task: pass is_approved true (approve) or false (reject).');
      }
      if (task.task_type === 'expiring' && is_approved === false) {
        throw new ToolInputError('An expiring task is acknowledged, not rejected: leave is_approved out.');
      }
      const input = task.task_type === 'approval' ? { is_approved } : {};
      const done = run
        ? await client.tasks.complete(run, task_id, input, signal)
        : await client.tasks.completeOneOff(task_id, input, signal);
      return trimTask(done);
    },
  }),
  defineTool({
    name: 'reopen_task',
    title: 'Reopen a task',
    area: 'tasks',
    effect: 'write',
    description:
      'Reopens a completed task (back to in progress, approval cleared) and, when a reason is given, posts it as a comment on the task.',
    input: {
      task_id: hexId('task'),
      run_id: runIdArg,
      reason: z.string().min(1).max(5000).optional().describe('Why it is reopened; posted as a comment so the assignees know.'),
    },
    run: async ({ task_id, run_id, reason }, { client, signal }) => {
      const run = await runIdOf(client, task_id, run_id, signal);
      const task = run ? await client.tasks.reopen(run, task_id, signal) : await client.tasks.reopenOneOff(task_id, signal);
      const comment = reason ? await client.comments.create(task_id, { content: reason }, signal) : undefined;
      return { task: trimTask(task), ...(comment ? { comment_id: comment.id } : {}) };
    },
  }),
];
