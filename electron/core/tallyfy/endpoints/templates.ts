import type { Automation, AutomationAction, AutomationCondition, Capture, Page, PrerunField, Step, Template } from '../types';

import { seg, type EndpointContext, type ListQuery } from './context';

/** Body of `POST /checklists`. */
export interface CreateTemplateInput {
  title: string;
  type: Template['type'];
  summary?: string;
  guidance?: string;
  folder_id?: string;
  users?: number[];
  groups?: string[];
  prerun?: Partial<PrerunField>[];
  [key: string]: unknown;
}

/** Body of `PUT /checklists/{id}`: `title` always; `users`/`groups` replace (omitted = wiped); `prerun` is the whole list. */
export interface UpdateTemplateInput {
  title: string;
  users?: number[];
  groups?: string[];
  prerun?: Partial<PrerunField>[];
  [key: string]: unknown;
}

/** Body of a step create/update. On PUT, `title` and all three assignee arrays must be sent. */
export interface StepInput {
  title: string;
  summary?: string;
  position?: number;
  step_type?: Step['step_type'];
  deadline?: Step['deadline'];
  assignees?: number[];
  guests?: string[];
  groups?: string[];
  [key: string]: unknown;
}

/** Body of a form-field (capture) create/update: `label`, `field_type` and `required` every time. */
export interface CaptureInput {
  label: string;
  field_type: Capture['field_type'];
  required: boolean;
  options?: { id: number; text: string }[];
  columns?: { id: number; label: string }[];
  position?: number;
  guidance?: string;
  [key: string]: unknown;
}

/** Body of an automation rule create/update. */
export interface AutomationInput {
  automated_alias: string;
  conditions: Omit<AutomationCondition, 'id'>[];
  then_actions: Omit<AutomationAction, 'id'>[];
}

/** Kick-off field definition as sent inside the template's `prerun` list. */
export type PrerunFieldInput = Partial<PrerunField> & { label: string; field_type: PrerunField['field_type']; required: boolean };

/**
 * `GET` then `PUT /checklists/{id}`: the PUT body is the template's current title, users and groups
 * (which the PUT would otherwise wipe) with `change(current)` over them. Reads the template once.
 */
async function amendTemplate(
  ctx: EndpointContext,
  templateId: string,
  change: (current: Template) => Partial<UpdateTemplateInput>,
  signal?: AbortSignal,
): Promise<Template> {
  const current = await ctx.item<Template>('GET', `/checklists/${seg(templateId)}`, { signal });
  const body: UpdateTemplateInput = { title: current.title, users: current.users ?? [], groups: current.groups ?? [], ...change(current) };
  return ctx.item<Template>('PUT', `/checklists/${seg(templateId)}`, { body, signal });
}

/** Template ("checklist") endpoints (tallyfy-api.md §3.1). */
export function templatesApi(ctx: EndpointContext) {
  return {
    /** `GET /checklists` (filters: `q`, `folder`, `tag`, `archived`; `with=steps,tags,folder`). */
    list: (query?: ListQuery, signal?: AbortSignal): Promise<Page<Template>> => ctx.page('/checklists', query, signal),
    /** `GET /checklists/{id}`; default `with=steps,tags` (archived → 404). */
    get: (templateId: string, query: ListQuery = { with: 'steps,tags' }, signal?: AbortSignal): Promise<Template> =>
      ctx.item('GET', `/checklists/${seg(templateId)}`, { query, signal }),
    /** `POST /checklists` (201). */
    create: (body: CreateTemplateInput, signal?: AbortSignal): Promise<Template> => ctx.item('POST', '/checklists', { body, signal }),
    /** `PUT /checklists/{id}`. */
    update: (templateId: string, body: UpdateTemplateInput, signal?: AbortSignal): Promise<Template> =>
      ctx.item('PUT', `/checklists/${seg(templateId)}`, { body, signal }),
    /** {@link update} that keeps what `change` leaves out: title, users and groups are read first and re-sent. */
    amend: (templateId: string, change: (current: Template) => Partial<UpdateTemplateInput>, signal?: AbortSignal): Promise<Template> =>
      amendTemplate(ctx, templateId, change, signal),
    /** `DELETE /checklists/{id}`: archives. */
    archive: (templateId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/checklists/${seg(templateId)}`, { signal }),
    /** `PUT /checklists/{id}/restore`. */
    restore: (templateId: string, signal?: AbortSignal): Promise<Template> =>
      ctx.item('PUT', `/checklists/${seg(templateId)}/restore`, { signal }),
    /** `DELETE /checklists/{id}/delete`: permanent; admin only, after archiving. */
    deletePermanently: (templateId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/checklists/${seg(templateId)}/delete`, { signal }),
    /** `POST /checklists/{id}/clone` with `{tenant: org, title?}`. */
    clone: (templateId: string, title?: string, signal?: AbortSignal): Promise<Template> =>
      ctx.item('POST', `/checklists/${seg(templateId)}/clone`, { body: { tenant: ctx.orgId, ...(title ? { title } : {}) }, signal }),
    /** `PUT /checklists/{id}/publish`. */
    publish: (templateId: string, signal?: AbortSignal): Promise<Template> =>
      ctx.item('PUT', `/checklists/${seg(templateId)}/publish`, { signal }),
  };
}

/** Step endpoints (tallyfy-api.md §3.2). */
export function stepsApi(ctx: EndpointContext) {
  return {
    /** `GET /checklists/{id}/steps`. */
    list: (templateId: string, query?: ListQuery, signal?: AbortSignal): Promise<Page<Step>> =>
      ctx.page(`/checklists/${seg(templateId)}/steps`, query, signal),
    /** `GET /checklists/{id}/steps/{step}` with captures and assignees. */
    get: (templateId: string, stepId: string, signal?: AbortSignal): Promise<Step> =>
      ctx.item('GET', `/checklists/${seg(templateId)}/steps/${seg(stepId)}`, { signal }),
    /** `POST /checklists/{id}/steps` (201). */
    create: (templateId: string, body: StepInput, signal?: AbortSignal): Promise<Step> =>
      ctx.item('POST', `/checklists/${seg(templateId)}/steps`, { body: { checklist_id: templateId, ...body }, signal }),
    /** `PUT /checklists/{id}/steps/{step}`: re-send `title` and all three assignee arrays. */
    update: (templateId: string, stepId: string, body: StepInput, signal?: AbortSignal): Promise<Step> =>
      ctx.item('PUT', `/checklists/${seg(templateId)}/steps/${seg(stepId)}`, { body, signal }),
    /** `DELETE /checklists/{id}/steps/{step}` (path inferred, §9); refused while a rule depends on the step. */
    delete: (templateId: string, stepId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/checklists/${seg(templateId)}/steps/${seg(stepId)}`, { signal }),
  };
}

/** Step form-field ("capture") endpoints (tallyfy-api.md §3.2). */
export function capturesApi(ctx: EndpointContext) {
  const base = (templateId: string, stepId: string): string => `/checklists/${seg(templateId)}/steps/${seg(stepId)}/captures`;
  return {
    /** `POST …/steps/{step}/captures` (201). */
    create: (templateId: string, stepId: string, body: CaptureInput, signal?: AbortSignal): Promise<Capture> =>
      ctx.item('POST', base(templateId, stepId), { body, signal }),
    /** `PUT …/captures/{capture}`: the full definition. */
    update: (templateId: string, stepId: string, captureId: string, body: CaptureInput, signal?: AbortSignal): Promise<Capture> =>
      ctx.item('PUT', `${base(templateId, stepId)}/${seg(captureId)}`, { body, signal }),
    /** `DELETE …/captures/{capture}` (403 when a rule references it). */
    delete: (templateId: string, stepId: string, captureId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `${base(templateId, stepId)}/${seg(captureId)}`, { signal }),
    /** `PUT …/captures/{capture}/move-out` to another step. */
    moveOut: (
      templateId: string,
      stepId: string,
      captureId: string,
      targetStepId: string,
      position = 1,
      signal?: AbortSignal,
    ): Promise<Capture> =>
      ctx.item('PUT', `${base(templateId, stepId)}/${seg(captureId)}/move-out`, {
        body: { target_step_id: targetStepId, position },
        signal,
      }),
  };
}

/** Kick-off ("prerun") fields (tallyfy-api.md §3.3): read from the template, written by PUTting the whole list. */
export function prerunApi(ctx: EndpointContext) {
  /** One read and one PUT of the whole list (the template's title, users and groups are kept). */
  const rewrite = async (
    templateId: string,
    change: (current: PrerunField[]) => Partial<PrerunField>[],
    signal?: AbortSignal,
  ): Promise<PrerunField[]> => (await amendTemplate(ctx, templateId, (template) => ({ prerun: change(template.prerun) }), signal)).prerun;
  return {
    /** The template's kick-off fields, in position order. */
    list: async (templateId: string, signal?: AbortSignal): Promise<PrerunField[]> =>
      [...(await ctx.item<Template>('GET', `/checklists/${seg(templateId)}`, { signal })).prerun].sort((a, b) => a.position - b.position),
    /** Replaces the whole list (keeps the template's title, users and groups). */
    replace: (templateId: string, fields: PrerunFieldInput[], signal?: AbortSignal): Promise<PrerunField[]> =>
      rewrite(templateId, () => fields, signal),
    /** Adds one field at the end (or at `field.position`). Returns the new list. */
    add: (templateId: string, field: PrerunFieldInput, signal?: AbortSignal): Promise<PrerunField[]> =>
      rewrite(templateId, (current) => [...current, { position: current.length + 1, ...field }], signal),
    /** Changes one field (merged over its current definition). Returns the new list. */
    update: (templateId: string, fieldId: string, patch: Partial<PrerunFieldInput>, signal?: AbortSignal): Promise<PrerunField[]> =>
      rewrite(
        templateId,
        (current) => current.map((field) => (field.id === fieldId ? { ...field, ...patch, id: fieldId } : field)),
        signal,
      ),
    /** `DELETE /checklists/{id}/preruns/{field}` (403 when a rule references it). */
    delete: (templateId: string, fieldId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/checklists/${seg(templateId)}/preruns/${seg(fieldId)}`, { signal }),
  };
}

/** Automation rule endpoints (tallyfy-api.md §3.4). There is no list route: rules come with the template. */
export function automationsApi(ctx: EndpointContext) {
  return {
    /** The template's rules (from `GET /checklists/{id}`). */
    list: async (templateId: string, signal?: AbortSignal): Promise<Automation[]> =>
      (await ctx.item<Template>('GET', `/checklists/${seg(templateId)}`, { signal })).automated_actions,
    /** `POST /checklists/{id}/automated-actions`. */
    create: (templateId: string, body: AutomationInput, signal?: AbortSignal): Promise<Automation> =>
      ctx.item('POST', `/checklists/${seg(templateId)}/automated-actions`, { body, signal }),
    /** `PUT /checklists/{id}/automated-actions/{rule}`. */
    update: (templateId: string, automationId: string, body: AutomationInput, signal?: AbortSignal): Promise<Automation> =>
      ctx.item('PUT', `/checklists/${seg(templateId)}/automated-actions/${seg(automationId)}`, { body, signal }),
    /** `DELETE /checklists/{id}/automated-actions/{rule}`. */
    delete: (templateId: string, automationId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/checklists/${seg(templateId)}/automated-actions/${seg(automationId)}`, { signal }),
  };
}

export type TemplatesApi = ReturnType<typeof templatesApi>;
export type StepsApi = ReturnType<typeof stepsApi>;
export type CapturesApi = ReturnType<typeof capturesApi>;
export type PrerunApi = ReturnType<typeof prerunApi>;
export type AutomationsApi = ReturnType<typeof automationsApi>;
