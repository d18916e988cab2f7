import type { Automation, Template } from '../../tallyfy/types';

/** A set of rules that fire on the same trigger (`same_trigger`) or are identical (`exact_duplicate`). */
export interface RedundantGroup {
  kind: 'exact_duplicate' | 'same_trigger';
  rule_ids: string[];
  rules: { id: string; alias: string }[];
}

/** The automation analysis of one template (tallyfy-api.md §7). */
export interface AutomationAnalysis {
  template_id: string;
  template_title: string;
  total_automations: number;
  total_steps: number;
  step_lookup: Record<string, string>;
  automations: { id: string; alias: string; when: string[]; then: string[] }[];
  redundant_groups: RedundantGroup[];
}

/** One consolidation suggestion, most urgent first. */
export interface ConsolidationSuggestion {
  type: 'orphaned_rule' | 'exact_duplicate' | 'conflict' | 'same_trigger_merge';
  priority: 'high' | 'medium';
  rule_ids: string[];
  rules: { id: string; alias: string }[];
  description: string;
  recommended_action: 'review' | 'delete_duplicates' | 'review_and_resolve' | 'merge_actions';
  orphaned_ids?: string[];
}

export interface ConsolidationReport {
  template_id: string;
  suggestions: ConsolidationSuggestion[];
  summary: { total_automations: number; total_suggestions: number; high_priority: number; medium_priority: number };
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

/** Order-independent fingerprint of a rule's conditions. */
export function conditionFingerprint(rule: Pick<Automation, 'conditions'>): string {
  return (rule.conditions ?? [])
    .map((condition) =>
      [condition.conditionable_id, condition.conditionable_type, condition.operation, json(condition.statement)].join('|'),
    )
    .sort()
    .join('&');
}

/** Order-independent fingerprint of a rule's actions. */
export function actionFingerprint(rule: Pick<Automation, 'then_actions'>): string {
  return (rule.then_actions ?? [])
    .map((action) =>
      [
        action.action_type,
        action.action_verb,
        action.target_step_id,
        json(action.assignees),
        json(action.deadline),
        action.webhook_url ?? '',
      ].join('|'),
    )
    .sort()
    .join('&');
}

const ref = (rule: Automation): { id: string; alias: string } => ({ id: rule.id, alias: rule.automated_alias });

function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    map.set(k, [...(map.get(k) ?? []), item]);
  }
  return [...map.values()];
}

function describe(template: Template, rule: Automation, steps: Record<string, string>): { when: string[]; then: string[] } {
  const fields = new Map<string, string>();
  for (const step of template.steps?.data ?? []) for (const capture of step.captures ?? []) fields.set(capture.id, capture.label);
  for (const field of template.prerun ?? []) fields.set(field.id, field.label);
  return {
    when: (rule.conditions ?? []).map((condition) => {
      const subject =
        condition.conditionable_type === 'Step'
          ? `step "${steps[condition.conditionable_id] ?? condition.conditionable_id}"`
          : `${condition.conditionable_type === 'Prerun' ? 'kick-off field' : 'field'} "${fields.get(condition.conditionable_id) ?? condition.conditionable_id}"`;
      const statement =
        condition.statement === null || condition.statement === undefined || condition.statement === ''
          ? ''
          : ` ${typeof condition.statement === 'string' ? condition.statement : json(condition.statement)}`;
      return `${condition.position > 1 ? `${condition.logic.toUpperCase()} ` : ''}${subject} ${condition.operation}${statement}`;
    }),
    then: (rule.then_actions ?? []).map((action) => {
      const target = `step "${steps[action.target_step_id] ?? action.target_step_id}"`;
      if (action.action_type === 'deadline' && action.deadline) {
        const { value, unit, option } = action.deadline as { value?: unknown; unit?: unknown; option?: unknown };
        return `set the deadline of ${target} to ${String(value)} ${String(unit)} ${option === 'before' ? 'before' : 'from'} the trigger`;
      }
      if (action.action_type === 'webhook') return `call webhook ${action.webhook_url ?? '(no URL)'} for ${target}`;
      if (action.action_type === 'assignment') {
        const owners = (action.assignees ?? {}) as { users?: unknown[]; guests?: unknown[]; groups?: unknown[] };
        const who = [
          ...(owners.users ?? []).map((id) => `member ${String(id)}`),
          ...(owners.guests ?? []).map((email) => `guest ${String(email)}`),
          ...(owners.groups ?? []).map((id) => `group ${String(id)}`),
        ];
        return `${action.action_verb.replace('_', ' ')} ${target}${who.length ? ` → ${who.join(', ')}` : ''}`;
      }
      return `${action.action_verb} ${target}`;
    }),
  };
}

/**
 * Lists a template's rules in readable form and groups the redundant ones: `exact_duplicate` (same
 * conditions and actions) and `same_trigger` (same conditions, different actions). Pure:
 * `template` must include its steps.
 */
export function analyzeAutomations(template: Template): AutomationAnalysis {
  const rules = template.automated_actions ?? [];
  const stepLookup: Record<string, string> = {};
  for (const step of template.steps?.data ?? []) stepLookup[step.id] = step.title;
  const redundant: RedundantGroup[] = [];
  for (const sameTrigger of groupBy(rules, conditionFingerprint)) {
    if (sameTrigger.length < 2) continue;
    const exact = groupBy(sameTrigger, actionFingerprint);
    for (const group of exact) {
      if (group.length > 1) redundant.push({ kind: 'exact_duplicate', rule_ids: group.map((rule) => rule.id), rules: group.map(ref) });
    }
    if (exact.length > 1)
      redundant.push({ kind: 'same_trigger', rule_ids: sameTrigger.map((rule) => rule.id), rules: sameTrigger.map(ref) });
  }
  return {
    template_id: template.id,
    template_title: template.title,
    total_automations: rules.length,
    total_steps: Object.keys(stepLookup).length,
    step_lookup: stepLookup,
    automations: rules.map((rule) => ({ ...ref(rule), ...describe(template, rule, stepLookup) })),
    redundant_groups: redundant,
  };
}

const opposites: [string, string][] = [
  ['show', 'hide'],
  ['assign', 'clear_assignees'],
  ['assign', 'unassign'],
  ['assign_only', 'clear_assignees'],
];

/**
 * Suggests how to consolidate a template's rules: orphans (a condition or target that no longer
 * exists), exact duplicates, conflicts (the same trigger shows and hides, or assigns and clears,
 * the same step) and same-trigger rules worth merging. High priority first. Pure.
 */
export function suggestConsolidation(template: Template): ConsolidationReport {
  const rules = template.automated_actions ?? [];
  const steps = template.steps?.data ?? [];
  const ids = {
    Step: new Set(steps.map((step) => step.id)),
    Capture: new Set(steps.flatMap((step) => (step.captures ?? []).map((capture) => capture.id))),
    Prerun: new Set((template.prerun ?? []).map((field) => field.id)),
  };
  const suggestions: ConsolidationSuggestion[] = [];
  for (const rule of rules) {
    const orphaned = [
      ...(rule.conditions ?? [])
        .filter((condition) => !ids[condition.conditionable_type]?.has(condition.conditionable_id))
        .map((condition) => condition.conditionable_id),
      ...(rule.then_actions ?? []).filter((action) => !ids.Step.has(action.target_step_id)).map((action) => action.target_step_id),
    ];
    if (orphaned.length > 0) {
      suggestions.push({
        type: 'orphaned_rule',
        priority: 'high',
        rule_ids: [rule.id],
        rules: [ref(rule)],
        description: `Rule "${rule.automated_alias}" refers to ${orphaned.length} step(s) or field(s) that no longer exist, so it can never work as intended.`,
        recommended_action: 'review',
        orphaned_ids: orphaned,
      });
    }
  }
  const analysis = analyzeAutomations(template);
  for (const group of analysis.redundant_groups) {
    if (group.kind === 'exact_duplicate') {
      suggestions.push({
        type: 'exact_duplicate',
        priority: 'high',
        rule_ids: group.rule_ids,
        rules: group.rules,
        description: `${group.rules.length} rules have identical conditions and actions; all but one are redundant.`,
        recommended_action: 'delete_duplicates',
      });
      continue;
    }
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const actions = group.rule_ids.flatMap((id) => (byId.get(id)?.then_actions ?? []).map((action) => ({ id, action })));
    const conflicts = new Set<string>();
    for (const [a, b] of opposites) {
      for (const left of actions.filter((item) => item.action.action_verb === a)) {
        if (actions.some((item) => item.action.action_verb === b && item.action.target_step_id === left.action.target_step_id)) {
          conflicts.add(`${a}/${b} on step "${analysis.step_lookup[left.action.target_step_id] ?? left.action.target_step_id}"`);
        }
      }
    }
    if (conflicts.size > 0) {
      suggestions.push({
        type: 'conflict',
        priority: 'high',
        rule_ids: group.rule_ids,
        rules: group.rules,
        description: `Rules with the same trigger contradict each other: ${[...conflicts].join('; ')}. The outcome depends on execution order.`,
        recommended_action: 'review_and_resolve',
      });
    } else {
      suggestions.push({
        type: 'same_trigger_merge',
        priority: 'medium',
        rule_ids: group.rule_ids,
        rules: group.rules,
        description: `${group.rules.length} rules fire on the same conditions with different actions; one rule with all the actions is easier to maintain.`,
        recommended_action: 'merge_actions',
      });
    }
  }
  suggestions.sort((a, b) => (a.priority === b.priority ? 0 : a.priority === 'high' ? -1 : 1));
  return {
    template_id: template.id,
    suggestions,
    summary: {
      total_automations: rules.length,
      total_suggestions: suggestions.length,
      high_priority: suggestions.filter((item) => item.priority === 'high').length,
      medium_priority: suggestions.filter((item) => item.priority === 'medium').length,
    },
  };
}
