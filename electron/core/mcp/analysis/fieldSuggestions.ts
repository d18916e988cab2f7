/**
 * Keyword-based form-field suggestions for a template's kick-off form and for one step
 * (tallyfy-api.md §7, "Suggestion tools"): pure functions over the template, unit-tested.
 */
import type { Capture, PrerunField, Step, Template } from '../../tallyfy/types';

/** One suggested field, ready for add_kickoff_field / add_form_field_to_step `field_data`. */
export interface FieldSuggestion {
  label: string;
  field_type: 'text' | 'textarea' | 'dropdown' | 'date' | 'file' | 'radio';
  required: boolean;
  options?: { id: number; text: string }[];
  field_validation?: string[];
  /** Why: the words in the template or step that led to it. */
  reason: string;
}

interface Rule {
  pattern: RegExp;
  field: Omit<FieldSuggestion, 'reason'>;
  why: string;
}

const opts = (...texts: string[]) => texts.map((text, index) => ({ id: index + 1, text }));

const kickoffRules: Rule[] = [
  {
    pattern: /\b(client|customer|vendor|supplier|partner)/,
    field: { label: 'Client name', field_type: 'text', required: true },
    why: 'the process is about an external party',
  },
  { pattern: /\bproject/, field: { label: 'Project name', field_type: 'text', required: true }, why: 'the process concerns a project' },
  {
    pattern: /\b(date|deadline|due|schedul|start)/,
    field: { label: 'Target date', field_type: 'date', required: false },
    why: 'dates drive the work',
  },
  {
    pattern: /\b(priority|urgent|escalat)/,
    field: { label: 'Priority', field_type: 'dropdown', required: true, options: opts('Low', 'Medium', 'High') },
    why: 'work is prioritised',
  },
  {
    pattern: /\b(department|team)/,
    field: { label: 'Department', field_type: 'text', required: false },
    why: 'several teams are involved',
  },
  {
    pattern: /\b(document|contract|file|attach|upload|form)/,
    field: { label: 'Supporting documents', field_type: 'file', required: false },
    why: 'documents are exchanged',
  },
  {
    pattern: /\b(cost|budget|price|amount|invoice|spend|payment)/,
    field: { label: 'Amount', field_type: 'text', required: false, field_validation: ['numeric'] },
    why: 'money is involved',
  },
  {
    pattern: /\b(e-?mail|contact)/,
    field: { label: 'Contact email', field_type: 'text', required: false, field_validation: ['email'] },
    why: 'someone must be contacted',
  },
];

const stepRules: Rule[] = [
  {
    pattern: /\b(approv|review|sign[- ]?off|check)/,
    field: { label: 'Decision notes', field_type: 'textarea', required: false },
    why: 'reviews should record why',
  },
  {
    pattern: /\b(upload|document|attach|sign|contract|w-?9|scan)/,
    field: { label: 'Upload', field_type: 'file', required: true },
    why: 'the step produces a document',
  },
  {
    pattern: /\b(date|schedul|book|meeting|appointment)/,
    field: { label: 'Scheduled date', field_type: 'date', required: true },
    why: 'the step fixes a date',
  },
  {
    pattern: /\b(cost|budget|price|amount|invoice|pay)/,
    field: { label: 'Amount', field_type: 'text', required: true, field_validation: ['numeric'] },
    why: 'the step handles money',
  },
  {
    pattern: /\b(verify|confirm|test|inspect|qa)/,
    field: { label: 'Result', field_type: 'radio', required: true, options: opts('Pass', 'Fail') },
    why: 'the step has an outcome to record',
  },
  {
    pattern: /\b(e-?mail|call|contact|notify)/,
    field: { label: 'Contact outcome', field_type: 'textarea', required: false },
    why: 'the step reaches someone',
  },
  {
    pattern: /\b(set ?up|create|account|provision)/,
    field: { label: 'Reference or link', field_type: 'text', required: false },
    why: 'the step creates something to point at',
  },
];

const known = (existing: readonly (Capture | PrerunField)[]) => new Set(existing.map((field) => field.label.trim().toLowerCase()));

/** Rules whose words appear in `text`, minus those an existing field already covers (same label, or its label has the words). */
function apply(rules: Rule[], text: string, existing: readonly (Capture | PrerunField)[]): FieldSuggestion[] {
  const have = known(existing);
  return rules
    .filter(
      (rule) =>
        rule.pattern.test(text) &&
        !have.has(rule.field.label.toLowerCase()) &&
        !existing.some((field) => rule.pattern.test(field.label.toLowerCase())),
    )
    .map((rule) => ({ ...rule.field, reason: rule.why }));
}

const lean = (field: Capture | PrerunField) => ({
  id: field.id,
  label: field.label,
  field_type: field.field_type,
  required: field.required,
});

/** Kick-off fields worth adding, from the words of the template and its steps; skips labels it already has. */
export function suggestKickoffFields(template: Template): Record<string, unknown> {
  const steps = template.steps?.data ?? [];
  const text = [template.title, template.summary ?? '', ...steps.map((step) => `${step.title} ${step.summary ?? ''}`)]
    .join(' ')
    .toLowerCase();
  const existing = template.prerun ?? [];
  const suggestions = apply(kickoffRules, text, existing);
  if (existing.length === 0 && suggestions.length === 0)
    suggestions.push({
      label: 'Request details',
      field_type: 'textarea',
      required: true,
      reason: 'every process needs its starting information',
    });
  return {
    template_id: template.id,
    template_title: template.title,
    existing_kickoff_fields: existing.map(lean),
    steps: steps.map((step) => ({ id: step.id, title: step.title })),
    suggestions,
  };
}

/** Form fields worth adding to one step, from its title, description and type; skips labels it already has. */
export function suggestStepFields(template: Template, step: Step): Record<string, unknown> {
  const text = `${step.title} ${step.summary ?? ''}`.toLowerCase();
  const existing = step.captures ?? [];
  const suggestions = apply(stepRules, text, existing);
  if (
    step.step_type === 'approval' &&
    !suggestions.some((item) => item.label === 'Decision notes') &&
    !known(existing).has('decision notes')
  )
    suggestions.unshift({ label: 'Decision notes', field_type: 'textarea', required: false, reason: 'approval steps should record why' });
  if (suggestions.length === 0 && existing.length === 0)
    suggestions.push({ label: 'Notes', field_type: 'textarea', required: false, reason: 'a place to record what was done' });
  return {
    template_id: template.id,
    step_id: step.id,
    step_title: step.title,
    step_type: step.step_type,
    existing_fields: existing.map(lean),
    kickoff_fields: (template.prerun ?? []).map(lean),
    suggestions,
  };
}
