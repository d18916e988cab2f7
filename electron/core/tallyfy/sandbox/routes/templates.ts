import { z } from 'zod';

import { forbidden, includes, notFound, paginate, validate, validationError, memberIdInput } from '../respond';
import { fieldTypeSchema } from '../seedSchema';
import { captureOut, stepOut, templateOut } from '../serialize';
import type { SeedAutomation, SeedCapture, SeedStep, SeedTemplate } from '../state';

import { findTemplate, item, requireTemplateEditor, route, type Reply, type Route, type RouteContext } from './context';

const optionInput = z.looseObject({ id: z.number().int(), text: z.string().min(1) });
const columnInput = z.looseObject({ id: z.number().int(), label: z.string().min(1) });

const fieldDefinition = z
  .looseObject({
    id: z.string().optional(),
    label: z.string().min(1),
    field_type: fieldTypeSchema,
    required: z.boolean(),
    options: z.array(optionInput).optional(),
    columns: z.array(columnInput).optional(),
    position: z.number().int().min(1).max(9999).optional(),
    guidance: z.string().nullable().optional(),
    alias: z.string().optional(),
  })
  .superRefine((field, ctx) => {
    if (field.field_type === 'radio' && (field.options?.length ?? 0) < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: 'A radio field needs at least 2 options.' });
    if ((field.field_type === 'dropdown' || field.field_type === 'multiselect') && (field.options?.length ?? 0) < 1) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `A ${field.field_type} field needs options.` });
    }
    if (field.field_type === 'table' && (field.columns?.length ?? 0) < 1) ctx.addIssue({ code: 'custom', path: ['columns'], message: 'A table field needs columns.' });
  });

const createTemplateSchema = z.looseObject({
  title: z.string().min(1).max(250),
  type: z.enum(['procedure', 'form', 'document']),
  summary: z.string().nullable().optional(),
  guidance: z.string().nullable().optional(),
  owner_id: z.number().int().optional(),
  folder_id: z.string().nullable().optional(),
  users: z.array(memberIdInput).optional(),
  groups: z.array(z.string()).optional(),
  prerun: z.array(fieldDefinition).optional(),
  starred: z.boolean().optional(),
});

const updateTemplateSchema = createTemplateSchema.extend({ type: z.enum(['procedure', 'form', 'document']).optional() });

const deadlineInput = z.looseObject({ value: z.number(), unit: z.string(), option: z.string(), step: z.string().default('start_run') });

const stepSchema = z.looseObject({
  title: z.string().min(1).max(600),
  summary: z.string().nullable().optional(),
  position: z.number().int().min(1).optional(),
  step_type: z.enum(['task', 'approval', 'expiring', 'email', 'expiring_email']).optional(),
  deadline: deadlineInput.nullable().optional(),
  assignees: z.array(memberIdInput).optional(),
  guests: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
});

const verbs: Record<string, string[]> = {
  visibility: ['show', 'hide'],
  deadline: ['deadline'],
  status: ['reopen'],
  assignment: ['assign', 'assign_only', 'clear_assignees', 'unassign'],
  webhook: ['emit_webhook'],
};

const automationSchema = z.object({
  automated_alias: z.string().min(1).max(300),
  conditions: z
    .array(
      z.looseObject({
        conditionable_id: z.string().min(1),
        conditionable_type: z.enum(['Step', 'Capture', 'Prerun']),
        operation: z.string().min(1),
        statement: z.unknown().refine((value) => value !== undefined, { message: 'The statement field must be present.' }),
        logic: z.enum(['and', 'or']).default('and'),
        position: z.number().int().min(1).default(1),
      }),
    )
    .min(1),
  then_actions: z
    .array(
      z
        .looseObject({
          action_type: z.enum(['visibility', 'deadline', 'status', 'assignment', 'webhook']),
          action_verb: z.string().min(1),
          target_step_id: z.string().min(1),
          deadline: z.object({ value: z.number().int(), unit: z.enum(['minutes', 'hours', 'days', 'weeks', 'months']), option: z.enum(['before', 'from']) }).nullable().optional(),
          assignees: z.looseObject({}).nullable().optional(),
          webhook_url: z.string().nullable().optional(),
          alias_name: z.string().nullable().optional(),
          position: z.number().int().min(1).default(1),
        })
        .superRefine((action, ctx) => {
          if (!(verbs[action.action_type] ?? []).includes(action.action_verb)) {
            ctx.addIssue({ code: 'custom', path: ['action_verb'], message: `The action verb ${action.action_verb} is not allowed for ${action.action_type}.` });
          }
          if (action.action_type === 'deadline' && !action.deadline) ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'A deadline action needs value, unit and option.' });
          if (action.action_type === 'assignment' && action.action_verb !== 'clear_assignees' && !action.assignees) {
            ctx.addIssue({ code: 'custom', path: ['assignees'], message: 'An assignment action needs assignees.' });
          }
          if (action.action_type === 'webhook' && (!action.webhook_url || !action.alias_name)) {
            ctx.addIssue({ code: 'custom', path: ['webhook_url'], message: 'A webhook action needs webhook_url and alias_name.' });
          }
        }),
    )
    .min(1),
});

/** The template `:id` (not archived), once the caller is allowed to edit templates. */
function editableTemplate(ctx: RouteContext): SeedTemplate {
  requireTemplateEditor(ctx);
  return findTemplate(ctx, ctx.params.id);
}

/** The step `:step` of the editable template `:id`. */
function editableStep(ctx: RouteContext): { template: SeedTemplate; step: SeedStep } {
  const template = editableTemplate(ctx);
  return { template, step: findStep(template, ctx.params.step) };
}

function findStep(template: SeedTemplate, id: string | undefined): SeedStep {
  const step = template.steps.find((candidate) => candidate.id === id);
  if (!step) throw notFound('Step');
  return step;
}

function findCapture(step: SeedStep, id: string | undefined): SeedCapture {
  const capture = step.captures.find((candidate) => candidate.id === id);
  if (!capture) throw notFound('Capture');
  return capture;
}

function toCapture(ctx: RouteContext, input: z.infer<typeof fieldDefinition>, fallbackPosition: number, id?: string): SeedCapture {
  return {
    ...input,
    id: id ?? ctx.state.newId(),
    alias: input.alias ?? input.label.toLowerCase().replace(/[^a-z0-9]+/g, '_'),
    options: input.options ?? [],
    columns: input.columns ?? [],
    guidance: input.guidance ?? null,
    position: input.position ?? fallbackPosition,
  };
}

/** Ids a rule references (conditions and targets), to refuse deleting what a rule depends on. */
function referencedIds(template: SeedTemplate): Set<string> {
  return new Set(template.automated_actions.flatMap((rule) => [...rule.conditions.map((condition) => condition.conditionable_id), ...rule.then_actions.map((action) => action.target_step_id)]));
}

function applyTemplateBody(ctx: RouteContext, template: SeedTemplate, body: z.infer<typeof updateTemplateSchema>): void {
  const { prerun, users, groups, ...rest } = body;
  const known = ['title', 'type', 'summary', 'guidance', 'owner_id', 'folder_id', 'starred', 'icon', 'webhook', 'is_public', 'auto_naming', 'kickoff_title', 'kickoff_description', 'is_pinned'] as const;
  for (const key of known) {
    if (key in rest && rest[key] !== undefined) (template as Record<string, unknown>)[key] = rest[key];
  }
  // Replace semantics: omitted users/groups are wiped.
  template.users = users ?? [];
  template.groups = groups ?? [];
  if (prerun !== undefined) {
    const referenced = referencedIds(template);
    const kept = new Set(prerun.map((field) => field.id).filter(Boolean));
    const removed = template.prerun.filter((field) => !kept.has(field.id) && referenced.has(field.id));
    if (removed.length > 0) throw forbidden(`The kick-off field "${removed[0]?.label ?? ''}" is used by an automation rule and cannot be removed.`);
    template.prerun = prerun.map((field, index) => {
      const existing = template.prerun.find((candidate) => candidate.id === field.id);
      return toCapture(ctx, field, index + 1, existing?.id);
    });
  }
}

function listTemplates(ctx: RouteContext): Reply {
  const { query, org } = ctx;
  const archived = query.get('archived');
  const q = query.get('q')?.toLowerCase();
  const folder = query.get('folder');
  const tag = query.get('tag');
  const type = query.get('type');
  const templates = org.templates
    .filter((template) => {
      if (archived === 'only' ? template.archived_at === null : archived !== 'true' && template.archived_at !== null) return false;
      if (q && !template.title.toLowerCase().includes(q)) return false;
      if (folder && template.folder_id !== folder) return false;
      if (type && template.type !== type) return false;
      if (query.get('starred') === 'true' && !template.starred) return false;
      if (tag && !org.tagLinks.some((link) => link.subject_type === 'Checklist' && link.subject_id === template.id && link.tag_id === tag)) return false;
      return true;
    })
    .sort((a, b) => Number(b.starred) - Number(a.starred) || a.title.localeCompare(b.title));
  const withs = includes(query);
  const page = paginate(templates, query, { defaultPerPage: 10, url: ctx.url, emptyLinks: 'object' });
  return { body: { ...page, data: page.data.map((template) => templateOut(org, template, withs)) } };
}

/** Template, step, capture, kick-off field and automation routes (tallyfy-api.md §3.1–3.4). */
export const templateRoutes: Route[] = [
  route('GET', '/checklists', listTemplates),
  route('POST', '/checklists', (ctx) => {
    requireTemplateEditor(ctx);
    const body = validate(createTemplateSchema, ctx.body);
    const template: SeedTemplate = {
      id: ctx.state.newId(),
      title: body.title,
      type: body.type,
      summary: null,
      guidance: null,
      status: 'active',
      owner_id: ctx.user.id,
      folder_id: null,
      starred: false,
      users: [],
      groups: [],
      tag_ids: [],
      archived_at: null,
      created_at: ctx.now.toISOString(),
      prerun: [],
      automated_actions: [],
      steps: [],
    };
    applyTemplateBody(ctx, template, body);
    ctx.org.templates.push(template);
    return item(templateOut(ctx.org, template), 201);
  }),
  route('GET', '/checklists/:id', (ctx) => item(templateOut(ctx.org, findTemplate(ctx, ctx.params.id), includes(ctx.query)))),
  route('PUT', '/checklists/:id', (ctx) => {
    const template = editableTemplate(ctx);
    applyTemplateBody(ctx, template, validate(updateTemplateSchema, ctx.body));
    return item(templateOut(ctx.org, template, new Set(['steps'])));
  }),
  route('DELETE', '/checklists/:id/delete', (ctx) => {
    if (ctx.user.role !== 'admin') throw forbidden('Only administrators can delete templates permanently.');
    const template = findTemplate(ctx, ctx.params.id, { includeArchived: true });
    if (template.archived_at === null) throw validationError({ checklist: ['Archive the template before deleting it permanently.'] });
    ctx.org.templates.splice(ctx.org.templates.indexOf(template), 1);
    return { status: 204 };
  }),
  route('DELETE', '/checklists/:id', (ctx) => {
    const template = editableTemplate(ctx);
    template.archived_at = ctx.now.toISOString();
    return { body: { message: 'The Template was deleted, and references were also deleted from:', deleted_references: {} } };
  }),
  route('PUT', '/checklists/:id/restore', (ctx) => {
    requireTemplateEditor(ctx);
    const template = findTemplate(ctx, ctx.params.id, { includeArchived: true });
    template.archived_at = null;
    return item(templateOut(ctx.org, template));
  }),
  route('POST', '/checklists/:id/clone', (ctx) => {
    const source = editableTemplate(ctx);
    const body = validate(z.looseObject({ tenant: z.string().optional(), title: z.string().min(1).max(250).optional() }), ctx.body);
    const ids = new Map<string, string>();
    const remap = (id: string): string => {
      if (!ids.has(id)) ids.set(id, ctx.state.newId());
      return ids.get(id) ?? id;
    };
    const clone: SeedTemplate = structuredClone(source);
    clone.id = ctx.state.newId();
    clone.title = body.title ?? `${source.title} (copy)`;
    clone.created_at = ctx.now.toISOString();
    clone.tag_ids = [];
    for (const step of clone.steps) {
      step.id = remap(step.id);
      for (const capture of step.captures) capture.id = remap(capture.id);
    }
    for (const field of clone.prerun) field.id = remap(field.id);
    for (const rule of clone.automated_actions) {
      rule.id = ctx.state.newId();
      for (const condition of rule.conditions) condition.conditionable_id = ids.get(condition.conditionable_id) ?? condition.conditionable_id;
      for (const action of rule.then_actions) action.target_step_id = ids.get(action.target_step_id) ?? action.target_step_id;
    }
    ctx.org.templates.push(clone);
    return item(templateOut(ctx.org, clone, new Set(['steps'])), 201);
  }),
  route('PUT', '/checklists/:id/publish', (ctx) => {
    const template = editableTemplate(ctx);
    template.status = 'active';
    return item(templateOut(ctx.org, template));
  }),
  route('GET', '/checklists/:id/form-fields', (ctx) => {
    const template = findTemplate(ctx, ctx.params.id);
    return item(template.steps.flatMap((step) => step.captures.map((capture) => captureOut(step, capture))));
  }),
  // Steps
  route('GET', '/checklists/:id/steps', (ctx) => {
    const template = findTemplate(ctx, ctx.params.id);
    const steps = [...template.steps].sort((a, b) => a.position - b.position);
    const page = paginate(steps, ctx.query, { defaultPerPage: 100, url: ctx.url, emptyLinks: 'object' });
    return { body: { ...page, data: page.data.map((step) => stepOut(template, step)) } };
  }),
  route('GET', '/checklists/:id/steps/:step', (ctx) => {
    const template = findTemplate(ctx, ctx.params.id);
    return item(stepOut(template, findStep(template, ctx.params.step)));
  }),
  route('POST', '/checklists/:id/steps', (ctx) => {
    const template = editableTemplate(ctx);
    const body = validate(stepSchema, ctx.body);
    const position = Math.min(body.position ?? template.steps.length + 1, template.steps.length + 1);
    for (const step of template.steps) if (step.position >= position) step.position += 1;
    const { checklist_id: _ignored, ...rest } = body as typeof body & { checklist_id?: unknown };
    const step: SeedStep = {
      ...rest,
      id: ctx.state.newId(),
      title: body.title,
      summary: body.summary ?? null,
      step_type: body.step_type ?? 'task',
      position,
      assignees: body.assignees ?? [],
      guests: body.guests ?? [],
      groups: body.groups ?? [],
      deadline: body.deadline ?? null,
      captures: [],
    };
    template.steps.push(step);
    return item(stepOut(template, step), 201);
  }),
  route('PUT', '/checklists/:id/steps/:step', (ctx) => {
    const { template, step } = editableStep(ctx);
    const body = validate(stepSchema, ctx.body);
    step.title = body.title;
    if (body.summary !== undefined) step.summary = body.summary;
    if (body.step_type !== undefined) step.step_type = body.step_type;
    if (body.deadline !== undefined) step.deadline = body.deadline;
    if (body.position !== undefined && body.position !== step.position) {
      const target = Math.min(Math.max(1, body.position), template.steps.length);
      const ordered = [...template.steps].sort((a, b) => a.position - b.position).filter((candidate) => candidate !== step);
      ordered.splice(target - 1, 0, step);
      ordered.forEach((candidate, index) => (candidate.position = index + 1));
    }
    // Replace semantics: all three assignee arrays must be re-sent or they are wiped.
    step.assignees = body.assignees ?? [];
    step.guests = body.guests ?? [];
    step.groups = body.groups ?? [];
    return item(stepOut(template, step));
  }),
  route('DELETE', '/checklists/:id/steps/:step', (ctx) => {
    const { template, step } = editableStep(ctx);
    const referenced = referencedIds(template);
    if (referenced.has(step.id) || step.captures.some((capture) => referenced.has(capture.id))) {
      throw forbidden('This step is used by an automation rule. Change or delete the rule first.');
    }
    if (template.steps.some((other) => other.deadline?.step === step.id)) throw forbidden("Another step's deadline depends on this step.");
    template.steps.splice(template.steps.indexOf(step), 1);
    [...template.steps].sort((a, b) => a.position - b.position).forEach((candidate, index) => (candidate.position = index + 1));
    return { status: 204 };
  }),
  // Captures
  route('POST', '/checklists/:id/steps/:step/captures', (ctx) => {
    const { step } = editableStep(ctx);
    const capture = toCapture(ctx, validate(fieldDefinition, ctx.body), step.captures.length + 1);
    step.captures.push(capture);
    return item(captureOut(step, capture), 201);
  }),
  route('PUT', '/checklists/:id/steps/:step/captures/:capture', (ctx) => {
    const { step } = editableStep(ctx);
    const existing = findCapture(step, ctx.params.capture);
    const updated = toCapture(ctx, validate(fieldDefinition, ctx.body), existing.position, existing.id);
    step.captures[step.captures.indexOf(existing)] = updated;
    return item(captureOut(step, updated));
  }),
  route('DELETE', '/checklists/:id/steps/:step/captures/:capture', (ctx) => {
    const { template, step } = editableStep(ctx);
    const capture = findCapture(step, ctx.params.capture);
    if (referencedIds(template).has(capture.id)) throw forbidden('This field is used by an automation rule and cannot be deleted.');
    step.captures.splice(step.captures.indexOf(capture), 1);
    return { status: 204 };
  }),
  route('PUT', '/checklists/:id/steps/:step/captures/:capture/move-out', (ctx) => {
    const { template, step } = editableStep(ctx);
    const capture = findCapture(step, ctx.params.capture);
    const body = validate(z.object({ target_step_id: z.string().min(1), position: z.number().int().min(1).default(1) }), ctx.body);
    const target = template.steps.find((candidate) => candidate.id === body.target_step_id);
    if (!target) throw validationError({ target_step_id: ['The selected target step id is invalid.'] });
    step.captures.splice(step.captures.indexOf(capture), 1);
    for (const other of target.captures) if (other.position >= body.position) other.position += 1;
    capture.position = body.position;
    target.captures.push(capture);
    return item(captureOut(target, capture));
  }),
  // Kick-off fields
  route('DELETE', '/checklists/:id/preruns/:field', (ctx) => {
    const template = editableTemplate(ctx);
    const field = template.prerun.find((candidate) => candidate.id === ctx.params.field);
    if (!field) throw notFound('Prerun');
    if (referencedIds(template).has(field.id)) throw forbidden('This kick-off field is used by an automation rule and cannot be deleted.');
    template.prerun.splice(template.prerun.indexOf(field), 1);
    return { status: 204 };
  }),
  // Automations
  route('POST', '/checklists/:id/automated-actions', (ctx) => {
    const template = editableTemplate(ctx);
    const rule = toRule(ctx, validate(automationSchema, ctx.body));
    template.automated_actions.push(rule);
    return item(rule, 201);
  }),
  route('PUT', '/checklists/:id/automated-actions/:rule', (ctx) => {
    const template = editableTemplate(ctx);
    const index = template.automated_actions.findIndex((rule) => rule.id === ctx.params.rule);
    if (index < 0) throw notFound('Automated action');
    const rule = toRule(ctx, validate(automationSchema, ctx.body), ctx.params.rule);
    template.automated_actions[index] = rule;
    return item(rule);
  }),
  route('DELETE', '/checklists/:id/automated-actions/:rule', (ctx) => {
    const template = editableTemplate(ctx);
    const index = template.automated_actions.findIndex((rule) => rule.id === ctx.params.rule);
    if (index < 0) throw notFound('Automated action');
    template.automated_actions.splice(index, 1);
    return { status: 204 };
  }),
];

function toRule(ctx: RouteContext, body: z.infer<typeof automationSchema>, id?: string): SeedAutomation {
  const stamp = ctx.now.toISOString();
  return {
    id: id ?? ctx.state.newId(),
    automated_alias: body.automated_alias,
    conditions: body.conditions.map((condition) => ({ ...condition, id: ctx.state.newId() })),
    then_actions: body.then_actions.map((action) => ({ ...action, id: ctx.state.newId() })),
    created_at: stamp,
    last_updated: stamp,
    archived_at: null,
  };
}
