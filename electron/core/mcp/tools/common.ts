import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';
import type {
  Capture,
  Comment,
  FieldOption,
  Group,
  Guest,
  Owners,
  Page,
  PrerunField,
  Run,
  Step,
  Tag,
  Task,
  Template,
  User,
} from '../../tallyfy/types';
import { ToolInputError, ToolLookupError } from '../defineTool';
import { defaultPageSize, listed, pick, plain, plainField, type Listed } from '../toolOutput';

/** `outputSchema` of a list answer: `{data: [...], meta: {...}}` (loose: extra keys pass). */
export const listOutput = z.looseObject({
  data: z.array(z.looseObject({})),
  meta: z.looseObject({ truncated: z.boolean() }),
});

/** `outputSchema` of one object with an id (loose). */
export const objectOutput = z.looseObject({ id: z.union([z.string(), z.number()]) });

/** `outputSchema` of a list without paging meta: `{count, data: [...]}` (loose). */
export const countedListOutput = z.looseObject({ count: z.number(), data: z.array(z.looseObject({})) });

/** `outputSchema` of one object with `key` holding an array of objects (loose), e.g. `{template_id, steps: [...]}`. */
export const objectWithList = (key: string, extra: z.ZodRawShape = {}) => z.looseObject({ ...extra, [key]: z.array(z.looseObject({})) });

/** `outputSchema` of a search: `{query, <kind>: {data, meta}}` for each kind searched (loose). */
export const searchOutput = (kinds: readonly string[]) =>
  z.looseObject({ query: z.string(), ...Object.fromEntries(kinds.map((kind) => [kind, listOutput.optional()])) });

/** A Tallyfy object id: 32 hexadecimal characters. */
export const hexId = (what: string): z.ZodString =>
  z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, `must be a 32-character hexadecimal ${what} id`)
    .describe(`The ${what} id: 32 hexadecimal characters, as returned by other tools.`);

/** A member (user) id: a positive integer. */
export const userId = z.number().int().positive().describe('The member (user) id: an integer, e.g. from get_organization_users.');

/** Page number for list tools (1-based). */
export const pageArg = z
  .number()
  .int()
  .min(1)
  .max(10_000)
  .default(1)
  .describe('Page number, starting at 1. Use the next page when meta.truncated is true.');

/** Page size for list tools. */
export const perPageArg = z
  .number()
  .int()
  .min(1)
  .max(100)
  .default(defaultPageSize)
  .describe(`Items per page, 1–100. Default ${defaultPageSize}.`);

/** Assignees as Tallyfy takes them. */
export const ownersArg = z
  .object({
    users: z.array(userId).optional().describe('Member ids.'),
    guests: z.array(z.email()).optional().describe('Guest email addresses.'),
    groups: z.array(hexId('group')).optional().describe('Group ids.'),
  })
  .describe('Assignees by bucket. A bucket you leave out is kept as it is.');

/** Completes an owners patch with the current buckets, so a PUT never wipes the ones not mentioned. */
export function mergeOwners(current: Partial<Owners> | undefined, patch: Partial<Owners> | undefined): Owners {
  return {
    users: patch?.users ?? current?.users ?? [],
    guests: patch?.guests ?? current?.guests ?? [],
    groups: patch?.groups ?? current?.groups ?? [],
  };
}

/** A list answer from one Tallyfy page. */
export function fromPage<T, U>(result: Page<T>, trim: (item: T) => U, page: number, perPage: number): Listed<U> {
  return listed(result.data, trim, {
    page,
    perPage,
    total: result.pagination.total,
    totalPages: result.pagination.total_pages,
    pagedUpstream: true,
  });
}

/** A list answer from a whole array (paged here). */
export function fromArray<T, U>(items: readonly T[], trim: (item: T) => U, page: number, perPage: number): Listed<U> {
  return listed(items, trim, { page, perPage, pagedUpstream: false });
}

export function trimTask(task: Task): Record<string, unknown> {
  return {
    ...pick(task, [
      'id',
      'title',
      'status',
      'task_type',
      'run_id',
      'step_id',
      'is_oneoff_task',
      'deadline',
      'owners',
      'problem',
      'position',
      'completed_at',
      'is_approved',
    ]),
    ...plainField('summary', task.summary, 300),
  };
}

/** A task with its form fields and answers (no HTML). */
export function detailTask(task: Task): Record<string, unknown> {
  return {
    ...trimTask(task),
    ...plainField('summary', task.summary, 2000),
    ...pick(task, ['started_at', 'created_at', 'completer_id', 'taskdata']),
    ...(task.form_fields
      ? { form_fields: task.form_fields.data.map((field) => pick(field, ['id', 'label', 'field_type', 'required', 'options', 'value'])) }
      : {}),
    ...(task.threads ? { comments: task.threads.data.map(trimComment) } : {}),
  };
}

export function trimRun(run: Run): Record<string, unknown> {
  return pick(run, [
    'id',
    'name',
    'status',
    'checklist_id',
    'checklist_title',
    'progress',
    'owner_id',
    'starred',
    'due_date',
    'created_at',
    'completed_at',
    'archived_at',
  ]);
}

export function detailRun(run: Run): Record<string, unknown> {
  return {
    ...trimRun(run),
    ...plainField('summary', run.summary, 2000),
    ...pick(run, ['prerun', 'prerun_status', 'users', 'groups', 'late_tasks', 'started_at', 'last_updated']),
    ...(run.tasks ? { tasks: run.tasks.data.map(trimTask) } : {}),
    ...(run.next_task ? { next_task: run.next_task.data.map(trimTask)[0] ?? null } : {}),
    ...(run.tags ? { tags: run.tags.data.map(trimTag) } : {}),
  };
}

export function trimTemplate(template: Template): Record<string, unknown> {
  return {
    ...pick(template, ['id', 'title', 'type', 'status', 'steps_count', 'folder_id', 'owner_id', 'starred', 'archived_at', 'last_updated']),
    ...plainField('summary', template.summary, 300),
  };
}

export function trimCapture(capture: Capture | PrerunField): Record<string, unknown> {
  return {
    ...pick(capture, ['id', 'label', 'field_type', 'required', 'position', 'options', 'columns', 'alias']),
    ...plainField('guidance', capture.guidance, 300),
  };
}

export function trimStep(step: Step): Record<string, unknown> {
  return {
    ...pick(step, ['id', 'title', 'step_type', 'position', 'assignees', 'guests', 'groups', 'deadline']),
    ...plainField('summary', step.summary, 500),
    captures: (step.captures ?? []).map(trimCapture),
  };
}

export function detailTemplate(template: Template): Record<string, unknown> {
  return {
    ...trimTemplate(template),
    ...plainField('summary', template.summary, 2000),
    ...plainField('guidance', template.guidance, 2000),
    ...pick(template, ['users', 'groups']),
    prerun: [...(template.prerun ?? [])].sort((a, b) => a.position - b.position).map(trimCapture),
    steps: [...(template.steps?.data ?? [])].sort((a, b) => a.position - b.position).map(trimStep),
    automated_actions: (template.automated_actions ?? []).map((rule) => ({
      id: rule.id,
      automated_alias: rule.automated_alias,
      conditions: rule.conditions.map((condition) =>
        pick(condition, ['conditionable_id', 'conditionable_type', 'operation', 'statement', 'logic']),
      ),
      then_actions: rule.then_actions.map((action) =>
        pick(action, ['action_type', 'action_verb', 'target_step_id', 'deadline', 'assignees', 'webhook_url']),
      ),
    })),
    ...(template.tags ? { tags: template.tags.data.map(trimTag) } : {}),
  };
}

export function trimUser(user: User): Record<string, unknown> {
  return {
    ...pick(user, ['id', 'email', 'first_name', 'last_name', 'full_name', 'role', 'status', 'job_title', 'timezone']),
    ...(user.groups ? { groups: user.groups.data.map((group) => pick(group, ['id', 'name'])) } : {}),
  };
}

export function trimGuest(guest: Guest): Record<string, unknown> {
  return {
    ...pick(guest, ['id', 'email', 'first_name', 'last_name']),
    ...(guest.details ? pick(guest.details, ['company_name', 'phone_1', 'phone_2', 'associated_members', 'disabled_at']) : {}),
  };
}

export function trimGroup(group: Group): Record<string, unknown> {
  return pick(group, ['id', 'name', 'description', 'members', 'guests']);
}

export function trimComment(comment: Comment): Record<string, unknown> {
  return {
    ...pick(comment, ['id', 'label', 'state', 'author_id', 'resolve_id', 'created_at']),
    content: plain(comment.content, 1000) ?? '',
  };
}

export function trimTag(tag: Tag): Record<string, unknown> {
  return pick(tag, ['id', 'title', 'color', 'association_id']);
}

/** Case-insensitive "contains" match on a name. */
export function nameMatches(candidate: string | undefined | null, wanted: string): boolean {
  return !!candidate && candidate.toLowerCase().includes(wanted.trim().toLowerCase());
}

/** Finds the option a value names (by id, or by text ignoring case). */
function option(field: Capture | PrerunField, value: unknown, what: string): FieldOption {
  const options = field.options ?? [];
  const wanted =
    value && typeof value === 'object' ? ((value as { text?: unknown; id?: unknown }).text ?? (value as { id?: unknown }).id) : value;
  const found = options.find(
    (item) => item.id === wanted || (typeof wanted === 'string' && item.text.toLowerCase() === wanted.trim().toLowerCase()),
  );
  if (!found) {
    throw new ToolInputError(
      `"${String(wanted)}" is not an option of ${what} "${field.label}". Options: ${options.map((item) => `"${item.text}"`).join(', ')}.`,
    );
  }
  return { id: found.id, text: found.text };
}

/**
 * Turns form values (kick-off or task) keyed by field id, alias or label into Tallyfy's `prerun` object keyed by
 * timeline id, with choice values in the shape each field type needs. Unknown keys are refused
 * (Tallyfy would silently drop them).
 */
export function encodeFieldValues(
  fields: readonly (Capture | PrerunField)[],
  values: Record<string, unknown>,
  what = 'kick-off field',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const lower = key.trim().toLowerCase();
    const field = fields.find((item) => item.id === key || item.alias?.toLowerCase() === lower || item.label.toLowerCase() === lower);
    if (!field) {
      throw new ToolInputError(
        `"${key}" is not a ${what} here. Fields: ${fields.map((item) => `"${item.label}" (${item.id})`).join(', ') || 'none'}.`,
      );
    }
    switch (field.field_type) {
      case 'dropdown':
        out[field.id] = option(field, value, what);
        break;
      case 'radio':
        out[field.id] = option(field, value, what).text;
        break;
      case 'multiselect':
        out[field.id] = (Array.isArray(value) ? value : [value]).map((item) => ({ ...option(field, item, what), selected: true }));
        break;
      case 'textarea':
      case 'text':
      case 'email':
        out[field.id] = typeof value === 'string' ? value : String(value);
        break;
      default:
        out[field.id] = value;
    }
  }
  return out;
}

/** A folder id from an id or a folder name (of `type`), refusing unknown or ambiguous names. */
export async function folderIdOf(client: TallyfyClient, folder: string, type: 'checklist' | 'run', signal: AbortSignal): Promise<string> {
  if (/^[0-9a-f]{32}$/i.test(folder)) return folder;
  const folders = (await client.folders.list({ folder_type: type, q: folder, per_page: 100 }, signal)).data;
  const exact = folders.filter((item) => item.name.toLowerCase() === folder.trim().toLowerCase());
  const chosen = exact.length > 0 ? exact : folders.filter((item) => nameMatches(item.name, folder));
  if (chosen.length !== 1)
    throw new ToolLookupError(
      chosen.length === 0
        ? `No ${type === 'run' ? 'process' : 'template'} folder is named "${folder}".`
        : `"${folder}" matches folders ${chosen.map((item) => `"${item.name}" (${item.id})`).join(', ')}. Pass the folder id.`,
    );
  return (chosen[0] as { id: string }).id;
}
