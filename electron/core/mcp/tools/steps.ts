import { z } from 'zod';

import type { CaptureInput, StepInput } from '../../tallyfy/endpoints/templates';
import type { Step } from '../../tallyfy/types';
import { defineTool, nestAlias, ToolInputError, type Tool } from '../defineTool';

import { hexId, trimStep, userId } from './common';
import { stepOf, templateWithSteps } from './templates';

const templateIdArg = hexId('template');
const stepIdArg = hexId('step');

const deadlineArg = z
  .object({
    value: z.number().int().min(1).max(1000).describe('How many units.'),
    unit: z.enum(['minutes', 'hours', 'days', 'weeks', 'months']).describe('The unit.'),
  })
  .describe('Deadline relative to the process start, e.g. {"value":3,"unit":"days"}.');

/** The body of a step PUT: title and all three assignee arrays always (Tallyfy wipes what is left out). */
function stepBody(step: Step, patch: Partial<StepInput>): StepInput {
  return { title: step.title, assignees: step.assignees ?? [], guests: step.guests ?? [], groups: step.groups ?? [], ...patch };
}

/** Steps of templates: add, change, assign, reorder, delete. */
export const stepTools: Tool[] = [
  defineTool({
    name: 'add_step_to_template',
    title: 'Add a step',
    area: 'steps',
    effect: 'write',
    description: 'Adds a step to a template (at the end unless step_data.position is given).',
    aliases: nestAlias('step_data', ['title', 'description', 'position', 'step_type', 'deadline', 'assignees']),
    input: {
      template_id: templateIdArg,
      step_data: z.object({
        title: z.string().min(1).max(600).describe('Start with a verb.'),
        description: z.string().max(10_000).optional().describe('How to do it (text or HTML).'),
        position: z.number().int().min(1).max(9999).optional().describe('1-based; default last.'),
        step_type: z.enum(['task', 'approval', 'expiring', 'email']).default('task'),
        deadline: deadlineArg.optional(),
        assignees: z.array(userId).default([]).describe('Member ids.'),
      }),
    },
    run: async ({ template_id, step_data }, { client, signal }) => {
      const { title, description, position, step_type, deadline, assignees } = step_data;
      const template = await templateWithSteps(client, template_id, signal);
      const step = await client.steps.create(
        template_id,
        {
          title,
          step_type,
          position: position ?? template.steps.data.length + 1,
          assignees,
          guests: [],
          groups: [],
          ...(description ? { summary: description } : {}),
          ...(deadline ? { deadline: { ...deadline, option: 'from', step: 'start_run' } } : {}),
        },
        signal,
      );
      return trimStep(step);
    },
  }),
  defineTool({
    name: 'update_step',
    title: 'Update a step',
    area: 'steps',
    effect: 'write',
    idempotent: true,
    description: "Changes a step's title, type or deadline. Its description, assignees and form fields are kept.",
    input: {
      template_id: templateIdArg,
      step_id: stepIdArg,
      title: z.string().min(1).max(600).optional().describe('New title.'),
      step_type: z.enum(['task', 'approval', 'expiring', 'email']).optional().describe('New type.'),
      deadline: deadlineArg.optional(),
    },
    run: async ({ template_id, step_id, title, step_type, deadline }, { client, signal }) => {
      if (title === undefined && step_type === undefined && deadline === undefined)
        throw new ToolInputError('Nothing to change: give title, step_type or deadline.');
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      const patch: Partial<StepInput> = {
        ...(title !== undefined ? { title } : {}),
        ...(step_type !== undefined ? { step_type } : {}),
        ...(deadline ? { deadline: { ...deadline, option: 'from', step: 'start_run' } } : {}),
      };
      return trimStep(await client.steps.update(template_id, step_id, stepBody(step, patch), signal));
    },
  }),
  defineTool({
    name: 'edit_description_on_step',
    title: "Edit a step's description",
    area: 'steps',
    effect: 'write',
    idempotent: true,
    description: "Replaces a step's description (instructions shown on every task made from it). Title and assignees are kept.",
    input: {
      template_id: templateIdArg,
      step_id: stepIdArg,
      description: z.string().min(1).max(10_000).describe('The new description (plain text or HTML).'),
    },
    run: async ({ template_id, step_id, description }, { client, signal }) => {
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      return trimStep(await client.steps.update(template_id, step_id, stepBody(step, { summary: description }), signal));
    },
  }),
  defineTool({
    name: 'add_assignees_to_step',
    title: 'Assign step owners',
    area: 'steps',
    effect: 'write',
    idempotent: true,
    description: 'Adds members, guests or groups to the assignees of a template step; existing ones are kept.',
    aliases: nestAlias('assignees', ['users', 'guests', 'groups']),
    input: {
      template_id: templateIdArg,
      step_id: stepIdArg,
      assignees: z.object({
        users: z.array(userId).default([]),
        guests: z.array(z.email()).default([]),
        groups: z.array(hexId('group')).default([]),
      }),
    },
    run: async ({ template_id, step_id, assignees }, { client, signal }) => {
      const { users, guests, groups } = assignees;
      if (users.length + guests.length + groups.length === 0) throw new ToolInputError('Give at least one of users, guests or groups.');
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      const body = stepBody(step, {
        assignees: [...new Set([...(step.assignees ?? []), ...users])],
        guests: [...new Set([...(step.guests ?? []), ...guests])],
        groups: [...new Set([...(step.groups ?? []), ...groups])],
      });
      return trimStep(await client.steps.update(template_id, step_id, body, signal));
    },
  }),
  defineTool({
    name: 'remove_assignees_from_step',
    title: 'Remove step owners',
    area: 'steps',
    effect: 'write',
    idempotent: true,
    description: 'Removes members, guests or groups from the owners of a template step. Other owners are kept.',
    input: {
      template_id: templateIdArg,
      step_id: stepIdArg,
      users: z.array(userId).default([]).describe('Member ids to remove.'),
      guests: z.array(z.email()).default([]).describe('Guest emails to remove.'),
      groups: z.array(hexId('group')).default([]).describe('Group ids to remove.'),
    },
    run: async ({ template_id, step_id, users, guests, groups }, { client, signal }) => {
      if (users.length + guests.length + groups.length === 0) throw new ToolInputError('Give at least one of users, guests or groups.');
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      const body = stepBody(step, {
        assignees: (step.assignees ?? []).filter((id) => !users.includes(id)),
        guests: (step.guests ?? []).filter((email) => !guests.includes(email)),
        groups: (step.groups ?? []).filter((id) => !groups.includes(id)),
      });
      return trimStep(await client.steps.update(template_id, step_id, body, signal));
    },
  }),
  defineTool({
    name: 'reorder_step',
    title: 'Move a step',
    area: 'steps',
    effect: 'write',
    idempotent: true,
    description: 'Moves a step to a new 1-based position in its template; the other steps shift. Returns the new order.',
    input: {
      template_id: templateIdArg,
      step_id: stepIdArg,
      position: z.number().int().min(1).max(9999).describe('The new 1-based position.'),
    },
    run: async ({ template_id, step_id, position }, { client, signal }) => {
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      await client.steps.update(template_id, step_id, stepBody(step, { position }), signal);
      const after = await templateWithSteps(client, template_id, signal);
      return { template_id, order: after.steps.data.map((item) => ({ id: item.id, title: item.title, position: item.position })) };
    },
  }),
  defineTool({
    name: 'delete_step',
    title: 'Delete a step',
    area: 'steps',
    effect: 'destructive',
    description:
      'Deletes a step and its form fields from a template. Refused while a rule or another step depends on it. Running processes keep their tasks.',
    input: { template_id: templateIdArg, step_id: stepIdArg },
    run: async ({ template_id, step_id }, { client, signal }) => {
      await client.steps.delete(template_id, step_id, signal);
      return { deleted: true, template_id, step_id };
    },
  }),
  defineTool({
    name: 'suggest_step_deadline',
    title: 'Suggest a step deadline',
    area: 'steps',
    effect: 'read',
    description:
      "Suggests a deadline for a template step from what the step is about (review/approve: 4 hours; email/call: 1 day; test: 2 days; analyse: 3 days; document/report: 5 days; meeting: 1 week; otherwise 2 days), with the reason and the step's current deadline. Apply it with update_step.",
    input: { template_id: templateIdArg, step_id: stepIdArg },
    run: async ({ template_id, step_id }, { client, signal }) => {
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      const text = `${step.title} ${step.summary ?? ''}`.toLowerCase();
      const rules: [RegExp, { value: number; unit: 'hours' | 'days' | 'weeks' }, string][] = [
        [
          /\b(review|approv|sign[- ]?off|check)/,
          { value: 4, unit: 'hours' },
          'reviews and approvals should not block the process for long',
        ],
        [/\b(e-?mail|call|phone|notify|send)/, { value: 1, unit: 'days' }, 'messages and calls are quick to do'],
        [/\b(test|qa|verify)/, { value: 2, unit: 'days' }, 'testing needs some time to set up and run'],
        [/\b(analy[sz]|investigat|research|assess)/, { value: 3, unit: 'days' }, 'analysis needs time to gather and read information'],
        [/\b(document|report|write|draft)/, { value: 5, unit: 'days' }, 'writing takes several working days'],
        [/\b(meeting|workshop|interview)/, { value: 1, unit: 'weeks' }, 'meetings need calendars to line up'],
      ];
      const match = rules.find(([pattern]) => pattern.test(text));
      const [, deadline, reason] = match ?? [undefined, { value: 2, unit: 'days' as const }, 'a sensible default for ordinary tasks'];
      return {
        step_id,
        step_title: step.title,
        current_deadline: step.deadline,
        suggested_deadline: { ...deadline, option: 'from', step: 'start_run' },
        reason,
      };
    },
  }),
  defineTool({
    name: 'clone_step',
    title: 'Clone a step',
    area: 'steps',
    effect: 'write',
    description: 'Copies a step (type, description, deadline, assignees and form fields) right after the original.',
    input: { template_id: templateIdArg, step_id: stepIdArg },
    run: async ({ template_id, step_id }, { client, signal }) => {
      const step = stepOf(await templateWithSteps(client, template_id, signal), step_id);
      const copy = await client.steps.create(
        template_id,
        {
          title: step.title,
          step_type: step.step_type,
          position: step.position + 1,
          assignees: step.assignees ?? [],
          guests: step.guests ?? [],
          groups: step.groups ?? [],
          ...(step.summary ? { summary: step.summary } : {}),
          ...(step.deadline ? { deadline: step.deadline } : {}),
        },
        signal,
      );
      const captures = [];
      for (const capture of [...(step.captures ?? [])].sort((a, b) => a.position - b.position)) {
        const { id: _id, step_id: _step, alias: _alias, created_at: _created, last_updated: _updated, ...definition } = capture;
        captures.push(await client.captures.create(template_id, copy.id, definition as CaptureInput, signal));
      }
      return { ...trimStep({ ...copy, captures }), cloned_from: step_id };
    },
  }),
];
