import { z } from 'zod';

import { checkFieldValues, missingRequired } from '../fieldValues';
import { HttpError, forbidden, includes, paginate, validate, validationError, memberIdInput } from '../respond';
import { runOut } from '../serialize';
import type { SeedRun, SeedTask } from '../state';

import { findRun, findTemplate, item, listParam, parseApiDate, route, type Reply, type Route, type RouteContext } from './context';
import { ownersInput, replaceOwners } from './tasks';

const launchSchema = z.looseObject({
  checklist_id: z.string().min(1),
  name: z.string().min(1).max(550).optional(),
  summary: z.string().optional(),
  owner_id: z.number().int().optional(),
  // A list-shaped prerun is accepted but loses every value (tallyfy-api.md §3.5).
  prerun: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  tasks: z.record(z.string(), z.looseObject({ deadline: z.string().optional(), owners: ownersInput.optional() })).optional(),
  tags: z.array(z.string()).optional(),
  users: z.array(memberIdInput).optional(),
  groups: z.array(z.string()).optional(),
  folders: z.array(z.string()).optional(),
  starred: z.boolean().optional(),
});

const updateRunSchema = z.looseObject({
  name: z.string().min(1).max(550).optional(),
  summary: z.string().nullable().optional(),
  owner_id: z.number().int().optional(),
  starred: z.boolean().optional(),
  prerun: z.record(z.string(), z.unknown()).optional(),
  users: z.array(memberIdInput).optional(),
  groups: z.array(z.string()).optional(),
});

const deadlineUnits: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

function stepDeadline(start: Date, deadline: { value: number; unit: string; option: string } | null): string | null {
  if (!deadline) return null;
  const unit = deadlineUnits[deadline.unit.replace(/s$/, '')] ?? deadlineUnits.day ?? 86_400_000;
  const sign = deadline.option === 'prior_to' || deadline.option === 'before' ? -1 : 1;
  return new Date(start.getTime() + sign * deadline.value * unit).toISOString();
}

function filterRuns(ctx: RouteContext): SeedRun[] {
  const { query, org } = ctx;
  const status = query.get('status');
  const archived = query.get('archived') ?? (status === 'archived' ? 'only' : null);
  const owners = listParam(query, 'owners').map(Number);
  const checklist = query.get('checklist_id') ?? query.get('blueprint_id');
  const tag = query.get('tag') ?? query.get('tag_ids');
  const folder = query.get('folder');
  const q = query.get('q')?.toLowerCase();
  const type = query.get('type');
  const runs = org.runs.filter((run) => {
    if (archived === 'only' ? run.archived_at === null : archived !== 'true' && run.archived_at !== null) return false;
    if (status && status !== 'archived' && status !== 'starred' && run.status !== status) return false;
    if ((status === 'starred' || query.get('starred') === 'true') && !run.starred) return false;
    if (checklist && run.checklist_id !== checklist) return false;
    if (q && !run.name.toLowerCase().includes(q)) return false;
    if (tag && !org.tagLinks.some((link) => link.subject_type === 'Run' && link.subject_id === run.id && tag.split(',').includes(link.tag_id))) return false;
    if (query.get('untagged') === 'true' && org.tagLinks.some((link) => link.subject_type === 'Run' && link.subject_id === run.id)) return false;
    if (folder && !org.folderObjects.some((object) => object.subject_id === run.id && object.folder_id === folder)) return false;
    if (type && org.templates.find((template) => template.id === run.checklist_id)?.type !== type) return false;
    if (owners.length > 0) {
      const assigned = org.tasks.some((task) => task.run_id === run.id && task.owners.users.some((id) => owners.includes(id)));
      if (!owners.includes(run.owner_id ?? -1) && !assigned) return false;
    }
    return true;
  });
  const sort = query.get('sort') ?? '-created_at';
  const key = sort.replace(/^-/, '');
  const sorted = [...runs].sort((a, b) =>
    key === 'name' ? a.name.localeCompare(b.name) : (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id),
  );
  return sort.startsWith('-') ? sorted.reverse() : sorted;
}

function launch(ctx: RouteContext): Reply {
  const body = validate(launchSchema, ctx.body);
  const template = ctx.org.templates.find((candidate) => candidate.id === body.checklist_id && candidate.archived_at === null);
  if (!template) throw validationError({ checklist_id: ['The selected checklist id is invalid.'] });
  const prerunInput = Array.isArray(body.prerun) ? {} : (body.prerun ?? {});
  const { values, errors } = checkFieldValues(template.prerun, prerunInput);
  const missing = missingRequired(template.prerun, values);
  const problems = { ...missing, ...errors };
  // Nested payloads carry dict-valued entries in Tallyfy's validation body.
  if (Object.keys(problems).length > 0) throw new HttpError(422, { message: 'The given data was invalid.', errors: { prerun: problems } });
  const start = ctx.now;
  const run: SeedRun = {
    id: ctx.state.newId(),
    checklist_id: template.id,
    name: body.name ?? `${template.title} - ${start.toISOString().slice(0, 10)}`,
    summary: body.summary ?? null,
    status: 'active',
    owner_id: body.owner_id ?? ctx.user.id,
    prerun: values,
    prerun_status: 'complete',
    starred: body.starred ?? false,
    users: body.users ?? [],
    groups: body.groups ?? [],
    tag_ids: [],
    folder_ids: [],
    archived_at: null,
    created_at: start.toISOString(),
  };
  ctx.org.runs.push(run);
  for (const tagId of body.tags ?? []) {
    if (ctx.org.tags.some((tag) => tag.id === tagId)) ctx.org.tagLinks.push({ id: ctx.state.newId(), tag_id: tagId, subject_type: 'Run', subject_id: run.id });
  }
  for (const folderId of body.folders ?? []) {
    if (ctx.org.folders.some((folder) => folder.id === folderId && folder.folder_type === 'run')) {
      ctx.org.folderObjects.push({ id: ctx.state.newIntId(), folder_id: folderId, subject_id: run.id, subject_type: 'Run', created_at: start.toISOString() });
    }
  }
  const hidden = new Set<string>();
  for (const rule of template.automated_actions) {
    // Kick-off "equals" rules that hide a step apply at launch.
    const fires = rule.conditions.some((condition) => {
      if (condition.conditionable_type !== 'Prerun' || condition.operation !== 'equals') return false;
      const value = values[condition.conditionable_id];
      const text = typeof value === 'object' && value !== null && 'text' in value ? (value as { text: unknown }).text : value;
      return text === condition.statement;
    });
    if (fires) for (const action of rule.then_actions) if (action.action_type === 'visibility' && action.action_verb === 'hide') hidden.add(action.target_step_id);
  }
  for (const step of [...template.steps].sort((a, b) => a.position - b.position)) {
    const override = body.tasks?.[step.id];
    const task: SeedTask = {
      id: ctx.state.newId(),
      title: step.title,
      run_id: run.id,
      step_id: step.id,
      summary: step.summary,
      status: hidden.has(step.id) ? 'auto-skipped' : 'not-started',
      task_type: step.step_type,
      position: step.position,
      owners: override?.owners ? replaceOwners(override.owners) : { users: [...step.assignees], guests: [...step.guests], groups: [...step.groups] },
      deadline: (override?.deadline ? parseApiDate(override.deadline) : undefined) ?? stepDeadline(start, step.deadline) ?? null,
      taskdata: {},
      is_approved: null,
      completed_at: null,
      completer_id: null,
      archived_at: null,
      created_at: start.toISOString(),
      tag_ids: [],
    };
    ctx.org.tasks.push(task);
  }
  return item(runOut(ctx.org, run, ctx.now, includes(ctx.query)), 201);
}

/** Process ("run") routes (tallyfy-api.md §3.5). */
export const runRoutes: Route[] = [
  route('GET', '/runs', (ctx) => {
    const withs = includes(ctx.query);
    const page = paginate(filterRuns(ctx), ctx.query, { defaultPerPage: 10, url: ctx.url, emptyLinks: 'object' });
    return { body: { ...page, data: page.data.map((run) => runOut(ctx.org, run, ctx.now, withs)) } };
  }),
  route('GET', '/runs/:run', (ctx) => item(runOut(ctx.org, findRun(ctx, ctx.params.run), ctx.now, includes(ctx.query)))),
  route('POST', '/runs', launch),
  route('PUT', '/runs/:run', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    const body = validate(updateRunSchema, ctx.body);
    if (body.name !== undefined) run.name = body.name;
    if (body.summary !== undefined) run.summary = body.summary;
    if (body.owner_id !== undefined) run.owner_id = body.owner_id;
    if (body.starred !== undefined) run.starred = body.starred;
    if (body.prerun !== undefined) {
      const template = ctx.org.templates.find((candidate) => candidate.id === run.checklist_id);
      const { values, errors } = checkFieldValues(template?.prerun ?? [], body.prerun);
      if (Object.keys(errors).length > 0) throw new HttpError(422, { message: 'The given data was invalid.', errors: { prerun: errors } });
      run.prerun = { ...run.prerun, ...values };
    }
    // Replace semantics: omitted users/groups are wiped (live-verified on the real API).
    run.users = body.users ?? [];
    run.groups = body.groups ?? [];
    return item(runOut(ctx.org, run, ctx.now));
  }),
  route('DELETE', '/runs/:run/delete', (ctx) => {
    if (ctx.user.role !== 'admin') throw forbidden('Only administrators can delete processes permanently.');
    const run = findRun(ctx, ctx.params.run);
    if (run.archived_at === null) throw validationError({ run: ['Archive the process before deleting it permanently.'] });
    ctx.org.runs.splice(ctx.org.runs.indexOf(run), 1);
    ctx.org.tasks = ctx.org.tasks.filter((task) => task.run_id !== run.id);
    return { status: 204 };
  }),
  route('DELETE', '/runs/:run', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    if (run.archived_at === null) {
      (run as SeedRun & { previous_status?: string }).previous_status = run.status;
      run.status = 'archived';
      run.archived_at = ctx.now.toISOString();
    }
    return item(runOut(ctx.org, run, ctx.now));
  }),
  route('PUT', '/runs/:run/activate', (ctx) => {
    const run = findRun(ctx, ctx.params.run) as SeedRun & { previous_status?: SeedRun['status'] };
    if (run.archived_at !== null) {
      run.status = run.previous_status ?? 'active';
      delete run.previous_status;
      run.archived_at = null;
    }
    return item(runOut(ctx.org, run, ctx.now));
  }),
  route('POST', '/runs/:run/complete-prerun', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    const template = findTemplate(ctx, run.checklist_id, { includeArchived: true });
    const missing = missingRequired(template.prerun, run.prerun);
    if (Object.keys(missing).length > 0) throw new HttpError(422, { message: 'The given data was invalid.', errors: { prerun: missing } });
    run.prerun_status = 'complete';
    return item(runOut(ctx.org, run, ctx.now));
  }),
  route('DELETE', '/runs/:run/complete-prerun', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    run.prerun_status = 'pending';
    return item(runOut(ctx.org, run, ctx.now));
  }),
  route('GET', '/runs/:run/form-fields', (ctx) => {
    const run = findRun(ctx, ctx.params.run);
    const template = findTemplate(ctx, run.checklist_id, { includeArchived: true });
    const tasks = ctx.org.tasks.filter((task) => task.run_id === run.id);
    const fields = [
      ...template.prerun.map((field) => ({ ...field, checklist_id: template.id, task_id: null, value: run.prerun[field.id] ?? null })),
      ...template.steps.flatMap((step) => {
        const task = tasks.find((candidate) => candidate.step_id === step.id);
        // value_id: the capture-value row id PUT /form-field/value takes (sandbox-made; only stored values have one).
        return step.captures.map((capture) => ({ ...capture, step_id: step.id, task_id: task?.id ?? null, value: task?.taskdata[capture.id] ?? null, ...(task && task.taskdata[capture.id] !== undefined ? { value_id: `${task.id}.${capture.id}` } : {}) }));
      }),
    ];
    // Tallyfy wraps the list: {data: {form_fields: [...]}}.
    return item({ form_fields: fields });
  }),
  route('PUT', '/form-field/value', (ctx) => {
    const body = validate(z.looseObject({ id: z.union([z.string().min(1), z.number()]), form_value: z.unknown() }), ctx.body);
    const [taskId, captureId] = String(body.id).split('.');
    const task = ctx.org.tasks.find((candidate) => candidate.id === taskId);
    // Tallyfy answers 500 when there is no stored value row (tallyfy-api.md §5).
    if (!task || !captureId || task.taskdata[captureId] === undefined) throw new HttpError(500, { error: true, message: 'Server Error' });
    task.taskdata[captureId] = body.form_value;
    return item({ id: body.id, form_value: body.form_value });
  }),
];
