import { z } from 'zod';

import { notFound, validate, validationError } from '../respond';
import { threadOut } from '../serialize';
import type { SeedThread } from '../state';

import { findTask, item, route, type Route, type RouteContext } from './context';

const commentSchema = z.object({
  content: z.string().min(1),
  label: z.enum(['comment', 'problem', 'resolve', 'improvement', 'advice']).default('comment'),
  state: z.enum(['hide-for-guests', 'open', 'collapsed']).default('hide-for-guests'),
});

/** Users mentioned as `@[id]` (the only markup that notifies anyone). */
function mentions(ctx: RouteContext, content: string): number[] {
  const ids = [...content.matchAll(/@\[(\d+)\]/g)].map((match) => Number(match[1]));
  return [...new Set(ids)].filter((id) => ctx.org.users.some((user) => user.id === id));
}

function findThread(ctx: RouteContext, taskId: string, threadId: string | undefined): SeedThread {
  const thread = ctx.org.threads.find((candidate) => candidate.id === threadId && candidate.task_id === taskId);
  if (!thread) throw notFound('Thread');
  return thread;
}

function newThread(ctx: RouteContext, taskId: string, body: z.infer<typeof commentSchema>): SeedThread {
  const thread: SeedThread = {
    id: ctx.state.newId(),
    task_id: taskId,
    content: body.content,
    label: body.label,
    state: body.state,
    author_id: ctx.user.id,
    resolve_id: null,
    created_at: ctx.now.toISOString(),
    sent_to: mentions(ctx, body.content),
  };
  ctx.org.threads.push(thread);
  return thread;
}

/** Comment, issue and resolve routes on tasks (tallyfy-api.md §3.7). */
export const commentRoutes: Route[] = [
  route('POST', '/tasks/:task/comment', (ctx) => {
    const task = findTask(ctx, ctx.params.task);
    return item(threadOut(newThread(ctx, task.id, validate(commentSchema, ctx.body))), 201);
  }),
  route('PUT', '/tasks/:task/comment/:thread', (ctx) => {
    const task = findTask(ctx, ctx.params.task);
    const thread = findThread(ctx, task.id, ctx.params.thread);
    const body = validate(commentSchema.partial().extend({ content: z.string().min(1) }), ctx.body);
    thread.content = body.content;
    if (body.label) thread.label = body.label;
    if (body.state) thread.state = body.state;
    (thread as SeedThread & { sent_to?: number[] }).sent_to = mentions(ctx, body.content);
    return item(threadOut(thread));
  }),
  route('DELETE', '/tasks/:task/comment/:thread', (ctx) => {
    const task = findTask(ctx, ctx.params.task);
    const thread = findThread(ctx, task.id, ctx.params.thread);
    ctx.org.threads.splice(ctx.org.threads.indexOf(thread), 1);
    return { status: 204 };
  }),
  route('POST', '/tasks/:task/problem', (ctx) => {
    const task = findTask(ctx, ctx.params.task);
    const body = validate(z.object({ content: z.string().min(1) }), ctx.body);
    const thread = newThread(ctx, task.id, { content: body.content, label: 'problem', state: 'open' });
    const run = ctx.org.runs.find((candidate) => candidate.id === task.run_id);
    if (run && run.status === 'active') run.status = 'problem';
    return item(threadOut(thread), 201);
  }),
  route('POST', '/tasks/:task/resolved-threads', (ctx) => {
    const task = findTask(ctx, ctx.params.task);
    const body = validate(z.object({ thread_id: z.string().min(1), content: z.string().min(1) }), ctx.body);
    const problem = findThread(ctx, task.id, body.thread_id);
    if (problem.label !== 'problem') throw validationError({ thread_id: ['The thread is not an open issue.'] });
    const resolution = newThread(ctx, task.id, { content: body.content, label: 'resolve', state: 'open' });
    problem.resolve_id = resolution.id;
    const run = ctx.org.runs.find((candidate) => candidate.id === task.run_id);
    const stillOpen = ctx.org.threads.some((thread) => thread.label === 'problem' && thread.resolve_id === null && ctx.org.tasks.some((other) => other.id === thread.task_id && other.run_id === task.run_id));
    if (run && run.status === 'problem' && !stillOpen) run.status = 'active';
    return item(threadOut(resolution), 201);
  }),
];
