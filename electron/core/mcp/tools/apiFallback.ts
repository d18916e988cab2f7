import { z } from 'zod';

import { defineTool, ToolInputError, type Tool } from '../defineTool';

/**
 * The REST paths the Tallyfy client knows (relative to `/organizations/{org}`; `*` is one path segment), by method.
 * The raw tools reach only these; everything else is refused before anything is sent.
 */
const knownPaths: Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string[]> = {
  GET: [
    '',
    'me',
    'me/tasks',
    'users',
    'users-list',
    'users/*',
    'users/*/tasks',
    'guests',
    'guests-list',
    'guests/*',
    'guests/*/tasks',
    'groups',
    'groups/*',
    'tags',
    'tags/*',
    'folders',
    'runs',
    'runs/*',
    'runs/*/tasks',
    'runs/*/tasks/*',
    'runs/*/form-fields',
    'tasks',
    'tasks/*',
    'checklists',
    'checklists/*',
    'checklists/*/steps',
    'checklists/*/steps/*',
    'checklists/*/form-fields',
    'search',
    'activity-feeds',
  ],
  POST: [
    'runs',
    'runs/*/complete-prerun',
    'runs/*/completed-tasks',
    'completed-tasks',
    'tasks',
    'tasks/*/comment',
    'tasks/*/problem',
    'tasks/*/resolved-threads',
    'checklists',
    'checklists/*/clone',
    'checklists/*/steps',
    'checklists/*/steps/*/captures',
    'checklists/*/automated-actions',
    'checklists/tags',
    'users/invite',
    'guests',
    'groups',
    'tags',
    'folders',
    'folders/add-object',
  ],
  PUT: [
    'me',
    'runs/*',
    'runs/*/activate',
    'runs/*/tasks/*',
    'tasks/*',
    'tasks/*/restore',
    'tasks/*/comment/*',
    'checklists/*',
    'checklists/*/restore',
    'checklists/*/publish',
    'checklists/*/steps/*',
    'checklists/*/steps/*/captures/*',
    'checklists/*/steps/*/captures/*/move-out',
    'checklists/*/automated-actions/*',
    'users/*',
    'users/*/role',
    'users/*/enable',
    'guests/*',
    'guests/*/enable',
    'groups/*',
    'tags/*',
    'folders/*',
    'form-field/value',
  ],
  PATCH: [],
  DELETE: [
    'runs/*',
    'runs/*/complete-prerun',
    'runs/*/completed-tasks/*',
    'completed-tasks/*',
    'tasks/*',
    'tasks/*/comment/*',
    'checklists/*',
    'checklists/*/steps/*',
    'checklists/*/steps/*/captures/*',
    'checklists/*/preruns/*',
    'checklists/*/automated-actions/*',
    'checklists/tags/*',
    'users/*/disable',
    'guests/*',
    'guests/*/disable',
    'groups/*',
    'tags/*',
    'folders/*',
    'folders-objects/*',
  ],
};

/** Paths never reachable through the raw tools, whatever the method. */
const blocked = /(^|\/)(admin|oauth|auth|metrics|applications|token|tokens|login|logout|password|billing|delete)(\/|$)/i;

type Method = keyof typeof knownPaths;

/** The path relative to the org, checked; throws a ToolInputError a model can act on. */
export function checkApiPath(method: Method, path: string, orgId: string): string {
  const trimmed = path.trim().split('?')[0] ?? '';
  if (/\.\.|\/\/|%2e|%2f/i.test(trimmed)) throw new ToolInputError('The path must not contain "..", "//" or encoded slashes.');
  let relative = trimmed.replace(/^\/+|\/+$/g, '');
  relative = relative.replace(/^organizations\/(\{org\}|[0-9a-f]{32})\/?/i, (_, org: string) => {
    if (org !== '{org}' && org.toLowerCase() !== orgId.toLowerCase())
      throw new ToolInputError('Only your own organization ({org}) can be reached.');
    return '';
  });
  if (blocked.test(relative))
    throw new ToolInputError(`"${path}" is an admin, auth or permanent-deletion path; those are never reachable here.`);
  const segments = relative === '' ? [] : relative.split('/');
  const known = knownPaths[method].some((pattern) => {
    const parts = pattern === '' ? [] : pattern.split('/');
    return parts.length === segments.length && parts.every((part, index) => part === '*' || part === segments[index]);
  });
  if (!known)
    throw new ToolInputError(
      `${method} ${path} is not a path the gateway knows. Prefer the dedicated tools; known ${method} paths: ${knownPaths[method].map((item) => `/${item}`).join(', ') || 'none'}.`,
    );
  return `/organizations/{org}${segments.length ? `/${segments.join('/')}` : ''}`;
}

const pathArg = z.string().min(1).max(500).describe('Path like /organizations/{org}/runs or /runs ({org} is filled in).');
const queryArg = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .optional()
  .describe('Query parameters.');

/** Raw REST access for what no tool covers: off unless GATEWAY_API_FALLBACK=1 (see createMcpServer). */
export const apiFallbackToolList: Tool[] = [
  defineTool({
    name: 'tallyfy_api_read',
    title: 'Read from the Tallyfy API',
    area: 'api',
    effect: 'read',
    description: 'GET on a known Tallyfy REST path when no dedicated tool fits. Returns the raw JSON.',
    input: { path: pathArg, query: queryArg },
    run: async ({ path, query }, { client, signal }) =>
      (await client.request('GET', checkApiPath('GET', path, client.orgId), { query, signal })) ?? { ok: true },
  }),
  defineTool({
    name: 'tallyfy_api_write',
    title: 'Write to the Tallyfy API',
    area: 'api',
    effect: 'destructive',
    description: 'POST/PUT/PATCH/DELETE on a known Tallyfy REST path when no dedicated tool fits. Always needs approval.',
    input: {
      method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
      path: pathArg,
      body: z.record(z.string(), z.unknown()).optional().describe('JSON body.'),
      query: queryArg,
    },
    run: async ({ method, path, body, query }, { client, signal }) =>
      (await client.request(method, checkApiPath(method, path, client.orgId), { ...(body ? { body } : {}), query, signal })) ?? {
        ok: true,
      },
  }),
];
