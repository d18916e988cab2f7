import { z } from 'zod';

import type { AutomationInput } from '../../tallyfy/endpoints/templates';
import type { Automation, AutomationAction, AutomationCondition } from '../../tallyfy/types';
import { actionFingerprint, analyzeAutomations, conditionFingerprint, suggestConsolidation } from '../analysis/automationAnalysis';
import { fieldOperations, stepOperations } from '../analysis/mappingValidation';
import { defineTool, nestAlias, ToolInputError, ToolLookupError, type Tool } from '../defineTool';
import { pick } from '../toolOutput';

import { hexId, objectWithList, userId } from './common';
import { stepOf, templateWithSteps } from './templates';

const templateIdArg = hexId('template');

const conditionArg = z.object({
  subject: z.enum(['step', 'field', 'kickoff']).describe('What the condition watches: a step, a step form field, or a kick-off field.'),
  subject_id: hexId('step or field').describe('Id of that step or field.'),
  operation: z
    .enum([...stepOperations, ...fieldOperations])
    .describe(`For steps: ${stepOperations.join(', ')}. For fields: ${fieldOperations.join(', ')}.`),
  value: z.string().max(1000).optional().describe('For field conditions: the value compared against (e.g. "Gold"). Not used for steps.'),
  logic: z.enum(['and', 'or']).default('and').describe('How this condition joins the previous one.'),
});

const actionArg = z.object({
  action: z
    .enum(['show', 'hide', 'deadline', 'reopen', 'assign', 'assign_only', 'clear_assignees', 'unassign', 'webhook'])
    .describe(
      'show/hide a step, set its deadline, reopen it, change its assignees (assign adds, assign_only replaces, unassign removes, clear_assignees empties) or call a webhook.',
    ),
  target_step_id: hexId('target step').describe('The step the action applies to.'),
  deadline: z
    .object({
      value: z.number().int().min(1),
      unit: z.enum(['minutes', 'hours', 'days', 'weeks', 'months']),
      option: z.enum(['from', 'before']).default('from'),
    })
    .optional()
    .describe('For action "deadline": e.g. {"value":2,"unit":"days"}.'),
  users: z.array(userId).optional().describe('For assignment actions: member ids.'),
  guests: z.array(z.email()).optional().describe('For assignment actions: guest emails.'),
  groups: z.array(hexId('group')).optional().describe('For assignment actions: group ids.'),
  webhook_url: z.url().optional().describe('For action "webhook": the URL to call.'),
});

const typeOf: Record<string, AutomationCondition['conditionable_type']> = { step: 'Step', field: 'Capture', kickoff: 'Prerun' };
const actionTypeOf: Record<string, AutomationAction['action_type']> = {
  show: 'visibility',
  hide: 'visibility',
  deadline: 'deadline',
  reopen: 'status',
  assign: 'assignment',
  assign_only: 'assignment',
  clear_assignees: 'assignment',
  unassign: 'assignment',
  webhook: 'webhook',
};

/** Turns the friendly rule shape into Tallyfy's `conditions`/`then_actions` body. */
function encodeRule(alias: string, conditions: z.infer<typeof conditionArg>[], actions: z.infer<typeof actionArg>[]): AutomationInput {
  return {
    automated_alias: alias,
    conditions: conditions.map((condition, index) => {
      const isStep = condition.subject === 'step';
      if (isStep !== (stepOperations as readonly string[]).includes(condition.operation)) {
        throw new ToolInputError(
          `Condition ${index + 1}: "${condition.operation}" does not apply to a ${condition.subject}. ${isStep ? `Step operations: ${stepOperations.join(', ')}` : `Field operations: ${fieldOperations.join(', ')}`}.`,
        );
      }
      return {
        conditionable_id: condition.subject_id,
        conditionable_type: typeOf[condition.subject] ?? 'Step',
        operation: condition.operation,
        // A step condition needs a time clause; null would mean the rule never fires.
        statement: isStep ? 'any_time' : (condition.value ?? null),
        logic: condition.logic,
        position: index + 1,
      };
    }),
    then_actions: actions.map((action, index) => {
      const type = actionTypeOf[action.action] ?? 'visibility';
      if (type === 'deadline' && !action.deadline)
        throw new ToolInputError(`Action ${index + 1}: a deadline action needs deadline {value, unit}.`);
      if (type === 'webhook' && !action.webhook_url) throw new ToolInputError(`Action ${index + 1}: a webhook action needs webhook_url.`);
      if (
        type === 'assignment' &&
        action.action !== 'clear_assignees' &&
        !(action.users?.length || action.guests?.length || action.groups?.length)
      ) {
        throw new ToolInputError(`Action ${index + 1}: "${action.action}" needs users, guests or groups.`);
      }
      return {
        action_type: type,
        action_verb: action.action === 'webhook' ? 'emit_webhook' : action.action,
        target_step_id: action.target_step_id,
        position: index + 1,
        ...(type === 'deadline' ? { deadline: action.deadline } : {}),
        ...(type === 'assignment'
          ? { assignees: { users: action.users ?? [], guests: action.guests ?? [], groups: action.groups ?? [] } }
          : {}),
        ...(type === 'webhook' ? { webhook_url: action.webhook_url, alias_name: alias } : {}),
      };
    }),
  };
}

const subjectOf: Record<string, string> = { step: 'step', capture: 'field', field: 'field', prerun: 'kickoff', kickoff: 'kickoff' };

/** Tallyfy's native rule keys (conditionable_*, statement, action_type/verb, assignees{}, then_actions) mapped onto the tool's shape. */
function nativeRule(data: Record<string, unknown>): Record<string, unknown> {
  const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);
  const out: Record<string, unknown> = { ...data };
  if (out.alias === undefined && typeof data.automated_alias === 'string') out.alias = data.automated_alias;
  delete out.automated_alias;
  if (data.conditions !== undefined)
    out.conditions = list(data.conditions).map(({ conditionable_type, conditionable_id, statement, position: _position, ...rest }) => ({
      ...rest,
      ...(conditionable_type !== undefined && rest.subject === undefined
        ? { subject: subjectOf[String(conditionable_type).toLowerCase()] ?? conditionable_type }
        : {}),
      ...(conditionable_id !== undefined && rest.subject_id === undefined ? { subject_id: conditionable_id } : {}),
      ...(typeof statement === 'string' && rest.value === undefined && String(conditionable_type).toLowerCase() !== 'step'
        ? { value: statement }
        : {}),
      ...(rest.operation === 'is_complete' ? { operation: 'completed' } : {}),
    }));
  const actions = data.actions ?? data.then_actions;
  delete out.then_actions;
  if (actions !== undefined)
    out.actions = list(actions).map(({ action_type, action_verb, assignees, alias_name: _alias, position: _position, ...rest }) => {
      const owners = (assignees && typeof assignees === 'object' ? assignees : {}) as Record<string, unknown>;
      const verb =
        action_verb === 'emit_webhook' || action_type === 'webhook'
          ? 'webhook'
          : (action_verb ?? (action_type === 'status' ? 'reopen' : action_type));
      return { ...rest, ...(rest.action === undefined && verb !== undefined ? { action: verb } : {}), ...owners };
    });
  return out;
}

/** Flat `alias/conditions/actions` folded into `automation_data`, and native Tallyfy keys accepted inside it. */
function ruleAlias(args: Record<string, unknown>): Record<string, unknown> {
  const nested = nestAlias('automation_data', ['alias', 'conditions', 'actions'])(args);
  const data = nested.automation_data;
  return data && typeof data === 'object' && !Array.isArray(data)
    ? { ...nested, automation_data: nativeRule(data as Record<string, unknown>) }
    : nested;
}

/** Automation rules: list, create, delete, and analyses. */
export const automationTools: Tool[] = [
  defineTool({
    name: 'get_automation_rules',
    output: objectWithList('automations', { template_id: z.string() }),
    title: 'List automation rules',
    area: 'automations',
    effect: 'read',
    description: 'Lists a template\'s if-then automation rules in readable form ("WHEN step X completed THEN show step Y") with their ids.',
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => {
      const analysis = analyzeAutomations(await templateWithSteps(client, template_id, signal));
      return pick(analysis, ['template_id', 'template_title', 'total_automations', 'automations']);
    },
  }),
  defineTool({
    name: 'create_automation_rule',
    title: 'Create an automation rule',
    area: 'automations',
    effect: 'write',
    description:
      'Creates an if-then rule on a template: WHEN conditions (a step completed/approved/rejected…, or a field/kick-off answer equals/contains… a value) THEN actions on steps (show, hide, set deadline, reopen, assign, webhook). Check get_automation_rules first to avoid duplicates.',
    aliases: ruleAlias,
    input: {
      template_id: templateIdArg,
      automation_data: z.object({
        alias: z.string().min(1).max(300).optional().describe('Rule name; made up when left out.'),
        conditions: z.array(conditionArg).min(1).max(20).describe('WHEN.'),
        actions: z.array(actionArg).min(1).max(20).describe('THEN.'),
      }),
    },
    run: async ({ template_id, automation_data: { alias, conditions, actions } }, { client, signal }) => {
      const template = await templateWithSteps(client, template_id, signal);
      for (const action of actions) stepOf(template, action.target_step_id);
      const name =
        alias ?? `When ${conditions[0]?.subject} ${conditions[0]?.operation} then ${actions.map((action) => action.action).join(' + ')}`;
      const encoded = encodeRule(name, conditions, actions);
      const twin = (template.automated_actions ?? []).find(
        (rule) =>
          conditionFingerprint(rule) === conditionFingerprint(encoded as Automation) &&
          actionFingerprint(rule) === actionFingerprint(encoded as Automation),
      );
      if (twin)
        throw new ToolInputError(
          `Rule "${twin.automated_alias}" (${twin.id}) already has exactly these conditions and actions; nothing was created. Change it with update_automation_rule instead.`,
        );
      const rule = await client.automations.create(template_id, encoded, signal);
      return { id: rule.id, alias: rule.automated_alias, conditions: rule.conditions.length, actions: rule.then_actions.length };
    },
  }),
  defineTool({
    name: 'delete_automation_rule',
    title: 'Delete an automation rule',
    area: 'automations',
    effect: 'destructive',
    description: 'Deletes an automation rule from a template. This cannot be undone.',
    input: { template_id: templateIdArg, automation_id: hexId('automation rule') },
    run: async ({ template_id, automation_id }, { client, signal }) => {
      await client.automations.delete(template_id, automation_id, signal);
      return { deleted: true, template_id, automation_id };
    },
  }),
  defineTool({
    name: 'analyze_template_automations',
    title: 'Analyse automation rules',
    area: 'automations',
    effect: 'read',
    description:
      "Analyses a template's rules: each in readable form, plus groups of redundant rules (exact_duplicate: same conditions and actions; same_trigger: same conditions, different actions).",
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => analyzeAutomations(await templateWithSteps(client, template_id, signal)),
  }),
  defineTool({
    name: 'suggest_automation_consolidation',
    title: 'Suggest rule consolidation',
    area: 'automations',
    effect: 'read',
    description:
      'Finds rules to clean up, most urgent first: orphaned rules (pointing at deleted steps or fields), exact duplicates, conflicts (the same trigger shows and hides, or assigns and clears, one step) and same-trigger rules worth merging. Each suggestion says what to do.',
    input: { template_id: templateIdArg },
    run: async ({ template_id }, { client, signal }) => suggestConsolidation(await templateWithSteps(client, template_id, signal)),
  }),
  defineTool({
    name: 'get_step_visibility_conditions',
    output: objectWithList('show_rules', { step_id: z.string(), hide_rules: z.array(z.looseObject({})) }),
    title: 'Explain when a step shows',
    area: 'automations',
    effect: 'read',
    description:
      'Explains when a template step is shown or hidden: the rules that show it, the rules that hide it, and its default visibility.',
    input: { template_id: templateIdArg, step_id: hexId('step') },
    run: async ({ template_id, step_id }, { client, signal }) => {
      const template = await templateWithSteps(client, template_id, signal);
      const step = stepOf(template, step_id);
      const analysis = analyzeAutomations(template);
      const rulesWith = (verb: string) =>
        (template.automated_actions ?? [])
          .filter((rule) => rule.then_actions.some((action) => action.action_verb === verb && action.target_step_id === step_id))
          .map((rule) => ({
            id: rule.id,
            alias: rule.automated_alias,
            when: analysis.automations.find((item) => item.id === rule.id)?.when ?? [],
          }));
      const show = rulesWith('show');
      const hide = rulesWith('hide');
      const count = show.length + hide.length;
      return {
        step_id,
        step_title: step.title,
        default_visibility: show.length > 0 ? 'conditionally_visible' : 'visible',
        show_rules: show,
        hide_rules: hide,
        complexity: count > 3 ? 'Complex' : count >= 2 ? 'Moderate' : 'Simple',
      };
    },
  }),
  defineTool({
    name: 'update_automation_rule',
    title: 'Update an automation rule',
    area: 'automations',
    effect: 'write',
    idempotent: true,
    description:
      'Changes an automation rule: its name, its WHEN conditions or its THEN actions (each list, when given, replaces the old one; what you leave out stays).',
    aliases: ruleAlias,
    input: {
      template_id: templateIdArg,
      automation_id: hexId('automation rule'),
      automation_data: z.object({
        alias: z.string().min(1).max(300).optional(),
        conditions: z.array(conditionArg).min(1).max(20).optional().describe('Replaces all conditions.'),
        actions: z.array(actionArg).min(1).max(20).optional().describe('Replaces all actions.'),
      }),
    },
    run: async ({ template_id, automation_id, automation_data: { alias, conditions, actions } }, { client, signal }) => {
      if (alias === undefined && conditions === undefined && actions === undefined)
        throw new ToolInputError('Nothing to change: give alias, conditions or actions.');
      const template = await templateWithSteps(client, template_id, signal);
      const current = (template.automated_actions ?? []).find((rule) => rule.id === automation_id);
      if (!current)
        throw new ToolLookupError(
          `Rule ${automation_id} is not on template "${template.title}". Call get_automation_rules to list its rules.`,
        );
      for (const action of actions ?? []) stepOf(template, action.target_step_id);
      const name = alias ?? current.automated_alias;
      const encoded = encodeRule(name, conditions ?? [], actions ?? []);
      const strip = <T extends { id?: string }>(items: T[]): Omit<T, 'id'>[] => items.map(({ id: _id, ...rest }) => rest);
      const rule = await client.automations.update(
        template_id,
        automation_id,
        {
          automated_alias: name,
          conditions: conditions ? encoded.conditions : strip(current.conditions),
          then_actions: actions ? encoded.then_actions : strip(current.then_actions),
        },
        signal,
      );
      return { id: rule.id, alias: rule.automated_alias, conditions: rule.conditions.length, actions: rule.then_actions.length };
    },
  }),
  defineTool({
    name: 'get_step_dependencies',
    output: objectWithList('outgoing', { step_id: z.string(), incoming: z.array(z.looseObject({})) }),
    title: 'Show what a step depends on',
    area: 'automations',
    effect: 'read',
    description:
      'Shows how a template step is wired: rules triggered by it (outgoing), rules acting on it (incoming), its form fields used by rules, and a complexity score (10 per dependency, High above 70, Medium above 30). Check it before deleting or moving a step.',
    input: { template_id: templateIdArg, step_id: hexId('step') },
    run: async ({ template_id, step_id }, { client, signal }) => {
      const template = await templateWithSteps(client, template_id, signal);
      const step = stepOf(template, step_id);
      const readable = analyzeAutomations(template).automations;
      const describeRule = (id: string) => readable.find((rule) => rule.id === id);
      const rules = template.automated_actions ?? [];
      const fieldIds = new Set((step.captures ?? []).map((capture) => capture.id));
      const outgoing = rules
        .filter((rule) => rule.conditions.some((condition) => condition.conditionable_id === step_id))
        .map((rule) => describeRule(rule.id));
      const incoming = rules
        .filter((rule) => rule.then_actions.some((action) => action.target_step_id === step_id))
        .map((rule) => describeRule(rule.id));
      const fieldRules = rules
        .filter((rule) => rule.conditions.some((condition) => fieldIds.has(condition.conditionable_id)))
        .map((rule) => describeRule(rule.id));
      const deadlineDependents = template.steps.data
        .filter((other) => other.deadline?.step === step_id)
        .map((other) => ({ id: other.id, title: other.title }));
      const count = outgoing.length + incoming.length + fieldRules.length + deadlineDependents.length;
      const score = Math.min(100, 10 * count);
      const recommendations: string[] = [];
      if (outgoing.length + fieldRules.length > 0)
        recommendations.push(
          'Rules are triggered by this step or its fields: deleting it breaks them (Tallyfy refuses the delete until they are changed).',
        );
      if (incoming.length > 0) recommendations.push('Rules show, hide, assign or time this step: review them before changing its purpose.');
      if (deadlineDependents.length > 0) recommendations.push('Other steps take their deadline from this one.');
      if (count === 0) recommendations.push('Nothing depends on this step: it can be changed, moved or deleted safely.');
      return {
        step_id,
        step_title: step.title,
        outgoing,
        incoming,
        field_dependencies: fieldRules,
        deadline_dependents: deadlineDependents,
        complexity_analysis: { score, level: score > 70 ? 'High' : score > 30 ? 'Medium' : 'Low' },
        recommendations,
      };
    },
  }),
];
