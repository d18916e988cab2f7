import type { Comment, CommentLabel, Task } from '../types';

import { seg, type EndpointContext } from './context';

/** Body of a comment create/update. `content` may hold `@[userId]` mentions. */
export interface CommentInput {
  content: string;
  label?: CommentLabel;
  /** Default on Tallyfy's side: `hide-for-guests`. */
  state?: 'hide-for-guests' | 'open' | 'collapsed';
}

/** Comment ("thread") endpoints on tasks (tallyfy-api.md §3.7). */
export function commentsApi(ctx: EndpointContext) {
  return {
    /** A task's threads (`GET /runs/{run}/tasks/{task}?with=threads`, or `GET /tasks/{task}?with=threads` without a run). */
    list: async (taskId: string, runId?: string | null, signal?: AbortSignal): Promise<Comment[]> => {
      const path = runId ? `/runs/${seg(runId)}/tasks/${seg(taskId)}` : `/tasks/${seg(taskId)}`;
      const task = await ctx.item<Task>('GET', path, { query: { with: 'threads' }, signal });
      return task.threads?.data ?? [];
    },
    /** `POST /tasks/{task}/comment` (capped at 120 per hour per org). */
    create: (taskId: string, body: CommentInput, signal?: AbortSignal): Promise<Comment> =>
      ctx.item('POST', `/tasks/${seg(taskId)}/comment`, { body, signal }),
    /** `PUT /tasks/{task}/comment/{thread}`. */
    update: (taskId: string, threadId: string, body: CommentInput, signal?: AbortSignal): Promise<Comment> =>
      ctx.item('PUT', `/tasks/${seg(taskId)}/comment/${seg(threadId)}`, { body, signal }),
    /** `DELETE /tasks/{task}/comment/{thread}`. */
    delete: (taskId: string, threadId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/tasks/${seg(taskId)}/comment/${seg(threadId)}`, { signal }),
    /** `POST /tasks/{task}/problem`: opens an issue (a `problem` thread; the task shows `problem: true`). */
    reportProblem: (taskId: string, content: string, signal?: AbortSignal): Promise<Comment> =>
      ctx.item('POST', `/tasks/${seg(taskId)}/problem`, { body: { content }, signal }),
    /** `POST /tasks/{task}/resolved-threads`: resolves an issue thread. */
    resolveProblem: (taskId: string, threadId: string, content: string, signal?: AbortSignal): Promise<Comment> =>
      ctx.item('POST', `/tasks/${seg(taskId)}/resolved-threads`, { body: { thread_id: threadId, content }, signal }),
  };
}

export type CommentsApi = ReturnType<typeof commentsApi>;
