import { readFile } from 'node:fs/promises';

import { z } from 'zod';

/**
 * The sandbox seed: everything the in-memory Tallyfy starts with. Documented in docs/sandbox-seed.md.
 * Objects are "loose": keys beyond the listed ones are kept and returned as they are, so a seed can
 * carry any extra field the real API shows.
 */
const hex32 = z.string().regex(/^[0-9a-f]{32}$/, 'must be a 32-character lowercase hex id');
const userId = z.number().int().positive();
const timestamp = z.string().min(1);

export const ownersSchema = z.object({
  users: z.array(userId).default([]),
  guests: z.array(z.string()).default([]),
  groups: z.array(hex32).default([]),
});

export const fieldTypeSchema = z.enum(['text', 'textarea', 'radio', 'dropdown', 'multiselect', 'date', 'email', 'file', 'table', 'assignees_form']);
const optionSchema = z.looseObject({ id: z.number().int(), text: z.string() });
const columnSchema = z.looseObject({ id: z.number().int(), label: z.string() });

export const seedUserSchema = z.looseObject({
  id: userId,
  /** Bearer token that signs in as this user (sandbox only). Users without one cannot call the API. */
  token: z.string().min(4).optional(),
  email: z.email(),
  username: z.string().optional(),
  first_name: z.string(),
  last_name: z.string(),
  role: z.enum(['admin', 'standard', 'light']),
  status: z.enum(['active', 'invited', 'disabled']).default('active'),
  timezone: z.string().nullable().default(null),
  job_title: z.string().nullable().default(null),
  created_at: timestamp.optional(),
});

export const seedGuestSchema = z.looseObject({
  id: userId,
  email: z.email(),
  first_name: z.string().nullable().default(null),
  last_name: z.string().nullable().default(null),
  /** Guest-link code, used by `GET /guests/{code}/tasks`. */
  code: z.string().min(1),
  details: z.looseObject({}).default({}),
  created_at: timestamp.optional(),
});

export const seedGroupSchema = z.looseObject({
  id: hex32,
  name: z.string().min(1).max(200),
  description: z.string(),
  members: z.array(userId).default([]),
  guests: z.array(z.string()).default([]),
});

export const seedTagSchema = z.looseObject({
  id: hex32,
  title: z.string().min(1).max(30),
  color: z.string().nullable().default(null),
  auto_generated: z.boolean().default(false),
});

export const seedFolderSchema = z.looseObject({
  id: hex32,
  name: z.string().min(1).max(32),
  folder_type: z.enum(['checklist', 'run']),
  parent_id: hex32.nullable().default(null),
  position: z.number().int().default(1),
});

export const seedCaptureSchema = z.looseObject({
  id: hex32,
  alias: z.string().optional(),
  label: z.string().min(1),
  field_type: fieldTypeSchema,
  required: z.boolean(),
  position: z.number().int().min(1),
  options: z.array(optionSchema).default([]),
  columns: z.array(columnSchema).default([]),
  guidance: z.string().nullable().default(null),
});

export const seedStepSchema = z.looseObject({
  id: hex32,
  alias: z.string().optional(),
  title: z.string().min(1).max(600),
  summary: z.string().nullable().default(null),
  step_type: z.enum(['task', 'approval', 'expiring', 'email', 'expiring_email']).default('task'),
  position: z.number().int().min(1),
  assignees: z.array(userId).default([]),
  guests: z.array(z.string()).default([]),
  groups: z.array(hex32).default([]),
  deadline: z
    .looseObject({ value: z.number(), unit: z.string(), option: z.string(), step: z.string() })
    .nullable()
    .default(null),
  captures: z.array(seedCaptureSchema).default([]),
});

export const seedPrerunSchema = seedCaptureSchema;

export const conditionSchema = z.looseObject({
  id: hex32.optional(),
  conditionable_id: z.string().min(1),
  conditionable_type: z.enum(['Step', 'Capture', 'Prerun']),
  operation: z.string().min(1),
  statement: z.unknown(),
  logic: z.enum(['and', 'or']).default('and'),
  position: z.number().int().min(1).default(1),
});

export const actionSchema = z.looseObject({
  id: hex32.optional(),
  action_type: z.enum(['visibility', 'deadline', 'status', 'assignment', 'webhook']),
  action_verb: z.string().min(1),
  target_step_id: z.string().min(1),
  deadline: z.looseObject({ value: z.number(), unit: z.string(), option: z.string() }).nullable().optional(),
  assignees: z.looseObject({}).nullable().optional(),
  webhook_url: z.string().nullable().optional(),
  alias_name: z.string().nullable().optional(),
  position: z.number().int().min(1).default(1),
});

export const seedAutomationSchema = z.looseObject({
  id: hex32,
  automated_alias: z.string().min(1).max(300),
  conditions: z.array(conditionSchema).default([]),
  then_actions: z.array(actionSchema).default([]),
});

export const seedTemplateSchema = z.looseObject({
  id: hex32,
  title: z.string().min(1).max(250),
  type: z.enum(['procedure', 'form', 'document']).default('procedure'),
  summary: z.string().nullable().default(null),
  guidance: z.string().nullable().default(null),
  status: z.string().nullable().default('active'),
  owner_id: userId.nullable().default(null),
  folder_id: hex32.nullable().default(null),
  starred: z.boolean().default(false),
  users: z.array(userId).default([]),
  groups: z.array(hex32).default([]),
  /** Tags attached to the template. */
  tag_ids: z.array(hex32).default([]),
  archived_at: timestamp.nullable().default(null),
  created_at: timestamp.optional(),
  prerun: z.array(seedPrerunSchema).default([]),
  automated_actions: z.array(seedAutomationSchema).default([]),
  steps: z.array(seedStepSchema).default([]),
});

export const seedRunSchema = z.looseObject({
  id: hex32,
  checklist_id: hex32,
  name: z.string().min(1).max(550),
  summary: z.string().nullable().default(null),
  status: z.enum(['active', 'complete', 'problem', 'archived']).default('active'),
  owner_id: userId.nullable().default(null),
  prerun: z.record(z.string(), z.unknown()).default({}),
  prerun_status: z.enum(['complete', 'pending']).default('complete'),
  starred: z.boolean().default(false),
  users: z.array(userId).default([]),
  groups: z.array(hex32).default([]),
  tag_ids: z.array(hex32).default([]),
  /** Run folders the process is filed in. */
  folder_ids: z.array(hex32).default([]),
  archived_at: timestamp.nullable().default(null),
  created_at: timestamp.optional(),
});

export const seedTaskSchema = z.looseObject({
  id: hex32,
  title: z.string().min(1).max(600),
  /** null for a one-off task. */
  run_id: hex32.nullable().default(null),
  step_id: hex32.nullable().default(null),
  summary: z.string().nullable().default(null),
  status: z.enum(['not-started', 'in-progress', 'completed', 'auto-skipped']).default('not-started'),
  task_type: z.enum(['task', 'approval', 'expiring', 'email', 'expiring_email']).default('task'),
  position: z.number().int().min(1).default(1),
  owners: ownersSchema.default({ users: [], guests: [], groups: [] }),
  deadline: timestamp.nullable().default(null),
  taskdata: z.record(z.string(), z.unknown()).default({}),
  is_approved: z.boolean().nullable().default(null),
  completed_at: timestamp.nullable().default(null),
  completer_id: userId.nullable().default(null),
  archived_at: timestamp.nullable().default(null),
  created_at: timestamp.optional(),
  tag_ids: z.array(hex32).default([]),
});

export const seedThreadSchema = z.looseObject({
  id: hex32,
  task_id: hex32,
  content: z.string().min(1),
  label: z.enum(['comment', 'problem', 'resolve', 'improvement', 'advice']).default('comment'),
  state: z.enum(['hide-for-guests', 'open', 'collapsed']).default('hide-for-guests'),
  author_id: userId,
  resolve_id: hex32.nullable().default(null),
  created_at: timestamp.optional(),
});

export const seedOrgSchema = z.looseObject({
  id: hex32,
  name: z.string().min(1),
  timezone: z.string().nullable().default('UTC'),
  users: z.array(seedUserSchema).min(1),
  guests: z.array(seedGuestSchema).default([]),
  groups: z.array(seedGroupSchema).default([]),
  tags: z.array(seedTagSchema).default([]),
  folders: z.array(seedFolderSchema).default([]),
  templates: z.array(seedTemplateSchema).default([]),
  runs: z.array(seedRunSchema).default([]),
  tasks: z.array(seedTaskSchema).default([]),
  threads: z.array(seedThreadSchema).default([]),
});

export const sandboxSeedSchema = z
  .object({ orgs: z.array(seedOrgSchema).min(1) })
  .superRefine((seed, ctx) => {
    const tokens = new Set<string>();
    seed.orgs.forEach((org, orgIndex) => {
      org.users.forEach((user, userIndex) => {
        if (!user.token) return;
        if (tokens.has(user.token)) ctx.addIssue({ code: 'custom', path: ['orgs', orgIndex, 'users', userIndex, 'token'], message: 'token is used twice' });
        tokens.add(user.token);
      });
      const templates = new Set(org.templates.map((template) => template.id));
      const runs = new Set(org.runs.map((run) => run.id));
      const tasks = new Set(org.tasks.map((task) => task.id));
      org.runs.forEach((run, index) => {
        if (!templates.has(run.checklist_id))
          ctx.addIssue({ code: 'custom', path: ['orgs', orgIndex, 'runs', index, 'checklist_id'], message: `no template ${run.checklist_id} in this org` });
      });
      org.tasks.forEach((task, index) => {
        if (task.run_id !== null && !runs.has(task.run_id))
          ctx.addIssue({ code: 'custom', path: ['orgs', orgIndex, 'tasks', index, 'run_id'], message: `no run ${task.run_id} in this org` });
      });
      org.threads.forEach((thread, index) => {
        if (!tasks.has(thread.task_id))
          ctx.addIssue({ code: 'custom', path: ['orgs', orgIndex, 'threads', index, 'task_id'], message: `no task ${thread.task_id} in this org` });
      });
    });
  });

/** A sandbox seed as written (defaults optional). */
export type SandboxSeed = z.input<typeof sandboxSeedSchema>;
/** A seed after validation, with defaults filled in. */
export type ParsedSeed = z.output<typeof sandboxSeedSchema>;
export type SeedOrg = ParsedSeed['orgs'][number];

/** Thrown when a seed is not valid; the message names the file, the path and the problem. */
export class SeedError extends Error {
  readonly code = 'SANDBOX_SEED_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

/** Validates a seed, filling defaults. Throws {@link SeedError} listing up to 5 problems. */
export function parseSeed(input: unknown, source = 'seed'): ParsedSeed {
  const result = sandboxSeedSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
  throw new SeedError(`Invalid sandbox seed in ${source}: ${problems.join('; ')}${more}. See docs/sandbox-seed.md for the format.`);
}

/** Reads and validates a JSON seed file. Throws {@link SeedError} for unreadable, non-JSON or invalid files. */
export async function loadSeedFile(path: string): Promise<ParsedSeed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SeedError(`Cannot read sandbox seed file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError(`Sandbox seed file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSeed(json, path);
}
