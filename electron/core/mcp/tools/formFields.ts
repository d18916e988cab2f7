import { z } from 'zod';

import type { CaptureInput } from '../../tallyfy/endpoints/templates';
import type { Capture, FieldOption, PrerunField } from '../../tallyfy/types';
import { defineTool, ToolInputError, ToolLookupError, type Tool } from '../defineTool';

import { hexId, trimCapture } from './common';
import { stepOf, templateWithSteps } from './templates';

const templateIdArg = hexId('template');
const stepIdArg = hexId('step');
const fieldIdArg = hexId('form field');

/** The field types Tallyfy's UI renders (`email` exists in the API but not in the UI). */
const fieldTypeArg = z
  .enum(['text', 'textarea', 'radio', 'dropdown', 'multiselect', 'date', 'file', 'table', 'assignees_form'])
  .describe(
    'text (one line; use validation for numbers), textarea, radio, dropdown, multiselect, date, file, table or assignees_form. There is no number or checkbox type.',
  );

const optionsArg = z
  .array(z.string().min(1).max(500))
  .min(1)
  .max(200)
  .describe('Choices for radio, dropdown and multiselect, in order, e.g. ["Low","Medium","High"].');
const columnsArg = z.array(z.string().min(1).max(200)).min(1).max(50).describe('Column labels for a table field.');
const validationArg = z
  .array(z.string().min(1).max(200))
  .max(20)
  .describe('Validation rules Tallyfy applies to answers, e.g. ["numeric","min:1","max:100"] for a number in a text field.');

const fieldShape = {
  label: z.string().min(1).max(600).describe('The question shown to the person filling it in.'),
  field_type: fieldTypeArg,
  required: z.boolean().default(false).describe('Whether an answer is required to complete the task. Default false.'),
  options: optionsArg.optional(),
  columns: columnsArg.optional(),
  guidance: z.string().max(2000).optional().describe('Help text shown under the field.'),
  position: z.number().int().min(1).max(9999).optional().describe('1-based position among the fields; default last.'),
  validation: validationArg.optional(),
};

/** Options as Tallyfy stores them, keeping the ids of texts that already existed. */
function toOptions(texts: string[], existing: FieldOption[] = []): FieldOption[] {
  let next = Math.max(0, ...existing.map((item) => item.id)) + 1;
  return texts.map((text) => {
    const kept = existing.find((item) => item.text === text);
    return kept ? { id: kept.id, text } : { id: next++, text };
  });
}

/** Checks type-specific needs before Tallyfy refuses them with a vaguer message. */
function checkField(fieldType: string, options: unknown[] | undefined, columns: unknown[] | undefined): void {
  if (['radio', 'dropdown', 'multiselect'].includes(fieldType) && (!options || options.length === 0))
    throw new ToolInputError(`A ${fieldType} field needs options.`);
  if (fieldType === 'radio' && (options?.length ?? 0) < 2) throw new ToolInputError('A radio field needs at least 2 options.');
  if (fieldType === 'table' && (!columns || columns.length === 0)) throw new ToolInputError('A table field needs columns.');
}

/** Builds the full field definition Tallyfy wants on create and on every update. */
function fieldBody(
  args: {
    label: string;
    field_type: string;
    required: boolean;
    options?: string[];
    columns?: string[];
    guidance?: string;
    position?: number;
    validation?: string[];
  },
  existing?: Capture | PrerunField,
): CaptureInput {
  const options = args.options ? toOptions(args.options, existing?.options) : existing?.options;
  const columns = args.columns ? args.columns.map((label, index) => ({ id: index + 1, label })) : existing?.columns;
  checkField(args.field_type, options, columns);
  return {
    label: args.label,
    field_type: args.field_type as CaptureInput['field_type'],
    required: args.required,
    ...(options && ['radio', 'dropdown', 'multiselect'].includes(args.field_type) ? { options } : {}),
    ...(columns && args.field_type === 'table' ? { columns } : {}),
    ...(args.guidance !== undefined ? { guidance: args.guidance } : {}),
    ...(args.position !== undefined ? { position: args.position } : {}),
    ...(args.validation ? { field_validation: args.validation } : {}),
  };
}

function captureOf(step: { title: string; captures?: Capture[] }, fieldId: string): Capture {
  const capture = (step.captures ?? []).find((item) => item.id === fieldId);
  if (!capture) {
    throw new ToolLookupError(
      `Field ${fieldId} is not on step "${step.title}". Its fields: ${(step.captures ?? []).map((item) => `"${item.label}" (${item.id})`).join(', ') || 'none'}.`,
    );
  }
  return capture;
}

function prerunOf(fields: PrerunField[], fieldId: string): PrerunField {
  const field = fields.find((item) => item.id === fieldId);
  if (!field)
    throw new ToolLookupError(
      `Kick-off field ${fieldId} is not on this template. Fields: ${fields.map((item) => `"${item.label}" (${item.id})`).join(', ') || 'none'}.`,
    );
  return field;
}

const updateShape = {
  label: fieldShape.label.optional(),
  field_type: fieldTypeArg.optional(),
  required: z.boolean().optional().describe('Whether an answer is required.'),
  options: optionsArg.optional().describe('The complete new list of choices (replaces the old list; unchanged texts keep their ids).'),
  columns: columnsArg.optional(),
  guidance: fieldShape.guidance,
  validation: validationArg.optional(),
};

/** The changes an update tool takes (every field optional). */
type FieldPatch = z.infer<z.ZodObject<typeof updateShape>>;

/** The body that applies `patch` to `current`: label, type and required default to the current ones (options, columns: see {@link fieldBody}). */
function patchedFieldBody(patch: FieldPatch, current: Capture | PrerunField): CaptureInput {
  return fieldBody(
    {
      label: patch.label ?? current.label,
      field_type: patch.field_type ?? current.field_type,
      required: patch.required ?? current.required,
      options: patch.options,
      columns: patch.columns,
      guidance: patch.guidance,
      validation: patch.validation,
    },
    current,
  );
}

/** Form fields on steps and on the kick-off form. */
export const formFieldTools: Tool[] = [
  defineTool({
    name: 'add_form_field_to_step',
    title: 'Add a form field to a step',
    area: 'form_fields',
    effect: 'write',
    description:
      'Adds a form field to a template step, so every task from that step asks for it. Choice fields need options; table fields need columns; for numbers use a text field with validation ["numeric"].',
    input: { template_id: templateIdArg, step_id: stepIdArg, ...fieldShape },
    run: async ({ template_id, step_id, ...field }, { client, signal }) =>
      trimCapture(await client.captures.create(template_id, step_id, fieldBody(field), signal)),
  }),
  defineTool({
    name: 'update_form_field',
    title: 'Update a form field',
    area: 'form_fields',
    effect: 'write',
    idempotent: true,
    description:
      'Changes a step form field: label, type, required, options, columns, guidance or validation. Anything you leave out keeps its current value.',
    input: { template_id: templateIdArg, step_id: stepIdArg, field_id: fieldIdArg, ...updateShape },
    run: async ({ template_id, step_id, field_id, ...patch }, { client, signal }) => {
      const current = captureOf(stepOf(await templateWithSteps(client, template_id, signal), step_id), field_id);
      return trimCapture(await client.captures.update(template_id, step_id, field_id, patchedFieldBody(patch, current), signal));
    },
  }),
  defineTool({
    name: 'move_form_field',
    title: 'Move a form field',
    area: 'form_fields',
    effect: 'write',
    idempotent: true,
    description: 'Moves a form field from one step of a template to another (same template), at a 1-based position.',
    input: {
      template_id: templateIdArg,
      from_step: hexId('source step'),
      field_id: fieldIdArg,
      to_step: hexId('target step'),
      position: z.number().int().min(1).max(9999).default(1).describe('1-based position on the target step. Default 1.'),
    },
    run: async ({ template_id, from_step, field_id, to_step, position }, { client, signal }) =>
      trimCapture(await client.captures.moveOut(template_id, from_step, field_id, to_step, position, signal)),
  }),
  defineTool({
    name: 'delete_form_field',
    title: 'Delete a form field',
    area: 'form_fields',
    effect: 'destructive',
    description:
      'Deletes a form field from a template step. Refused while an automation rule uses the field (delete or change the rule first).',
    input: { template_id: templateIdArg, step_id: stepIdArg, field_id: fieldIdArg },
    run: async ({ template_id, step_id, field_id }, { client, signal }) => {
      await client.captures.delete(template_id, step_id, field_id, signal);
      return { deleted: true, template_id, step_id, field_id };
    },
  }),
  defineTool({
    name: 'get_dropdown_options',
    title: 'Get the options of a field',
    area: 'form_fields',
    effect: 'read',
    description: 'Returns the choices ({id, text}) of a radio, dropdown or multiselect field on a step.',
    input: { template_id: templateIdArg, step_id: stepIdArg, field_id: fieldIdArg },
    run: async ({ template_id, step_id, field_id }, { client, signal }) => {
      const capture = captureOf(stepOf(await templateWithSteps(client, template_id, signal), step_id), field_id);
      return { field_id, label: capture.label, field_type: capture.field_type, options: capture.options ?? [] };
    },
  }),
  defineTool({
    name: 'update_dropdown_options',
    title: 'Replace the options of a field',
    area: 'form_fields',
    effect: 'write',
    idempotent: true,
    description:
      'Replaces the whole list of choices of a radio, dropdown or multiselect field on a step. Texts that stay keep their ids, so existing answers stay valid.',
    input: { template_id: templateIdArg, step_id: stepIdArg, field_id: fieldIdArg, options: optionsArg },
    run: async ({ template_id, step_id, field_id, options }, { client, signal }) => {
      const current = captureOf(stepOf(await templateWithSteps(client, template_id, signal), step_id), field_id);
      if (!['radio', 'dropdown', 'multiselect'].includes(current.field_type))
        throw new ToolInputError(
          `Field "${current.label}" is a ${current.field_type} field; only radio, dropdown and multiselect fields have options.`,
        );
      const body = fieldBody({ label: current.label, field_type: current.field_type, required: current.required, options }, current);
      return trimCapture(await client.captures.update(template_id, step_id, field_id, body, signal));
    },
  }),
  defineTool({
    name: 'add_kickoff_field',
    title: 'Add a kick-off field',
    area: 'kickoff',
    effect: 'write',
    description:
      "Adds a field to a template's kick-off form (asked once when a process is launched; answers are available to every step and rule).",
    input: { template_id: templateIdArg, ...fieldShape },
    run: async ({ template_id, ...field }, { client, signal }) => {
      const body = fieldBody(field);
      const fields = await client.prerun.add(template_id, body, signal);
      const added = [...fields].reverse().find((item) => item.label === field.label);
      return { field: added ? trimCapture(added) : null, fields: fields.map(trimCapture) };
    },
  }),
  defineTool({
    name: 'update_kickoff_field',
    title: 'Update a kick-off field',
    area: 'kickoff',
    effect: 'write',
    idempotent: true,
    description:
      'Changes a kick-off field: label, type, required, options, guidance or validation. Anything you leave out keeps its value.',
    input: { template_id: templateIdArg, field_id: hexId('kick-off field'), ...updateShape },
    run: async ({ template_id, field_id, ...patch }, { client, signal }) => {
      const current = prerunOf(await client.prerun.list(template_id, signal), field_id);
      const fields = await client.prerun.update(template_id, field_id, patchedFieldBody(patch, current), signal);
      return { field: trimCapture(prerunOf(fields, field_id)), fields: fields.map(trimCapture) };
    },
  }),
  defineTool({
    name: 'delete_kickoff_field',
    title: 'Delete a kick-off field',
    area: 'kickoff',
    effect: 'destructive',
    description: "Deletes a field from a template's kick-off form. Refused while an automation rule uses it.",
    input: { template_id: templateIdArg, field_id: hexId('kick-off field') },
    run: async ({ template_id, field_id }, { client, signal }) => {
      await client.prerun.delete(template_id, field_id, signal);
      return { deleted: true, template_id, field_id };
    },
  }),
  defineTool({
    name: 'reorder_kickoff_fields',
    title: 'Reorder kick-off fields',
    area: 'kickoff',
    effect: 'write',
    idempotent: true,
    description: 'Puts the kick-off fields of a template in a new order. Give every field id, in the order wanted.',
    input: {
      template_id: templateIdArg,
      field_order: z.array(hexId('kick-off field')).min(1).describe('All kick-off field ids in the new order.'),
    },
    run: async ({ template_id, field_order }, { client, signal }) => {
      const fields = await client.prerun.list(template_id, signal);
      const missing = fields.filter((field) => !field_order.includes(field.id));
      if (missing.length > 0 || field_order.length !== fields.length) {
        throw new ToolInputError(
          `Give every kick-off field exactly once. Fields: ${fields.map((field) => `"${field.label}" (${field.id})`).join(', ')}.`,
        );
      }
      const reordered = field_order.map((id, index) => ({ ...prerunOf(fields, id), position: index + 1 }));
      const after = await client.prerun.replace(template_id, reordered, signal);
      return { fields: [...after].sort((a, b) => a.position - b.position).map(trimCapture) };
    },
  }),
];
