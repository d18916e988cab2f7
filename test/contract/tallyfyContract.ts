import { describe, expect, it } from 'vitest';

import {
  createTallyfyClient,
  isTallyfyError,
  type TallyfyClient,
  type TallyfyClientOptions,
  type TallyfyError,
} from '../../electron/core/tallyfy';

/** Where the contract suite runs: a sandbox or the real Tallyfy API. */
export interface ContractTarget {
  baseUrl: string;
  token: string;
  orgId: string;
  /** Extra client options (e.g. a short retry base delay for the sandbox). */
  clientOptions?: Partial<TallyfyClientOptions>;
}

/** Runs `fn` and returns the TallyfyError it throws (fails the test when it does not throw one). */
async function expectTallyfyError(fn: () => Promise<unknown>): Promise<TallyfyError> {
  try {
    await fn();
  } catch (error) {
    if (isTallyfyError(error)) return error;
    throw error;
  }
  throw new Error('expected a TallyfyError, but the call succeeded');
}

/** Asserts no text reachable from `error` (message, JSON, stack) contains `token`. */
function expectNoToken(error: unknown, token: string): void {
  const texts = [String(error), JSON.stringify(error), error instanceof Error ? (error.stack ?? '') : ''];
  for (const text of texts) expect(text).not.toContain(token);
}

const missingId = 'ffffffffffffffffffffffffffffffff';
const unique = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * Registers the Tallyfy client contract: every endpoint family and the error classes that a real
 * API can produce without fault injection. `getTarget` is called inside the tests (after a
 * `beforeAll` has started a sandbox, for example).
 */
export function registerTallyfyContract(
  getTarget: () => ContractTarget,
  options: {
    /**
     * Whether the suite may create, change and delete data (tags, one-off tasks, templates, runs).
     * Always true for the sandbox; for the real API only when TALLYFY_CONTRACT_ALLOW_WRITES=1.
     */
    allowWrites: boolean;
  },
): void {
  let cached: TallyfyClient | undefined;
  const client = (): TallyfyClient => {
    const target = getTarget();
    cached ??= createTallyfyClient({ baseUrl: target.baseUrl, token: target.token, orgId: target.orgId, ...target.clientOptions });
    return cached;
  };

  describe('identity', () => {
    it('me() returns the org-scoped profile with role and timezone', async () => {
      const me = await client().me();
      expect(typeof me.id).toBe('number');
      expect(me.email).toContain('@');
      expect(['admin', 'standard', 'light']).toContain(String(me.role).toLowerCase());
      expect(me).toHaveProperty('timezone');
    });

    it('organization() returns the org with its name and timezone', async () => {
      const org = await client().organization();
      expect(org.id).toBe(getTarget().orgId);
      expect(org.name.length).toBeGreaterThan(0);
      expect(org).toHaveProperty('timezone');
    });

    it('myOrganizations() includes the org', async () => {
      const orgs = await client().myOrganizations();
      expect(orgs.map((org) => org.id)).toContain(getTarget().orgId);
    });
  });

  describe('reading every family', () => {
    it('tasks: org list, my tasks, and one task with form fields and threads', async () => {
      const page = await client().tasks.list({ per_page: 5 });
      expect(Array.isArray(page.data)).toBe(true);
      expect(page.pagination.per_page).toBe(5);
      expect(page.pagination.current_page).toBe(1);
      const mine = await client().tasks.listMine({ per_page: 5 });
      expect(Array.isArray(mine.data)).toBe(true);
      const runTask = page.data.find((task) => task.run_id) ?? mine.data.find((task) => task.run_id);
      if (runTask?.run_id) {
        const full = await client().tasks.getInRun(runTask.run_id, runTask.id, { with: 'form_fields,threads' });
        expect(full.id).toBe(runTask.id);
        expect(Array.isArray(full.form_fields?.data)).toBe(true);
        expect(Array.isArray(full.threads?.data)).toBe(true);
        expect(full.owners).toHaveProperty('users');
        const byId = await client().tasks.get(runTask.id);
        expect(byId.run_id).toBe(runTask.run_id);
        const comments = await client().comments.list(runTask.id, runTask.run_id);
        expect(Array.isArray(comments)).toBe(true);
      }
    });

    it('runs: list with tasks of one run', async () => {
      const runs = await client().runs.list({ per_page: 3 });
      expect(runs.pagination.per_page).toBe(3);
      const run = runs.data[0];
      if (run) {
        const full = await client().runs.get(run.id, { with: 'tasks,next_task' });
        expect(full.id).toBe(run.id);
        expect(Array.isArray(full.tasks?.data)).toBe(true);
        expect(typeof full.prerun).toBe('object');
        const tasks = await client().tasks.listForRun(run.id);
        expect(tasks.data.every((task) => task.run_id === run.id)).toBe(true);
      }
    });

    it('templates: list, one with steps, steps, kick-off fields and rules', async () => {
      const templates = await client().templates.list({ per_page: 10 });
      expect(Array.isArray(templates.data)).toBe(true);
      const template = templates.data[0];
      if (template) {
        expect(Array.isArray(template.prerun)).toBe(true);
        expect(Array.isArray(template.automated_actions)).toBe(true);
        const full = await client().templates.get(template.id);
        expect(Array.isArray(full.steps?.data)).toBe(true);
        const step = full.steps?.data[0];
        if (step) {
          const one = await client().steps.get(template.id, step.id);
          expect(one.id).toBe(step.id);
          expect(Array.isArray(one.captures)).toBe(true);
          expect(Array.isArray(one.assignees)).toBe(true);
        }
        expect(Array.isArray(await client().prerun.list(template.id))).toBe(true);
        expect(Array.isArray(await client().automations.list(template.id))).toBe(true);
      }
    });

    it('people: users, guests and groups', async () => {
      const me = await client().me();
      const users = await client().users.list();
      expect(users.data.some((user) => user.id === me.id)).toBe(true);
      const guests = await client().guests.list();
      expect(Array.isArray(guests.data)).toBe(true);
      const groups = await client().groups.list();
      expect(Array.isArray(groups.data)).toBe(true);
      const group = groups.data[0];
      if (group) expect((await client().groups.get(group.id)).id).toBe(group.id);
    });

    it('tags and folders', async () => {
      expect(Array.isArray((await client().tags.list()).data)).toBe(true);
      const folders = await client().folders.list({ folder_type: 'checklist' });
      expect(folders.data.every((folder) => folder.folder_type === 'checklist')).toBe(true);
    });

    it('search answers keyed by type', async () => {
      const result = await client().search('a', { on: ['process', 'task'], per_page: 5 });
      expect(result).toHaveProperty('process');
      expect(result).toHaveProperty('task');
      expect(Array.isArray(result.task?.data)).toBe(true);
    });

    it('listAll pages through a list and stops at the cap', async () => {
      const path = '/organizations/{org}/tasks';
      const capped = await client().collectAll(path, { per_page: 2 }, { maxItems: 3 });
      expect(capped.data.length).toBeLessThanOrEqual(3);
      const first = await client().listPage(path, { per_page: 2 });
      if (first.pagination.total > 3) expect(capped.truncated).toBe(true);
      if (first.pagination.total <= 3) expect(capped.data.length).toBe(first.pagination.total);
    });
  });

  describe('errors without fault injection', () => {
    it('NOT_FOUND for a missing task, with Tallyfy message and no token', async () => {
      const error = await expectTallyfyError(() => client().tasks.get(missingId));
      expect(error.code).toBe('NOT_FOUND');
      expect(error.status).toBe(404);
      expect(error.message).toMatch(/404/);
      expectNoToken(error, getTarget().token);
    });

    it('UNAUTHORIZED for a bad token, and the bad token is not echoed', async () => {
      const target = getTarget();
      const badToken = `wrong-${unique()}-token`;
      const bad = createTallyfyClient({ baseUrl: target.baseUrl, token: badToken, orgId: target.orgId, maxRetries: 0 });
      const error = await expectTallyfyError(() => bad.me());
      expect(error.code).toBe('UNAUTHORIZED');
      expect(error.message).toMatch(/token/i);
      expectNoToken(error, badToken);
    });

    it('ABORTED when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await expectTallyfyError(() => client().me(controller.signal));
      expect(error.code).toBe('ABORTED');
    });
  });

  describe('writes', () => {
    it.runIf(options.allowWrites)('VALIDATION (422) carries field errors', async () => {
      const error = await expectTallyfyError(() => client().tags.create({ title: '' }));
      expect(error.code).toBe('VALIDATION');
      expect(error.status).toBe(422);
      expect(Object.keys(error.fieldErrors)).toContain('title');
      expect(error.message).toContain('title');
    });

    it.runIf(options.allowWrites)('tags: create, update, attach to a run, detach, delete', async () => {
      const title = `ct-${unique()}`.slice(0, 30);
      const tag = await client().tags.create({ title, color: '#112233' });
      expect(tag.title).toBe(title);
      const updated = await client().tags.update(tag.id, { color: '#445566' });
      expect(updated.color).toBe('#445566');
      const run = (await client().runs.list({ per_page: 1 })).data[0];
      if (run) {
        const link = await client().tags.attach('Run', run.id, tag.id);
        const withTags = await client().runs.get(run.id, { with: 'tags' });
        expect(withTags.tags?.data.some((candidate) => candidate.id === tag.id)).toBe(true);
        await client().tags.detach(link.id);
      }
      await client().tags.delete(tag.id);
      const after = await client().tags.list({ q: title });
      expect(after.data.some((candidate) => candidate.id === tag.id)).toBe(false);
    });

    it.runIf(options.allowWrites)('one-off task: create, update (owners replaced), comment, complete, reopen, archive', async () => {
      const me = await client().me();
      const task = await client().tasks.create({
        title: `Contract task ${unique()}`,
        task_type: 'task',
        owners: { users: [me.id], guests: [], groups: [] },
        deadline: '2030-01-15 09:00:00',
      });
      expect(task.is_oneoff_task).toBe(true);
      expect(task.owners.users).toEqual([me.id]);
      const updated = await client().tasks.updateOneOff(task.id, {
        title: `${task.title} (edited)`,
        deadline: '2030-01-16 09:00:00',
        owners: { users: [me.id] },
      });
      expect(updated.title).toMatch(/edited/);
      expect(updated.owners.guests).toEqual([]);
      const comment = await client().comments.create(task.id, { content: 'contract comment' });
      expect(comment.content).toBe('contract comment');
      expect((await client().comments.list(task.id)).some((thread) => thread.id === comment.id)).toBe(true);
      const done = await client().tasks.completeOneOff(task.id);
      expect(done.status).toBe('completed');
      const reopened = await client().tasks.reopenOneOff(task.id);
      expect(reopened.status).not.toBe('completed');
      await client().tasks.archiveOneOff(task.id);
    });

    it.runIf(options.allowWrites)('a wrong type is reported as a wrong type, not as a missing field', async () => {
      const error = await expectTallyfyError(() => client().request('POST', '/organizations/{org}/tags', { body: { title: 12345 } }));
      expect(error.code).toBe('VALIDATION');
      expect(error.fieldErrors.title?.join(' ')).toMatch(/must be a string/i);
      expect(error.fieldErrors.title?.join(' ')).not.toMatch(/required/i);
    });

    it.runIf(options.allowWrites)('member ids sent as strings (owners.users: ["10001"]) are accepted like numbers', async () => {
      const me = await client().me();
      const task = await client().request<{ data: { id: string; owners: { users: unknown[] } } }>('POST', '/organizations/{org}/tasks', {
        body: {
          title: `Contract string ids ${unique()}`,
          task_type: 'task',
          owners: { users: [String(me.id)], guests: [], groups: [] },
          deadline: '2030-01-15 09:00:00',
        },
      });
      expect(task.data.owners.users.map(Number)).toEqual([me.id]);
      await client().tasks.archiveOneOff(task.data.id);
    });

    it.runIf(options.allowWrites)('run form-fields answer {data: {form_fields: [...]}}, and PUT /form-field/value exists', async () => {
      const run = (await client().runs.list({ per_page: 1 })).data[0];
      if (!run) return;
      const raw = await client().request<{ data: unknown }>('GET', `/organizations/{org}/runs/${run.id}/form-fields`);
      expect(raw.data).toHaveProperty('form_fields');
      expect(Array.isArray((raw.data as { form_fields: unknown }).form_fields)).toBe(true);
      expect(Array.isArray(await client().runs.formFields(run.id))).toBe(true);
      // An id with no stored value row: the route exists (not 404/405), Tallyfy refuses the id.
      const error = await expectTallyfyError(() => client().runs.setFormFieldValue('0', 'x'));
      expect(error.status).not.toBe(404);
      expect(error.status).not.toBe(405);
    });

    it.runIf(options.allowWrites)('template: create, add step, field, kick-off field, rule; launch a run; archive', async () => {
      const me = await client().me();
      if (me.role === 'light') return;
      const template = await client().templates.create({ title: `Contract template ${unique()}`, type: 'procedure', users: [me.id] });
      const step = await client().steps.create(template.id, { title: 'First step', assignees: [me.id] });
      const second = await client().steps.create(template.id, { title: 'Second step', assignees: [me.id] });
      const field = await client().captures.create(template.id, step.id, {
        label: 'Choice',
        field_type: 'dropdown',
        required: false,
        options: [
          { id: 1, text: 'One' },
          { id: 2, text: 'Two' },
        ],
      });
      expect(field.field_type).toBe('dropdown');
      const prerun = await client().prerun.add(template.id, { label: 'Customer', field_type: 'text', required: true });
      const customer = prerun.find((candidate) => candidate.label === 'Customer');
      expect(customer?.id).toMatch(/^[0-9a-f]{32}$/);
      const rule = await client().automations.create(template.id, {
        automated_alias: 'Hide second when first done',
        conditions: [
          {
            conditionable_id: step.id,
            conditionable_type: 'Step',
            operation: 'completed',
            statement: 'any_time',
            logic: 'and',
            position: 1,
          },
        ],
        then_actions: [{ action_type: 'visibility', action_verb: 'hide', target_step_id: second.id, position: 1 }],
      });
      expect((await client().automations.list(template.id)).map((candidate) => candidate.id)).toContain(rule.id);
      const kept = await client().templates.get(template.id);
      expect(kept.users).toEqual([me.id]);
      const run = await client().runs.launch({
        checklist_id: template.id,
        name: `Contract run ${unique()}`,
        prerun: { [customer?.id ?? '']: 'Initech' },
      });
      expect(run.prerun[customer?.id ?? '']).toBe('Initech');
      const tasks = await client().tasks.listForRun(run.id);
      expect(tasks.data.map((task) => task.title)).toEqual(['First step', 'Second step']);
      const archived = await client().runs.archive(run.id);
      expect(archived.status).toBe('archived');
      await client().automations.delete(template.id, rule.id);
      await client().templates.archive(template.id);
      const gone = await expectTallyfyError(() => client().templates.get(template.id));
      expect(gone.code).toBe('NOT_FOUND');
    });
  });
}
