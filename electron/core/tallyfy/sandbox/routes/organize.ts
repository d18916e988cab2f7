import { z } from 'zod';

import { includes, notFound, paginate, validate, validationError } from '../respond';
import { tagOut } from '../serialize';
import type { SeedFolder, SeedTag } from '../state';

import { item, route, type Route, type RouteContext } from './context';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'The color format is invalid.');

function findTag(ctx: RouteContext, id: string | undefined): SeedTag {
  const tag = ctx.org.tags.find((candidate) => candidate.id === id);
  if (!tag) throw notFound('Tag');
  return tag;
}

function findFolder(ctx: RouteContext, id: string | undefined): SeedFolder {
  const folder = ctx.org.folders.find((candidate) => candidate.id === id);
  if (!folder) throw notFound('Folder');
  return folder;
}

function folderOut(ctx: RouteContext, folder: SeedFolder, withChildren: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...folder };
  if (withChildren) {
    out.children = { data: ctx.org.folders.filter((child) => child.parent_id === folder.id).map((child) => folderOut(ctx, child, true)) };
  }
  return out;
}

/** Tag and folder routes (tallyfy-api.md §3.10). */
export const organizeRoutes: Route[] = [
  route('GET', '/tags', (ctx) => {
    const q = ctx.query.get('q')?.toLowerCase();
    const all = ctx.query.get('all') === 'true';
    const withStats = includes(ctx.query).has('statistics');
    const tags = ctx.org.tags.filter((tag) => (all || !tag.auto_generated) && (!q || tag.title.toLowerCase().includes(q)));
    const page = paginate(tags, ctx.query, { defaultPerPage: 10, url: ctx.url, emptyLinks: 'array' });
    return {
      body: {
        ...page,
        data: page.data.map((tag) => {
          const links = ctx.org.tagLinks.filter((link) => link.tag_id === tag.id);
          return {
            ...tagOut(tag),
            ...(withStats
              ? { statistics: { data: { checklists: links.filter((link) => link.subject_type === 'Checklist').length, runs: links.filter((link) => link.subject_type === 'Run').length } } }
              : {}),
          };
        }),
      },
    };
  }),
  route('POST', '/checklists/tags', (ctx) => {
    const body = validate(
      z.object({ subject_id: z.string().min(1), subject_type: z.enum(['Checklist', 'Run']), tag_id: z.string().min(1), tag_type: z.string().optional() }),
      ctx.body,
    );
    findTag(ctx, body.tag_id);
    const subject =
      body.subject_type === 'Checklist'
        ? ctx.org.templates.find((template) => template.id === body.subject_id && template.archived_at === null)
        : ctx.org.runs.find((run) => run.id === body.subject_id && run.archived_at === null);
    if (!subject) throw validationError({ subject_id: ['Subject not found'] });
    const existing = ctx.org.tagLinks.find((link) => link.tag_id === body.tag_id && link.subject_id === body.subject_id);
    if (existing) return item(existing);
    const link = { id: ctx.state.newId(), tag_id: body.tag_id, subject_type: body.subject_type, subject_id: body.subject_id };
    ctx.org.tagLinks.push(link);
    return item(link, 201);
  }),
  route('DELETE', '/checklists/tags/:link', (ctx) => {
    const index = ctx.org.tagLinks.findIndex((link) => link.id === ctx.params.link);
    if (index < 0) throw notFound('Tag association');
    ctx.org.tagLinks.splice(index, 1);
    return { status: 204 };
  }),
  route('GET', '/tags/:tag', (ctx) => item(tagOut(findTag(ctx, ctx.params.tag)))),
  route('POST', '/tags', (ctx) => {
    const body = validate(z.object({ title: z.string().min(1).max(30), color: color.optional() }), ctx.body);
    if (ctx.org.tags.some((tag) => tag.title.toLowerCase() === body.title.toLowerCase())) throw validationError({ title: ['The title has already been taken.'] });
    const tag: SeedTag = { id: ctx.state.newId(), title: body.title, color: body.color ?? null, auto_generated: false };
    ctx.org.tags.push(tag);
    return item(tagOut(tag), 201);
  }),
  route('PUT', '/tags/:tag', (ctx) => {
    const tag = findTag(ctx, ctx.params.tag);
    const body = validate(z.object({ title: z.string().min(1).max(30).optional(), color: color.optional() }), ctx.body);
    if (body.title !== undefined && ctx.org.tags.some((other) => other !== tag && other.title.toLowerCase() === body.title?.toLowerCase())) {
      throw validationError({ title: ['The title has already been taken.'] });
    }
    if (body.title !== undefined) tag.title = body.title;
    if (body.color !== undefined) tag.color = body.color;
    return item(tagOut(tag));
  }),
  route('DELETE', '/tags/:tag', (ctx) => {
    // 204 even when the tag does not exist (as the real API does).
    ctx.org.tags = ctx.org.tags.filter((tag) => tag.id !== ctx.params.tag);
    ctx.org.tagLinks = ctx.org.tagLinks.filter((link) => link.tag_id !== ctx.params.tag);
    return { status: 204 };
  }),
  // Folders
  route('GET', '/folders', (ctx) => {
    const type = ctx.query.get('folder_type');
    const q = ctx.query.get('q')?.toLowerCase();
    const withChildren = includes(ctx.query).has('children');
    const folders = ctx.org.folders
      .filter((folder) => (!type || folder.folder_type === type) && (!q || folder.name.toLowerCase().includes(q)) && (q || !withChildren || folder.parent_id === null))
      .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
    const page = paginate(folders, ctx.query, { defaultPerPage: 100, url: ctx.url, emptyLinks: 'array' });
    return { body: { ...page, data: page.data.map((folder) => folderOut(ctx, folder, withChildren)) } };
  }),
  route('POST', '/folders/add-object', (ctx) => {
    const body = validate(z.object({ folder_id: z.string().min(1), subject_id: z.string().min(1), subject_type: z.literal('Run') }), ctx.body);
    const folder = findFolder(ctx, body.folder_id);
    if (folder.folder_type !== 'run') throw validationError({ folder_id: ['Only run folders hold processes; file templates with the template folder_id.'] });
    if (!ctx.org.runs.some((run) => run.id === body.subject_id)) throw validationError({ subject_id: ['Subject not found'] });
    const relation = { id: ctx.state.newIntId(), folder_id: folder.id, subject_id: body.subject_id, subject_type: 'Run' as const, created_at: ctx.now.toISOString() };
    ctx.org.folderObjects.push(relation);
    return item(relation, 201);
  }),
  route('DELETE', '/folders-objects/:relation', (ctx) => {
    const index = ctx.org.folderObjects.findIndex((relation) => String(relation.id) === ctx.params.relation);
    if (index < 0) throw notFound('Folder object');
    ctx.org.folderObjects.splice(index, 1);
    return { status: 204 };
  }),
  route('POST', '/folders', (ctx) => {
    const body = validate(z.object({ name: z.string().min(1).max(32), folder_type: z.enum(['checklist', 'run']).default('checklist'), parent_id: z.string().nullable().optional() }), ctx.body);
    if (body.parent_id) {
      const parent = findFolder(ctx, body.parent_id);
      if (parent.folder_type !== body.folder_type) throw validationError({ parent_id: ['The parent folder has another folder type.'] });
    }
    const folder: SeedFolder = { id: ctx.state.newId(), name: body.name, folder_type: body.folder_type, parent_id: body.parent_id ?? null, position: ctx.org.folders.length + 1 };
    ctx.org.folders.push(folder);
    return item(folder, 201);
  }),
  route('PUT', '/folders/:folder', (ctx) => {
    const folder = findFolder(ctx, ctx.params.folder);
    const body = validate(z.object({ name: z.string().min(1).max(32).optional(), parent_id: z.string().nullable().optional() }), ctx.body);
    if (body.name !== undefined) folder.name = body.name;
    if (body.parent_id !== undefined) {
      if (body.parent_id === folder.id) throw validationError({ parent_id: ['A folder cannot be its own parent.'] });
      if (body.parent_id) findFolder(ctx, body.parent_id);
      folder.parent_id = body.parent_id;
    }
    return item(folder);
  }),
  route('DELETE', '/folders/:folder', (ctx) => {
    const folder = findFolder(ctx, ctx.params.folder);
    // Contents move out: templates lose the folder, runs lose the relation, children move up.
    for (const template of ctx.org.templates) if (template.folder_id === folder.id) template.folder_id = null;
    ctx.org.folderObjects = ctx.org.folderObjects.filter((relation) => relation.folder_id !== folder.id);
    for (const child of ctx.org.folders) if (child.parent_id === folder.id) child.parent_id = folder.parent_id;
    ctx.org.folders.splice(ctx.org.folders.indexOf(folder), 1);
    return { status: 204 };
  }),
  // Search
  route('GET', '/search', (ctx) => {
    const text = (ctx.query.get('search') ?? '').toLowerCase().trim();
    if (!text) throw validationError({ search: ['The search field is required.'] });
    const on = (ctx.query.get('on') ?? 'blueprint,process,task').split(',').map((part) => part.trim());
    const query = new URLSearchParams(ctx.query);
    if (!query.has('per_page')) query.set('per_page', '20');
    const org = ctx.org;
    const page = <T>(items: T[]) => paginate(items, query, { defaultPerPage: 20, url: ctx.url, emptyLinks: 'object' });
    const result: Record<string, unknown> = {};
    const templates = org.templates.filter((template) => template.archived_at === null);
    for (const type of on) {
      if (type === 'blueprint') {
        result.blueprint = page(templates.filter((template) => template.title.toLowerCase().includes(text)).map((template) => ({ id: template.id, title: template.title, type: template.type, status: template.status, steps_count: template.steps.length })));
      } else if (type === 'process') {
        result.process = page(
          org.runs.filter((run) => run.archived_at === null && run.name.toLowerCase().includes(text)).map((run) => ({ id: run.id, name: run.name, status: run.status, type: 'procedure', checklist_id: run.checklist_id })),
        );
      } else if (type === 'task') {
        // Task hits carry no run_id (tallyfy-api.md §3.11).
        result.task = page(
          org.tasks
            .filter((task) => task.archived_at === null && task.title.toLowerCase().includes(text))
            .map((task) => ({ id: task.id, title: task.title, status: task.status, status_label: task.status, is_oneoff_task: task.run_id === null, owners: task.owners, deadline: task.deadline, position: task.position })),
        );
      } else if (type === 'step') {
        result.step = page(templates.flatMap((template) => template.steps.filter((step) => step.title.toLowerCase().includes(text)).map((step) => ({ id: step.id, title: step.title, checklist_id: template.id, position: step.position }))));
      } else if (type === 'capture') {
        result.capture = page(
          templates.flatMap((template) => template.steps.flatMap((step) => step.captures.filter((capture) => capture.label.toLowerCase().includes(text)).map((capture) => ({ id: capture.id, title: capture.label, step_id: step.id, checklist_id: template.id })))),
        );
      } else if (type === 'snippet') {
        result.snippet = page([]);
      } else {
        throw validationError({ on: ['The selected on is invalid.'] });
      }
    }
    return { body: result };
  }),
];
