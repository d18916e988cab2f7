import type { SeedCapture } from './state';

/** Result of checking form values against field definitions. */
export interface FieldValuesResult {
  /** Values to store, keyed by timeline id (unknown keys already dropped). */
  values: Record<string, unknown>;
  /** Problems keyed by timeline id. */
  errors: Record<string, string[]>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkValue(field: SeedCapture, value: unknown): string | undefined {
  // A {"value": …} wrapper is refused by every type but email, which stores it literally.
  if (isObject(value) && 'value' in value && Object.keys(value).length === 1 && field.field_type !== 'email') {
    return `The ${field.label} field has an invalid value.`;
  }
  switch (field.field_type) {
    case 'text':
      return ['string', 'number', 'boolean'].includes(typeof value) ? undefined : `The ${field.label} must be a string.`;
    case 'textarea':
      return typeof value === 'string' ? undefined : `The ${field.label} must be a string.`;
    case 'email':
      return typeof value === 'string' || isObject(value) ? undefined : `The ${field.label} must be a string.`;
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value.includes(' ') ? `${value.replace(' ', 'T')}Z` : value))
        ? undefined
        : `The ${field.label} is not a valid date.`;
    case 'radio':
      return typeof value === 'string' && (field.options.length === 0 || field.options.some((option) => option.text === value))
        ? undefined
        : 'Invalid radio choice selected.';
    case 'dropdown':
      return isObject(value) && field.options.some((option) => option.id === value.id && option.text === value.text)
        ? undefined
        : 'Invalid dropdown choice selected.';
    case 'multiselect':
      return Array.isArray(value) &&
        value.every((entry) => isObject(entry) && field.options.some((option) => option.id === entry.id && option.text === entry.text))
        ? undefined
        : 'Invalid multiselect choice selected.';
    case 'table':
      return Array.isArray(value) && value.length === field.columns.length ? undefined : 'Number of columns does not match required columns';
    case 'assignees_form':
      return isObject(value) ? undefined : `The ${field.label} must be an object of users, guests and groups.`;
    case 'file':
      return Array.isArray(value) && value.every((entry) => isObject(entry) && typeof entry.filename === 'string')
        ? undefined
        : `The ${field.label} must be a list of uploaded files.`;
  }
}

/**
 * Checks `input` (taskdata or a launch prerun) against `fields`: keys that match no field's timeline
 * id are silently dropped (as Tallyfy does); values are checked per field type (tallyfy-api.md §3.6).
 */
export function checkFieldValues(fields: SeedCapture[], input: Record<string, unknown>): FieldValuesResult {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(input)) {
    const field = fields.find((candidate) => candidate.id === key);
    if (!field) continue;
    if (value === null || value === '') {
      values[key] = value;
      continue;
    }
    const problem = checkValue(field, value);
    if (problem) errors[key] = [problem];
    else values[key] = value;
  }
  return { values, errors };
}

/** Required fields with no usable value in `values`: "<label> is required", keyed by timeline id. */
export function missingRequired(fields: SeedCapture[], values: Record<string, unknown>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const field of fields) {
    const value = values[field.id];
    if (field.required && (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0))) {
      errors[field.id] = [`${field.label} is required`];
    }
  }
  return errors;
}
