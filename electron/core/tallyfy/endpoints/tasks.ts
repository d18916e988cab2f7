import type { Owners, Page, Task } from '../types';

import { seg, type EndpointContext, type ListQuery } from './context';

/** Body of a one-off task (`POST /tasks`). `deadline` is `"YYYY-MM-DD HH:MM:SS"` UTC. */
export interface CreateTaskInput {
  title: string;
  task_type: Task['task_type'];
  owners: Partial<Owners>;
  deadline: string;
  summary?: string;
  run_id?: string;
  form_fields?: { label: string; field_type: string; required: boolean; options?: unknown[]; columns?: unknown[]; guidance?: string; position?: number }[];
  separate_task_for_each_assignee?: boolean;
  [key: string]: unknown;
}

/** Body of a task update. `owners` REPLACES all three buckets (an omitted bucket is emptied). */
export interface UpdateTaskInput {
  title?: string;
  summary?: string;
  deadline?: string;
  owners?: Partial<Owners>;
  taskdata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Completion options. Approval tasks need `is_approved`. */
export interface CompleteTaskInput {
  is_approved?: boolean;
  override_user?: number;
}

/** Task endpoints (tallyfy-api.md §3.6). */
export function tasksApi(ctx: EndpointContext) {
  return {
    /** `GET /tasks`: every task in the org (filters: `status`, `owners`, `q`, deadline ranges…). */
    list: (query?: ListQuery, signal?: AbortSignal): Promise<Page<Task>> => ctx.page('/tasks', query, signal),
    /** `GET /me/tasks`: the caller's tasks. */
    listMine: (query?: ListQuery, signal?: AbortSignal): Promise<Page<Task>> => ctx.page('/me/tasks', query, signal),
    /** `GET /users/{id}/tasks`. */
    listForUser: (userId: number, query?: ListQuery, signal?: AbortSignal): Promise<Page<Task>> =>
      ctx.page(`/users/${seg(userId)}/tasks`, query, signal),
    /** `GET /guests/{guestId}/tasks` (the guest-link code; pages at 10). */
    listForGuest: (guestId: string, query?: ListQuery, signal?: AbortSignal): Promise<Page<Task>> =>
      ctx.page(`/guests/${seg(guestId)}/tasks`, query, signal),
    /** `GET /runs/{run}/tasks` (filters: `status`, `owners`, `groups`; `sort=position|deadline`). */
    listForRun: (runId: string, query?: ListQuery, signal?: AbortSignal): Promise<Page<Task>> =>
      ctx.page(`/runs/${seg(runId)}/tasks`, query, signal),
    /** `GET /tasks/{id}`: one-off or run task; returns `run_id`. */
    get: (taskId: string, query?: ListQuery, signal?: AbortSignal): Promise<Task> =>
      ctx.item('GET', `/tasks/${seg(taskId)}`, { query, signal }),
    /** `GET /runs/{run}/tasks/{task}`; pass `with: 'form_fields,threads'` for answers and comments. */
    getInRun: (runId: string, taskId: string, query?: ListQuery, signal?: AbortSignal): Promise<Task> =>
      ctx.item('GET', `/runs/${seg(runId)}/tasks/${seg(taskId)}`, { query, signal }),
    /** `POST /tasks`: a one-off task (201). */
    create: (body: CreateTaskInput, signal?: AbortSignal): Promise<Task> => ctx.item('POST', '/tasks', { body, signal }),
    /** `PUT /runs/{run}/tasks/{task}` (partial, but `owners` replaces every bucket). */
    update: (runId: string, taskId: string, body: UpdateTaskInput, signal?: AbortSignal): Promise<Task> =>
      ctx.item('PUT', `/runs/${seg(runId)}/tasks/${seg(taskId)}`, { body, signal }),
    /** `PUT /tasks/{task}`: one-off; `title`, `deadline` and `owners` are required every time. */
    updateOneOff: (taskId: string, body: UpdateTaskInput & { title: string; deadline: string; owners: Partial<Owners> }, signal?: AbortSignal): Promise<Task> =>
      ctx.item('PUT', `/tasks/${seg(taskId)}`, { body, signal }),
    /** `POST /runs/{run}/completed-tasks`. Not idempotent. */
    complete: (runId: string, taskId: string, input: CompleteTaskInput = {}, signal?: AbortSignal): Promise<Task> =>
      ctx.item('POST', `/runs/${seg(runId)}/completed-tasks`, { body: { task_id: taskId, ...input }, signal }),
    /** `POST /completed-tasks` for a one-off task. */
    completeOneOff: (taskId: string, input: CompleteTaskInput = {}, signal?: AbortSignal): Promise<Task> =>
      ctx.item('POST', '/completed-tasks', { body: { task_id: taskId, ...input }, signal }),
    /** `DELETE /runs/{run}/completed-tasks/{task}`: back to in-progress. */
    reopen: (runId: string, taskId: string, signal?: AbortSignal): Promise<Task> =>
      ctx.item('DELETE', `/runs/${seg(runId)}/completed-tasks/${seg(taskId)}`, { signal }),
    /** `DELETE /completed-tasks/{task}` for a one-off task. */
    reopenOneOff: (taskId: string, signal?: AbortSignal): Promise<Task> =>
      ctx.item('DELETE', `/completed-tasks/${seg(taskId)}`, { signal }),
    /** `DELETE /tasks/{task}`: archives a one-off task (204). */
    archiveOneOff: (taskId: string, signal?: AbortSignal): Promise<void> =>
      ctx.call('DELETE', `/tasks/${seg(taskId)}`, { signal }),
    /** `PUT /tasks/{task}/restore`. */
    restoreOneOff: (taskId: string, signal?: AbortSignal): Promise<Task> =>
      ctx.item('PUT', `/tasks/${seg(taskId)}/restore`, { signal }),
  };
}

export type TasksApi = ReturnType<typeof tasksApi>;
