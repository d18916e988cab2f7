import { z } from 'zod';

import type { TallyfyClient } from '../../tallyfy/client';
import { normalisePagination } from '../../tallyfy/pagination';
import type { SearchHit, SearchType, Tag } from '../../tallyfy/types';
import { defineTool, type Tool } from '../defineTool';
import { pick } from '../toolOutput';

import { fromPage, pageArg, searchOutput, trimTag } from './common';

const queryArg = z.string().min(1).max(200).describe('Words to search for in names and titles.');
const perPageArg = z.number().int().min(1).max(100).default(20).describe('Hits per type, 1–100. Default 20.');
const labels: Record<string, string> = {
  blueprint: 'templates',
  process: 'processes',
  task: 'tasks',
  step: 'steps',
  capture: 'form_fields',
  snippet: 'snippets',
};

const trimHit = (hit: SearchHit): Record<string, unknown> =>
  pick(hit, ['id', 'name', 'title', 'status', 'type', 'run_id', 'deadline', 'owners', 'steps_count', 'is_oneoff_task', 'checklist_id', 'tags']);

const tagsArg = z.boolean().default(false).describe("Also return each hit's tags (templates, processes and tasks; the first 25 hits of each kind).");

/** Hits looked up one by one (a task's run_id, tags), at most this many per kind, to bound the cost of one search. */
const maxLookups = 25;

/** The tags of one hit, read with `with=tags` (Tallyfy's search leaves them out). */
async function hitTags(client: TallyfyClient, type: SearchType, id: string, signal: AbortSignal): Promise<Tag[] | undefined> {
  const item =
    type === 'process'
      ? await client.runs.get(id, { with: 'tags' }, signal)
      : type === 'blueprint'
        ? await client.templates.get(id, { with: 'tags' }, signal)
        : undefined;
  return item?.tags?.data;
}

/** Runs a search and reshapes it by friendly type name, filling in `run_id` on task hits (Tallyfy leaves it out). */
async function search(
  client: TallyfyClient,
  text: string,
  on: SearchType[],
  page: number,
  perPage: number,
  signal: AbortSignal,
  withTags = false,
): Promise<Record<string, unknown>> {
  const result = await client.search(text, { on, page, per_page: perPage }, signal);
  const out: Record<string, unknown> = { query: text };
  for (const type of on) {
    const bucket = result[type];
    const hits = bucket?.data ?? [];
    if (type === 'task') {
      await Promise.all(
        hits.slice(0, maxLookups).map(async (hit) => {
          if (hit.run_id !== undefined && !withTags) return;
          try {
            const task = await client.tasks.get(hit.id, withTags ? { with: 'tags' } : undefined, signal);
            hit.run_id ??= task.run_id;
            if (withTags) hit.tags = ((task as { tags?: { data?: Tag[] } }).tags?.data ?? []).map(trimTag);
          } catch {
            // A hit we cannot read (permissions) is still worth showing, without its run.
          }
        }),
      );
    } else if (withTags && (type === 'process' || type === 'blueprint')) {
      await Promise.all(
        hits.slice(0, maxLookups).map(async (hit) => {
          try {
            hit.tags = ((await hitTags(client, type, hit.id, signal)) ?? []).map(trimTag);
          } catch {
            // Shown without its tags.
          }
        }),
      );
    }
    out[labels[type] ?? type] = fromPage(
      { data: hits, pagination: normalisePagination(bucket?.meta, hits.length) },
      trimHit,
      page,
      perPage,
    );
  }
  return out;
}

/** A search over one kind only: the arguments of `search_all` without `types`, the same output. */
function searchOneType(type: SearchType, tool: Pick<Tool, 'name' | 'title' | 'description'>): Tool {
  return defineTool({
    ...tool,
    area: 'search',
    effect: 'read',
    output: searchOutput([labels[type] ?? type]),
    input: { query: queryArg, page: pageArg, per_page: perPageArg, ...(type === 'snippet' ? {} : { tags: tagsArg }) },
    run: async ({ query, page, per_page, ...rest }, { client, signal }) =>
      search(client, query, [type], page, per_page, signal, (rest as { tags?: boolean }).tags === true),
  });
}

/** Universal search. */
export const searchTools: Tool[] = [
  defineTool({
    name: 'search_all',
    output: searchOutput(Object.values(labels)),
    title: 'Search everything',
    area: 'search',
    effect: 'read',
    description:
      'Searches templates, processes and tasks at once (optionally steps and form fields) by name, grouped by kind. Task hits include their process id (run_id). Use it to find an id from a name.',
    input: {
      query: queryArg,
      types: z
        .array(z.enum(['blueprint', 'process', 'task', 'snippet', 'step', 'capture']))
        .min(1)
        .default(['blueprint', 'process', 'task', 'snippet'])
        .describe('Kinds: blueprint (templates), process, task, snippet, step, capture (form fields).'),
      page: pageArg,
      per_page: perPageArg,
      tags: tagsArg,
    },
    run: async ({ query, types, page, per_page, tags }, { client, signal }) => search(client, query, types, page, per_page, signal, tags),
  }),
  searchOneType('task', {
    name: 'search_for_tasks',
    title: 'Search tasks',
    description: 'Searches tasks by title; each hit includes its process id (run_id).',
  }),
  searchOneType('process', {
    name: 'search_for_processes',
    title: 'Search processes',
    description: 'Searches processes (runs) by name; returns id, name and status of each hit.',
  }),
  searchOneType('blueprint', {
    name: 'search_for_templates',
    title: 'Search templates',
    description: 'Searches templates (blueprints) by title; returns id, title and number of steps of each hit.',
  }),
  searchOneType('snippet', {
    name: 'search_for_snippets',
    title: 'Search snippets',
    description: 'Searches snippets (reusable text blocks) by title.',
  }),
];
