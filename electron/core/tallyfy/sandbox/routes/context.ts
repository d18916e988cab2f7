import { forbidden, notFound } from '../respond';
import type { EmptyLinks } from '../respond';
import type { OrgStore, SandboxState, SeedRun, SeedTask, SeedTemplate, SeedUser } from '../state';

/** What a route handler receives. */
export interface RouteContext {
  state: SandboxState;
  org: OrgStore;
  user: SeedUser;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** Absolute URL of this request without the query (for pagination links). */
  url: string;
  now: Date;
}

/** A handler's answer. `body` undefined with 204 = no body. */
export interface Reply {
  status?: number;
  body?: unknown;
}

/** One org-scoped route: `pattern` is relative to `/organizations/:org` and uses `:name` parameters. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: string;
  handler: (ctx: RouteContext) => Reply;
}

export const route = (method: Route['method'], pattern: string, handler: Route['handler']): Route => ({ method, pattern, handler });

/** The `{data}` item envelope. */
export const item = (data: unknown, status = 200): Reply => ({ status, body: { data } });

export type { EmptyLinks };

/** 403 unless the caller is an admin. */
export function requireAdmin(ctx: RouteContext): void {
  if (ctx.user.role !== 'admin') throw forbidden('Only administrators can do this.');
}

/** 403 for light members, who cannot create or edit templates, steps, fields or rules. */
export function requireTemplateEditor(ctx: RouteContext): void {
  if (ctx.user.role === 'light') throw forbidden('Light members cannot create or edit templates.');
}

export function findTemplate(ctx: RouteContext, id: string | undefined, { includeArchived = false } = {}): SeedTemplate {
  const template = ctx.org.templates.find((candidate) => candidate.id === id);
  if (!template || (!includeArchived && template.archived_at !== null)) throw notFound('Checklist');
  return template;
}

export function findRun(ctx: RouteContext, id: string | undefined): SeedRun {
  const run = ctx.org.runs.find((candidate) => candidate.id === id);
  if (!run) throw notFound('Run');
  return run;
}

export function findTask(ctx: RouteContext, id: string | undefined, runId?: string): SeedTask {
  const task = ctx.org.tasks.find((candidate) => candidate.id === id && (runId === undefined || candidate.run_id === runId));
  if (!task) throw notFound('Task');
  return task;
}

/** Parses Tallyfy's `"YYYY-MM-DD HH:MM:SS"` (UTC) or ISO 8601 into ISO Zulu, or undefined when invalid. */
export function parseApiDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(value) ? `${value.replace(' ', 'T')}Z` : /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Comma-separated list query value → array (empty when absent). */
export function listParam(query: URLSearchParams, name: string): string[] {
  return (query.get(name) ?? '').split(',').map((part) => part.trim()).filter(Boolean);
}
