import { z } from 'zod';

import type { CaptureInput } from '../../tallyfy/endpoints/templates';
import type { Capture, FieldOption, PrerunField } from '../../tallyfy/types';
import { suggestStepFields } from '../analysis/fieldSuggestions';
import { defineTool, nestAlias, ToolInputError, ToolLookupError, type Tool } from '../defineTool';

import { hexId, objectWithList, trimCapture } from './common';
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

const optionArg = z.union([z.string().min(1).max(500), z.object({ id: z.number().int().optional(), text: z.string().min(1).max(500) })]);
const columnArg = z.union([z.string().min(1).max(200), z.object({ id: z.number().int().optional(), label: z.string().min(1).max(200) })]);
const optionsArg = z.array(optionArg).min(1).max(200).describe('Choices (texts or {id,text}) for radio, dropdown, multiselect.');

/** `field_data` of the field tools: Tallyfy's capture keys, nothing else (e.g. `description` must be `guidance`). */
const fieldDataShape = {
  label: z.string().min(1).max(600),
  field_type: fieldTypeArg,
  required: z.boolean(),
  options: optionsArg.optional(),
  columns: z.array(columnArg).min(1).max(50).optional().describe('Table columns.'),
  guidance: z.string().max(2000).optional(),
  position: z.number().int().min(1).max(9999).optional(),
  field_validation: z.array(z.string().min(1).max(200)).max(20).optional().describe('e.g. ["numeric","min:1"].'),
  default_value: z.unknown().optional(),
  default_value_enabled: z.boolean().optional(),
  collect_time: z.boolean().optional(),
  use_wysiwyg_editor: z.boolean().optional(),
  prefix: z.string().max(50).optional(),
  suffix: z.string().max(50).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
};
const fieldDataArg = z.strictObject(fieldDataShape);
const fieldPatchArg = z
  .strictObject({
    ...fieldDataShape,
    label: fieldDataShape.label.optional(),
    field_type: fieldTypeArg.optional(),
    required: z.boolean().optional(),
    options: optionsArg.optional().describe('The complete new list (replaces it; unchanged texts keep their ids).'),
  })
  .describe('Only the keys to change.');

type FieldData = z.infer<typeof fieldDataArg>;
type FieldPatch = z.infer<typeof fieldPatchArg>;

/** Flat field arguments of the older shape, folded into `field_data` (`validation` was `field_validation`). */
const fieldAlias = nestAlias(
  'field_data',
  ['label', 'field_type', 'required', 'options', 'columns', 'guidance', 'position', 'validation', 'field_validation'],
  { validation: 'field_validation' },
);

/** Options as Tallyfy stores them, keeping the ids of texts that already existed. */
function toOptions(given: z.infer<typeof optionArg>[], existing: FieldOption[] = []): FieldOption[] {
  let next = Math.max(0, ...existing.map((item) => item.id), ...given.map((item) => (typeof item === 'object' ? (item.id ?? 0) : 0))) + 1;
  return given.map((item) => {
    const text = typeof item === 'string' ? item : item.text;
    if (typeof item === 'object' && item.id !== undefined) return { id: item.id, text };
    const kept = existing.find((option) => option.text === text);
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
function fieldBody(data: FieldData, existing?: Capture | PrerunField): CaptureInput {
  const { options: givenOptions, columns: givenColumns, ...rest } = data;
  const options = givenOptions ? toOptions(givenOptions, existing?.options) : existing?.options;
  const columns = givenColumns
    ? givenColumns.map((column, index) =>
        typeof column === 'string' ? { id: index + 1, label: column } : { id: column.id ?? index + 1, label: column.label },
      )
    : existing?.columns;
  checkField(data.field_type, options, columns);
  return {
    ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    label: data.label,
    field_type: data.field_type,
    required: data.required,
    ...(options && ['radio', 'dropdown', 'multiselect'].includes(data.field_type) ? { options } : {}),
    ...(columns && data.field_type === 'table' ? { columns } : {}),
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

/** The body that applies `patch` to `current`: label, type and required default to the current ones. */
function patchedFieldBody(patch: FieldPatch, current: Capture | PrerunField): CaptureInput {
  return fieldBody(
    {
      ...patch,
      label: patch.label ?? current.label,
      field_type: patch.field_type ?? (current.field_type as FieldData['field_type']),
      required: patch.required ?? current.required,
      ...(patch.guidance === undefined && current.guidance ? { guidance: current.guidance } : {}),
      ...(patch.field_validation === undefined && current.field_validation
        ? { field_validation: current.field_validation as string[] }
        : {}),
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
      'Adds a form field to a template step. Choice fields need options, tables need columns; for numbers use text with field_validation ["numeric"].',
    aliases: fieldAlias,
    input: { template_id: templateIdArg, step_id: stepIdArg, field_data: fieldDataArg },
    run: async ({ template_id, step_id, field_data }, { client, signal }) =>
      trimCapture(await client.captures.create(template_id, step_id, fieldBody(field_data), signal)),
  }),
  defineTool({
    name: 'update_form_field',
    title: 'Update a form field',
    area: 'form_fields',
    effect: 'write',
    idempotent: true,
    description: 'Changes a step form field: only the keys given in field_data; the rest is kept.',
    aliases: fieldAlias,
    input: { template_id: templateIdArg, step_id: stepIdArg, field_id: fieldIdArg, field_data: fieldPatchArg },
    run: async ({ template_id, step_id, field_id, field_data }, { client, signal }) => {
      const current = captureOf(stepOf(await templateWithSteps(client, template_id, signal), step_id), field_id);
      return trimCapture(await client.captures.update(template_id, step_id, field_id, patchedFieldBody(field_data, current), signal));
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
    output: objectWithList('options', { field_id: z.string() }),
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
      const body = patchedFieldBody({ options }, current);
      return trimCapture(await client.captures.update(template_id, step_id, field_id, body, signal));
    },
  }),
  defineTool({
    name: 'add_kickoff_field',
    title: 'Add a kick-off field',
    area: 'kickoff',
    effect: 'write',
    description: "Adds a field to a template's kick-off form (asked when a process is launched).",
    aliases: fieldAlias,
    input: { template_id: templateIdArg, field_data: fieldDataArg },
    run: async ({ template_id, field_data }, { client, signal }) => {
      const body = fieldBody(field_data);
      const fields = await client.prerun.add(template_id, body, signal);
      const added = [...fields].reverse().find((item) => item.label === field_data.label);
      return { field: added ? trimCapture(added) : null, fields: fields.map(trimCapture) };
    },
  }),
  defineTool({
    name: 'update_kickoff_field',
    title: 'Update a kick-off field',
    area: 'kickoff',
    effect: 'write',
    idempotent: true,
    description: 'Changes a kick-off field: only the keys given in field_data; the rest is kept.',
    aliases: fieldAlias,
    input: { template_id: templateIdArg, field_id: hexId('kick-off field'), field_data: fieldPatchArg },
    run: async ({ template_id, field_id, field_data }, { client, signal }) => {
      const current = prerunOf(await client.prerun.list(template_id, signal), field_id);
      const fields = await client.prerun.update(template_id, field_id, patchedFieldBody(field_data, current), signal);
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
  defineTool({
    name: 'get_kickoff_dropdown_options',
    output: objectWithList('options', { field_id: z.string() }),
    title: 'Get the options of a kick-off field',
    area: 'kickoff',
    effect: 'read',
    description: 'Returns the choices ({id, text}) of a radio, dropdown or multiselect kick-off field.',
    input: { template_id: templateIdArg, field_id: hexId('kick-off field') },
    run: async ({ template_id, field_id }, { client, signal }) => {
      const field = prerunOf(await client.prerun.list(template_id, signal), field_id);
      return { field_id, label: field.label, field_type: field.field_type, options: field.options ?? [] };
    },
  }),
  defineTool({
    name: 'reorder_form_fields',
    title: 'Reorder form fields',
    area: 'form_fields',
    effect: 'write',
    idempotent: true,
    description: "Puts a step's form fields in a new order: every field id in order, or [{capture_id, position}].",
    input: {
      template_id: templateIdArg,
      step_id: stepIdArg,
      field_order: z.array(z.union([fieldIdArg, z.object({ capture_id: fieldIdArg, position: z.number().int().min(1) })])).min(1),
    },
    run: async ({ template_id, step_id, field_order }, { client, signal }) => {
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      const captures = [...(step.captures ?? [])].sort((a, b) => a.position - b.position);
      const wanted = field_order.map((item, index) => (typeof item === 'string' ? { capture_id: item, position: index + 1 } : item));
      for (const item of wanted) captureOf(step, item.capture_id);
      if (field_order.every((item) => typeof item === 'string') && field_order.length !== captures.length)
        throw new ToolInputError(
          `Give every field of the step once. Fields: ${captures.map((item) => `"${item.label}" (${item.id})`).join(', ')}.`,
        );
      // Fields not mentioned keep their relative order after the ones placed.
      const rest = captures.filter((capture) => !wanted.some((item) => item.capture_id === capture.id));
      const order = [...wanted].sort((a, b) => a.position - b.position).map((item) => captureOf(step, item.capture_id));
      const final = [...order, ...rest];
      for (const [index, capture] of final.entries()) {
        if (capture.position === index + 1) continue;
        await client.captures.update(template_id, step_id, capture.id, { ...patchedFieldBody({}, capture), position: index + 1 }, signal);
      }
      return { step_id, fields: final.map((capture, index) => ({ id: capture.id, label: capture.label, position: index + 1 })) };
    },
  }),
  defineTool({
    name: 'suggest_form_fields_for_step',
    title: 'Suggest form fields for a step',
    area: 'form_fields',
    effect: 'read',
    description:
      'Suggests form fields for a step from its title, description and type, skipping ones it has. Add them with add_form_field_to_step.',
    input: { template_id: templateIdArg, step_id: stepIdArg },
    run: async ({ template_id, step_id }, { client, signal }) => {
      const template = await templateWithSteps(client, template_id, signal);
      return suggestStepFields(template, stepOf(template, step_id));
    },
  }),
];
