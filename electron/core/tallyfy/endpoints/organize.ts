import type { Folder, FolderObject, Page, SearchResult, SearchType, Tag } from '../types';

import { seg, type EndpointContext, type ListQuery } from './context';

/** Tag endpoints (tallyfy-api.md §3.10). */
export function tagsApi(ctx: EndpointContext) {
  return {
    /** `GET /tags` (`q`, `with=statistics`, `all=true`). */
    list: (query?: ListQuery, signal?: AbortSignal): Promise<Page<Tag>> => ctx.page('/tags', query, signal),
    /** `GET /tags/{id}`. */
    get: (tagId: string, signal?: AbortSignal): Promise<Tag> => ctx.item('GET', `/tags/${seg(tagId)}`, { signal }),
    /** `POST /tags`: `title` ≤30 and unique, `color` `#rrggbb`. */
    create: (body: { title: string; color?: string }, signal?: AbortSignal): Promise<Tag> => ctx.item('POST', '/tags', { body, signal }),
    /** `PUT /tags/{id}`. */
    update: (tagId: string, body: { title?: string; color?: string }, signal?: AbortSignal): Promise<Tag> =>
      ctx.item('PUT', `/tags/${seg(tagId)}`, { body, signal }),
    /** `DELETE /tags/{id}` (204, even when missing). */
    delete: (tagId: string, signal?: AbortSignal): Promise<void> => ctx.call('DELETE', `/tags/${seg(tagId)}`, { signal }),
    /** `POST /checklists/tags`: tags a template (`Checklist`) or a run (`Run`). Returns the association. */
    attach: (subjectType: 'Checklist' | 'Run', subjectId: string, tagId: string, signal?: AbortSignal): Promise<{ id: string; [key: string]: unknown }> =>
      ctx.item('POST', '/checklists/tags', { body: { subject_id: subjectId, subject_type: subjectType, tag_id: tagId, tag_type: 'private' }, signal }),
    /** `DELETE /checklists/tags/{association}`; find the association via `with=tags` on the object. */
    detach: (associationId: string, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/checklists/tags/${seg(associationId)}`, { signal }),
  };
}

/** Folder endpoints (tallyfy-api.md §3.10). */
export function foldersApi(ctx: EndpointContext) {
  return {
    /** `GET /folders?folder_type=checklist|run` (`q`, `with=children`). */
    list: (query?: ListQuery & { folder_type?: 'checklist' | 'run' }, signal?: AbortSignal): Promise<Page<Folder>> =>
      ctx.page('/folders', query, signal),
    /** `POST /folders`: `name` ≤32; the type is fixed at creation. */
    create: (body: { name: string; folder_type: 'checklist' | 'run'; parent_id?: string | null }, signal?: AbortSignal): Promise<Folder> =>
      ctx.item('POST', '/folders', { body, signal }),
    /** `PUT /folders/{id}`. */
    update: (folderId: string, body: { name?: string; parent_id?: string | null }, signal?: AbortSignal): Promise<Folder> =>
      ctx.item('PUT', `/folders/${seg(folderId)}`, { body, signal }),
    /** `DELETE /folders/{id}`: contents move out. */
    delete: (folderId: string, signal?: AbortSignal): Promise<unknown> => ctx.call('DELETE', `/folders/${seg(folderId)}`, { signal }),
    /** `POST /folders/add-object`: files a run (templates are filed with the template's `folder_id`). */
    addObject: (folderId: string, subjectId: string, subjectType: 'Run' = 'Run', signal?: AbortSignal): Promise<FolderObject> =>
      ctx.item('POST', '/folders/add-object', { body: { folder_id: folderId, subject_id: subjectId, subject_type: subjectType }, signal }),
    /** `DELETE /folders-objects/{relation}`. */
    removeObject: (relationId: number, signal?: AbortSignal): Promise<unknown> =>
      ctx.call('DELETE', `/folders-objects/${seg(relationId)}`, { signal }),
  };
}

/** Options of {@link searchApi}. */
export interface SearchOptions {
  /** Types to search. Default `['blueprint', 'process', 'task']`. */
  on?: readonly SearchType[];
  page?: number;
  /** ≤100. Default 20. */
  per_page?: number;
}

/** `GET /search?search=…&on=…`: results keyed by type (tallyfy-api.md §3.11). Task hits carry no `run_id`. */
export function searchApi(ctx: EndpointContext) {
  return (text: string, options: SearchOptions = {}, signal?: AbortSignal): Promise<SearchResult> =>
    ctx.call('GET', '/search', {
      query: { search: text, on: options.on ?? ['blueprint', 'process', 'task'], page: options.page, per_page: options.per_page ?? 20 },
      signal,
    });
}

export type TagsApi = ReturnType<typeof tagsApi>;
export type FoldersApi = ReturnType<typeof foldersApi>;
