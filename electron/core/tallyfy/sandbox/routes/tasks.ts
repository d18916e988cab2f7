import { z } from 'zod';

import { checkFieldValues } from '../fieldValues';
import { HttpError, includes, notFound, paginate, validate, validationError, memberIdInput } from '../respond';
import { hasOpenProblem, isOverdue, taskOut } from '../serialize';
import type { OrgStore, SeedCapture, SeedRun, SeedTask } from '../state';

import { findRun, findTask, item, listParam, parseApiDate, route, type Reply, type Route, type RouteContext } from './context';

/** Task owners as a request body carries them: every bucket optional (see {@link replaceOwners}). */
export const ownersInput = z.object({
  users: z.array(memberIdInput).optional(),
  guests: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
});
const taskType = z.enum(['task', 'approval', 'expiring', 'email', 'expiring_email']);

const createTaskSchema = z.looseObject({
  title: z.string().min(1).max(600),
  task_type: taskType,
  owners: ownersInput,
  deadline: z.string().min(1),
  summary: z.string().optional(),
  run_id: z.string().optional(),
  status: z.enum(['not-started', 'in-progress']).optional(),
  tags: z.array(z.string()).optional(),
});

const updateTaskSchema = z.looseObject({
  title: z.string().min(1).max(600).optional(),
  summary: z.string().nullable().optional(),
  deadline: z.string().optional(),
  owners: ownersInput.optional(),
  taskdata: z.record(z.string(), z.unknown()).optional(),
  status: z.enum(['not-started', 'in-progress']).optional(),
  position: z.number().int().min(1).optional(),
  task_type: taskType.optional(),
});

const oneOffUpdateSchema = updateTaskSchema.extend({ title: z.string().min(1).max(600), deadline: z.string().min(1), owners: ownersInput });

const completeSchema = z.object({
  task_id: z.string().min(1),
  is_approved: z.boolean().optional(),
  override_user: z.number().int().optional(),
});

/** Replace semantics: every bucket is taken from the body; an omitted bucket becomes empty. */
export function replaceOwners(input: z.infer<typeof ownersInput>): SeedTask['owners'] {
  return { users: input.users ?? [], guests: input.guests ?? [], groups: input.groups ?? [] };
}

function dateOrFail(value: string, field: string): string {
  const parsed = parseApiDate(value);
  if (!parsed) throw validationError({ [field]: [`The ${field.replace(/_/g, ' ')} is not a valid date.`] });
  return parsed;
}

/** Filters and sorts a task list by the query Tallyfy accepts on task lists. */
function filterTasks(ctx: RouteContext, tasks: SeedTask[]): SeedTask[] {
  const { query, org, now } = ctx;
  const status = query.get('status');
  const owners = listParam(query, 'owners').map(Number);
  const groups = listParam(query, 'groups');
  const q = query.get('q')?.toLowerCase();
  const archived = query.get('archived');
  const before = query.get('deadline_before');
  const after = query.get('deadline_after');
  const tag = query.get('tag');
  let out = tasks.filter((task) => {
    if (archived === 'only' ? task.archived_at === null : archived !== 'true' && task.archived_at !== null) return false;
    const run = task.run_id ? org.runs.find((candidate) => candidate.id === task.run_id) : undefined;
    if (run?.archived_at && archived !== 'true' && archived !== 'only') return false;
    if (q && !task.title.toLowerCase().includes(q)) return false;
    if (owners.length > 0 && !task.owners.users.some((id) => owners.includes(id))) return false;
    if (groups.length > 0 && !task.owners.groups.some((id) => groups.includes(id))) return false;
    if (query.get('unassigned') === 'true' && task.owners.users.length + task.owners.guests.length + task.owners.groups.length > 0) return false;
    if (before && (!task.deadline || task.deadline >= (parseApiDate(before) ?? ''))) return false;
    if (after && (!task.deadline || task.deadline <= (parseApiDate(after) ?? ''))) return false;
    if (tag && !task.tag_ids.includes(tag)) return false;
    switch (status) {
      case null:
      case 'all':
        return true;
      case 'complete':
      case 'completed':
        return task.status === 'completed';
      case 'active':
      case 'incomplete':
        return task.status !== 'completed' && task.status !== 'auto-skipped';
      case 'active_visible':
        return task.status !== 'completed' && task.status !== 'auto-skipped';
      case 'inprogress':
        return task.status === 'in-progress';
      case 'not-started':
        return task.status === 'not-started';
      case 'overdue':
        return isOverdue(task, now);
      case 'due_soon':
        return task.status !== 'completed' && task.deadline !== null && Date.parse(task.deadline) >= now.getTime() && Date.parse(task.deadline) - now.getTime() < 3 * 86_400_000;
      case 'hasproblem':
        return hasOpenProblem(org, task.id);
      default:
        throw validationError({ status: ['The selected status is invalid.'] });
    }
  });
  const sort = query.get('sort') ?? query.get('sort_by') ?? 'deadline';
  const descending = sort.startsWith('-');
  const key = sort.replace(/^-/, '');
  const compare = (a: SeedTask, b: SeedTask): number => {
    if (key === 'position') return a.position - b.position;
    if (key === 'newest' || key === 'created_at') return (b.created_at ?? '').localeCompare(a.created_at ?? '') || a.id.localeCompare(b.id);
    if (key === 'completed_newest') return (b.completed_at ?? '').localeCompare(a.completed_at ?? '');
    // deadline: soonest first, tasks without a deadline last
    return (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999') || a.id.localeCompare(b.id);
  };
  out = [...out].sort(compare);
  return descending ? out.reverse() : out;
}

function listTasks(ctx: RouteContext, tasks: SeedTask[], defaultPerPage = 10): Reply {
  const withs = includes(ctx.query);
  const page = paginate(filterTasks(ctx, tasks), ctx.query, { defaultPerPage, url: ctx.url, emptyLinks: 'object' });
  return { body: { ...page, data: page.data.map((task) => taskOut(ctx.org, task, ctx.now, withs)) } };
}

function stepFields(org: OrgStore, task: SeedTask): SeedCapture[] {
  if (!task.run_id) return [];
  const run = org.runs.find((candidate) => candidate.id === task.run_id);
  const template = org.templates.find((candidate) => candidate.id === run?.checklist_id);
  return template?.steps.find((step) => step.id === task.step_id)?.captures ?? [];
}

/** Applies a partial update to a task (shared by the run and one-off routes). */
function applyUpdate(ctx: RouteContext, task: SeedTask, body: z.infer<typeof updateTaskSchema>): void {
  if (task.status === 'completed') throw validationError({ task: ['A completed task cannot be updated. Reopen it first.'] });
  if (body.taskdata) {
    const { values, errors } = checkFieldValues(stepFields(ctx.org, task), body.taskdata);
    if (Object.keys(errors).length > 0) {
      throw validationError(Object.fromEntries(Object.entries(errors).map(([key, messages]) => [`taskdata.${key}`, messages])));
    }
    task.taskdata = { ...task.taskdata, ...values };
  }
  if (body.title !== undefined) task.title = body.title;
  if (body.summary !== undefined) task.summary = body.summary;
  if (body.deadline !== undefined) task.deadline = dateOrFail(body.deadline, 'deadline');
  if (body.owners !== undefined) task.owners = replaceOwners(body.owners);
  if (body.status !== undefined) task.status = body.status;
  if (body.position !== undefined) task.position = body.position;
  if (body.task_type !== undefined) task.task_type = body.task_type;
}

/** Fires simple Step rules (show/hide/reopen) after a task event; returns the tasks they changed. */
function fireStepRules(org: OrgStore, run: SeedRun, stepId: string | null, operation: string): Record<string, string> {
  const changed: Record<string, string> = {};
  const template = org.templates.find((candidate) => candidate.id === run.checklist_id);
  if (!template || !stepId) return changed;
  for (const rule of template.automated_actions) {
    const fires = rule.conditions.some(
      (condition) => condition.conditionable_type === 'Step' && condition.conditionable_id === stepId && condition.operation === operation && condition.statement !== null,
    );
    if (!fires) continue;
    for (const action of rule.then_actions) {
      const target = org.tasks.find((task) => task.run_id === run.id && task.step_id === action.target_step_id);
      if (!target) continue;
      if (action.action_type === 'visibility' && action.action_verb === 'hide' && target.status !== 'completed') target.status = 'auto-skipped';
      else if (action.action_type === 'visibility' && action.action_verb === 'show' && target.status === 'auto-skipped') target.status = 'not-started';
      else continue;
      changed[target.id] = target.status;
    }
  }
  return changed;
}

function updateRunStatus(org: OrgStore, run: SeedRun): void {
  if (run.status === 'archived') return;
  const tasks = org.tasks.filter((task) => task.run_id === run.id && task.status !== 'auto-skipped');
  const done = tasks.length > 0 && tasks.every((task) => task.status === 'completed');
  if (done) run.status = 'complete';
  else if (run.status === 'complete') run.status = 'active';
}

function complete(ctx: RouteContext, runId: string | undefined): Reply {
  const body = validate(completeSchema, ctx.body);
  const run = runId === undefined ? undefined : findRun(ctx, runId);
  const task = findTask(ctx, body.task_id, run?.id);
  if (!run && task.run_id !== null) throw notFound('Task');
  if (task.task_type === 'approval' && body.is_approved === undefined) throw validationError({ is_approved: ['The is approved field is required'] });
  task.status = 'completed';
  task.completed_at = ctx.now.toISOString();
  task.completer_id = body.override_user ?? ctx.user.id;
  task.is_approved = task.task_type === 'approval' || task.task_type === 'expiring' ? (body.is_approved ?? true) : null;
  let changed: Record<string, string> = {};
  if (run) {
    const operation = task.task_type === 'approval' ? (body.is_approved ? 'approved' : 'rejected') : 'completed';
    changed = { ...fireStepRules(ctx.org, run, task.step_id, 'completed'), ...(operation === 'completed' ? {} : fireStepRules(ctx.org, run, task.step_id, operation)) };
    updateRunStatus(ctx.org, run);
  }
  return item({ ...taskOut(ctx.org, task, ctx.now), tasks_changed_by_rules: changed });
}

function reopen(ctx: RouteContext, runId: string | undefined, taskId: string | undefined): Reply {
  const run = runId === undefined ? undefined : findRun(ctx, runId);
  const task = findTask(ctx, taskId, run?.id);
  if (!run && task.run_id !== null) throw notFound('Task');
  if (task.status !== 'completed') throw validationError({ task: ['The task is not completed.'] });
  task.status = 'in-progress';
  task.completed_at = null;
  task.completer_id = null;
  task.is_approved = null;
  if (run) {
    fireStepRules(ctx.org, run, task.step_id, 'reopened');
    updateRunStatus(ctx.org, run);
  }
  return item(taskOut(ctx.org, task, ctx.now));
}

function oneOff(ctx: RouteContext): SeedTask {
  const task = findTask(ctx, ctx.params.task);
  if (task.run_id !== null) throw notFound('Task');
  return task;
}

/** Task routes (tallyfy-api.md §3.6). */
export const taskRoutes: Route[] = [
  route('GET', '/tasks', (ctx) => listTasks(ctx, ctx.org.tasks)),
  route('GET', '/me/tasks', (ctx) => listTasks(ctx, ctx.org.tasks.filter((task) => isMine(ctx, task)))),
  route('GET', '/users/:user/tasks', (ctx) => {
    const userId = Number(ctx.params.user);
    if (!ctx.org.users.some((user) => user.id === userId)) throw notFound('User');
    return listTasks(ctx, ctx.org.tasks.filter((task) => task.owners.users.includes(userId)));
  }),
  route('GET', '/guests/:guest/tasks', (ctx) => {
    const key = ctx.params.guest ?? '';
    const guest = ctx.org.guests.find((candidate) => candidate.code === key || candidate.email === key || String(candidate.id) === key);
    if (!guest) throw notFound('Guest');
    // Guest task lists always page at 10.
    const query = new URLSearchParams(ctx.query);
    query.delete('per_page');
    return listTasks({ ...ctx, query }, ctx.org.tasks.filter((task) => task.owners.guests.includes(guest.email)));
  }),
  route('GET', '/runs/:run/tasks', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    const query = new URLSearchParams(ctx.query);
    if (!query.has('sort')) query.set('sort', 'position');
    if (!query.has('archived') && run.archived_at) query.set('archived', 'true');
    return listTasks({ ...ctx, query }, ctx.org.tasks.filter((task) => task.run_id === run.id));
  }),
  route('GET', '/runs/:run/tasks/:task', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    return item(taskOut(ctx.org, findTask(ctx, ctx.params.task, run.id), ctx.now, includes(ctx.query)));
  }),
  route('GET', '/tasks/:task', (ctx) => item(taskOut(ctx.org, findTask(ctx, ctx.params.task), ctx.now, includes(ctx.query)))),
  route('POST', '/tasks', (ctx) => {
    const body = validate(createTaskSchema, ctx.body);
    const owners = replaceOwners(body.owners);
    if (owners.users.length + owners.guests.length + owners.groups.length === 0) throw validationError({ owners: ['The owners field must have at least one assignee.'] });
    if (body.run_id !== undefined) findRun(ctx, body.run_id);
    const task: SeedTask = {
      id: ctx.state.newId(),
      title: body.title,
      run_id: body.run_id ?? null,
      step_id: null,
      summary: body.summary ?? null,
      status: body.status ?? 'not-started',
      task_type: body.task_type,
      position: 1,
      owners,
      deadline: dateOrFail(body.deadline, 'deadline'),
      taskdata: {},
      is_approved: null,
      completed_at: null,
      completer_id: null,
      archived_at: null,
      created_at: ctx.now.toISOString(),
      tag_ids: (body.tags ?? []).filter((id) => ctx.org.tags.some((tag) => tag.id === id)),
    };
    ctx.org.tasks.push(task);
    return item(taskOut(ctx.org, task, ctx.now), 201);
  }),
  route('PUT', '/runs/:run/tasks/:task', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    const task = findTask(ctx, ctx.params.task, run.id);
    applyUpdate(ctx, task, validate(updateTaskSchema, ctx.body));
    return item(taskOut(ctx.org, task, ctx.now));
  }),
  route('PUT', '/tasks/:task', (ctx) => {
    const task = oneOff(ctx);
    applyUpdate(ctx, task, validate(oneOffUpdateSchema, ctx.body));
    return item(taskOut(ctx.org, task, ctx.now));
  }),
  route('POST', '/runs/:run/completed-tasks', (ctx) => complete(ctx, ctx.params.run)),
  route('POST', '/completed-tasks', (ctx) => complete(ctx, undefined)),
  route('DELETE', '/runs/:run/completed-tasks/:task', (ctx) => reopen(ctx, ctx.params.run, ctx.params.task)),
  route('DELETE', '/completed-tasks/:task', (ctx) => reopen(ctx, undefined, ctx.params.task)),
  route('DELETE', '/tasks/:task/delete', (ctx) => {
    const task = oneOff(ctx);
    if (task.archived_at === null) throw validationError({ task: ['Archive the task before deleting it permanently.'] });
    ctx.org.tasks.splice(ctx.org.tasks.indexOf(task), 1);
    return { status: 204 };
  }),
  route('DELETE', '/tasks/:task', (ctx) => {
    oneOff(ctx).archived_at = ctx.now.toISOString();
    return { status: 204 };
  }),
  route('PUT', '/tasks/:task/restore', (ctx) => {
    const task = oneOff(ctx);
    task.archived_at = null;
    return item(taskOut(ctx.org, task, ctx.now));
  }),
];

/** A task is the caller's when they, or a group they belong to, own it. */
function isMine(ctx: RouteContext, task: SeedTask): boolean {
  if (task.owners.users.includes(ctx.user.id)) return true;
  return task.owners.groups.some((groupId) => ctx.org.groups.some((group) => group.id === groupId && group.members.includes(ctx.user.id)));
}

export { HttpError };
