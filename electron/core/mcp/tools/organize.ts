import { z } from 'zod';

import type { Folder, Tag } from '../../tallyfy/types';
import { defineTool, renameAlias, ToolInputError, ToolLookupError, type Tool } from '../defineTool';
import { pick } from '../toolOutput';

import { fromPage, hexId, listOutput, pageArg, trimTag } from './common';

const trimFolder = (folder: Folder): Record<string, unknown> => ({
  ...pick(folder, ['id', 'name', 'folder_type', 'parent_id']),
  ...(folder.children ? { children: folder.children.data.map((child) => pick(child, ['id', 'name'])) } : {}),
});

const colorArg = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be #rrggbb')
  .describe('Colour as #rrggbb, e.g. #3498db.');

/** A tag's status as the official tool shows it: Tallyfy's own when it sends one, else from `deleted_at`. */
function tagStatus(tag: Tag): string {
  return typeof tag.status === 'string' ? tag.status : tag.deleted_at ? 'deleted' : 'active';
}

/** A tag in get_tags: the lean fields plus `status` and `auto_generated`, as the official tool returns them. */
const listedTag = (tag: Tag): Record<string, unknown> => ({ ...trimTag(tag), status: tagStatus(tag), auto_generated: tag.auto_generated === true });

/** Tags and folders. */
export const organizeTools: Tool[] = [
  defineTool({
    name: 'get_tags',
    title: 'List tags',
    area: 'tags',
    effect: 'read',
    description:
      'Lists the tags of the organization (labels for templates and processes) with id, title, colour, status and auto_generated. Auto-generated tags are left out unless auto_generated is true.',
    aliases: renameAlias({ q: 'query' }),
    output: listOutput,
    input: {
      query: z.string().min(1).max(30).optional().describe('Part of a tag title.'),
      status: z.enum(['active', 'deleted']).optional().describe('Only tags with this status (deleted = Tallyfy reports a deleted_at).'),
      auto_generated: z
        .boolean()
        .optional()
        .describe('true: only the tags Tallyfy generated; false: only the ones people made. Default: the ones people made, as Tallyfy lists them.'),
      page: pageArg,
      per_page: z.number().int().min(1).max(100).default(100).describe('Tags per page, 1–100. Default 100.'),
    },
    run: async ({ query, status, auto_generated, page, per_page }, { client, signal }) => {
      // Tallyfy lists auto-generated tags only with all=true; the filters then apply to the page it returned.
      const result = await client.tags.list({ q: query, page, per_page, ...(auto_generated ? { all: true } : {}) }, signal);
      const kept = result.data.filter(
        (tag) =>
          (auto_generated === undefined || (tag.auto_generated === true) === auto_generated) && (status === undefined || tagStatus(tag) === status),
      );
      return fromPage({ ...result, data: kept }, listedTag, page, per_page);
    },
  }),
  defineTool({
    name: 'create_tag',
    title: 'Create a tag',
    area: 'tags',
    effect: 'write',
    description: 'Creates a tag with a unique title (up to 30 characters) and an optional #rrggbb colour.',
    input: {
      title: z.string().min(1).max(30).describe('Unique tag title, up to 30 characters.'),
      color: colorArg.optional(),
    },
    run: async (args, { client, signal }) => trimTag(await client.tags.create(args, signal)),
  }),
  defineTool({
    name: 'tag_template',
    title: 'Tag a template',
    area: 'tags',
    effect: 'write',
    idempotent: true,
    description: 'Puts a tag on a template so it can be found and filtered by that tag (get_tags lists tag ids).',
    input: { template_id: hexId('template'), tag_id: hexId('tag') },
    run: async ({ template_id, tag_id }, { client, signal }) => {
      const association = await client.tags.attach('Checklist', template_id, tag_id, signal);
      return { tagged: true, template_id, tag_id, association_id: association.id };
    },
  }),
  defineTool({
    name: 'tag_process',
    title: 'Tag a process',
    area: 'tags',
    effect: 'write',
    idempotent: true,
    description: 'Puts a tag on a process (run) so it can be filtered by that tag (get_tags lists tag ids).',
    input: { run_id: hexId('process (run)'), tag_id: hexId('tag') },
    run: async ({ run_id, tag_id }, { client, signal }) => {
      const association = await client.tags.attach('Run', run_id, tag_id, signal);
      return { tagged: true, run_id, tag_id, association_id: association.id };
    },
  }),
  defineTool({
    name: 'untag_process',
    title: 'Untag a process',
    area: 'tags',
    effect: 'write',
    idempotent: true,
    description: 'Takes a tag off a process (run); other tags stay. Refused when the process does not carry the tag.',
    input: { run_id: hexId('process (run)'), tag_id: hexId('tag') },
    run: async ({ run_id, tag_id }, { client, signal }) => {
      const run = await client.runs.get(run_id, { with: 'tags' }, signal);
      const association = run.tags?.data.find((tag) => tag.id === tag_id);
      if (!association?.association_id) throw new ToolLookupError(`The process does not carry tag ${tag_id}.`);
      await client.tags.detach(association.association_id, signal);
      return { untagged: true, run_id, tag_id };
    },
  }),
  defineTool({
    name: 'get_template_folders',
    output: listOutput,
    title: 'List template folders',
    area: 'folders',
    effect: 'read',
    description: 'Lists the folders that organise templates, with their sub-folders.',
    aliases: renameAlias({ q: 'query' }),
    input: { query: z.string().min(1).max(32).optional().describe('Part of a folder name.'), page: pageArg },
    run: async ({ query, page }, { client, signal }) =>
      fromPage(
        await client.folders.list({ folder_type: 'checklist', with: 'children', q: query, page, per_page: 100 }, signal),
        trimFolder,
        page,
        100,
      ),
  }),
  defineTool({
    name: 'get_process_folders',
    output: listOutput,
    title: 'List process folders',
    area: 'folders',
    effect: 'read',
    description: 'Lists the folders that organise processes (runs), with their sub-folders.',
    aliases: renameAlias({ q: 'query' }),
    input: { query: z.string().min(1).max(32).optional().describe('Part of a folder name.'), page: pageArg },
    run: async ({ query, page }, { client, signal }) =>
      fromPage(
        await client.folders.list({ folder_type: 'run', with: 'children', q: query, page, per_page: 100 }, signal),
        trimFolder,
        page,
        100,
      ),
  }),
  defineTool({
    name: 'create_folder',
    title: 'Create a folder',
    area: 'folders',
    effect: 'write',
    description: 'Creates a folder for templates (folder_type "checklist") or processes ("run"), optionally inside another folder.',
    input: {
      name: z.string().min(1).max(32).describe('Folder name, up to 32 characters.'),
      folder_type: z
        .enum(['checklist', 'run'])
        .default('checklist')
        .describe('checklist (holds templates; default) or run (holds processes). Fixed once created.'),
      parent_id: hexId('parent folder').optional().describe('Put it inside this folder.'),
    },
    run: async (args, { client, signal }) => trimFolder(await client.folders.create(args, signal)),
  }),
  defineTool({
    name: 'untag_template',
    title: 'Untag a template',
    area: 'tags',
    effect: 'write',
    idempotent: true,
    description: 'Takes a tag off a template; other tags stay. Refused when the template does not carry the tag.',
    input: { template_id: hexId('template'), tag_id: hexId('tag') },
    run: async ({ template_id, tag_id }, { client, signal }) => {
      const template = await client.templates.get(template_id, { with: 'tags' }, signal);
      const association = template.tags?.data.find((tag) => tag.id === tag_id);
      if (!association?.association_id) throw new ToolLookupError(`The template does not carry tag ${tag_id}.`);
      await client.tags.detach(association.association_id, signal);
      return { untagged: true, template_id, tag_id };
    },
  }),
  defineTool({
    name: 'add_object_to_folder',
    title: 'File into a folder',
    area: 'folders',
    effect: 'write',
    description:
      'Files a process (run) into a process folder, or moves a template into a template folder. Use get_process_folders / get_template_folders for folder ids.',
    input: {
      folder_id: hexId('folder'),
      object_id: hexId('process or template').describe('The id of the process (run) or template to file.'),
      object_type: z.enum(['run', 'template', 'checklist']).describe('run (a process), or template (checklist).'),
    },
    run: async ({ folder_id, object_id, object_type }, { client, signal }) => {
      if (object_type === 'run') {
        const relation = await client.folders.addObject(folder_id, object_id, 'Run', signal);
        return { filed: true, folder_id, object_id, object_type, folder_object_id: relation.id };
      }
      // Templates are filed through their own folder_id.
      await client.templates.amend(object_id, () => ({ folder_id }), signal);
      return { filed: true, folder_id, object_id, object_type };
    },
  }),
  defineTool({
    name: 'update_tag',
    title: 'Update a tag',
    area: 'tags',
    effect: 'write',
    idempotent: true,
    description: 'Renames a tag or changes its colour.',
    input: { tag_id: hexId('tag'), title: z.string().min(1).max(30).optional(), color: colorArg.optional() },
    run: async ({ tag_id, title, color }, { client, signal }) => {
      if (title === undefined && color === undefined) throw new ToolInputError('Nothing to change: give title or color.');
      const current = title === undefined ? await client.tags.get(tag_id, signal) : undefined;
      return trimTag(await client.tags.update(tag_id, { title: title ?? current?.title, ...(color ? { color } : {}) }, signal));
    },
  }),
  defineTool({
    name: 'delete_tag',
    title: 'Delete a tag',
    area: 'tags',
    effect: 'destructive',
    idempotent: true,
    description: 'Deletes a tag; it disappears from every template and process.',
    input: { tag_id: hexId('tag') },
    run: async ({ tag_id }, { client, signal }) => {
      await client.tags.delete(tag_id, signal);
      return { deleted: true, tag_id };
    },
  }),
  defineTool({
    name: 'update_folder',
    title: 'Update a folder',
    area: 'folders',
    effect: 'write',
    idempotent: true,
    description: 'Renames a folder or moves it under another folder (parent_id null: top level).',
    input: {
      folder_id: hexId('folder'),
      name: z.string().min(1).max(32).optional(),
      parent_id: hexId('parent folder').nullable().optional(),
    },
    run: async ({ folder_id, name, parent_id }, { client, signal }) => {
      if (name === undefined && parent_id === undefined) throw new ToolInputError('Nothing to change: give name or parent_id.');
      return trimFolder(
        await client.folders.update(
          folder_id,
          { ...(name !== undefined ? { name } : {}), ...(parent_id !== undefined ? { parent_id } : {}) },
          signal,
        ),
      );
    },
  }),
  defineTool({
    name: 'delete_folder',
    title: 'Delete a folder',
    area: 'folders',
    effect: 'destructive',
    idempotent: true,
    description: 'Deletes a folder; what was in it is moved out, not deleted.',
    input: { folder_id: hexId('folder') },
    run: async ({ folder_id }, { client, signal }) => {
      await client.folders.delete(folder_id, signal);
      return { deleted: true, folder_id };
    },
  }),
  defineTool({
    name: 'remove_object_from_folder',
    title: 'Take out of a folder',
    area: 'folders',
    effect: 'destructive',
    idempotent: true,
    description: 'Takes a process out of a folder by the folder_object_id add_object_to_folder returned.',
    input: { folder_object_id: z.number().int().positive() },
    run: async ({ folder_object_id }, { client, signal }) => {
      await client.folders.removeObject(folder_object_id, signal);
      return { removed: true, folder_object_id };
    },
  }),
];
