import type { Capture, Owners, Page, Run } from '../types';

import { seg, type EndpointContext, type ListQuery } from './context';

/** Body of a launch (`POST /runs`). `prerun` is an OBJECT keyed by kick-off field timeline id. */
export interface LaunchRunInput {
  checklist_id: string;
  name?: string;
  summary?: string;
  owner_id?: number;
  prerun?: Record<string, unknown>;
  tasks?: Record<string, { deadline?: string; owners?: Partial<Owners> }>;
  tags?: string[];
  users?: number[];
  groups?: string[];
  folders?: string[];
  [key: string]: unknown;
}

/** One field of `GET /runs/{id}/form-fields`: kick-off and step fields with their answers. */
export type RunFormField = Capture & { task_id?: string | null; value?: unknown; value_id?: string | number };

/** Body of `PUT /runs/{id}`. `users` and `groups` REPLACE the sets (omitted = emptied). */
export interface UpdateRunInput {
  name?: string;
  summary?: string;
  starred?: boolean;
  owner_id?: number;
  prerun?: Record<string, unknown>;
  users?: number[];
  groups?: string[];
  [key: string]: unknown;
}

/** Process ("run") endpoints (tallyfy-api.md §3.5). */
export function runsApi(ctx: EndpointContext) {
  return {
    /** `GET /runs` (filters: `status`, `owners`, `checklist_id`, `tag`, `folder`, `archived=only|true`, `q`, `sort`…). */
    list: (query?: ListQuery, signal?: AbortSignal): Promise<Page<Run>> => ctx.page('/runs', query, signal),
    /** `GET /runs/{id}` (`with=tasks,next_task,checklist,tags…`). */
    get: (runId: string, query?: ListQuery, signal?: AbortSignal): Promise<Run> =>
      ctx.item('GET', `/runs/${seg(runId)}`, { query, signal }),
    /** `POST /runs`: launches a process (201). Unknown prerun keys are silently dropped by Tallyfy. */
    launch: (body: LaunchRunInput, signal?: AbortSignal): Promise<Run> => ctx.item('POST', '/runs', { body, signal }),
    /** `PUT /runs/{id}`. Re-send `users` and `groups` or they are wiped. */
    update: (runId: string, body: UpdateRunInput, signal?: AbortSignal): Promise<Run> =>
      ctx.item('PUT', `/runs/${seg(runId)}`, { body, signal }),
    /** `DELETE /runs/{id}`: archives (recoverable with {@link activate}). */
    archive: (runId: string, signal?: AbortSignal): Promise<Run> => ctx.item('DELETE', `/runs/${seg(runId)}`, { signal }),
    /** `PUT /runs/{id}/activate`: un-archives with the previous status. */
    activate: (runId: string, signal?: AbortSignal): Promise<Run> => ctx.item('PUT', `/runs/${seg(runId)}/activate`, { signal }),
    /** `DELETE /runs/{id}/delete`: permanent; admin only, after archiving (else 422). */
    deletePermanently: (runId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/runs/${seg(runId)}/delete`, { signal }),
    /** `POST /runs/{id}/complete-prerun`: submits the kick-off form. */
    completePrerun: (runId: string, signal?: AbortSignal): Promise<Run> =>
      ctx.item('POST', `/runs/${seg(runId)}/complete-prerun`, { signal }),
    /** `DELETE /runs/{id}/complete-prerun`: reopens the kick-off form. */
    reopenPrerun: (runId: string, signal?: AbortSignal): Promise<Run> =>
      ctx.item('DELETE', `/runs/${seg(runId)}/complete-prerun`, { signal }),
    /** `GET /runs/{id}/form-fields`: every field with its timeline id, type, options and `task_id`. */
    formFields: async (runId: string, signal?: AbortSignal): Promise<RunFormField[]> => {
      // Tallyfy answers {data: {form_fields: [...]}}; a bare list is accepted too.
      const data = await ctx.item<RunFormField[] | { form_fields?: RunFormField[] }>('GET', `/runs/${seg(runId)}/form-fields`, { signal });
      return Array.isArray(data) ? data : (data.form_fields ?? []);
    },
    /** `PUT /form-field/value` with `{id, form_value}`: `id` is the capture-value row id, not a field id. */
    setFormFieldValue: (valueId: string | number, value: unknown, signal?: AbortSignal): Promise<unknown> =>
      ctx.item('PUT', '/form-field/value', { body: { id: valueId, form_value: value }, signal }),
  };
}

export type RunsApi = ReturnType<typeof runsApi>;
