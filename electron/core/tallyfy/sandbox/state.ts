import type { ParsedSeed, SeedOrg } from './seedSchema';

export type SeedUser = SeedOrg['users'][number];
export type SeedGuest = SeedOrg['guests'][number];
export type SeedGroup = SeedOrg['groups'][number];
export type SeedTag = SeedOrg['tags'][number];
export type SeedFolder = SeedOrg['folders'][number];
export type SeedTemplate = SeedOrg['templates'][number];
export type SeedStep = SeedTemplate['steps'][number];
export type SeedCapture = SeedStep['captures'][number];
export type SeedAutomation = SeedTemplate['automated_actions'][number];
export type SeedRun = SeedOrg['runs'][number];
export type SeedTask = SeedOrg['tasks'][number];
export type SeedThread = SeedOrg['threads'][number];

/** A tag attached to a template ("Checklist") or a run ("Run"); `id` is the association id. */
export interface TagLink {
  id: string;
  tag_id: string;
  subject_type: 'Checklist' | 'Run';
  subject_id: string;
}

/** A run filed in a run folder (integer relation id, as Tallyfy returns it). */
export interface FolderObjectRecord {
  id: number;
  folder_id: string;
  subject_id: string;
  subject_type: 'Run';
  created_at: string;
}

/** Everything one organization holds. Arrays are mutated in place by the handlers. */
export interface OrgStore {
  org: Omit<SeedOrg, 'users' | 'guests' | 'groups' | 'tags' | 'folders' | 'templates' | 'runs' | 'tasks' | 'threads'>;
  users: SeedUser[];
  guests: SeedGuest[];
  groups: SeedGroup[];
  tags: SeedTag[];
  folders: SeedFolder[];
  templates: SeedTemplate[];
  runs: SeedRun[];
  tasks: SeedTask[];
  threads: SeedThread[];
  tagLinks: TagLink[];
  folderObjects: FolderObjectRecord[];
}

/** The sandbox's whole in-memory store. Tests read (and may change) it directly. */
export interface SandboxState {
  orgs: Map<string, OrgStore>;
  /** Bearer token → who it is. */
  tokens: Map<string, { orgId: string; userId: number }>;
  /** A fresh, unique, deterministic 32-hex id (a counter). */
  newId(): string;
  /** A fresh, unique integer id (users, guests, folder objects). */
  newIntId(): number;
  /** The sandbox clock (overdue, timestamps). */
  now(): Date;
}

/** Builds a fresh state from a validated seed (deep-copied: the seed object is never mutated). */
export function createState(seed: ParsedSeed, now: () => Date = () => new Date()): SandboxState {
  const copy = structuredClone(seed);
  const orgs = new Map<string, OrgStore>();
  const tokens = new Map<string, { orgId: string; userId: number }>();
  let idCounter = 0;
  let intCounter = 900_000;
  const newId = (): string => `5a9d${(++idCounter).toString(16).padStart(28, '0')}`;
  for (const seedOrg of copy.orgs) {
    const { users, guests, groups, tags, folders, templates, runs, tasks, threads, ...org } = seedOrg;
    const store: OrgStore = { org, users, guests, groups, tags, folders, templates, runs, tasks, threads, tagLinks: [], folderObjects: [] };
    for (const template of templates) {
      for (const tagId of template.tag_ids) store.tagLinks.push({ id: newId(), tag_id: tagId, subject_type: 'Checklist', subject_id: template.id });
    }
    for (const run of runs) {
      for (const tagId of run.tag_ids) store.tagLinks.push({ id: newId(), tag_id: tagId, subject_type: 'Run', subject_id: run.id });
      for (const folderId of run.folder_ids) {
        store.folderObjects.push({ id: ++intCounter, folder_id: folderId, subject_id: run.id, subject_type: 'Run', created_at: now().toISOString() });
      }
    }
    for (const user of users) if (user.token) tokens.set(user.token, { orgId: org.id, userId: user.id });
    orgs.set(org.id, store);
  }
  return { orgs, tokens, newId, newIntId: () => ++intCounter, now };
}
