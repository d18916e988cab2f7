import { z } from 'zod';

import { defineTool, type ElicitAnswer, type ElicitRequest, type Tool, type ToolContext } from '../defineTool';

const questionArg = z.string().min(1).max(2000).describe('The question, as the person should read it.');
const headerArg = z.string().max(200).optional().describe('Short heading above the question.');

const fieldArg = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/, 'must be letters, digits or _')
    .describe('Key of the answer.'),
  label: z.string().max(200).optional(),
  type: z.enum(['text', 'textarea', 'number', 'boolean', 'select', 'multiselect', 'date', 'email']).default('text'),
  required: z.boolean().default(true),
  options: z.array(z.string().min(1).max(200)).max(50).optional().describe('Choices for select and multiselect.'),
});

type Field = z.infer<typeof fieldArg>;

/** The JSON Schema of one form field, as elicitation takes it (primitive types only). */
function fieldSchema(field: Field): Record<string, unknown> {
  const title = field.label ?? field.name;
  switch (field.type) {
    case 'number':
      return { type: 'number', title };
    case 'boolean':
      return { type: 'boolean', title };
    case 'select':
      return { type: 'string', title, enum: field.options ?? [] };
    case 'multiselect':
      return { type: 'array', title, items: { type: 'string', enum: field.options ?? [] } };
    case 'date':
      return { type: 'string', title, format: 'date' };
    case 'email':
      return { type: 'string', title, format: 'email' };
    default:
      return { type: 'string', title };
  }
}

/** What a tool returns when it cannot ask itself: the question for the model to put to the person, answered next turn. */
const forTheModel = (kind: string, body: Record<string, unknown>) => ({
  status: 'needs_user_answer',
  ui: kind,
  ...body,
  instructions: 'This client cannot show forms. Ask the person this in your reply and continue when they answer.',
});

/** Asks through elicitation and turns a decline or dismissal into a clear result. */
async function ask(ctx: ToolContext, request: ElicitRequest): Promise<ElicitAnswer | undefined> {
  if (!ctx.elicit) return undefined;
  return ctx.elicit(request);
}

const notAnswered = (answer: ElicitAnswer) => ({
  answered: false,
  action: answer.action,
  note: answer.action === 'decline' ? 'The person declined to answer.' : 'The person dismissed the question.',
});

/** Questions to the person using the client: forms, rankings and confirmations. */
export const interactionTools: Tool[] = [
  defineTool({
    name: 'ask_user_question',
    title: 'Ask the user',
    area: 'interaction',
    effect: 'read',
    openWorld: false,
    description: 'Asks the person a question with a small form and returns their answers. Use it when a required detail is missing.',
    input: {
      question: questionArg,
      fields: z.array(fieldArg).min(1).max(20).describe('The form fields.'),
      submit_label: z.string().max(50).optional(),
      header: headerArg,
    },
    run: async ({ question, fields, submit_label, header }, ctx) => {
      for (const field of fields)
        if ((field.type === 'select' || field.type === 'multiselect') && !field.options?.length)
          return forTheModel('question', { error: `Field "${field.name}" is a ${field.type} and needs options.` });
      const answer = await ask(ctx, {
        message: header ? `${header}\n\n${question}` : question,
        requestedSchema: {
          type: 'object',
          properties: Object.fromEntries(fields.map((field) => [field.name, fieldSchema(field)])),
          required: fields.filter((field) => field.required).map((field) => field.name),
        },
      });
      if (!answer) return forTheModel('question', { question, header, fields, submit_label });
      if (answer.action !== 'accept') return notAnswered(answer);
      return { answered: true, answers: answer.content ?? {} };
    },
  }),
  defineTool({
    name: 'ask_user_to_rank',
    title: 'Ask the user to rank',
    area: 'interaction',
    effect: 'read',
    openWorld: false,
    description: 'Asks the person to put items in order of preference or priority and returns the ranking, first = top.',
    input: {
      question: questionArg,
      items: z.array(z.string().min(1).max(200)).min(2).max(10).describe('The items to rank.'),
      header: headerArg,
    },
    run: async ({ question, items, header }, ctx) => {
      const answer = await ask(ctx, {
        message: `${header ? `${header}\n\n` : ''}${question}\nChoose one item per place; each item once.`,
        requestedSchema: {
          type: 'object',
          properties: Object.fromEntries(
            items.map((_, index) => [`place_${index + 1}`, { type: 'string', title: `Place ${index + 1}`, enum: items }]),
          ),
          required: items.map((_, index) => `place_${index + 1}`),
        },
      });
      if (!answer) return forTheModel('rank', { question, header, items });
      if (answer.action !== 'accept') return notAnswered(answer);
      const ranking = items.map((_, index) => String(answer.content?.[`place_${index + 1}`] ?? ''));
      const repeated = ranking.filter((item, index) => ranking.indexOf(item) !== index);
      if (repeated.length > 0 || ranking.some((item) => !items.includes(item)))
        return {
          answered: true,
          ranking,
          warning: `Some items were placed more than once (${[...new Set(repeated)].join(', ')}); confirm the order with the person.`,
        };
      return { answered: true, ranking };
    },
  }),
  defineTool({
    name: 'ask_user_to_confirm',
    title: 'Ask the user to confirm',
    area: 'interaction',
    effect: 'read',
    openWorld: false,
    description: 'Asks the person a yes/no confirmation before you act and returns confirmed true or false.',
    input: {
      question: questionArg,
      details: z.string().max(4000).optional().describe('What exactly will happen.'),
      confirm_label: z.string().max(50).optional(),
      cancel_label: z.string().max(50).optional(),
      header: headerArg,
    },
    run: async ({ question, details, confirm_label, cancel_label, header }, ctx) => {
      const answer = await ask(ctx, {
        message: [header, question, details].filter(Boolean).join('\n\n'),
        requestedSchema: {
          type: 'object',
          properties: { confirmed: { type: 'boolean', title: confirm_label ?? 'Yes, go ahead', default: false } },
          required: ['confirmed'],
        },
      });
      if (!answer) return forTheModel('confirm', { question, details, confirm_label, cancel_label, header });
      if (answer.action !== 'accept') return { answered: answer.action === 'decline', confirmed: false, action: answer.action };
      return { answered: true, confirmed: answer.content?.confirmed === true };
    },
  }),
];
