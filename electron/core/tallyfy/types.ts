/**
 * Shapes of Tallyfy resources as the REST API returns them (tallyfy-api.md §3, §8). Ids are 32-hex
 * strings except users, guests, folder-object relations and option ids (integers). Every shape is
 * open (`[key: string]: unknown`): Tallyfy adds fields freely and the client passes them through.
 */

/** `meta.pagination` of a list response. `links` arrives as `{next, previous}`, `{}` or `[]`. */
export interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
  links: { next?: string | null; previous?: string | null } | unknown[];
}

/** One page of a list: the items and the (normalised) pagination. */
export interface Page<T> {
  data: T[];
  pagination: Pagination;
}

/** The three assignee buckets. PUTs replace every bucket; an omitted bucket is emptied. */
export interface Owners {
  users: number[];
  guests: string[];
  groups: string[];
}

export interface Organization {
  id: string;
  name: string;
  timezone: string | null;
  users_count?: number;
  [key: string]: unknown;
}

export type Role = 'admin' | 'standard' | 'light';

export interface User {
  id: number;
  email: string;
  username?: string;
  first_name: string;
  last_name: string;
  full_name?: string;
  timezone?: string | null;
  role?: Role;
  status?: 'active' | 'invited' | 'disabled';
  job_title?: string | null;
  groups?: { data: Group[] };
  [key: string]: unknown;
}

/** The org-scoped profile of the token's owner (`GET /organizations/{org}/me`). */
export interface Me extends User {
  role: Role;
  timezone: string | null;
}

export interface Guest {
  id: number;
  email: string;
  first_name?: string | null;
  last_name?: string | null;
  link?: string;
  details?: {
    company_name?: string | null;
    phone_1?: string | null;
    phone_2?: string | null;
    associated_members?: number[];
    disabled_at?: string | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface Group {
  id: string;
  name: string;
  description: string;
  logo?: string | null;
  members: number[];
  guests: string[];
  [key: string]: unknown;
}

export interface Tag {
  id: string;
  title: string;
  color?: string | null;
  auto_generated?: boolean;
  [key: string]: unknown;
}

export interface Folder {
  id: string;
  name: string;
  folder_type: 'checklist' | 'run';
  parent_id: string | null;
  position?: number;
  children?: { data: Folder[] };
  [key: string]: unknown;
}

/** The relation `POST /folders/add-object` creates (integer id). */
export interface FolderObject {
  id: number;
  folder_id: string;
  subject_id: string;
  subject_type: string;
  [key: string]: unknown;
}

export type FieldType =
  | 'text'
  | 'textarea'
  | 'radio'
  | 'dropdown'
  | 'multiselect'
  | 'date'
  | 'email'
  | 'file'
  | 'table'
  | 'assignees_form';

export interface FieldOption {
  id: number;
  text: string;
  [key: string]: unknown;
}

/** What step form fields and kick-off fields share. `id` is the timeline id. */
interface FormFieldDefinition {
  id: string;
  alias?: string;
  label: string;
  field_type: FieldType;
  required: boolean;
  position: number;
  options?: FieldOption[];
  columns?: { id: number; label: string }[];
  guidance?: string | null;
  [key: string]: unknown;
}

/** A step form field. `id` is the timeline id, the only key `taskdata` accepts. */
export interface Capture extends FormFieldDefinition {
  step_id: string;
}

/** A kick-off form field. `id` is the timeline id, the only key a launch `prerun` accepts. */
export interface PrerunField extends FormFieldDefinition {
  checklist_id: string;
}

export type StepType = 'task' | 'approval' | 'expiring' | 'email' | 'expiring_email';

export interface StepDeadline {
  value: number;
  unit: string;
  option: string;
  step: string;
}

export interface Step {
  id: string;
  checklist_id: string;
  alias?: string;
  title: string;
  summary?: string | null;
  step_type: StepType;
  position: number;
  assignees: number[];
  guests: string[];
  groups: string[];
  deadline: StepDeadline | null;
  captures: Capture[];
  [key: string]: unknown;
}

export interface AutomationCondition {
  id?: string;
  conditionable_id: string;
  conditionable_type: 'Step' | 'Capture' | 'Prerun';
  operation: string;
  statement: unknown;
  logic: 'and' | 'or';
  position: number;
  [key: string]: unknown;
}

export interface AutomationAction {
  id?: string;
  action_type: 'visibility' | 'deadline' | 'status' | 'assignment' | 'webhook';
  action_verb: string;
  target_step_id: string;
  deadline?: { value: number; unit: string; option: string } | null;
  assignees?: Partial<Owners> | null;
  webhook_url?: string | null;
  alias_name?: string | null;
  position: number;
  [key: string]: unknown;
}

export interface Automation {
  id: string;
  automated_alias: string;
  conditions: AutomationCondition[];
  then_actions: AutomationAction[];
  created_at?: string;
  last_updated?: string;
  archived_at?: string | null;
  [key: string]: unknown;
}

/** A template ("checklist", "blueprint"). `steps` appears only with `with=steps`. */
export interface Template {
  id: string;
  title: string;
  type: 'procedure' | 'form' | 'document';
  summary?: string | null;
  guidance?: string | null;
  status?: string | null;
  owner_id?: number | null;
  folder_id?: string | null;
  users: number[];
  groups: string[];
  prerun: PrerunField[];
  automated_actions: Automation[];
  steps_count?: number;
  archived_at?: string | null;
  steps?: { data: Step[] };
  tags?: { data: (Tag & { association_id?: string })[] };
  [key: string]: unknown;
}

export interface Run {
  id: string;
  checklist_id: string;
  checklist_title?: string;
  name: string;
  summary?: string | null;
  status: 'active' | 'complete' | 'problem' | 'issue' | 'archived' | string;
  type?: string;
  progress?: { complete: number; total: number; percent: number };
  owner_id?: number | null;
  prerun: Record<string, unknown>;
  prerun_status?: string;
  starred?: boolean;
  users: number[];
  groups: string[];
  archived_at?: string | null;
  tasks?: { data: Task[] };
  next_task?: { data: Task[] };
  tags?: { data: (Tag & { association_id?: string })[] };
  [key: string]: unknown;
}

export type TaskStatus = 'not-started' | 'in-progress' | 'completed' | 'auto-skipped' | string;

export interface Task {
  id: string;
  title: string;
  run_id: string | null;
  checklist_id: string | null;
  step_id: string | null;
  status: TaskStatus;
  task_type: StepType;
  is_approved?: boolean | null;
  is_oneoff_task: boolean;
  problem?: boolean;
  position?: number;
  owners: Owners;
  deadline: string | null;
  completed_at?: string | null;
  completer_id?: number | null;
  taskdata?: Record<string, unknown>;
  form_fields?: { data: (Capture & { value?: unknown })[] };
  threads?: { data: Comment[] };
  [key: string]: unknown;
}

export type CommentLabel = 'comment' | 'problem' | 'resolve' | 'improvement' | 'advice';

/** A comment thread on a task. */
export interface Comment {
  id: string;
  content: string;
  label: CommentLabel;
  state?: 'hide-for-guests' | 'open' | 'collapsed';
  author_id: number;
  resolve_id?: string | null;
  sent_to?: number[];
  created_at?: string;
  [key: string]: unknown;
}

/** A lean search hit. */
export interface SearchHit {
  id: string;
  name?: string;
  title?: string;
  status?: string;
  type?: string;
  [key: string]: unknown;
}

export type SearchType = 'task' | 'process' | 'blueprint' | 'snippet' | 'capture' | 'step';

/** A search response: keyed by type, each a page. */
export type SearchResult = Partial<Record<SearchType, { data: SearchHit[]; meta?: { pagination?: Pagination } }>>;
