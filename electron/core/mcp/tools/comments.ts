import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';
import type { CommentLabel, User } from '../../tallyfy/types';
import { defineTool, ToolLookupError, type Tool } from '../defineTool';

import { countedListOutput, hexId, trimComment, trimTask, userId } from './common';
import { allMembers } from './people';
import { runIdOf } from './tasks';

const contentArg = z
  .string()
  .min(1)
  .max(10_000)
  .describe('The text. Mention people with @[user_id], @email, @username or @"Full Name" (rewritten to @[id]; only mentions notify).');
const runIdArg = hexId('process (run)').optional().describe('Looked up when left out.');
const labelArg = z.enum(['comment', 'problem', 'resolve', 'improvement', 'advice']).default('comment');
const stateArg = z.enum(['hide-for-guests', 'open', 'collapsed']).default('hide-for-guests').describe('open: guests see it too.');
const sentToArg = z.array(userId).optional().describe('Members to notify (added as @[id] mentions).');

/**
 * Rewrites `@20059`, `@email`, `@username` and `@"Full Name"` to Tallyfy's `@[id]` markup (the only form that
 * notifies), and appends mentions for `sentTo` ids not yet mentioned. Members are read only when needed.
 */
export async function withMentions(
  client: TallyfyClient,
  content: string,
  sentTo: number[] | undefined,
  signal: AbortSignal,
): Promise<string> {
  let members: User[] | undefined;
  const load = async () => (members ??= await allMembers(client, signal));
  let text = content;
  if (/@(?!\[)("[^"]+"|[\w.+-]+@[\w.-]+\.\w+|[\w.-]+)/.test(text)) {
    const people = await load();
    text = text.replace(
      /@(?!\[)("([^"]+)"|([\w.+-]+@[\w.-]+\.\w+)|(\d+)\b|([\w.-]+))/g,
      (whole, _all, quoted?: string, email?: string, id?: string, name?: string) => {
        if (id && people.some((member) => member.id === Number(id))) return `@[${id}]`;
        const found = quoted
          ? people.find((member) => (member.full_name ?? `${member.first_name} ${member.last_name}`).toLowerCase() === quoted.toLowerCase())
          : email
            ? people.find((member) => member.email.toLowerCase() === email.toLowerCase())
            : name
              ? people.find(
                  (member) =>
                    (member.username ?? '').toLowerCase() === name.toLowerCase() ||
                    member.email.split('@')[0]?.toLowerCase() === name.toLowerCase(),
                )
              : undefined;
        return found ? `@[${found.id}]` : whole;
      },
    );
  }
  const missing = (sentTo ?? []).filter((id) => !text.includes(`@[${id}]`));
  return missing.length > 0 ? `${text} ${missing.map((id) => `@[${id}]`).join(' ')}` : text;
}

/** Resolves every open problem thread on a task with `content`; the resolved threads. */
async function resolveOpen(client: TallyfyClient, taskId: string, runId: string | undefined, content: string, signal: AbortSignal) {
  const run = await runIdOf(client, taskId, runId, signal);
  const open = (await client.comments.list(taskId, run, signal)).filter((thread) => thread.label === 'problem' && !thread.resolve_id);
  const resolved = [];
  for (const thread of open) resolved.push(trimComment(await client.comments.resolveProblem(taskId, thread.id, content, signal)));
  return resolved;
}

/** Comments and problems (issues) on tasks. */
export const commentTools: Tool[] = [
  defineTool({
    name: 'get_task_comments',
    output: countedListOutput,
    title: "List a task's comments",
    area: 'comments',
    effect: 'read',
    description: "Lists a task's comment threads, oldest first, with label (comment, problem, resolve…), author and resolve_id.",
    input: { task_id: hexId('task'), run_id: runIdArg },
    run: async ({ task_id, run_id }, { client, signal }) => {
      const run = await runIdOf(client, task_id, run_id, signal);
      const comments = await client.comments.list(task_id, run, signal);
      return { task_id, count: comments.length, data: comments.map(trimComment) };
    },
  }),
  defineTool({
    name: 'add_task_comment',
    title: 'Comment on a task',
    area: 'comments',
    effect: 'write',
    description: 'Posts a comment on a task. label "resolve" also resolves its open problems; use report_task_issue to flag a problem.',
    input: { task_id: hexId('task'), content: contentArg, run_id: runIdArg, label: labelArg, state: stateArg, sent_to: sentToArg },
    run: async ({ task_id, content, run_id, label, state, sent_to }, { client, signal }) => {
      const text = await withMentions(client, content, sent_to, signal);
      if (label === 'resolve') {
        const resolved = await resolveOpen(client, task_id, run_id, text, signal);
        if (resolved.length > 0) return { resolved };
      }
      return trimComment(await client.comments.create(task_id, { content: text, label: label as CommentLabel, state }, signal));
    },
  }),
  defineTool({
    name: 'update_task_comment',
    title: 'Edit a comment',
    area: 'comments',
    effect: 'write',
    idempotent: true,
    description: 'Replaces the text (and optionally label or state) of a comment on a task.',
    input: {
      task_id: hexId('task'),
      comment_id: hexId('comment'),
      content: contentArg,
      run_id: runIdArg,
      label: labelArg.optional(),
      state: stateArg.optional(),
      sent_to: sentToArg,
    },
    run: async ({ task_id, comment_id, content, label, state, sent_to }, { client, signal }) => {
      const text = await withMentions(client, content, sent_to, signal);
      return trimComment(
        await client.comments.update(
          task_id,
          comment_id,
          { content: text, ...(label ? { label: label as CommentLabel } : {}), ...(state ? { state } : {}) },
          signal,
        ),
      );
    },
  }),
  defineTool({
    name: 'delete_task_comment',
    title: 'Delete a comment',
    area: 'comments',
    effect: 'destructive',
    idempotent: true,
    description: 'Deletes a comment from a task. This cannot be undone.',
    input: { task_id: hexId('task'), comment_id: hexId('comment'), run_id: runIdArg },
    run: async ({ task_id, comment_id }, { client, signal }) => {
      await client.comments.delete(task_id, comment_id, signal);
      return { deleted: true, task_id, comment_id };
    },
  }),
  defineTool({
    name: 'report_task_issue',
    title: 'Report a problem on a task',
    area: 'comments',
    effect: 'write',
    description: 'Flags a problem on a task (a problem thread; the task shows as having a problem). Resolve it with resolve_task_issues.',
    input: { task_id: hexId('task'), content: contentArg.describe('What is wrong and what is needed.'), run_id: runIdArg },
    run: async ({ task_id, content }, { client, signal }) => {
      const thread = await client.comments.reportProblem(task_id, await withMentions(client, content, undefined, signal), signal);
      const task = await client.tasks.get(task_id, undefined, signal);
      return {
        issue: trimComment(thread),
        task: trimTask(task),
        hint: `Resolve with resolve_task_issues(task_id, thread_id="${thread.id}").`,
      };
    },
  }),
  defineTool({
    name: 'resolve_task_issues',
    title: 'Resolve a problem on a task',
    area: 'comments',
    effect: 'write',
    description: 'Resolves a problem thread on a task (thread_id from report_task_issue or get_task_comments), with an optional note.',
    input: {
      task_id: hexId('task'),
      thread_id: hexId('problem thread'),
      run_id: runIdArg,
      content: z.string().min(1).max(10_000).default('Resolved.').describe('How it was resolved.'),
    },
    run: async ({ task_id, thread_id, run_id, content }, { client, signal }) => {
      const run = await runIdOf(client, task_id, run_id, signal);
      const thread = (await client.comments.list(task_id, run, signal)).find((item) => item.id === thread_id);
      if (!thread) throw new ToolLookupError(`Thread ${thread_id} is not on this task. Call get_task_comments.`);
      const resolved = trimComment(await client.comments.resolveProblem(task_id, thread_id, content, signal));
      const task = await client.tasks.get(task_id, undefined, signal);
      return { resolved: [resolved], task: trimTask(task) };
    },
  }),
];
