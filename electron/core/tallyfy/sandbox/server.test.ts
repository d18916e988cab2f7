import { describe, expect, it } from 'vitest';

import { sandboxIds, sandboxOrgs, sandboxTokens, sandboxUserIds } from './defaultSeed';
import { useSandbox } from './testing';

const sandbox = useSandbox();

const acme = `/organizations/${sandboxOrgs.acme}`;

interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes, asserted field by field
  headers: Headers;
}

async function call(method: string, path: string, options: { token?: string | null; body?: unknown; client?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = options.token === undefined ? sandboxTokens.alice : options.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.client !== false) headers['X-Tallyfy-Client'] = 'APIClient';
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${sandbox.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

describe('auth', () => {
  it('serves alice her tasks in the list envelope', async () => {
    const { status, body } = await call('GET', `${acme}/me/tasks`);
    expect(status).toBe(200);
    expect(body.meta.pagination).toMatchObject({ current_page: 1, per_page: 10 });
    expect(body.data.length).toBeGreaterThan(0);
    for (const task of body.data) {
      const viaGroup = task.owners.groups.includes(sandboxIds.financeGroup);
      expect(task.owners.users.includes(sandboxUserIds.alice) || viaGroup).toBe(true);
    }
  });

  it('401 without X-Tallyfy-Client, even with a good token', async () => {
    const { status, body } = await call('GET', `${acme}/me/tasks`, { client: false });
    expect(status).toBe(401);
    expect(body).toEqual({ message: 'Unauthenticated.' });
  });

  it('401 for a missing or unknown token', async () => {
    expect((await call('GET', `${acme}/me`, { token: null })).status).toBe(401);
    expect((await call('GET', `${acme}/me`, { token: 'sandbox-mallory' })).status).toBe(401);
  });

  it("403 for a token used on another org (dave on Acme, alice on Beta)", async () => {
    expect((await call('GET', `${acme}/me/tasks`, { token: sandboxTokens.dave })).status).toBe(403);
    expect((await call('GET', `/organizations/${sandboxOrgs.beta}/tasks`)).status).toBe(403);
    expect((await call('GET', `/organizations/${sandboxOrgs.beta}/tasks`, { token: sandboxTokens.dave })).status).toBe(200);
  });

  it('global /me and /me/organizations need only the token', async () => {
    const me = await call('GET', '/me', { token: sandboxTokens.bob });
    expect(me.body.data).toMatchObject({ id: sandboxUserIds.bob, email: 'bob@acme.example' });
    expect(me.body.data).not.toHaveProperty('token');
    const orgs = await call('GET', '/me/organizations', { token: sandboxTokens.dave });
    expect(orgs.body.data.map((org: { id: string }) => org.id)).toEqual([sandboxOrgs.beta]);
  });

  it('org-scoped me has role and timezone; the org has a timezone', async () => {
    const me = await call('GET', `${acme}/me`, { token: sandboxTokens.carol });
    expect(me.body.data).toMatchObject({ role: 'light', timezone: 'Europe/Berlin', organization_id: sandboxOrgs.acme });
    const org = await call('GET', acme);
    expect(org.body.data).toMatchObject({ name: 'Acme Operations', timezone: 'America/Chicago', users_count: 3 });
  });

  it('unknown endpoints 404, wrong methods 405', async () => {
    expect((await call('GET', `${acme}/nothing-here`)).status).toBe(404);
    expect((await call('PATCH', `${acme}/tasks`)).status).toBe(405);
    expect((await call('DELETE', `${acme}/me/tasks`)).status).toBe(405);
  });
});

describe('envelopes and pagination', () => {
  it('pages with links {next}, {previous} and {} and clamps per_page to 100', async () => {
    const first = await call('GET', `${acme}/tasks?per_page=3`);
    const { total, total_pages: pages } = first.body.meta.pagination;
    expect(first.body.data).toHaveLength(3);
    expect(first.body.meta.pagination.links.next).toContain('page=2');
    expect(first.body.meta.pagination.links).not.toHaveProperty('previous');
    const last = await call('GET', `${acme}/tasks?per_page=3&page=${pages}`);
    expect(last.body.meta.pagination.links.previous).toContain(`page=${pages - 1}`);
    expect(last.body.meta.pagination.links).not.toHaveProperty('next');
    expect(last.body.meta.pagination.count).toBe(total - 3 * (pages - 1));
    const single = await call('GET', `${acme}/tasks?per_page=500`);
    expect(single.body.meta.pagination).toMatchObject({ per_page: 100, total_pages: 1, links: {} });
    const everything = await call('GET', `${acme}/tasks?without_pagination=true`);
    expect(everything.body.data).toHaveLength(total);
  });

  it('writes an empty links as [] on member lists', async () => {
    const users = await call('GET', `${acme}/users`);
    expect(users.body.meta.pagination.links).toEqual([]);
    expect(users.body.data.map((user: { status: string }) => user.status).sort()).toEqual(['active', 'active', 'active', 'disabled', 'invited']);
  });

  it('default page sizes: 10 for tasks, runs, templates, groups and tags', async () => {
    for (const path of ['/tasks', '/runs', '/checklists', '/groups', '/tags']) {
      expect((await call('GET', `${acme}${path}`)).body.meta.pagination.per_page).toBe(10);
    }
  });

  it('with= includes come wrapped in {data}', async () => {
    const task = await call('GET', `${acme}/runs/${sandboxIds.vendorRun}/tasks/${sandboxIds.vendorErpTask}?with=form_fields,threads,step,run`);
    expect(task.body.data.form_fields.data.map((field: { label: string }) => field.label)).toEqual(['ERP vendor id', 'Go-live date']);
    expect(Array.isArray(task.body.data.threads.data)).toBe(true);
    expect(task.body.data.step.data.id).toBe(sandboxIds.vendorSteps[3]);
    expect(task.body.data.run.data.id).toBe(sandboxIds.vendorRun);
    const bare = await call('GET', `${acme}/runs/${sandboxIds.vendorRun}/tasks/${sandboxIds.vendorErpTask}`);
    expect(bare.body.data).not.toHaveProperty('form_fields');
    const template = await call('GET', `${acme}/checklists/${sandboxIds.vendorTemplate}?with=steps,tags`);
    expect(template.body.data.steps.data).toHaveLength(4);
    expect(template.body.data.tags.data[0]).toMatchObject({ title: 'Vendors' });
    expect(template.body.data.prerun).toHaveLength(3);
    expect(template.body.data.automated_actions.length).toBeGreaterThanOrEqual(6);
    const plain = await call('GET', `${acme}/checklists/${sandboxIds.vendorTemplate}`);
    expect(plain.body.data).not.toHaveProperty('steps');
    const run = await call('GET', `${acme}/runs/${sandboxIds.vendorRun}?with=next_task`);
    expect(run.body.data.next_task.data[0].id).toBe(sandboxIds.vendorApprovalTask);
  });

  it('the seed has tasks in every status, overdue ones and open problems', async () => {
    const all = await call('GET', `${acme}/tasks?without_pagination=true`);
    const statuses = new Set(all.body.data.map((task: { status: string }) => task.status));
    expect([...statuses].sort()).toEqual(['auto-skipped', 'completed', 'in-progress', 'not-started']);
    const overdue = await call('GET', `${acme}/tasks?status=overdue`);
    expect(overdue.body.data.length).toBeGreaterThanOrEqual(2);
    expect(overdue.body.data.every((task: { is_overdue: boolean }) => task.is_overdue)).toBe(true);
    const problems = await call('GET', `${acme}/tasks?status=hasproblem`);
    expect(problems.body.data.map((task: { id: string }) => task.id)).toEqual([sandboxIds.laptopTask]);
  });

  it('search answers keyed by type; task hits carry no run_id', async () => {
    const { body } = await call('GET', `${acme}/search?search=vendor&on=process,task,blueprint`);
    expect(Object.keys(body).sort()).toEqual(['blueprint', 'process', 'task']);
    expect(body.blueprint.data[0].title).toBe('Vendor Onboarding');
    expect(body.process.data.length).toBe(2);
    expect(body.task.data.length).toBeGreaterThan(0);
    expect(body.task.data[0]).not.toHaveProperty('run_id');
  });
});

describe('replace semantics', () => {
  it('a task PUT with owners.users only empties guests and groups', async () => {
    const path = `${acme}/runs/${sandboxIds.vendorRun}/tasks/${sandboxIds.vendorApprovalTask}`;
    const { status, body } = await call('PUT', path, { body: { owners: { users: [sandboxUserIds.bob] } } });
    expect(status).toBe(200);
    expect(body.data.owners).toEqual({ users: [sandboxUserIds.bob], guests: [], groups: [] });
  });

  it('a run PUT without users/groups wipes them', async () => {
    const { body } = await call('PUT', `${acme}/runs/${sandboxIds.vendorRun}`, { body: { name: 'Renamed' } });
    expect(body.data).toMatchObject({ name: 'Renamed', users: [], groups: [] });
  });

  it('a template PUT needs the title and wipes omitted users/groups', async () => {
    const missing = await call('PUT', `${acme}/checklists/${sandboxIds.vendorTemplate}`, { body: { summary: 'x' } });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ message: 'The given data was invalid.', errors: { title: ['The title field is required.'] } });
    const { body } = await call('PUT', `${acme}/checklists/${sandboxIds.vendorTemplate}`, { body: { title: 'Vendor Onboarding' } });
    expect(body.data).toMatchObject({ users: [], groups: [] });
  });

  it('a step PUT without guests and groups wipes them', async () => {
    const step = sandboxIds.vendorSteps[0];
    const { body } = await call('PUT', `${acme}/checklists/${sandboxIds.vendorTemplate}/steps/${step}`, { body: { title: 'Collect W-9', assignees: [sandboxUserIds.alice] } });
    expect(body.data).toMatchObject({ assignees: [sandboxUserIds.alice], guests: [], groups: [] });
  });
});

describe('silent drops and field validation', () => {
  const erpTaskPath = `${acme}/runs/${sandboxIds.vendorRun}/tasks/${sandboxIds.vendorErpTask}`;

  it('unknown taskdata keys are dropped with a 200', async () => {
    const { status, body } = await call('PUT', erpTaskPath, { body: { taskdata: { erp_vendor_id: 'by alias', [sandboxIds.erpIdCapture]: 'V-1', ffffffffffffffffffffffffffffffff: 'x' } } });
    expect(status).toBe(200);
    expect(body.data.taskdata).toEqual({ [sandboxIds.erpIdCapture]: 'V-1' });
  });

  it('unknown prerun keys are dropped at launch; a list-shaped prerun loses every value', async () => {
    const launched = await call('POST', `${acme}/runs`, {
      body: { checklist_id: sandboxIds.vendorTemplate, prerun: { [sandboxIds.vendorNamePrerun]: 'Initech', [sandboxIds.contractTierPrerun]: { id: 1, text: 'Standard' }, vendor_name: 'alias ignored' } },
    });
    expect(launched.status).toBe(201);
    expect(launched.body.data.prerun).toEqual({ [sandboxIds.vendorNamePrerun]: 'Initech', [sandboxIds.contractTierPrerun]: { id: 1, text: 'Standard' } });
    const tasks = await call('GET', `${acme}/runs/${launched.body.data.id}/tasks`);
    expect(tasks.body.data.map((task: { title: string }) => task.title)).toEqual(['Collect W-9 and payment terms', 'Finance approval', 'Send welcome email', 'Set up vendor in ERP']);
    const listShaped = await call('POST', `${acme}/runs`, { body: { checklist_id: sandboxIds.vendorTemplate, prerun: [{ id: sandboxIds.vendorNamePrerun, value: 'Initech' }] } });
    expect(listShaped.status).toBe(422);
    expect(listShaped.body.errors.prerun[sandboxIds.vendorNamePrerun]).toEqual(['Vendor name is required']);
  });

  it('field values are checked per type (dropdown needs {id,text}, textarea a string)', async () => {
    const onboardingTask = `${acme}/runs/${sandboxIds.onboardingRun}/tasks/${sandboxIds.paperworkTask}`;
    const dropdown = 'aca0000000000000000000000000000d';
    const textarea = 'aca0000000000000000000000000000b';
    const bad = await call('PUT', onboardingTask, { body: { taskdata: { [dropdown]: 'Permanent' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[`taskdata.${dropdown}`]).toEqual(['Invalid dropdown choice selected.']);
    expect((await call('PUT', onboardingTask, { body: { taskdata: { [textarea]: 42 } } })).status).toBe(422);
    expect((await call('PUT', onboardingTask, { body: { taskdata: { [textarea]: { value: 'wrapped' } } } })).status).toBe(422);
    const good = await call('PUT', onboardingTask, { body: { taskdata: { [dropdown]: { id: 1, text: 'Permanent' }, [textarea]: 'ok' } } });
    expect(good.status).toBe(200);
  });

  it('guest create drops a `phone` key; guest PUT discards profile fields', async () => {
    const created = await call('POST', `${acme}/guests`, { body: { email: 'pat@example.com', first_name: 'Pat', phone: '123', phone_1: '456' } });
    expect(created.status).toBe(201);
    expect(created.body.data.details).toMatchObject({ phone_1: '456' });
    expect(JSON.stringify(created.body.data)).not.toContain('"phone":');
    const updated = await call('PUT', `${acme}/guests/${encodeURIComponent('pat@example.com')}`, { body: { first_name: 'Changed', associated_members: [sandboxUserIds.bob] } });
    expect(updated.body.data.first_name).toBe('Pat');
    expect(updated.body.data.details.associated_members).toEqual([sandboxUserIds.bob]);
  });
});

describe('task lifecycle and rules', () => {
  it('approval needs is_approved; approving fires the show rule; reopen undoes completion', async () => {
    const completePath = `${acme}/runs/${sandboxIds.vendorRun}/completed-tasks`;
    const missing = await call('POST', completePath, { body: { task_id: sandboxIds.vendorApprovalTask } });
    expect(missing.status).toBe(422);
    const done = await call('POST', completePath, { body: { task_id: sandboxIds.vendorApprovalTask, is_approved: true } });
    expect(done.body.data).toMatchObject({ status: 'completed', is_approved: true, completer_id: sandboxUserIds.alice });
    const welcome = 'ad000000000000000000000000000003';
    expect(done.body.data.tasks_changed_by_rules).toEqual({ [welcome]: 'not-started' });
    const reopened = await call('DELETE', `${completePath}/${sandboxIds.vendorApprovalTask}`);
    expect(reopened.body.data).toMatchObject({ status: 'in-progress', completed_at: null, completer_id: null, is_approved: null });
  });

  it('a completed task cannot be updated (422)', async () => {
    const { status } = await call('PUT', `${acme}/runs/${sandboxIds.completedRun}/tasks/ad000000000000000000000000000015`, { body: { title: 'x' } });
    expect(status).toBe(422);
  });

  it('archiving a template hides it (404) until restored', async () => {
    await call('DELETE', `${acme}/checklists/${sandboxIds.closeTemplate}`);
    expect((await call('GET', `${acme}/checklists/${sandboxIds.closeTemplate}`)).status).toBe(404);
    await call('PUT', `${acme}/checklists/${sandboxIds.closeTemplate}/restore`);
    expect((await call('GET', `${acme}/checklists/${sandboxIds.closeTemplate}`)).status).toBe(200);
  });

  it('a field referenced by a rule cannot be deleted (403)', async () => {
    const path = `${acme}/checklists/${sandboxIds.vendorTemplate}/steps/${sandboxIds.vendorSteps[0]}/captures/${sandboxIds.paymentTermsCapture}`;
    expect((await call('DELETE', path)).status).toBe(403);
    expect((await call('DELETE', `${acme}/checklists/${sandboxIds.vendorTemplate}/preruns/${sandboxIds.contractTierPrerun}`)).status).toBe(403);
  });

  it('automation rules refuse an action verb that does not fit its type (422)', async () => {
    const { status, body } = await call('POST', `${acme}/checklists/${sandboxIds.vendorTemplate}/automated-actions`, {
      body: {
        automated_alias: 'bad',
        conditions: [{ conditionable_id: sandboxIds.vendorSteps[0], conditionable_type: 'Step', operation: 'completed', statement: 'any_time', logic: 'and', position: 1 }],
        then_actions: [{ action_type: 'visibility', action_verb: 'assign', target_step_id: sandboxIds.vendorSteps[1], position: 1 }],
      },
    });
    expect(status).toBe(422);
    expect(Object.keys(body.errors)).toEqual(['then_actions.0.action_verb']);
  });
});

describe('role rules', () => {
  it('light members cannot create or edit templates', async () => {
    expect((await call('POST', `${acme}/checklists`, { token: sandboxTokens.carol, body: { title: 'Mine', type: 'procedure' } })).status).toBe(403);
    expect((await call('POST', `${acme}/checklists`, { token: sandboxTokens.bob, body: { title: 'Mine', type: 'procedure' } })).status).toBe(201);
  });

  it('only admins read one member, invite or change roles', async () => {
    expect((await call('GET', `${acme}/users/${sandboxUserIds.carol}`, { token: sandboxTokens.bob })).status).toBe(403);
    expect((await call('GET', `${acme}/users/${sandboxUserIds.carol}`)).status).toBe(200);
    const invite = { email: 'zoe@acme.example', first_name: 'Zoe', last_name: 'Park', role: 'light', message: 'Hi' };
    expect((await call('POST', `${acme}/users/invite`, { token: sandboxTokens.bob, body: invite })).status).toBe(403);
    const invited = await call('POST', `${acme}/users/invite`, { body: invite });
    expect(invited.body.data.status).toBe('invited');
    expect((await call('POST', `${acme}/users/invite`, { body: invite })).status).toBe(422);
  });
});

describe('faults, request log and reset', () => {
  it('errorRate 1 answers every request with errorStatus; clear() stops it', async () => {
    sandbox.faults.set({ errorRate: 1, errorStatus: 503 });
    expect((await call('GET', `${acme}/me`)).status).toBe(503);
    sandbox.faults.clear();
    expect((await call('GET', `${acme}/me`)).status).toBe(200);
  });

  it('429 bursts carry Retry-After; match limits faults to some paths', async () => {
    sandbox.faults.set({ match: '/runs' });
    sandbox.faults.rateLimitNext(1, 7);
    expect((await call('GET', `${acme}/tasks`)).status).toBe(200);
    const limited = await call('GET', `${acme}/runs`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.code).toBe('RATE_LIMIT_EXCEEDED');
  });

  it('latency delays answers', async () => {
    sandbox.faults.set({ latencyMs: 120 });
    const started = performance.now();
    await call('GET', `${acme}/me`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('logs method, path, status and a token fingerprint, never the token', async () => {
    await call('GET', `${acme}/tasks?per_page=2`);
    await call('GET', `${acme}/me`, { token: sandboxTokens.dave });
    expect(sandbox.requestLog.map(({ method, path, query, status, userId }) => ({ method, path, query, status, userId }))).toEqual([
      { method: 'GET', path: `${acme}/tasks`, query: 'per_page=2', status: 200, userId: sandboxUserIds.alice },
      { method: 'GET', path: `${acme}/me`, query: '', status: 403, userId: sandboxUserIds.dave },
    ]);
    expect(JSON.stringify(sandbox.requestLog)).not.toMatch(/sandbox-(alice|dave)/);
  });

  it('reset() restores the seed', async () => {
    await call('DELETE', `${acme}/groups/${sandboxIds.financeGroup}`);
    expect(sandbox.state.orgs.get(sandboxOrgs.acme)?.groups.some((group) => group.id === sandboxIds.financeGroup)).toBe(false);
    sandbox.reset();
    expect(sandbox.state.orgs.get(sandboxOrgs.acme)?.groups.some((group) => group.id === sandboxIds.financeGroup)).toBe(true);
    expect(sandbox.requestLog).toHaveLength(0);
  });
});
