/**
 * Tallyfy's official MCP tool set (tallyfy-api.md §6) as a contract: every official name is served with the
 * official required/optional split, the older flat shapes still work as schema-free aliases, and the
 * semantics the official tools have (mentions, dropdown answers by text, duplicate rules, elicitation,
 * the raw API fallback) hold against the sandbox through a real MCP client.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';

import { createTallyfyClient } from '../tallyfy/client';
import { sandboxIds as ids, sandboxOrgs, sandboxTokens, sandboxUserIds as U } from '../tallyfy/sandbox/defaultSeed';
import type { OrgStore } from '../tallyfy/sandbox/state';
import { useSandbox } from '../tallyfy/sandbox/testing';

import { officialToolNames } from './catalog';
import { createMcpServer, type McpServerOptions } from './server/createMcpServer';

/** The official tools and their required top-level arguments (tallyfy-api.md §6; nested requirements live in the nested schema). */
const officialRequired: Record<string, string[]> = {
  add_assignees_to_step: ['template_id', 'step_id', 'assignees'],
  add_form_field_to_step: ['template_id', 'step_id', 'field_data'],
  add_kickoff_field: ['template_id', 'field_data'],
  add_object_to_folder: ['folder_id', 'object_id', 'object_type'],
  add_step_to_template: ['template_id', 'step_data'],
  add_task_comment: ['task_id', 'content'],
  analyze_template_automations: ['template_id'],
  archive_process: ['run_id'],
  ask_user_question: ['question', 'fields'],
  ask_user_to_confirm: ['question'],
  ask_user_to_rank: ['question', 'items'],
  assess_template_health: ['template_id'],
  change_user_role: ['user_id', 'role'],
  clone_step: ['template_id', 'step_id'],
  clone_template: ['template_id', 'new_name'],
  complete_kickoff_form: ['run_id'],
  complete_task: ['run_id', 'task_id'],
  create_automation_rule: ['template_id', 'automation_data'],
  create_folder: ['name'],
  create_group: ['name', 'description'],
  create_guest: ['email', 'first_name', 'last_name'],
  create_standalone_task: ['title', 'deadline'],
  create_tag: ['title'],
  create_template: ['title'],
  delete_automation_rule: ['template_id', 'automation_id'],
  delete_folder: ['folder_id'],
  delete_form_field: ['template_id', 'step_id', 'field_id'],
  delete_group: ['group_id'],
  delete_kickoff_field: ['template_id', 'field_id'],
  delete_step: ['template_id', 'step_id'],
  delete_tag: ['tag_id'],
  delete_task_comment: ['task_id', 'comment_id'],
  delete_template: ['template_id'],
  disable_guest: ['email'],
  disable_user: ['user_id'],
  edit_description_on_step: ['template_id', 'step_id', 'description'],
  enable_guest: ['email'],
  enable_user: ['user_id'],
  get_all_templates: [],
  get_dropdown_options: ['template_id', 'step_id', 'field_id'],
  get_group: ['group_id'],
  get_groups: [],
  get_guest: ['email'],
  get_guest_tasks: [],
  get_kickoff_dropdown_options: ['template_id', 'field_id'],
  get_kickoff_fields: ['template_id'],
  get_me: [],
  get_my_tasks: [],
  get_organization: [],
  get_organization_guests: [],
  get_organization_guests_list: [],
  get_organization_runs: [],
  get_organization_users: [],
  get_organization_users_list: [],
  get_process: ['run_id'],
  get_process_folders: [],
  get_standalone_task: ['task_id'],
  get_step_dependencies: ['template_id', 'step_id'],
  get_step_visibility_conditions: ['template_id', 'step_id'],
  get_tags: [],
  get_task: ['run_id', 'task_id'],
  get_task_comments: ['task_id'],
  get_tasks_for_process: [],
  get_template: [],
  get_template_folders: [],
  get_template_steps: ['template_id'],
  get_user: ['user_id'],
  get_user_tasks: [],
  invite_user_to_organization: ['email', 'first_name', 'last_name'],
  launch_process: ['template_id', 'name'],
  move_form_field: ['template_id', 'from_step', 'field_id', 'to_step'],
  reactivate_process: ['run_id'],
  remove_object_from_folder: ['folder_object_id'],
  reopen_kickoff_form: ['run_id'],
  reopen_task: ['run_id', 'task_id', 'reason'],
  reorder_form_fields: ['template_id', 'step_id', 'field_order'],
  reorder_kickoff_fields: ['template_id', 'field_order'],
  reorder_step: ['template_id', 'step_id', 'position'],
  report_task_issue: ['task_id', 'content'],
  resolve_task_issues: ['task_id', 'thread_id'],
  search_all: ['query'],
  search_for_processes: ['query'],
  search_for_snippets: ['query'],
  search_for_tasks: ['query'],
  search_for_templates: ['query'],
  suggest_automation_consolidation: ['template_id'],
  suggest_form_fields_for_step: ['template_id', 'step_id'],
  suggest_kickoff_fields: ['template_id'],
  suggest_step_deadline: ['template_id', 'step_id'],
  tag_process: ['run_id', 'tag_id'],
  tag_template: ['template_id', 'tag_id'],
  tallyfy_api_read: ['path'],
  tallyfy_api_write: ['method', 'path'],
  untag_process: ['run_id', 'tag_id'],
  untag_template: ['tag_id', 'template_id'],
  update_automation_rule: ['template_id', 'automation_id', 'automation_data'],
  update_dropdown_options: ['template_id', 'step_id', 'field_id', 'options'],
  update_folder: ['folder_id'],
  update_form_field: ['template_id', 'step_id', 'field_id', 'field_data'],
  update_group: ['group_id'],
  update_guest: ['email'],
  update_kickoff_field: ['template_id', 'field_id', 'field_data'],
  update_process: ['run_id'],
  update_standalone_task: ['task_id'],
  update_tag: ['tag_id'],
  update_task: ['run_id', 'task_id'],
  update_task_comment: ['task_id', 'comment_id', 'content'],
  update_template: ['template_id', 'template_data'],
  validate_template_mapping: ['mapping'],
};

const A = sandboxOrgs.acme;
const sid = (org: 'a' | 'b', kind: string, n: number): string => `${org}${kind}${n.toString(16).padStart(29, '0')}`;
const sandbox = useSandbox();
const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const item of open.splice(0)) await item.close();
});

const acme = (): OrgStore => {
  const store = sandbox.state.orgs.get(A);
  if (!store) throw new Error('no acme org in the sandbox');
  return store;
};

/** A real MCP client; `answer` makes it declare elicitation and answer every form with it. */
async function connect(
  options: McpServerOptions = {},
  answer?: (
    message: string,
    schema: Record<string, unknown>,
  ) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> },
): Promise<Client> {
  const client = createTallyfyClient({ baseUrl: sandbox.url, token: sandboxTokens.alice, orgId: A, maxRetries: 0 });
  const server = createMcpServer(client, options);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const mcp = new Client({ name: 'official-test', version: '1.0.0' }, answer ? { capabilities: { elicitation: { form: {} } } } : {});
  if (answer)
    mcp.setRequestHandler(ElicitRequestSchema, (request) => {
      const params = request.params as { message: string; requestedSchema?: Record<string, unknown> };
      return answer(params.message, params.requestedSchema ?? {});
    });
  await server.connect(serverSide);
  await mcp.connect(clientSide);
  open.push(mcp, server);
  return mcp;
}

async function call(mcp: Client, name: string, args: Record<string, unknown>) {
  const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tool answers are JSON of many shapes
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { isError: result.isError === true, text, json };
}

describe("Tallyfy's official tool set", () => {
  it('serves all 109 official names with the official required arguments', async () => {
    const mcp = await connect({ apiFallback: true });
    const { tools } = await mcp.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(officialRequired)).toHaveLength(109);
    expect([...officialToolNames].sort()).toEqual(Object.keys(officialRequired).sort());
    const mismatches = Object.entries(officialRequired)
      .map(([name, required]) => ({
        name,
        want: [...required].sort(),
        got: byName.has(name) ? [...(byName.get(name)?.inputSchema.required ?? [])].sort() : ['(no such tool)'],
      }))
      .filter(({ want, got }) => want.join() !== got.join());
    expect(mismatches).toEqual([]);
  });

  it('keeps the raw API tools off unless enabled', async () => {
    const names = (await (await connect()).listTools()).tools.map((tool) => tool.name);
    expect(names).not.toContain('tallyfy_api_read');
    expect(names).not.toContain('tallyfy_api_write');
    expect(names).toContain('get_me');
  });

  it('marks the raw write tool destructive, so the agent always asks for approval', async () => {
    const { tools } = await (await connect({ apiFallback: true })).listTools();
    expect(tools.find((tool) => tool.name === 'tallyfy_api_write')?.annotations).toMatchObject({
      destructiveHint: true,
      readOnlyHint: false,
    });
    expect(tools.find((tool) => tool.name === 'tallyfy_api_read')?.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('refuses admin, auth, unknown and other-org paths on the raw tools before anything is sent', async () => {
    const mcp = await connect({ apiFallback: true });
    const before = sandbox.requestLog.length;
    for (const path of [
      '/organizations/{org}/admin/users',
      '/oauth/token',
      '/auth/login',
      '/organizations/{org}/runs/x/delete',
      '/organizations/{org}/nothing-here',
      `/organizations/${sandboxOrgs.beta}/runs`,
      '/organizations/{org}/../me',
    ])
      expect((await call(mcp, 'tallyfy_api_read', { path })).isError, path).toBe(true);
    expect((await call(mcp, 'tallyfy_api_write', { method: 'DELETE', path: '/organizations/{org}/checklists/abc/delete' })).isError).toBe(
      true,
    );
    expect(sandbox.requestLog.length).toBe(before);
  });

  it('accepts the older flat argument shapes as aliases, at no cost to the schema', async () => {
    const mcp = await connect();
    const { tools } = await mcp.listTools();
    expect(Object.keys(tools.find((tool) => tool.name === 'update_template')?.inputSchema.properties ?? {}).sort()).toEqual([
      'template_data',
      'template_id',
    ]);
    expect((await call(mcp, 'update_template', { template_id: ids.vendorTemplate, summary: 'Flat summary.' })).isError).toBe(false);
    expect(acme().templates.find((item) => item.id === ids.vendorTemplate)?.summary).toBe('Flat summary.');
    const closeTemplate = ids.closeTemplate;
    const step = await call(mcp, 'add_step_to_template', { template_id: closeTemplate, title: 'Flat step' });
    expect(step.isError, step.text).toBe(false);
    const field = await call(mcp, 'add_kickoff_field', {
      template_id: closeTemplate,
      label: 'Flat field',
      field_type: 'text',
      required: false,
      validation: ['numeric'],
    });
    expect(field.isError, field.text).toBe(false);
    expect(
      acme()
        .templates.find((item) => item.id === closeTemplate)
        ?.prerun.find((item) => item.label === 'Flat field')?.field_validation,
    ).toEqual(['numeric']);
    const launched = await call(mcp, 'launch_process', {
      template_id: ids.vendorTemplate,
      name: 'Flat launch',
      kickoff: { 'Vendor name': 'Flat', 'Contract tier': 'Gold' },
    });
    expect(launched.isError, launched.text).toBe(false);
    const byProcessId = await call(mcp, 'get_tasks_for_process', { process_id: ids.vendorRun });
    expect(byProcessId.json.process_info.id).toBe(ids.vendorRun);
  });

  it('accepts Tallyfy-native rule keys in automation_data and refuses an exact duplicate rule', async () => {
    const mcp = await connect();
    const close = (n: number): string => sid('a', '5e', 20 + n);
    const rule = {
      template_id: ids.closeTemplate,
      automation_data: {
        automated_alias: 'Native',
        conditions: [
          { conditionable_type: 'Step', conditionable_id: close(1), operation: 'completed', statement: 'any_time', logic: 'and' },
        ],
        then_actions: [{ action_type: 'visibility', action_verb: 'show', target_step_id: close(2) }],
      },
    };
    const first = await call(mcp, 'create_automation_rule', rule);
    expect(first.isError, first.text).toBe(false);
    const again = await call(mcp, 'create_automation_rule', rule);
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/already has exactly these conditions and actions/);
    expect(acme().templates.find((item) => item.id === ids.closeTemplate)?.automated_actions).toHaveLength(1);
  });

  it('rewrites @email, @username, @"Full Name" and sent_to into @[id] mentions', async () => {
    const mcp = await connect();
    const result = await call(mcp, 'add_task_comment', {
      task_id: ids.paperworkTask,
      content: 'Ping @bob@acme.example and @carol and @"Alice Nguyen" and @nobody',
      sent_to: [U.erin],
    });
    expect(result.isError, result.text).toBe(false);
    const thread = acme().threads.find((item) => item.task_id === ids.paperworkTask && item.content.startsWith('Ping'));
    expect(thread?.content).toBe(`Ping @[${U.bob}] and @[${U.carol}] and @[${U.alice}] and @nobody @[${U.erin}]`);
  });

  it('takes a dropdown answer by its text and refuses an unknown field id in update_task taskdata', async () => {
    const mcp = await connect();
    const fields = acme().tasks.find((item) => item.id === ids.paperworkTask);
    expect(fields).toBeDefined();
    const unknown = await call(mcp, 'update_task', {
      run_id: ids.onboardingRun,
      task_id: ids.paperworkTask,
      taskdata: { ffffffffffffffffffffffffffffffff: 'x' },
    });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/is not a form field of this task/);
    const contract = sid('a', 'ca', 13);
    const byText = await call(mcp, 'update_task', {
      run_id: ids.onboardingRun,
      task_id: ids.paperworkTask,
      taskdata: { [contract]: 'fixed term' },
    });
    expect(byText.isError, byText.text).toBe(false);
    expect(acme().tasks.find((item) => item.id === ids.paperworkTask)?.taskdata?.[contract]).toEqual({ id: 2, text: 'Fixed term' });
  });
});

describe('ask_user_* through elicitation', () => {
  it('asks a form question and returns the answers', async () => {
    let asked = '';
    const mcp = await connect({}, (message, schema) => {
      asked = message;
      expect(schema).toMatchObject({ properties: { tier: { type: 'string', enum: ['Standard', 'Gold'] } }, required: ['tier'] });
      return { action: 'accept', content: { tier: 'Gold' } };
    });
    const result = await call(mcp, 'ask_user_question', {
      question: 'Which tier?',
      fields: [{ name: 'tier', type: 'select', options: ['Standard', 'Gold'] }],
    });
    expect(asked).toBe('Which tier?');
    expect(result.json).toEqual({ answered: true, answers: { tier: 'Gold' } });
  });

  it('returns a ranking, and a declined confirmation as not confirmed', async () => {
    const mcp = await connect({}, (message) =>
      message.includes('rank') ? { action: 'accept', content: { place_1: 'B', place_2: 'A' } } : { action: 'decline' },
    );
    const ranked = await call(mcp, 'ask_user_to_rank', { question: 'Please rank these', items: ['A', 'B'] });
    expect(ranked.json).toEqual({ answered: true, ranking: ['B', 'A'] });
    const confirmed = await call(mcp, 'ask_user_to_confirm', { question: 'Archive the run?' });
    expect(confirmed.json).toMatchObject({ confirmed: false, action: 'decline' });
  });

  it('without elicitation, returns the question for the model to ask in its reply', async () => {
    const result = await call(await connect(), 'ask_user_to_confirm', { question: 'Archive the run?' });
    expect(result.json).toMatchObject({ status: 'needs_user_answer', ui: 'confirm', question: 'Archive the run?' });
    expect(result.json.instructions).toMatch(/Ask the person/);
  });
});
