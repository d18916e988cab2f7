/**
 * `validate_template_mapping` (tallyfy-api.md §7): a pure, offline check of a draft template
 * `{title, summary, kickoff_form[], steps[], automations[]}` before anything is created in Tallyfy.
 */

/** The field types Tallyfy's API accepts. */
export const mappingFieldTypes = [
  'text',
  'textarea',
  'radio',
  'dropdown',
  'multiselect',
  'date',
  'email',
  'file',
  'table',
  'assignees_form',
];
const stepTypes = ['task', 'approval', 'expiring', 'email', 'expiring_email'];
/** Tallyfy's automation condition operations on a step. */
export const stepOperations = ['completed', 'reopened', 'approved', 'rejected', 'acknowledged', 'expired', 'not_assigned'] as const;
/** Tallyfy's automation condition operations on a form field. */
export const fieldOperations = [
  'contains',
  'not_contains',
  'equals',
  'not_equals',
  'equals_any',
  'greater_than',
  'less_than',
  'is_empty',
  'is_not_empty',
] as const;
const verbsOf: Record<string, string[]> = {
  visibility: ['show', 'hide'],
  deadline: ['deadline'],
  status: ['reopen'],
  assignment: ['assign', 'assign_only', 'clear_assignees', 'unassign'],
  webhook: ['emit_webhook'],
};
const ruleUnits = ['minutes', 'hours', 'days', 'weeks', 'months'];
const stepUnits = [...ruleUnits, 'minute', 'hour', 'day', 'week', 'month'];

/** The verdict: `valid` is false when any error was found; warnings never block. */
export interface MappingVerdict {
  valid: boolean;
  errors: string[];
  warnings: string[];
  summary: { title: string | null; kickoff_fields: number; steps: number; form_fields: number; automations: number };
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => !!value && typeof value === 'object' && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value : undefined);
/** The names an item can be referred to by: id, alias, and title or label. */
const refs = (item: Obj, name: 'title' | 'label'): string[] =>
  [item.id, item.alias, item[name]]
    .filter((value): value is string | number => typeof value === 'string' || typeof value === 'number')
    .map((value) => String(value).toLowerCase());

function checkField(field: unknown, where: string, errors: string[], warnings: string[]): void {
  if (!isObj(field)) return void errors.push(`${where}: must be an object.`);
  if (!str(field.label)) errors.push(`${where}: needs a label.`);
  const type = field.field_type;
  if (typeof type !== 'string' || !mappingFieldTypes.includes(type))
    errors.push(
      `${where}: field_type "${String(type)}" is not one of ${mappingFieldTypes.join(', ')} (no number or checkbox type: use text with validation).`,
    );
  if (type === 'email') warnings.push(`${where}: Tallyfy's UI cannot render an email field; use text with validation ["email"].`);
  const options = list(field.options);
  if ((type === 'radio' || type === 'dropdown' || type === 'multiselect') && options.length === 0)
    errors.push(`${where}: a ${type} field needs options.`);
  if (type === 'radio' && options.length === 1) errors.push(`${where}: a radio field needs at least 2 options.`);
  if (type === 'table' && list(field.columns).length === 0) errors.push(`${where}: a table field needs columns.`);
  if (field.required === undefined) warnings.push(`${where}: "required" is not set; Tallyfy needs the key (false assumed).`);
}

/** Checks a draft template mapping; never throws. */
export function validateTemplateMapping(mapping: unknown): MappingVerdict {
  const errors: string[] = [];
  const warnings: string[] = [];
  const draft = isObj(mapping) ? mapping : {};
  if (!isObj(mapping)) errors.push('The mapping must be an object with title, kickoff_form, steps and automations.');
  const title = str(draft.title) ?? null;
  if (!title) errors.push('The template needs a title.');
  else if (title.length > 250) errors.push('The title is longer than 250 characters.');

  const kickoff = list(draft.kickoff_form ?? draft.kickoff_fields ?? draft.prerun);
  kickoff.forEach((field, index) => checkField(field, `kickoff_form[${index}]`, errors, warnings));
  const steps = list(draft.steps);
  if (steps.length === 0) errors.push('The template needs at least one step.');
  let formFields = 0;
  const stepRefs = new Set<string>();
  const captureRefs = new Set<string>();
  const prerunRefs = new Set<string>();
  kickoff.filter(isObj).forEach((field) => refs(field, 'label').forEach((ref) => prerunRefs.add(ref)));
  steps.forEach((step, index) => {
    const where = `steps[${index}]`;
    if (!isObj(step)) return void errors.push(`${where}: must be an object.`);
    refs(step, 'title').forEach((ref) => stepRefs.add(ref));
    if (!str(step.title)) errors.push(`${where}: needs a title.`);
    if (step.step_type !== undefined && (typeof step.step_type !== 'string' || !stepTypes.includes(step.step_type)))
      errors.push(`${where}: step_type "${String(step.step_type)}" is not one of ${stepTypes.join(', ')}.`);
    if (step.deadline !== undefined && step.deadline !== null) {
      const deadline = isObj(step.deadline) ? step.deadline : {};
      if (typeof deadline.value !== 'number' || deadline.value < 0) errors.push(`${where}.deadline: value must be a number.`);
      if (typeof deadline.unit !== 'string' || !stepUnits.includes(deadline.unit))
        errors.push(`${where}.deadline: unit must be one of ${ruleUnits.join(', ')}.`);
      if (deadline.option !== undefined && deadline.option !== 'from' && deadline.option !== 'prior_to')
        errors.push(`${where}.deadline: a step deadline's option is "from" or "prior_to" (a rule's deadline uses "from" or "before").`);
    }
    const fields = list(step.form_fields ?? step.captures);
    formFields += fields.length;
    fields.forEach((field, fieldIndex) => {
      checkField(field, `${where}.form_fields[${fieldIndex}]`, errors, warnings);
      if (isObj(field)) refs(field, 'label').forEach((ref) => captureRefs.add(ref));
    });
  });
  steps.forEach((step, index) => {
    if (!isObj(step) || !isObj(step.deadline)) return;
    const from = step.deadline.step;
    if (typeof from === 'string' && from !== 'start_run' && !stepRefs.has(from.toLowerCase()))
      errors.push(`steps[${index}].deadline.step "${from}" is not a step of this mapping (or "start_run").`);
  });

  const automations = list(draft.automations);
  if (automations.length === 0 && steps.length > 5) warnings.push('No automation rules on a template with more than 5 steps.');
  automations.forEach((rule, index) => {
    const where = `automations[${index}]`;
    if (!isObj(rule)) return void errors.push(`${where}: must be an object.`);
    const conditions = list(rule.conditions);
    const actions = list(rule.actions ?? rule.then_actions);
    if (conditions.length === 0) errors.push(`${where}: needs at least one condition.`);
    if (actions.length === 0) errors.push(`${where}: needs at least one action.`);
    conditions.forEach((condition, conditionIndex) => {
      const at = `${where}.conditions[${conditionIndex}]`;
      if (!isObj(condition)) return void errors.push(`${at}: must be an object.`);
      const type = condition.conditionable_type;
      const id = String(condition.conditionable_id ?? '').toLowerCase();
      const operation = String(condition.operation ?? '');
      if (type === 'Step') {
        if (!(stepOperations as readonly string[]).includes(operation))
          errors.push(`${at}: "${operation}" is not a step operation (${stepOperations.join(', ')}).`);
        if (!stepRefs.has(id)) errors.push(`${at}: step "${String(condition.conditionable_id)}" is not in this mapping.`);
        if (condition.statement === null) warnings.push(`${at}: a step condition with a null statement never fires; use "any_time".`);
      } else if (type === 'Capture' || type === 'Prerun') {
        if (!(fieldOperations as readonly string[]).includes(operation))
          errors.push(`${at}: "${operation}" is not a field operation (${fieldOperations.join(', ')}).`);
        const known = type === 'Capture' ? captureRefs : prerunRefs;
        if (!known.has(id))
          errors.push(
            `${at}: ${type === 'Capture' ? 'step form field' : 'kick-off field'} "${String(condition.conditionable_id)}" is not in this mapping.`,
          );
      } else {
        errors.push(`${at}: conditionable_type must be Step, Capture or Prerun (case-sensitive), not "${String(type)}".`);
      }
      if (!('statement' in condition)) errors.push(`${at}: the statement key must be present (null is allowed for fields).`);
      if (condition.logic !== undefined && condition.logic !== 'and' && condition.logic !== 'or')
        errors.push(`${at}: logic is "and" or "or".`);
    });
    actions.forEach((action, actionIndex) => {
      const at = `${where}.actions[${actionIndex}]`;
      if (!isObj(action)) return void errors.push(`${at}: must be an object.`);
      const type = String(action.action_type ?? '');
      const verb = String(action.action_verb ?? '');
      const verbs = verbsOf[type];
      if (!verbs) errors.push(`${at}: action_type "${type}" is not one of ${Object.keys(verbsOf).join(', ')}.`);
      else if (!verbs.includes(verb)) errors.push(`${at}: action_type "${type}" takes action_verb ${verbs.join(' or ')}, not "${verb}".`);
      const target = action.target_step_id;
      if (typeof target !== 'string' || !stepRefs.has(target.toLowerCase()))
        errors.push(`${at}: target_step_id "${String(target)}" is not a step of this mapping.`);
      if (type === 'deadline') {
        const deadline = isObj(action.deadline) ? action.deadline : {};
        if (
          typeof deadline.value !== 'number' ||
          typeof deadline.unit !== 'string' ||
          !ruleUnits.includes(deadline.unit) ||
          (deadline.option !== 'from' && deadline.option !== 'before')
        )
          errors.push(`${at}: a deadline action needs deadline {value:int, unit: ${ruleUnits.join('|')}, option: before|from}.`);
      }
      if (type === 'assignment' && verb !== 'clear_assignees' && !isObj(action.assignees))
        errors.push(`${at}: an assignment action needs assignees {users, guests, groups}.`);
      if (type === 'webhook' && (!str(action.webhook_url) || !str(action.alias_name)))
        errors.push(`${at}: a webhook action needs webhook_url and alias_name.`);
    });
  });
  return {
    valid: errors.length === 0,
    errors,
    warnings,
    summary: { title, kickoff_fields: kickoff.length, steps: steps.length, form_fields: formFields, automations: automations.length },
  };
}
