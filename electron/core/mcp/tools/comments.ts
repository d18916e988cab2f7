import { z } from 'zod';

import { defineTool, ToolLookupError, type Tool } from '../defineTool';

import { hexId, trimComment, trimTask } from './common';
import { runIdOf } from './tasks';

const contentArg = z
  .string()
  .min(1)
  .max(10_000)
  .describe('The text. Mention a member with @[user_id] (e.g. "@[20033] please check"): only that markup notifies them.');

/** Comments and problems (issues) on tasks. */
export const commentTools: Tool[] = [
  defineTool({
    name: 'get_task_comments',
    title: "List a task's comments",
    area: 'comments',
    effect: 'read',
    description:
      "Lists a task's comment threads, oldest first, with label (comment, problem, resolve…), author id and whether a problem was resolved (resolve_id).",
    input: { task_id: hexId('task') },
    run: async ({ task_id }, { client, signal }) => {
      const run = await runIdOf(client, task_id, undefined, signal);
      const comments = await client.comments.list(task_id, run, signal);
      return { task_id, count: comments.length, data: comments.map(trimComment) };
    },
  }),
  defineTool({
    name: 'add_task_comment',
    title: 'Comment on a task',
    area: 'comments',
    effect: 'write',
    description: 'Posts a comment on a task. Use report_task_issue instead to flag a problem that blocks the work.',
    input: {
      task_id: hexId('task'),
      content: contentArg,
      state: z
        .enum(['hide-for-guests', 'open'])
        .default('hide-for-guests')
        .describe('hide-for-guests (default: members only) or open (guests on the task see it too).'),
    },
    run: async ({ task_id, content, state }, { client, signal }) =>
      trimComment(await client.comments.create(task_id, { content, label: 'comment', state }, signal)),
  }),
  defineTool({
    name: 'update_task_comment',
    title: 'Edit a comment',
    area: 'comments',
    effect: 'write',
    idempotent: true,
    description: 'Replaces the text of a comment on a task (the comment id comes from get_task_comments).',
    input: { task_id: hexId('task'), comment_id: hexId('comment'), content: contentArg },
    run: async ({ task_id, comment_id, content }, { client, signal }) =>
      trimComment(await client.comments.update(task_id, comment_id, { content }, signal)),
  }),
  defineTool({
    name: 'delete_task_comment',
    title: 'Delete a comment',
    area: 'comments',
    effect: 'destructive',
    idempotent: true,
    description: 'Deletes a comment from a task. This cannot be undone.',
    input: { task_id: hexId('task'), comment_id: hexId('comment') },
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
    description:
      'Flags a problem (an issue) on a task: posts a problem thread and marks the task as having a problem, so it shows up for the process owner. Resolve it later with resolve_task_issues.',
    input: { task_id: hexId('task'), content: contentArg.describe('What is wrong and what is needed to continue.') },
    run: async ({ task_id, content }, { client, signal }) => {
      const thread = await client.comments.reportProblem(task_id, content, signal);
      const task = await client.tasks.get(task_id, undefined, signal);
      return {
        issue: trimComment(thread),
        task: trimTask(task),
        hint: `Resolve it with resolve_task_issues(task_id, thread_id="${thread.id}").`,
      };
    },
  }),
  defineTool({
    name: 'resolve_task_issues',
    title: 'Resolve a problem on a task',
    area: 'comments',
    effect: 'write',
    description:
      'Resolves a problem reported on a task, with a note saying how. Give thread_id (from report_task_issue or get_task_comments), or leave it out to resolve every open problem on the task.',
    input: {
      task_id: hexId('task'),
      thread_id: hexId('problem thread').optional().describe('The problem thread to resolve; all open problems when left out.'),
      content: z.string().min(1).max(10_000).default('Resolved.').describe('How it was resolved.'),
    },
    run: async ({ task_id, thread_id, content }, { client, signal }) => {
      let ids = thread_id ? [thread_id] : [];
      if (!thread_id) {
        const run = await runIdOf(client, task_id, undefined, signal);
        ids = (await client.comments.list(task_id, run, signal))
          .filter((thread) => thread.label === 'problem' && !thread.resolve_id)
          .map((thread) => thread.id);
        if (ids.length === 0) throw new ToolLookupError('This task has no open problem to resolve.');
      }
      const resolved = [];
      for (const id of ids) resolved.push(trimComment(await client.comments.resolveProblem(task_id, id, content, signal)));
      const task = await client.tasks.get(task_id, undefined, signal);
      return { resolved, task: trimTask(task) };
    },
  }),
];
