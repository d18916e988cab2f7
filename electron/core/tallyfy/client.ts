import { z } from 'zod';

import { orgIdSchema } from '../../../shared/types/tallyfyIds';

import { SecretRegistry } from '../log/redact';
import type { RetryPolicy } from '../net/retry';

import { commentsApi, type CommentsApi } from './endpoints/comments';
import type { EndpointContext, ListQuery } from './endpoints/context';
import { foldersApi, searchApi, tagsApi, type FoldersApi, type SearchOptions, type TagsApi } from './endpoints/organize';
import { groupsApi, guestsApi, usersApi, type GroupsApi, type GuestsApi, type UsersApi } from './endpoints/people';
import { runsApi, type RunsApi } from './endpoints/runs';
import { tasksApi, type TasksApi } from './endpoints/tasks';
import {
  automationsApi,
  capturesApi,
  prerunApi,
  stepsApi,
  templatesApi,
  type AutomationsApi,
  type CapturesApi,
  type PrerunApi,
  type StepsApi,
  type TemplatesApi,
} from './endpoints/templates';
import { createHttpTransport, type RequestInfo, type RequestOptions } from './http';
import { hasMorePages, normalisePagination } from './pagination';
import type { Me, Organization, Page, SearchResult, User } from './types';

/** Default base URL of the Tallyfy API (`TALLYFY_API_URL` overrides it in config). */
export const defaultTallyfyApiUrl = 'https://api.tallyfy.com';

/** Largest number of items {@link TallyfyClient.listAll} yields unless told otherwise. */
export const defaultListAllCap = 1000;

/** Options of {@link createTallyfyClient}. */
/** Retries of the Tallyfy client (after the official CLI, tallyfy-api.md §5): 3 retries from 500 ms, backoff up to 8 s, `Retry-After` up to 30 s. */
export const defaultRetryPolicy: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 30_000 };

export interface TallyfyClientOptions {
  /** API root, e.g. `https://api.tallyfy.com` or a sandbox URL. Trailing slashes are ignored. */
  baseUrl: string;
  /** Bearer token (personal access token). Never logged, scrubbed from every error. */
  token: string;
  /** 32-hex organization id every org-scoped path uses. */
  orgId: string;
  /** Per-attempt timeout in milliseconds. Default 30,000. */
  timeoutMs?: number;
  /** Retries after the first attempt (429 any method; 502/503/504 and network errors on GET). Default 3. */
  maxRetries?: number;
  /** First backoff delay in milliseconds (doubles, ±20% jitter, max 8 s). Default 500. */
  retryBaseDelayMs?: number;
  /** Largest `Retry-After` honoured in milliseconds; a longer one fails at once. Default 30,000. */
  maxRetryAfterMs?: number;
  /** fetch implementation. Default the global `fetch`. */
  fetch?: typeof fetch;
  /** Run-time secrets to scrub from errors (the token is always scrubbed). */
  secrets?: SecretRegistry;
  /** Called after every HTTP attempt (no token, no query string). */
  onRequest?: (info: RequestInfo) => void;
}

const clientOptionsSchema = z.object({
  baseUrl: z.url({ message: 'baseUrl must be an http(s) URL' }),
  token: z.string().min(1, 'token must not be empty'),
  orgId: orgIdSchema.describe('orgId'),
  timeoutMs: z.number().int().positive().optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  retryBaseDelayMs: z.number().min(0).optional(),
  maxRetryAfterMs: z.number().min(0).optional(),
});

/** A Tallyfy REST client bound to one token and one organization. */
export interface TallyfyClient {
  readonly orgId: string;
  readonly baseUrl: string;
  /** `GET /organizations/{org}/me`: the caller's org-scoped profile (role, timezone). Use to validate credentials. */
  me(signal?: AbortSignal): Promise<Me>;
  /** `GET /me`: the global profile. */
  globalMe(signal?: AbortSignal): Promise<User>;
  /** `GET /organizations/{org}`: name, timezone, users_count. */
  organization(signal?: AbortSignal): Promise<Organization>;
  /** `GET /me/organizations`: every org the token's user belongs to. */
  myOrganizations(signal?: AbortSignal): Promise<Organization[]>;
  tasks: TasksApi;
  runs: RunsApi;
  templates: TemplatesApi;
  steps: StepsApi;
  captures: CapturesApi;
  prerun: PrerunApi;
  automations: AutomationsApi;
  users: UsersApi;
  guests: GuestsApi;
  groups: GroupsApi;
  tags: TagsApi;
  folders: FoldersApi;
  comments: CommentsApi;
  /** `GET /search`: results keyed by type. */
  search(text: string, options?: SearchOptions, signal?: AbortSignal): Promise<SearchResult>;
  /**
   * Any request. `path` is from the API root; `{org}` is replaced with the org id
   * (e.g. `/organizations/{org}/activity-feeds`). Returns the parsed body (undefined when empty).
   */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** One page of a list at `path` (root-relative, `{org}` replaced), as `{data, pagination}`. */
  listPage<T>(path: string, query?: ListQuery, signal?: AbortSignal): Promise<Page<T>>;
  /** Every item of a list, page by page (`per_page` 100), stopping after `maxItems` (default 1,000). */
  listAll<T>(path: string, query?: ListQuery, options?: { maxItems?: number; signal?: AbortSignal }): AsyncGenerator<T, void, undefined>;
  /** {@link listAll} collected into an array; `truncated` says whether the cap cut it short. */
  collectAll<T>(path: string, query?: ListQuery, options?: { maxItems?: number; signal?: AbortSignal }): Promise<{ data: T[]; truncated: boolean }>;
}

/** Creates a client. Throws a plain `Error` (no token in it) when the options are invalid. */
export function createTallyfyClient(options: TallyfyClientOptions): TallyfyClient {
  const checked = clientOptionsSchema.safeParse(options);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new Error(`Invalid Tallyfy client options: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown problem'}`);
  }
  const secrets = new SecretRegistry();
  secrets.add(options.token);
  const scrubber = {
    scrub: (text: string): string => secrets.scrub(options.secrets ? options.secrets.scrub(text) : text),
  };
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const orgId = options.orgId.toLowerCase();
  const transport = createHttpTransport({
    baseUrl,
    token: options.token,
    timeoutMs: options.timeoutMs ?? 30_000,
    retry: {
      ...defaultRetryPolicy,
      maxRetries: options.maxRetries ?? defaultRetryPolicy.maxRetries,
      baseDelayMs: options.retryBaseDelayMs ?? defaultRetryPolicy.baseDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? defaultRetryPolicy.maxRetryAfterMs,
    },
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    secrets: scrubber,
    onRequest: options.onRequest,
  });

  const fill = (path: string): string => {
    const withOrg = path.split('{org}').join(orgId);
    return withOrg.startsWith('/') ? withOrg : `/${withOrg}`;
  };
  const orgRoot = `/organizations/${orgId}`;

  const listPage = async <T>(path: string, query?: ListQuery, signal?: AbortSignal): Promise<Page<T>> => {
    const body = await transport.send<{ data?: unknown; meta?: unknown } | undefined>('GET', fill(path), { query, signal });
    const data = Array.isArray(body?.data) ? (body.data as T[]) : [];
    return { data, pagination: normalisePagination(body?.meta, data.length) };
  };

  async function* listAll<T>(
    path: string,
    query: ListQuery = {},
    { maxItems = defaultListAllCap, signal }: { maxItems?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<T, void, undefined> {
    let yielded = 0;
    for (let page = query.page ?? 1; ; page += 1) {
      const result = await listPage<T>(path, { ...query, page, per_page: query.per_page ?? 100 }, signal);
      for (const item of result.data) {
        if (yielded >= maxItems) return;
        yielded += 1;
        yield item;
      }
      if (result.data.length === 0 || !hasMorePages(result.pagination) || yielded >= maxItems) return;
    }
  }

  const ctx: EndpointContext = {
    orgId,
    call: (method, orgPath, requestOptions) => transport.send(method, `${orgRoot}${orgPath}`, requestOptions),
    item: async <T>(method: string, orgPath: string, requestOptions?: RequestOptions): Promise<T> => {
      const body = await transport.send<{ data?: T } | undefined>(method, `${orgRoot}${orgPath}`, requestOptions);
      return (body && typeof body === 'object' && 'data' in body ? body.data : body) as T;
    },
    page: (orgPath, query, signal) => listPage(`${orgRoot}${orgPath}`, query, signal),
  };

  return {
    orgId,
    baseUrl,
    me: (signal) => ctx.item<Me>('GET', '/me', { signal }),
    globalMe: async (signal) => (await transport.send<{ data: User }>('GET', '/me', { signal })).data,
    organization: async (signal) => (await transport.send<{ data: Organization }>('GET', orgRoot, { signal })).data,
    myOrganizations: async (signal) => (await listPage<Organization>('/me/organizations', undefined, signal)).data,
    tasks: tasksApi(ctx),
    runs: runsApi(ctx),
    templates: templatesApi(ctx),
    steps: stepsApi(ctx),
    captures: capturesApi(ctx),
    prerun: prerunApi(ctx),
    automations: automationsApi(ctx),
    users: usersApi(ctx),
    guests: guestsApi(ctx),
    groups: groupsApi(ctx),
    tags: tagsApi(ctx),
    folders: foldersApi(ctx),
    comments: commentsApi(ctx),
    search: searchApi(ctx),
    request: (method, path, requestOptions) => transport.send(method, fill(path), requestOptions),
    listPage,
    listAll,
    collectAll: async <T>(path: string, query?: ListQuery, listOptions?: { maxItems?: number; signal?: AbortSignal }) => {
      const maxItems = listOptions?.maxItems ?? defaultListAllCap;
      const data: T[] = [];
      // Ask for one more than the cap to know whether it cut the list short.
      for await (const item of listAll<T>(path, query, { ...listOptions, maxItems: maxItems + 1 })) data.push(item);
      const truncated = data.length > maxItems;
      return { data: truncated ? data.slice(0, maxItems) : data, truncated };
    },
  };
}
