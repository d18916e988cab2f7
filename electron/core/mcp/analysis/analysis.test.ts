import { describe, expect, it } from 'vitest';

import type { Automation, Step, Template } from '../../tallyfy/types';

import { analyzeAutomations, suggestConsolidation } from './automationAnalysis';
import { suggestKickoffFields, suggestStepFields } from './fieldSuggestions';
import { assessTemplateHealth, ratingFor } from './templateHealth';

const hex = (n: number): string => n.toString(16).padStart(32, '0');

function step(n: number, title: string, extra: Partial<Step> = {}): Step {
  return {
    id: hex(100 + n),
    checklist_id: hex(1),
    title,
    step_type: 'task',
    position: n,
    assignees: [],
    guests: [],
    groups: [],
    deadline: null,
    captures: [],
    ...extra,
  };
}

function rule(n: number, when: [string, string], then: [string, string][], type: 'Step' | 'Capture' | 'Prerun' = 'Step'): Automation {
  return {
    id: hex(900 + n),
    automated_alias: `rule ${n}`,
    conditions: [
      { conditionable_id: when[0], conditionable_type: type, operation: when[1], statement: 'any_time', logic: 'and', position: 1 },
    ],
    then_actions: then.map(([verb, target], index) => ({
      action_type: verb === 'show' || verb === 'hide' ? 'visibility' : 'assignment',
      action_verb: verb,
      target_step_id: target,
      position: index + 1,
    })),
  };
}

function template(steps: Step[], rules: Automation[] = [], extra: Partial<Template> = {}): Template {
  return {
    id: hex(1),
    title: 'Vendor onboarding',
    type: 'procedure',
    users: [],
    groups: [],
    prerun: [],
    automated_actions: rules,
    steps: { data: steps },
    ...extra,
  };
}

describe('assessTemplateHealth', () => {
  it('scores a well-built template high and explains nothing as critical', () => {
    const steps = [
      step(1, 'Collect signed contract', {
        summary: 'Upload the countersigned PDF.',
        captures: [{ id: hex(501), step_id: hex(101), label: 'Contract', field_type: 'file', required: true, position: 1 }],
        deadline: { value: 2, unit: 'days', option: 'from', step: 'start_run' },
      }),
      step(2, 'Review payment terms', {
        summary: 'Check the terms against policy.',
        deadline: { value: 1, unit: 'days', option: 'from', step: 'start_run' },
      }),
      step(3, 'Send welcome email', {
        summary: 'Use the standard welcome template.',
        deadline: { value: 4, unit: 'days', option: 'from', step: 'start_run' },
      }),
    ];
    const health = assessTemplateHealth(
      template(steps, [], {
        summary: 'Everything needed to bring a new vendor on board.',
        guidance: 'Launch one process per vendor. Finance approves terms before anything is paid.',
        prerun: [
          { id: hex(601), checklist_id: hex(1), label: 'Vendor name', field_type: 'text', required: true, position: 1 },
          { id: hex(602), checklist_id: hex(1), label: 'Contact email', field_type: 'text', required: false, position: 2 },
          { id: hex(603), checklist_id: hex(1), label: 'Start date', field_type: 'date', required: false, position: 3 },
        ],
      }),
    );
    expect(health.score).toBeGreaterThanOrEqual(90);
    expect(health.rating).toBe('excellent');
    expect(health.issues.filter((issue) => issue.severity === 'critical' || issue.severity === 'high')).toEqual([]);
  });

  it('finds and explains the problems of a poor template', () => {
    const health = assessTemplateHealth(
      template([step(1, 'Step'), step(2, 'Task'), step(3, 'Enter the details'), step(4, 'x'), step(5, 'Misc'), step(6, 'Other')], [], {
        title: 'Misc',
      }),
    );
    expect(health.score).toBeLessThan(60);
    const categories = new Set(health.issues.map((issue) => issue.category));
    for (const category of ['metadata', 'step_clarity', 'forms', 'automation', 'deadlines'] as const)
      expect(categories.has(category), category).toBe(true);
    expect(health.issues.every((issue) => issue.recommendation.length > 10)).toBe(true);
    expect(health.improvement_plan[0]?.phase).toMatch(/Fix now/);
  });

  it('counts duplicate, conflicting and orphaned rules against the automation score', () => {
    const steps = [step(1, 'Approve terms'), step(2, 'Send welcome email'), step(3, 'Set up in ERP')];
    const [approve, welcome, erp] = steps.map((item) => item.id) as [string, string, string];
    const clean = assessTemplateHealth(template(steps, [rule(1, [approve, 'approved'], [['show', welcome]])]));
    const messy = assessTemplateHealth(
      template(steps, [
        rule(1, [approve, 'approved'], [['show', welcome]]),
        rule(2, [approve, 'approved'], [['show', welcome]]),
        rule(3, [approve, 'rejected'], [['hide', erp]]),
        rule(4, [approve, 'rejected'], [['show', erp]]),
        rule(5, [hex(777), 'completed'], [['show', erp]]),
      ]),
    );
    expect(clean.categories.automation.score).toBe(20);
    expect(messy.categories.automation.score).toBe(20 - 5 - 5 - 3);
    const findings = messy.issues
      .filter((item) => item.category === 'automation')
      .map((item) => item.finding)
      .join('\n');
    expect(findings).toMatch(/no longer exist/);
    expect(findings).toMatch(/contradict/);
    expect(findings).toMatch(/identical rules: "rule 1" = "rule 2"/);
  });

  it('rates by the documented thresholds', () => {
    expect([95, 80, 65, 45, 10].map(ratingFor)).toEqual(['excellent', 'good', 'fair', 'poor', 'critical']);
  });
});

describe('automation analysis', () => {
  const steps = [step(1, 'Approve'), step(2, 'Welcome'), step(3, 'ERP')];
  const [approve, welcome, erp] = steps.map((item) => item.id) as [string, string, string];

  it('groups exact duplicates and same-trigger rules', () => {
    const analysis = analyzeAutomations(
      template(steps, [
        rule(1, [approve, 'approved'], [['show', welcome]]),
        rule(2, [approve, 'approved'], [['show', welcome]]),
        rule(3, [approve, 'approved'], [['show', erp]]),
      ]),
    );
    expect(analysis.redundant_groups.map((group) => group.kind).sort()).toEqual(['exact_duplicate', 'same_trigger']);
    expect(analysis.automations[0]?.when[0]).toContain('step "Approve" approved');
    expect(analysis.automations[0]?.then[0]).toBe('show step "Welcome"');
  });

  it('says who is assigned, how long a deadline is and which URL a webhook calls', () => {
    const detailed: Automation = {
      ...rule(4, [approve, 'approved'], []),
      then_actions: [
        {
          action_type: 'assignment',
          action_verb: 'assign_only',
          target_step_id: erp,
          assignees: { users: [20033], guests: ['sam@x.example'], groups: [] },
          position: 1,
        },
        {
          action_type: 'deadline',
          action_verb: 'deadline',
          target_step_id: erp,
          deadline: { value: 2, unit: 'days', option: 'from' },
          position: 2,
        },
        {
          action_type: 'webhook',
          action_verb: 'emit_webhook',
          target_step_id: erp,
          webhook_url: 'https://hooks.example/erp',
          alias_name: 'erp',
          position: 3,
        },
      ],
    };
    expect(analyzeAutomations(template(steps, [detailed])).automations[0]?.then).toEqual([
      'assign only step "ERP" → member 20033, guest sam@x.example',
      'set the deadline of step "ERP" to 2 days from the trigger',
      'call webhook https://hooks.example/erp for step "ERP"',
    ]);
  });

  it('suggests deleting duplicates, resolving conflicts, merging, and reviewing orphans — high priority first', () => {
    const report = suggestConsolidation(
      template(steps, [
        rule(1, [approve, 'approved'], [['show', welcome]]),
        rule(2, [approve, 'approved'], [['show', welcome]]),
        rule(3, [approve, 'rejected'], [['hide', erp]]),
        rule(4, [approve, 'rejected'], [['show', erp]]),
        rule(5, [hex(777), 'completed'], [['show', erp]]),
        rule(6, [erp, 'completed'], [['show', welcome]]),
        rule(7, [erp, 'completed'], [['assign', approve]]),
      ]),
    );
    const types = report.suggestions.map((item) => item.type);
    expect(types).toContain('exact_duplicate');
    expect(types).toContain('conflict');
    expect(types).toContain('orphaned_rule');
    expect(types).toContain('same_trigger_merge');
    expect(report.suggestions.findIndex((item) => item.priority === 'medium')).toBeGreaterThan(
      report.suggestions.findLastIndex((item) => item.priority === 'high'),
    );
    expect(report.suggestions.find((item) => item.type === 'orphaned_rule')?.orphaned_ids).toEqual([hex(777)]);
    expect(report.summary).toMatchObject({ total_automations: 7, total_suggestions: report.suggestions.length });
  });

  it('reports nothing for clean rules', () => {
    expect(suggestConsolidation(template(steps, [rule(1, [approve, 'approved'], [['show', welcome]])])).suggestions).toEqual([]);
  });
});

describe('field suggestions', () => {
  it('suggests kick-off fields from the words of the template, skipping what existing fields cover', () => {
    const draft = template([step(1, 'Review the client contract'), step(2, 'Send the invoice')], [], {
      prerun: [{ id: hex(50), checklist_id: hex(1), label: 'Client company', field_type: 'text', required: true, position: 1 }],
    });
    const labels = (suggestKickoffFields(draft).suggestions as { label: string }[]).map((item) => item.label);
    expect(labels).toContain('Supporting documents'); // contract
    expect(labels).toContain('Amount'); // invoice
    expect(labels).not.toContain('Client name'); // "Client company" covers it
  });

  it('suggests step fields from the step and its type', () => {
    const approval = step(2, 'Approve the budget', { step_type: 'approval' });
    const labels = (suggestStepFields(template([approval]), approval).suggestions as { label: string }[]).map((item) => item.label);
    expect(labels).toEqual(expect.arrayContaining(['Decision notes', 'Amount']));
    const plain = step(3, 'Tidy up');
    expect((suggestStepFields(template([plain]), plain).suggestions as { label: string }[]).map((item) => item.label)).toEqual(['Notes']);
  });
});
