/**
 * What the MCP server offers besides tools: Tallyfy objects as resources (with URI templates and
 * completions from live data), prompts for the jobs teams do most, and the logging level.
 */
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SetLevelRequestSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';

import { detailRun, detailTask, detailTemplate, trimUser } from '../tools/common';
import { allMembers } from '../tools/people';
import { templateWithSteps } from '../tools/templates';

const levels: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** The logging level a client asked for with `logging/setLevel`, per MCP session (undefined: nothing is sent). */
export interface LogLevels {
  /** True when a message at `level` should reach the session `sessionId`. */
  wants(level: LoggingLevel, sessionId: string | undefined): boolean;
}

/** Answers `logging/setLevel` (the server must declare the logging capability) and remembers the level per session. */
export function handleLogLevels(server: McpServer): LogLevels {
  const chosen = new Map<string | undefined, LoggingLevel>();
  const sessionOf = (extra: { sessionId?: string; requestInfo?: { headers: Record<string, string | string[] | undefined> } }) => {
    const header = extra.requestInfo?.headers['mcp-session-id'];
    return extra.sessionId ?? (typeof header === 'string' ? header : undefined);
  };
  server.server.setRequestHandler(SetLevelRequestSchema, (request, extra) => {
    chosen.set(sessionOf(extra), request.params.level);
    return {};
  });
  return {
    wants: (level, sessionId) => {
      const floor = chosen.get(sessionId);
      return floor !== undefined && levels.indexOf(level) >= levels.indexOf(floor);
    },
  };
}

const json = (uri: string, value: unknown) => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }] });

/** Up to 20 suggestions, matched case-insensitively at any position. */
const matching = (values: string[], typed: string): string[] =>
  values.filter((value) => value.toLowerCase().includes(typed.trim().toLowerCase())).slice(0, 20);

/** Template titles (for prompts) or ids (for URIs) that match what was typed. */
async function templateNames(client: TallyfyClient, typed: string): Promise<string[]> {
  const page = await client.templates.list({ q: typed || undefined, per_page: 20 });
  return matching(
    page.data.map((template) => template.title),
    typed,
  );
}

/**
 * Registers the resources (`tallyfy://templates/{template_id}`, `processes/{run_id}`, `tasks/{task_id}`,
 * `members/{user_id}`) and the prompts (`my_day`, `launch_process`, `template_health_review`, `automation_audit`).
 * Every read goes through `client`, so a server still reaches only its own credential set's data.
 */
export function registerResourcesAndPrompts(server: McpServer, client: TallyfyClient): void {
  server.registerResource(
    'template',
    new ResourceTemplate('tallyfy://templates/{template_id}', {
      list: async () => ({
        resources: (await client.templates.list({ starred: true, per_page: 50 })).data.map((template) => ({
          uri: `tallyfy://templates/${template.id}`,
          name: template.title,
          description: 'Starred template',
          mimeType: 'application/json',
        })),
      }),
      complete: {
        template_id: async (typed) =>
          (await client.templates.list({ per_page: 50 })).data
            .filter((template) => template.id.startsWith(typed) || template.title.toLowerCase().includes(typed.toLowerCase()))
            .map((template) => template.id)
            .slice(0, 20),
      },
    }),
    { title: 'Template', description: 'A template with steps, kick-off fields and rules.', mimeType: 'application/json' },
    async (uri, { template_id }, extra) =>
      json(uri.href, detailTemplate(await templateWithSteps(client, String(template_id), extra.signal, 'steps,tags'))),
  );
  server.registerResource(
    'process',
    new ResourceTemplate('tallyfy://processes/{run_id}', {
      list: async () => ({
        resources: (await client.runs.list({ status: 'active', per_page: 50, sort: '-created_at' })).data.map((run) => ({
          uri: `tallyfy://processes/${run.id}`,
          name: run.name,
          description: 'Open process',
          mimeType: 'application/json',
        })),
      }),
      complete: {
        run_id: async (typed) =>
          (await client.runs.list({ per_page: 50, sort: '-created_at' })).data
            .filter((run) => run.id.startsWith(typed) || run.name.toLowerCase().includes(typed.toLowerCase()))
            .map((run) => run.id)
            .slice(0, 20),
      },
    }),
    { title: 'Process', description: 'A running process with its tasks.', mimeType: 'application/json' },
    async (uri, { run_id }, extra) =>
      json(uri.href, detailRun(await client.runs.get(String(run_id), { with: 'tasks,next_task,tags' }, extra.signal))),
  );
  server.registerResource(
    'task',
    new ResourceTemplate('tallyfy://tasks/{task_id}', { list: undefined }),
    { title: 'Task', description: 'A task with its form fields and comments.', mimeType: 'application/json' },
    async (uri, { task_id }, extra) =>
      json(uri.href, detailTask(await client.tasks.get(String(task_id), { with: 'form_fields,threads' }, extra.signal))),
  );
  server.registerResource(
    'member',
    new ResourceTemplate('tallyfy://members/{user_id}', {
      list: undefined,
      complete: {
        user_id: async (typed) => {
          const members = await allMembers(client, AbortSignal.timeout(30_000));
          return members
            .filter(
              (member) =>
                String(member.id).startsWith(typed) ||
                `${member.full_name ?? ''} ${member.email}`.toLowerCase().includes(typed.toLowerCase()),
            )
            .map((member) => String(member.id))
            .slice(0, 20);
        },
      },
    }),
    { title: 'Member', description: 'A member of the organization.', mimeType: 'application/json' },
    async (uri, { user_id }, extra) => {
      const member = (await allMembers(client, extra.signal)).find((item) => String(item.id) === String(user_id));
      if (!member) throw new Error(`No member ${String(user_id)} in this organization.`);
      return json(uri.href, trimUser(member));
    },
  );

  const templateArg = completable(z.string().describe('Template title.'), (typed) => templateNames(client, String(typed ?? '')));
  const say = (text: string) => ({ messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] });

  server.registerPrompt(
    'my_day',
    {
      title: 'My day',
      description: 'What is on my plate today: overdue, due today, blocked.',
      argsSchema: { focus: z.string().optional().describe('Optional focus, e.g. a process name.') },
    },
    ({ focus }) =>
      say(
        `Plan my day in Tallyfy. Call get_my_tasks (status "incomplete"), then group my tasks into overdue, due today and later this week, flag any with a reported problem, and suggest the order to do them in.${focus ? ` Focus on: ${focus}.` : ''} Keep it short.`,
      ),
  );
  server.registerPrompt(
    'launch_process',
    {
      title: 'Launch a process',
      description: 'Launch a process from a template, asking for the kick-off answers.',
      argsSchema: { template: templateArg, name: z.string().optional().describe('Name of the new process.') },
    },
    ({ template, name }) =>
      say(
        `Launch a Tallyfy process from the template "${template}"${name ? ` named "${name}"` : ''}. Find the template with get_template (template_name), read its kick-off fields with get_kickoff_fields, ask me for every required answer I have not given, then call launch_process with prerun keyed by field label. Show me the new process and its first tasks.`,
      ),
  );
  server.registerPrompt(
    'template_health_review',
    { title: 'Template health review', description: 'Score a template and propose concrete fixes.', argsSchema: { template: templateArg } },
    ({ template }) =>
      say(
        `Review the Tallyfy template "${template}". Call get_template (template_name) and assess_template_health, then explain the score, the three most important findings, and the exact tool calls that would fix them. Do not change anything until I confirm.`,
      ),
  );
  server.registerPrompt(
    'automation_audit',
    {
      title: 'Automation audit',
      description: "Audit a template's if-then rules for duplicates, conflicts and orphans.",
      argsSchema: { template: templateArg },
    },
    ({ template }) =>
      say(
        `Audit the automation rules of the Tallyfy template "${template}". Call get_template (template_name) for its id, then analyze_template_automations and suggest_automation_consolidation. List each rule in plain words, then the duplicates, conflicts and orphaned rules with what to do about each. Do not change anything until I confirm.`,
      ),
  );
}
