import { describe, expect, it } from 'vitest';

import { validateTemplateMapping } from './mappingValidation';

const good = {
  title: 'Vendor onboarding',
  kickoff_form: [{ alias: 'tier', label: 'Tier', field_type: 'dropdown', required: true, options: [{ id: 1, text: 'Gold' }] }],
  steps: [
    { id: 'collect', title: 'Collect W-9', form_fields: [{ alias: 'w9', label: 'W-9', field_type: 'file', required: true }] },
    { id: 'approve', title: 'Approve', step_type: 'approval', deadline: { value: 1, unit: 'day', option: 'from', step: 'collect' } },
  ],
  automations: [
    {
      conditions: [{ conditionable_type: 'Prerun', conditionable_id: 'tier', operation: 'equals', statement: 'Gold', logic: 'and' }],
      actions: [
        {
          action_type: 'deadline',
          action_verb: 'deadline',
          target_step_id: 'approve',
          deadline: { value: 4, unit: 'hours', option: 'from' },
        },
        {
          action_type: 'webhook',
          action_verb: 'emit_webhook',
          target_step_id: 'approve',
          webhook_url: 'https://hooks.example/x',
          alias_name: 'x',
        },
      ],
    },
  ],
};

describe('validateTemplateMapping', () => {
  it('accepts a consistent draft and summarises it', () => {
    expect(validateTemplateMapping(good)).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      summary: { title: 'Vendor onboarding', kickoff_fields: 1, steps: 2, form_fields: 1, automations: 1 },
    });
  });

  it('finds bad vocabularies, wrong type/verb pairs, missing action details and dangling references', () => {
    const verdict = validateTemplateMapping({
      title: '',
      kickoff_form: [{ label: 'Size', field_type: 'number', required: true }],
      steps: [
        { id: 's1', title: 'One', step_type: 'meeting', deadline: { value: 2, unit: 'days', option: 'before', step: 'nowhere' } },
        { id: 's2', title: 'Two', form_fields: [{ label: 'Pick', field_type: 'radio', required: false, options: ['only'] }] },
      ],
      automations: [
        {
          conditions: [
            { conditionable_type: 'step', conditionable_id: 's1', operation: 'completed', statement: 'any_time' },
            { conditionable_type: 'Capture', conditionable_id: 'ghost', operation: 'completed', statement: null },
          ],
          actions: [
            { action_type: 'visibility', action_verb: 'assign', target_step_id: 's2' },
            { action_type: 'assignment', action_verb: 'assign', target_step_id: 's9' },
            { action_type: 'webhook', action_verb: 'emit_webhook', target_step_id: 's2' },
          ],
        },
      ],
    });
    expect(verdict.valid).toBe(false);
    const text = verdict.errors.join('\n');
    for (const expected of [
      /needs a title/,
      /field_type "number" is not one of/,
      /step_type "meeting"/,
      /option is "from" or "prior_to"/,
      /deadline\.step "nowhere" is not a step/,
      /radio field needs at least 2 options/,
      /conditionable_type must be Step, Capture or Prerun \(case-sensitive\), not "step"/,
      /"completed" is not a field operation/,
      /step form field "ghost" is not in this mapping/,
      /action_type "visibility" takes action_verb show or hide, not "assign"/,
      /target_step_id "s9" is not a step/,
      /assignment action needs assignees/,
      /webhook action needs webhook_url and alias_name/,
    ])
      expect(text).toMatch(expected);
  });
});
