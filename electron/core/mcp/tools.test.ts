/**
 * Every tool through a real MCP client over the in-process transport, against the Tallyfy
 * sandbox: a happy path that checks the sandbox's state (or the data returned), bad arguments
 * that never reach Tallyfy, and Tallyfy errors carried back as `isError` results.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTallyfyClient } from '../tallyfy/client';
import { sandboxIds as ids, sandboxOrgs, sandboxTokens, sandboxUserIds as U } from '../tallyfy/sandbox/defaultSeed';
import type { OrgStore } from '../tallyfy/sandbox/state';
import { useSandbox } from '../tallyfy/sandbox/testing';

import { allTools } from './catalog';
import { createMcpServer } from './server/createMcpServer';

const A = sandboxOrgs.acme;
const sid = (org: 'a' | 'b', kind: string, n: number): string => `${org}${kind}${n.toString(16).padStart(29, '0')}`;
const [wStep, approvalStep, , erpStep] = ids.vendorSteps as unknown as [string, string, string, string];
const close = (n: number): string => sid('a', '5e', 20 + n);
const sam = 'sam@acme-supplies.example';

const sandbox = useSandbox();
let alice: Client;
const open: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  alice = await connect();
});
afterAll(async () => {
  for (const item of open.splice(0)) await item.close();
});

/** A real MCP client connected over a linked pair to a server bound to `token`'s Tallyfy client. */
async function connect(token: string = sandboxTokens.alice, orgId: string = A): Promise<Client> {
  const client = createTallyfyClient({ baseUrl: sandbox.url, token, orgId, maxRetries: 0 });
  const server = createMcpServer(client, { apiFallback: true });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'tools-test', version: '1.0.0' });
  await server.connect(serverSide);
  await mcp.connect(clientSide);
  open.push(mcp, server);
  return mcp;
}

interface Called {
  isError: boolean;
  text: string;
  // Tool answers are JSON of many shapes; tests read them loosely.
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function call(mcp: Client, name: string, args: Record<string, unknown> = {}): Promise<Called> {
  const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { isError: result.isError === true, text, json };
}

/** Calls and insists on success, showing the error text when it fails. */
async function ok(name: string, args: Record<string, unknown> = {}, mcp: Client = alice): Promise<Called> {
  const result = await call(mcp, name, args);
  expect(result.isError, `${name}: ${result.text}`).toBe(false);
  return result;
}

const acme = (): OrgStore => {
  const store = sandbox.state.orgs.get(A);
  if (!store) throw new Error('no acme org in the sandbox');
  return store;
};
const task = (id: string) => acme().tasks.find((item) => item.id === id);
const run = (id: string) => acme().runs.find((item) => item.id === id);
const template = (id: string) => acme().templates.find((item) => item.id === id);
const step = (templateId: string, stepId: string) => template(templateId)?.steps.find((item) => item.id === stepId);

/** Adds a guest without tasks to acme (a fixture for the guest tools); returns its email. */
function seedGuest(email: string, disabled: boolean): string {
  if (!acme().guests.some((guest) => guest.email === email)) {
    acme().guests.push({
      id: 4600 + acme().guests.length,
      email,
      first_name: 'Fixture',
      last_name: 'Guest',
      code: `FIX${email.length}`,
      created_at: '2026-02-10T12:00:00.000Z',
      details: {
        company_name: null,
        phone_1: null,
        phone_2: null,
        associated_members: [],
        disabled_at: disabled ? '2026-03-01T00:00:00.000Z' : null,
      },
    } as unknown as OrgStore['guests'][number]);
  }
  return email;
}

/** A happy path per tool: arguments, and what must be true afterwards. */
const happy: Record<string, { args: Record<string, unknown>; check: (result: Called) => void | Promise<void> }> = {
  get_me: { args: {}, check: ({ json }) => expect(json).toMatchObject({ id: U.alice, role: 'admin', organization_id: A }) },
  get_organization: {
    args: {},
    check: ({ json }) => expect(json).toMatchObject({ id: A, name: 'Acme Operations', timezone: 'America/Chicago' }),
  },
  get_my_tasks: {
    args: {},
    check: ({ json }) => {
      const got = json.data.map((item: { id: string }) => item.id);
      expect(got).toContain(ids.vendorErpTask);
      expect(got).not.toContain(ids.paperworkTask); // bob's
      // Unfiltered by default, as Tallyfy's own tool: completed tasks are listed too.
      expect(got).toContain(sid('a', 'd0', 1));
    },
  },
  get_user_tasks: {
    args: { user_email: 'bob@acme.example' },
    check: ({ json }) => {
      expect(json.user_id).toBe(U.bob);
      expect(json.data.map((item: { id: string }) => item.id)).toContain(ids.paperworkTask);
    },
  },
  get_tasks_for_process: {
    args: { process_name: 'Employee Onboarding - Dana Lee' },
    check: ({ json }) => {
      expect(json.process_info).toMatchObject({ id: ids.onboardingRun, name: 'Employee Onboarding - Dana Lee' });
      expect(json.data.map((item: { id: string }) => item.id)).toEqual([
        ids.laptopTask,
        ids.paperworkTask,
        sid('a', 'd0', 13),
        sid('a', 'd0', 14),
      ]);
    },
  },
  get_task: {
    args: { run_id: ids.vendorRun, task_id: ids.vendorApprovalTask },
    check: ({ json }) => {
      expect(json).toMatchObject({ id: ids.vendorApprovalTask, run_id: ids.vendorRun, task_type: 'approval' });
      expect(json.comments).toHaveLength(2);
    },
  },
  create_standalone_task: {
    args: { title: 'Book the team offsite', deadline: 'next Friday 5pm', user_emails: ['bob@acme.example'], group_names: ['IT Desk'] },
    check: ({ json }) => {
      const created = acme().tasks.find((item) => item.title === 'Book the team offsite');
      expect(created?.owners).toEqual({ users: [U.bob], guests: [], groups: [sid('a', '90', 2)] });
      expect(json.deadline_local).toMatch(/ 17:00 America\/Chicago$/);
      expect(new Date(created?.deadline ?? 0).getUTCDay()).toBe(5);
    },
  },
  update_task: {
    // Adds a guest only: the users bucket must survive (Tallyfy's PUT would wipe it).
    args: { run_id: ids.vendorRun, task_id: ids.vendorErpTask, owners: { guests: [sam] }, title: 'Set up vendor in NetSuite' },
    check: () => {
      expect(task(ids.vendorErpTask)?.owners).toEqual({ users: [U.bob, U.alice], guests: [sam], groups: [] });
      expect(task(ids.vendorErpTask)?.title).toBe('Set up vendor in NetSuite');
    },
  },
  complete_task: {
    args: { run_id: ids.vendorRun, task_id: ids.vendorApprovalTask, is_approved: true },
    check: ({ json }) => {
      expect(json.status).toBe('completed');
      expect(task(ids.vendorApprovalTask)).toMatchObject({ status: 'completed', is_approved: true });
    },
  },
  reopen_task: {
    args: { run_id: ids.vendorRun, task_id: sid('a', 'd0', 1), reason: 'The W-9 was unsigned.' },
    check: () => {
      expect(task(sid('a', 'd0', 1))?.status).not.toBe('completed');
      expect(acme().threads.some((thread) => thread.task_id === sid('a', 'd0', 1) && thread.content === 'The W-9 was unsigned.')).toBe(
        true,
      );
    },
  },
  get_task_comments: {
    args: { task_id: ids.vendorApprovalTask },
    check: ({ json }) => expect(json.data.map((item: { content: string }) => item.content)).toContain('Looking at it this afternoon.'),
  },
  add_task_comment: {
    args: { task_id: ids.paperworkTask, content: `@[${U.bob}] the contract is ready` },
    check: () =>
      expect(
        acme().threads.some(
          (thread) => thread.task_id === ids.paperworkTask && thread.label === 'comment' && thread.content.includes('contract is ready'),
        ),
      ).toBe(true),
  },
  update_task_comment: {
    args: { task_id: ids.vendorApprovalTask, comment_id: sid('a', 'c0', 1), content: 'Please approve by noon.' },
    check: () => expect(acme().threads.find((thread) => thread.id === sid('a', 'c0', 1))?.content).toBe('Please approve by noon.'),
  },
  delete_task_comment: {
    args: { task_id: ids.vendorApprovalTask, comment_id: sid('a', 'c0', 2) },
    check: () => expect(acme().threads.find((thread) => thread.id === sid('a', 'c0', 2))).toBeUndefined(),
  },
  report_task_issue: {
    args: { task_id: ids.paperworkTask, content: 'The new hire has not sent their tax form.' },
    check: ({ json }) => {
      expect(
        acme().threads.some((thread) => thread.task_id === ids.paperworkTask && thread.label === 'problem' && thread.resolve_id === null),
      ).toBe(true);
      expect(json.task.problem).toBe(true);
    },
  },
  resolve_task_issues: {
    args: { task_id: ids.laptopTask, thread_id: sid('a', 'c0', 3), content: 'Ordered a different model.' },
    check: ({ json }) => {
      expect(acme().threads.find((thread) => thread.id === sid('a', 'c0', 3))?.resolve_id).toBeTruthy();
      expect(json.resolved).toHaveLength(1);
    },
  },
  get_organization_runs: {
    args: {},
    check: ({ json }) => {
      const got = json.data.map((item: { id: string }) => item.id);
      expect(got).toContain(ids.vendorRun);
      expect(got).not.toContain(ids.archivedRun);
    },
  },
  get_process: {
    args: { run_id: ids.vendorRun },
    check: ({ json }) => {
      expect(json).toMatchObject({ id: ids.vendorRun, status: 'active' });
      expect(json.tasks).toHaveLength(4);
    },
  },
  launch_process: {
    args: {
      template_id: ids.vendorTemplate,
      name: 'Vendor Onboarding - Initech',
      prerun: { 'Vendor name': 'Initech', contract_tier: 'gold' },
    },
    check: ({ json }) => {
      const launched = acme().runs.find((item) => item.name === 'Vendor Onboarding - Initech');
      expect(launched?.prerun).toMatchObject({ [ids.vendorNamePrerun]: 'Initech', [ids.contractTierPrerun]: { id: 2, text: 'Gold' } });
      expect(json.tasks.length).toBeGreaterThan(0);
    },
  },
  update_process: {
    args: { run_id: ids.vendorRun, name: 'Vendor Onboarding - Acme Supplies Ltd', starred: true },
    check: () =>
      expect(run(ids.vendorRun)).toMatchObject({
        name: 'Vendor Onboarding - Acme Supplies Ltd',
        users: [U.alice],
        groups: [ids.financeGroup],
      }),
  },
  archive_process: { args: { run_id: ids.completedRun }, check: () => expect(run(ids.completedRun)?.status).toBe('archived') },
  reactivate_process: { args: { run_id: ids.archivedRun }, check: () => expect(run(ids.archivedRun)?.status).not.toBe('archived') },
  complete_kickoff_form: { args: { run_id: ids.vendorRun }, check: ({ json }) => expect(json.id).toBe(ids.vendorRun) },
  get_all_templates: {
    args: {},
    check: ({ json }) => {
      const got = json.data.map((item: { id: string }) => item.id);
      expect(got).toEqual(expect.arrayContaining([ids.vendorTemplate, ids.onboardingTemplate, ids.closeTemplate]));
      expect(got).not.toContain(ids.archivedTemplate);
    },
  },
  get_template: {
    args: { template_name: 'Vendor Onboarding' },
    check: ({ json }) => {
      expect(json.id).toBe(ids.vendorTemplate);
      expect(json.steps).toHaveLength(4);
      expect(json.tags.map((tag: { id: string }) => tag.id)).toContain(ids.vendorsTag);
      expect(json.automated_actions[0]).toHaveProperty('then_actions');
      expect(json.prerun.map((field: { label: string }) => field.label)).toEqual(['Vendor name', 'Contract tier', 'Expected annual spend']);
    },
  },
  get_template_steps: {
    args: { template_id: ids.vendorTemplate },
    check: ({ json }) => expect(json.steps.map((item: { id: string }) => item.id)).toEqual(ids.vendorSteps),
  },
  get_kickoff_fields: {
    args: { template_id: ids.onboardingTemplate },
    check: ({ json }) =>
      expect(json.fields.map((field: { label: string }) => field.label)).toEqual(['Employee name', 'Start date', 'Department']),
  },
  create_template: {
    args: { title: 'Quarterly Audit', summary: 'Audit the books every quarter.' },
    check: () => expect(acme().templates.some((item) => item.title === 'Quarterly Audit')).toBe(true),
  },
  update_template: {
    args: { template_id: ids.vendorTemplate, template_data: { summary: 'Bring a new vendor on board, end to end.' } },
    check: () =>
      expect(template(ids.vendorTemplate)).toMatchObject({
        title: 'Vendor Onboarding',
        summary: 'Bring a new vendor on board, end to end.',
        users: [U.alice],
        groups: [ids.financeGroup],
      }),
  },
  clone_template: {
    args: { template_id: ids.vendorTemplate, new_name: 'Vendor Onboarding (EU)' },
    check: () => expect(acme().templates.find((item) => item.title === 'Vendor Onboarding (EU)')?.steps).toHaveLength(4),
  },
  delete_template: {
    args: { template_id: ids.incidentTemplate },
    check: () => expect(template(ids.incidentTemplate)?.archived_at).toBeTruthy(),
  },
  restore_template: {
    args: { template_id: ids.archivedTemplate },
    check: () => expect(template(ids.archivedTemplate)?.archived_at ?? null).toBeNull(),
  },
  assess_template_health: {
    args: { template_id: ids.closeTemplate },
    check: ({ json }) => {
      expect(json.template_id).toBe(ids.closeTemplate);
      expect(json.score).toBeGreaterThan(0);
      expect(json.score).toBeLessThan(100);
      expect(['excellent', 'good', 'fair', 'poor', 'critical']).toContain(json.rating);
      expect(json.issues.some((issue: { category: string }) => issue.category === 'deadlines')).toBe(false); // 3 steps: no "no deadlines" finding
      expect(json.issues.length).toBeGreaterThan(0);
    },
  },
  add_step_to_template: {
    args: { template_id: ids.closeTemplate, step_data: { title: 'File the close pack', deadline: { value: 2, unit: 'days' } } },
    check: () => {
      const steps = template(ids.closeTemplate)?.steps ?? [];
      expect(steps).toHaveLength(4);
      expect(steps.find((item) => item.title === 'File the close pack')?.position).toBe(4);
    },
  },
  update_step: {
    args: { template_id: ids.vendorTemplate, step_id: erpStep, title: 'Set up vendor in NetSuite' },
    check: () => expect(step(ids.vendorTemplate, erpStep)).toMatchObject({ title: 'Set up vendor in NetSuite', assignees: [U.bob] }),
  },
  edit_description_on_step: {
    args: { template_id: ids.vendorTemplate, step_id: approvalStep, description: 'Check the terms against the framework agreement.' },
    check: () =>
      expect(step(ids.vendorTemplate, approvalStep)).toMatchObject({
        title: 'Finance approval',
        summary: 'Check the terms against the framework agreement.',
        groups: [ids.financeGroup],
      }),
  },
  add_assignees_to_step: {
    args: { template_id: ids.vendorTemplate, step_id: wStep, assignees: { users: [U.bob] } },
    check: () => expect(step(ids.vendorTemplate, wStep)).toMatchObject({ assignees: [U.alice, U.bob], guests: [sam] }),
  },
  remove_assignees_from_step: {
    args: { template_id: ids.vendorTemplate, step_id: wStep, users: [U.alice] },
    check: () => expect(step(ids.vendorTemplate, wStep)).toMatchObject({ assignees: [], guests: [sam] }),
  },
  reorder_step: {
    args: { template_id: ids.closeTemplate, step_id: close(3), position: 1 },
    check: ({ json }) => expect(json.order[0].id).toBe(close(3)),
  },
  delete_step: {
    args: { template_id: ids.closeTemplate, step_id: close(2) },
    check: () => expect(step(ids.closeTemplate, close(2))).toBeUndefined(),
  },
  add_form_field_to_step: {
    args: {
      template_id: ids.vendorTemplate,
      step_id: erpStep,
      field_data: { label: 'Annual spend (USD)', field_type: 'text', required: true, field_validation: ['numeric'] },
    },
    check: () =>
      expect(step(ids.vendorTemplate, erpStep)?.captures.find((item) => item.label === 'Annual spend (USD)')).toMatchObject({
        field_type: 'text',
        required: true,
      }),
  },
  update_form_field: {
    args: { template_id: ids.vendorTemplate, step_id: erpStep, field_id: ids.erpIdCapture, field_data: { label: 'NetSuite vendor id' } },
    check: () =>
      expect(step(ids.vendorTemplate, erpStep)?.captures.find((item) => item.id === ids.erpIdCapture)).toMatchObject({
        label: 'NetSuite vendor id',
        field_type: 'text',
        required: true,
      }),
  },
  move_form_field: {
    args: { template_id: ids.vendorTemplate, from_step: erpStep, field_id: sid('a', 'ca', 4), to_step: wStep, position: 1 },
    check: () => {
      expect(step(ids.vendorTemplate, wStep)?.captures.some((item) => item.id === sid('a', 'ca', 4))).toBe(true);
      expect(step(ids.vendorTemplate, erpStep)?.captures.some((item) => item.id === sid('a', 'ca', 4))).toBe(false);
    },
  },
  delete_form_field: {
    args: { template_id: ids.vendorTemplate, step_id: erpStep, field_id: sid('a', 'ca', 4) },
    check: () => expect(step(ids.vendorTemplate, erpStep)?.captures.some((item) => item.id === sid('a', 'ca', 4))).toBe(false),
  },
  get_dropdown_options: {
    args: { template_id: ids.onboardingTemplate, step_id: sid('a', '5e', 12), field_id: sid('a', 'ca', 13) },
    check: ({ json }) =>
      expect(json.options).toEqual([
        { id: 1, text: 'Permanent' },
        { id: 2, text: 'Fixed term' },
      ]),
  },
  update_dropdown_options: {
    args: { template_id: ids.vendorTemplate, step_id: wStep, field_id: ids.paymentTermsCapture, options: ['Net 30', 'Net 45', 'Net 60'] },
    check: () =>
      expect(step(ids.vendorTemplate, wStep)?.captures.find((item) => item.id === ids.paymentTermsCapture)?.options).toEqual([
        { id: 1, text: 'Net 30' },
        { id: 3, text: 'Net 45' },
        { id: 2, text: 'Net 60' },
      ]),
  },
  add_kickoff_field: {
    args: {
      template_id: ids.closeTemplate,
      field_data: { label: 'Entity', field_type: 'dropdown', required: true, options: ['US', 'EU'] },
    },
    check: () => expect(template(ids.closeTemplate)?.prerun.map((field) => field.label)).toEqual(['Month', 'Entity']),
  },
  update_kickoff_field: {
    args: {
      template_id: ids.vendorTemplate,
      field_id: sid('a', 'f0', 3),
      field_data: { required: true, guidance: 'Best estimate in USD.' },
    },
    check: () =>
      expect(template(ids.vendorTemplate)?.prerun.find((field) => field.id === sid('a', 'f0', 3))).toMatchObject({
        label: 'Expected annual spend',
        required: true,
      }),
  },
  delete_kickoff_field: {
    args: { template_id: ids.vendorTemplate, field_id: sid('a', 'f0', 3) },
    check: () => expect(template(ids.vendorTemplate)?.prerun).toHaveLength(2),
  },
  reorder_kickoff_fields: {
    args: { template_id: ids.onboardingTemplate, field_order: [sid('a', 'f0', 13), sid('a', 'f0', 11), sid('a', 'f0', 12)] },
    check: () =>
      expect(
        [...(template(ids.onboardingTemplate)?.prerun ?? [])].sort((x, y) => x.position - y.position).map((field) => field.id),
      ).toEqual([sid('a', 'f0', 13), sid('a', 'f0', 11), sid('a', 'f0', 12)]),
  },
  get_automation_rules: { args: { template_id: ids.vendorTemplate }, check: ({ json }) => expect(json.total_automations).toBe(6) },
  create_automation_rule: {
    args: {
      template_id: ids.closeTemplate,
      automation_data: {
        conditions: [{ subject: 'step', subject_id: close(1), operation: 'completed' }],
        actions: [{ action: 'show', target_step_id: close(2) }],
      },
    },
    check: () => {
      const rules = template(ids.closeTemplate)?.automated_actions ?? [];
      expect(rules).toHaveLength(1);
      expect(rules[0]?.conditions[0]).toMatchObject({ conditionable_type: 'Step', operation: 'completed', statement: 'any_time' });
      expect(rules[0]?.then_actions[0]).toMatchObject({ action_type: 'visibility', action_verb: 'show', target_step_id: close(2) });
    },
  },
  delete_automation_rule: {
    args: { template_id: ids.vendorTemplate, automation_id: sid('a', 'aa', 2) },
    check: () => expect(template(ids.vendorTemplate)?.automated_actions.some((rule) => rule.id === sid('a', 'aa', 2))).toBe(false),
  },
  analyze_template_automations: {
    args: { template_id: ids.vendorTemplate },
    check: ({ json }) =>
      expect(json.redundant_groups).toContainEqual(
        expect.objectContaining({ kind: 'exact_duplicate', rule_ids: [sid('a', 'aa', 1), sid('a', 'aa', 2)] }),
      ),
  },
  suggest_automation_consolidation: {
    args: { template_id: ids.vendorTemplate },
    check: ({ json }) => {
      const types = json.suggestions.map((item: { type: string }) => item.type);
      expect(types).toContain('exact_duplicate');
      expect(types).toContain('conflict');
      expect(json.summary.high_priority).toBeGreaterThanOrEqual(2);
    },
  },
  get_step_visibility_conditions: {
    args: { template_id: ids.vendorTemplate, step_id: erpStep },
    check: ({ json }) => {
      expect(json.show_rules.map((rule: { id: string }) => rule.id)).toEqual([sid('a', 'aa', 4)]);
      expect(json.hide_rules.map((rule: { id: string }) => rule.id)).toEqual([sid('a', 'aa', 3)]);
      expect(json.default_visibility).toBe('conditionally_visible');
    },
  },
  get_organization_users: {
    args: { query: 'okafor' },
    check: ({ json }) => expect(json.data.map((user: { id: number }) => user.id)).toEqual([U.bob]),
  },
  get_user: {
    args: { user_id: U.bob },
    check: ({ json }) => expect(json).toMatchObject({ id: U.bob, email: 'bob@acme.example', role: 'standard' }),
  },
  invite_user_to_organization: {
    args: { email: 'gina@acme.example', first_name: 'Gina', last_name: 'Rossi', role: 'standard' },
    check: () =>
      expect(acme().users.find((user) => user.email === 'gina@acme.example')).toMatchObject({ status: 'invited', role: 'standard' }),
  },
  change_user_role: {
    args: { user_id: U.carol, role: 'standard' },
    check: () => expect(acme().users.find((user) => user.id === U.carol)?.role).toBe('standard'),
  },
  get_organization_guests: {
    args: {},
    check: ({ json }) => expect(json.data.map((guest: { email: string }) => guest.email)).toContain(sam),
  },
  get_guest: { args: { email: sam }, check: ({ json }) => expect(json).toMatchObject({ email: sam, company_name: 'Acme Supplies' }) },
  create_guest: {
    args: { email: 'pat@contractor.example', first_name: 'Pat', last_name: 'Lee', company_name: 'Contractor Co', phone_1: '+1 555 0100' },
    check: () => expect(acme().guests.find((guest) => guest.email === 'pat@contractor.example')).toBeTruthy(),
  },
  get_groups: {
    args: {},
    check: ({ json }) =>
      expect(json.data.map((group: { name: string }) => group.name)).toEqual(expect.arrayContaining(['Finance Approvers', 'IT Desk'])),
  },
  get_group: {
    args: { group_id: ids.financeGroup },
    check: ({ json }) => expect(json).toMatchObject({ name: 'Finance Approvers', members: [U.alice, U.bob] }),
  },
  create_group: {
    args: { name: 'Legal', description: 'Reviews contracts', members: [U.alice] },
    check: () => expect(acme().groups.find((group) => group.name === 'Legal')).toMatchObject({ members: [U.alice] }),
  },
  search_all: {
    args: { query: 'Vendor' },
    check: ({ json }) => {
      expect(json.templates.data.map((hit: { id: string }) => hit.id)).toContain(ids.vendorTemplate);
      expect(json.processes.data.map((hit: { id: string }) => hit.id)).toContain(ids.vendorRun);
    },
  },
  search_for_tasks: {
    args: { query: 'Finance approval' },
    check: ({ json }) =>
      expect(json.tasks.data.find((hit: { id: string }) => hit.id === ids.vendorApprovalTask)?.run_id).toBe(ids.vendorRun),
  },
  search_for_processes: {
    args: { query: 'Dana' },
    check: ({ json }) => expect(json.processes.data.map((hit: { id: string }) => hit.id)).toContain(ids.onboardingRun),
  },
  search_for_templates: {
    args: { query: 'Close' },
    check: ({ json }) => expect(json.templates.data.map((hit: { id: string }) => hit.id)).toContain(ids.closeTemplate),
  },
  get_tags: {
    args: {},
    check: ({ json }) =>
      expect(json.data.map((tag: { title: string }) => tag.title)).toEqual(expect.arrayContaining(['Vendors', 'Urgent', 'HR'])),
  },
  create_tag: {
    args: { title: 'Q4', color: '#123456' },
    check: () => expect(acme().tags.find((tag) => tag.title === 'Q4')).toMatchObject({ color: '#123456' }),
  },
  tag_template: {
    args: { template_id: ids.closeTemplate, tag_id: ids.vendorsTag },
    check: () => expect(acme().tagLinks.some((link) => link.subject_id === ids.closeTemplate && link.tag_id === ids.vendorsTag)).toBe(true),
  },
  tag_process: {
    args: { run_id: ids.onboardingRun, tag_id: sid('a', '7a', 2) },
    check: () =>
      expect(acme().tagLinks.some((link) => link.subject_id === ids.onboardingRun && link.tag_id === sid('a', '7a', 2))).toBe(true),
  },
  untag_process: {
    args: { run_id: ids.vendorRun, tag_id: ids.vendorsTag },
    check: () => expect(acme().tagLinks.some((link) => link.subject_id === ids.vendorRun && link.tag_id === ids.vendorsTag)).toBe(false),
  },
  get_template_folders: {
    args: {},
    check: ({ json }) =>
      expect(json.data.map((folder: { name: string }) => folder.name)).toEqual(expect.arrayContaining(['Finance', 'People'])),
  },
  get_process_folders: {
    args: {},
    check: ({ json }) => expect(json.data.map((folder: { name: string }) => folder.name)).toEqual(['Active vendors']),
  },
  create_folder: {
    args: { name: 'Legal', folder_type: 'run' },
    check: () => expect(acme().folders.find((folder) => folder.name === 'Legal')).toMatchObject({ folder_type: 'run' }),
  },
  get_guest_tasks: {
    args: { guest_email: sam },
    check: ({ json }) => {
      const got = json.data.map((item: { id: string }) => item.id);
      expect(got).toContain(sid('a', 'd0', 44));
      expect(got).toContain(sid('a', 'd0', 1)); // completed: unfiltered by default
    },
  },
  reopen_kickoff_form: { args: { run_id: ids.vendorRun }, check: () => expect(run(ids.vendorRun)?.prerun_status).toBe('pending') },
  update_group: {
    args: { group_id: ids.financeGroup, members: [U.bob, U.carol] },
    check: () =>
      expect(acme().groups.find((group) => group.id === ids.financeGroup)).toMatchObject({
        name: 'Finance Approvers',
        members: [U.bob, U.carol],
      }),
  },
  delete_group: {
    args: { group_id: sid('a', '90', 2) },
    check: () => expect(acme().groups.some((group) => group.id === sid('a', '90', 2))).toBe(false),
  },
  disable_user: { args: { user_id: U.bob }, check: () => expect(acme().users.find((user) => user.id === U.bob)?.status).toBe('disabled') },
  enable_user: { args: { user_id: U.frank }, check: () => expect(acme().users.find((user) => user.id === U.frank)?.status).toBe('active') },
  untag_template: {
    args: { template_id: ids.vendorTemplate, tag_id: ids.vendorsTag },
    check: () =>
      expect(acme().tagLinks.some((link) => link.subject_id === ids.vendorTemplate && link.tag_id === ids.vendorsTag)).toBe(false),
  },
  add_object_to_folder: {
    args: { folder_id: sid('a', 'f1', 3), object_id: ids.onboardingRun, object_type: 'run' },
    check: () =>
      expect(
        acme().folderObjects.some((relation) => relation.folder_id === sid('a', 'f1', 3) && relation.subject_id === ids.onboardingRun),
      ).toBe(true),
  },
  update_automation_rule: {
    args: {
      template_id: ids.vendorTemplate,
      automation_id: sid('a', 'aa', 1),
      automation_data: { alias: 'Welcome vendors after approval' },
    },
    check: () => {
      const rule = template(ids.vendorTemplate)?.automated_actions.find((item) => item.id === sid('a', 'aa', 1));
      expect(rule?.automated_alias).toBe('Welcome vendors after approval');
      expect(rule?.conditions).toEqual([
        expect.objectContaining({ conditionable_id: approvalStep, operation: 'approved', statement: 'any_time' }),
      ]);
      expect(rule?.then_actions).toEqual([expect.objectContaining({ action_verb: 'show' })]);
    },
  },
  get_step_dependencies: {
    args: { template_id: ids.vendorTemplate, step_id: approvalStep },
    check: ({ json }) => {
      expect(json.outgoing).toHaveLength(4);
      expect(json.complexity_analysis).toEqual({ score: 40, level: 'Medium' });
    },
  },
  suggest_step_deadline: {
    args: { template_id: ids.vendorTemplate, step_id: approvalStep },
    check: ({ json }) => expect(json.suggested_deadline).toMatchObject({ value: 4, unit: 'hours' }),
  },
  get_standalone_task: {
    args: { task_id: ids.oneOffTask },
    check: ({ json }) => expect(json).toMatchObject({ id: ids.oneOffTask, title: 'Renew insurance policy', is_oneoff_task: true }),
  },
  update_standalone_task: {
    args: { task_id: ids.oneOffTask, summary: 'Compare four quotes.', max_assignable: 2 },
    check: () => expect(task(ids.oneOffTask)).toMatchObject({ title: 'Renew insurance policy', summary: 'Compare four quotes.' }),
  },
  complete_standalone_task: {
    args: { task_id: ids.oneOffTask },
    check: () => expect(task(ids.oneOffTask)?.status).toBe('completed'),
  },
  reopen_standalone_task: {
    args: { task_id: sid('a', 'd0', 43), reason: 'Numbers changed.' },
    check: ({ json }) => expect(json.task.status).not.toBe('completed'),
  },
  clone_step: {
    args: { template_id: ids.vendorTemplate, step_id: wStep },
    check: ({ json }) => {
      const steps = [...(template(ids.vendorTemplate)?.steps ?? [])].sort((x, y) => x.position - y.position);
      expect(steps[1]).toMatchObject({ id: json.id, title: 'Collect W-9 and payment terms', guests: [sam] });
      expect(steps[1]?.captures.map((item) => item.label)).toEqual(steps[0]?.captures.map((item) => item.label));
    },
  },
  suggest_kickoff_fields: {
    args: { template_id: ids.vendorTemplate },
    check: ({ json }) => {
      expect(json.existing_kickoff_fields.map((field: { label: string }) => field.label)).toContain('Vendor name');
      const labels = json.suggestions.map((item: { label: string }) => item.label);
      // "Vendor name" and "Expected annual spend" already cover the client and money suggestions.
      expect(labels).not.toContain('Client name');
      expect(labels).not.toContain('Amount');
      expect(labels).toContain('Contact email'); // a step e-mails the vendor
    },
  },
  suggest_form_fields_for_step: {
    args: { template_id: ids.vendorTemplate, step_id: approvalStep },
    check: ({ json }) => expect(json.suggestions.map((item: { label: string }) => item.label)).toContain('Decision notes'),
  },
  reorder_form_fields: {
    args: { template_id: ids.vendorTemplate, step_id: wStep, field_order: [ids.paymentTermsCapture, sid('a', 'ca', 1)] },
    check: () =>
      expect([...(step(ids.vendorTemplate, wStep)?.captures ?? [])].sort((x, y) => x.position - y.position)[0]?.id).toBe(
        ids.paymentTermsCapture,
      ),
  },
  get_kickoff_dropdown_options: {
    args: { template_id: ids.vendorTemplate, field_id: ids.contractTierPrerun },
    check: ({ json }) => expect(json.options.map((item: { text: string }) => item.text)).toContain('Gold'),
  },
  get_organization_users_list: {
    args: {},
    check: ({ json }) => expect(json.data.map((user: { id: number }) => user.id)).toEqual(expect.arrayContaining([U.alice, U.bob])),
  },
  get_organization_guests_list: {
    args: {},
    check: ({ json }) => expect(json.data.map((guest: { email: string }) => guest.email)).toContain(sam),
  },
  update_guest: {
    args: { email: sam, associated_members: [U.bob] },
    check: () => expect(acme().guests.find((guest) => guest.email === sam)?.details?.associated_members).toEqual([U.bob]),
  },
  disable_guest: {
    get args() {
      return { email: seedGuest('idle@contractor.example', false) };
    },
    check: ({ json }) => expect(json.disabled_at).toBeTruthy(),
  },
  enable_guest: {
    get args() {
      return { email: seedGuest('paused@contractor.example', true) };
    },
    check: ({ json }) => expect(json.disabled_at ?? null).toBeNull(),
  },
  search_for_snippets: {
    args: { query: 'welcome' },
    check: ({ json }) => expect(json.snippets.data).toEqual([]),
  },
  update_tag: {
    args: { tag_id: ids.vendorsTag, color: '#00ff00' },
    check: () => expect(acme().tags.find((tag) => tag.id === ids.vendorsTag)).toMatchObject({ title: 'Vendors', color: '#00ff00' }),
  },
  delete_tag: {
    args: { tag_id: sid('a', '7a', 2) },
    check: () => expect(acme().tags.find((tag) => tag.id === sid('a', '7a', 2))?.deleted_at ?? 'gone').toBeTruthy(),
  },
  update_folder: {
    args: { folder_id: sid('a', 'f1', 2), name: 'Money' },
    check: () => expect(acme().folders.find((folder) => folder.id === sid('a', 'f1', 2))?.name).toBe('Money'),
  },
  delete_folder: {
    args: { folder_id: sid('a', 'f1', 1) },
    check: () => expect(acme().folders.some((folder) => folder.id === sid('a', 'f1', 1))).toBe(false),
  },
  remove_object_from_folder: {
    // The vendor run's relation id is assigned when the sandbox starts.
    get args() {
      return { folder_object_id: acme().folderObjects.find((relation) => relation.subject_id === ids.vendorRun)?.id ?? 1 };
    },
    check: () => expect(acme().folderObjects.some((relation) => relation.subject_id === ids.vendorRun)).toBe(false),
  },
  ask_user_question: {
    args: { question: 'Which vendor?', fields: [{ name: 'vendor', type: 'text' }] },
    check: ({ json }) => expect(json).toMatchObject({ status: 'needs_user_answer', ui: 'question', question: 'Which vendor?' }),
  },
  ask_user_to_rank: {
    args: { question: 'Which first?', items: ['A', 'B'] },
    check: ({ json }) => expect(json).toMatchObject({ status: 'needs_user_answer', ui: 'rank', items: ['A', 'B'] }),
  },
  ask_user_to_confirm: {
    args: { question: 'Archive it?' },
    check: ({ json }) => expect(json).toMatchObject({ status: 'needs_user_answer', ui: 'confirm' }),
  },
  tallyfy_api_read: {
    args: { path: '/organizations/{org}/runs', query: { per_page: 5 } },
    check: ({ json }) => expect(json.data.map((item: { id: string }) => item.id)).toContain(ids.vendorRun),
  },
  tallyfy_api_write: {
    args: { method: 'POST', path: '/tags', body: { title: 'Raw', color: '#111111' } },
    check: () => expect(acme().tags.some((tag) => tag.title === 'Raw')).toBe(true),
  },
  validate_template_mapping: {
    args: {
      mapping: {
        title: 'Draft',
        steps: [
          { id: 's1', title: 'Do it' },
          { id: 's2', title: 'Check it', step_type: 'approval' },
        ],
        automations: [
          {
            conditions: [{ conditionable_type: 'Step', conditionable_id: 's1', operation: 'completed', statement: 'any_time' }],
            actions: [{ action_type: 'visibility', action_verb: 'show', target_step_id: 's2' }],
          },
        ],
      },
    },
    check: ({ json }) => expect(json).toMatchObject({ valid: true, errors: [], summary: { steps: 2, automations: 1 } }),
  },
};

describe('MCP tools against the sandbox', () => {
  it('has a happy-path case for every tool (coverage cannot silently lapse)', () => {
    expect(Object.keys(happy).sort()).toEqual(allTools.map((tool) => tool.name).sort());
  });

  it.each(allTools.map((tool) => tool.name))('%s: happy path', async (name) => {
    const entry = happy[name];
    if (!entry) throw new Error(`no happy-path case for ${name}`);
    await entry.check(await ok(name, entry.args));
  });

  it('every get_/list_/search_ read tool announces an outputSchema, and its happy path answers structuredContent valid against it', async () => {
    const { tools } = await alice.listTools();
    const announced = new Map(tools.map((tool) => [tool.name, tool.outputSchema]));
    const reads = allTools.filter((tool) => tool.effect === 'read');
    const missing = reads.filter((tool) => /^(get|list|search)_/.test(tool.name) && !tool.output).map((tool) => tool.name);
    expect(missing).toEqual([]);
    for (const tool of reads.filter((item) => item.output)) {
      expect(announced.get(tool.name), tool.name).toBeDefined();
      const entry = happy[tool.name]!;
      // The SDK client itself checks structuredContent against the announced outputSchema (it throws otherwise).
      const result = (await alice.callTool({ name: tool.name, arguments: entry.args })) as CallToolResult;
      expect(result.isError, `${tool.name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      expect(result.structuredContent, tool.name).toBeDefined();
      const parsed = tool.output!.safeParse(result.structuredContent);
      expect(parsed.success, `${tool.name}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
      const first = result.content[0];
      expect(JSON.parse(first?.type === 'text' ? first.text : ''), tool.name).toEqual(result.structuredContent);
    }
  });

  it('lists every tool with its annotations over MCP', async () => {
    const { tools } = await alice.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(allTools.map((tool) => tool.name).sort());
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBeTypeOf('boolean');
      expect(tool.annotations?.destructiveHint, tool.name).toBeTypeOf('boolean');
      expect(tool.inputSchema.type).toBe('object');
    }
  });
});

describe('one read where one is enough', () => {
  it('create_standalone_task reads the member and group lists once, however many names it resolves', async () => {
    const result = await ok('create_standalone_task', {
      title: 'Count the chairs',
      deadline: 'tomorrow',
      user_emails: ['bob@acme.example', 'carol@acme.example'],
      user_names: ['Alice Nguyen'],
      group_names: ['IT Desk', 'Finance Approvers'],
    });
    expect(result.json.task.owners.users).toEqual([U.bob, U.carol, U.alice]);
    expect(result.json.task.owners.groups).toHaveLength(2);
    const reads = (list: string) =>
      sandbox.requestLog.filter((entry) => entry.method === 'GET' && entry.path === `/organizations/${A}/${list}`);
    expect(reads('users')).toHaveLength(1);
    expect(reads('groups')).toHaveLength(1);
  });

  it('tools that do not show tags fetch a template without them', async () => {
    await ok('get_template_steps', { template_id: ids.vendorTemplate });
    const reads = sandbox.requestLog.filter((entry) => entry.path === `/organizations/${A}/checklists/${ids.vendorTemplate}`);
    expect(reads.map((entry) => decodeURIComponent(entry.query))).toEqual(['with=steps']);
  });

  it('update_task and update_standalone_task read the task once', async () => {
    for (const [name, taskId, extra] of [
      ['update_task', ids.vendorErpTask, { run_id: ids.vendorRun }],
      ['update_standalone_task', ids.oneOffTask, {}],
    ] as const) {
      const before = sandbox.requestLog.length;
      await ok(name, { task_id: taskId, title: 'Renamed', ...extra });
      const reads = sandbox.requestLog.slice(before).filter((entry) => entry.method === 'GET' && entry.path.includes(taskId));
      expect(reads, taskId).toHaveLength(1);
    }
  });
});

describe('search pages like every list tool', () => {
  it('says how to get the next page of hits', async () => {
    const { json } = await ok('search_for_processes', { query: 'Vendor', per_page: 1 });
    expect(json.processes.data).toHaveLength(1);
    expect(json.processes.meta).toMatchObject({ total: 2, returned: 1, page: 1, total_pages: 2, truncated: true });
    expect(json.processes.meta.hint).toMatch(/page=2/);
  });
});

describe('tags as the official tools show them', () => {
  it('get_tags returns auto_generated and status on every tag, and filters by them', async () => {
    acme().tags.push({ id: sid('a', '7a', 9), title: 'Auto: Q4', color: null, auto_generated: true });
    const plain = await ok('get_tags', {});
    expect(plain.json.data.map((tag: { title: string }) => tag.title)).not.toContain('Auto: Q4'); // Tallyfy's default leaves them out
    for (const tag of plain.json.data) expect(tag).toMatchObject({ auto_generated: false, status: 'active' });
    const auto = await ok('get_tags', { auto_generated: true });
    expect(auto.json.data).toEqual([expect.objectContaining({ title: 'Auto: Q4', auto_generated: true, status: 'active' })]);
    const manual = await ok('get_tags', { auto_generated: false, status: 'active' });
    expect(manual.json.data.map((tag: { title: string }) => tag.title)).toEqual(['Vendors', 'Urgent', 'HR']);
    expect((await ok('get_tags', { status: 'deleted' })).json.data).toEqual([]);
  });

  it('search tools add each hit\'s tags when asked (tags: true), as the official ones do', async () => {
    const without = await ok('search_for_processes', { query: 'Vendor Onboarding - Acme' });
    expect(without.json.processes.data[0].tags).toBeUndefined();
    const { json } = await ok('search_for_processes', { query: 'Vendor Onboarding - Acme', tags: true });
    expect(json.processes.data[0].tags.map((tag: { title: string }) => tag.title)).toEqual(['Vendors']);
    const all = await ok('search_all', { query: 'renew insurance', tags: true });
    expect(all.json.tasks.data[0]).toMatchObject({ title: 'Renew insurance policy', tags: [expect.objectContaining({ title: 'Urgent' })] });
    const { tools } = await alice.listTools();
    for (const name of ['search_all', 'search_for_tasks', 'search_for_processes', 'search_for_templates'])
      expect(tools.find((tool) => tool.name === name)?.inputSchema.properties, name).toHaveProperty('tags');
    expect(tools.find((tool) => tool.name === 'search_for_snippets')?.inputSchema.properties).not.toHaveProperty('tags');
  });
});

describe('bad arguments and Tallyfy errors', () => {
  it('refuses wrongly typed arguments for every tool before anything reaches Tallyfy', async () => {
    const before = sandbox.requestLog.length;
    for (const tool of allTools) {
      const keys = Object.keys(tool.input);
      if (keys.length === 0) continue; // get_me, get_organization: no arguments to get wrong
      // Every argument gets a value of the wrong kind (an array of objects fits no field here).
      const result = await call(alice, tool.name, Object.fromEntries(keys.map((key) => [key, [{ wrong: true }]])));
      expect(result.isError, tool.name).toBe(true);
      // In words, naming an argument (argumentErrors.ts), never the SDK's zod text.
      expect(result.text, tool.name).toMatch(new RegExp(`(${keys.join('|')})\\S* (must|is required|is not|needs|has)`));
      expect(result.text, tool.name).not.toMatch(/Input validation error|Invalid input|"code"/);
    }
    expect(sandbox.requestLog.length).toBe(before);
  });

  it('names the kind of id a malformed id should be, in lists and nested rules too', async () => {
    const before = sandbox.requestLog.length;
    for (const [name, args, kind] of [
      ['add_assignees_to_step', { template_id: ids.vendorTemplate, step_id: wStep, groups: ['finance'] }, 'group'],
      ['launch_process', { template_id: ids.vendorTemplate, name: 'X', tags: ['vendors'] }, 'tag'],
      [
        'create_automation_rule',
        {
          template_id: ids.vendorTemplate,
          conditions: [{ subject: 'step', subject_id: 'w9', operation: 'completed' }],
          actions: [{ action: 'show', target_step_id: erpStep }],
        },
        'step or field',
      ],
    ] as const) {
      const result = await call(alice, name, args);
      expect(result.isError, name).toBe(true);
      expect(result.text, name).toContain(`must be a 32-character hexadecimal ${kind} id`);
    }
    expect(sandbox.requestLog.length).toBe(before);
  });

  it("turns every tool's Tallyfy refusal into an isError result without the token", async () => {
    const secret = 'sandbox-not-a-real-token-31337';
    const stranger = await connect(secret);
    for (const tool of allTools.filter((item) => item.annotations.openWorldHint)) {
      const result = await call(stranger, tool.name, happy[tool.name]?.args ?? {});
      expect(result.isError, `${tool.name}: ${result.text}`).toBe(true);
      expect(result.text, tool.name).toMatch(/401|UNAUTHORIZED/);
      expect(result.text, tool.name).not.toContain(secret);
    }
  });

  it("carries not-found errors with Tallyfy's message", async () => {
    const missing = 'ffffffffffffffffffffffffffffffff';
    for (const [name, args] of [
      ['get_task', { run_id: ids.vendorRun, task_id: missing }],
      ['get_process', { run_id: missing }],
      ['get_template', { template_id: missing }],
      ['get_group', { group_id: missing }],
    ] as const) {
      const result = await call(alice, name, args);
      expect(result.isError, name).toBe(true);
      expect(result.text, name).toMatch(/404|NOT_FOUND/);
      expect(result.text).toMatch(/^Could not /);
    }
  });

  it('refuses a light member what Tallyfy refuses them (403), and dave outside his org', async () => {
    const carol = await connect(sandboxTokens.carol);
    const invite = await call(carol, 'invite_user_to_organization', { email: 'x@acme.example', first_name: 'X', last_name: 'Y' });
    expect(invite.isError).toBe(true);
    expect(invite.text).toMatch(/403|FORBIDDEN/);
    const dave = await connect(sandboxTokens.dave, A);
    const mine = await call(dave, 'get_my_tasks');
    expect(mine.isError).toBe(true);
    expect(mine.text).toMatch(/403|FORBIDDEN/);
  });

  it("returns Tallyfy's validation messages and field errors", async () => {
    const result = await call(alice, 'create_group', { name: 'Finance Approvers', description: 'Duplicate name' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/422|VALIDATION/);
    expect(result.text).toMatch(/name/i);
  });

  it('explains what the model must fix for semantic mistakes, without calling Tallyfy for nothing', async () => {
    const approval = await call(alice, 'complete_task', { run_id: ids.vendorRun, task_id: ids.vendorApprovalTask });
    expect(approval).toMatchObject({ isError: true });
    expect(approval.text).toMatch(/is_approved/);
    const kickoff = await call(alice, 'launch_process', {
      template_id: ids.vendorTemplate,
      name: 'X',
      kickoff: { 'Vendor name': 'X', 'Shoe size': 42 },
    });
    expect(kickoff.text).toMatch(/"Shoe size" is not a kick-off field.*Vendor name/);
    const missing = await call(alice, 'launch_process', { template_id: ids.vendorTemplate, name: 'X', kickoff: { 'Vendor name': 'X' } });
    expect(missing.text).toMatch(/Required kick-off field\(s\) missing: "Contract tier"/);
    const option = await call(alice, 'launch_process', {
      template_id: ids.vendorTemplate,
      name: 'X',
      kickoff: { 'Vendor name': 'X', 'Contract tier': 'Platinum' },
    });
    expect(option.text).toMatch(/"Platinum" is not an option.*"Gold"/);
    const deadline = await call(alice, 'create_standalone_task', { title: 'X', deadline: 'whenever', user_ids: [U.bob] });
    expect(deadline.text).toMatch(/Could not read a deadline/);
    const nobody = await call(alice, 'create_standalone_task', { title: 'X', deadline: 'tomorrow' });
    expect(nobody.text).toMatch(/at least one person/);
    const ambiguous = await call(alice, 'get_user_tasks', { user_name: 'a' });
    expect(ambiguous.isError).toBe(true);
  });

  it('handles one-off tasks: update re-sends title, deadline and owners; complete and reopen use the one-off routes', async () => {
    const before = task(ids.oneOffTask);
    await ok('update_standalone_task', { task_id: ids.oneOffTask, summary: 'Compare four quotes.' });
    expect(task(ids.oneOffTask)).toMatchObject({ title: 'Renew insurance policy', owners: before?.owners });
    expect(new Date(task(ids.oneOffTask)?.deadline ?? 0).getTime()).toBe(new Date(before?.deadline ?? 0).getTime());
    await ok('complete_standalone_task', { task_id: ids.oneOffTask });
    expect(task(ids.oneOffTask)?.status).toBe('completed');
    await ok('reopen_standalone_task', { task_id: ids.oneOffTask });
    expect(task(ids.oneOffTask)?.status).not.toBe('completed');
  });

  it("reads deadlines in the caller's organization timezone", async () => {
    const dave = await connect(sandboxTokens.dave, sandboxOrgs.beta);
    const created = await ok('create_standalone_task', { title: 'Count pallets', deadline: 'tomorrow 8am', user_ids: [U.dave] }, dave);
    expect(created.json.deadline_local).toMatch(/ 08:00 Europe\/London$/);
  });

  it('files a template into a folder through its folder_id, keeping its users and groups', async () => {
    await ok('add_object_to_folder', { folder_id: sid('a', 'f1', 2), object_id: ids.vendorTemplate, object_type: 'template' });
    expect(template(ids.vendorTemplate)).toMatchObject({ folder_id: sid('a', 'f1', 2), users: [U.alice], groups: [ids.financeGroup] });
  });

  it('refuses to delete a form field a rule depends on (Tallyfy 403 domain rule)', async () => {
    const result = await call(alice, 'delete_form_field', {
      template_id: ids.vendorTemplate,
      step_id: wStep,
      field_id: ids.paymentTermsCapture,
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/403|FORBIDDEN/);
    expect(result.text).toMatch(/rule or another step depends on this/);
    expect(result.text).not.toMatch(/permission/);
    expect(step(ids.vendorTemplate, wStep)?.captures.some((item) => item.id === ids.paymentTermsCapture)).toBe(true);
    const stepDelete = await call(alice, 'delete_step', { template_id: ids.vendorTemplate, step_id: approvalStep });
    expect(stepDelete.text).toMatch(/rule or another step depends on this/);
    expect(stepDelete.text).not.toMatch(/permission/);
  });
});
