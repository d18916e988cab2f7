import type { OrgStore, SeedCapture, SeedGroup, SeedGuest, SeedRun, SeedStep, SeedTag, SeedTask, SeedTemplate, SeedThread, SeedUser } from './state';

/** Renders store records as the API shows them (tallyfy-api.md §8): ids as arrays, `with=` includes as `{data}`. */

const incomplete = (task: SeedTask): boolean => task.status !== 'completed' && task.status !== 'auto-skipped';

/** True when the task is incomplete and its deadline has passed. */
export function isOverdue(task: SeedTask, now: Date): boolean {
  return incomplete(task) && task.deadline !== null && Date.parse(task.deadline) < now.getTime();
}

/** True when the task has an open (unresolved) problem thread. */
export function hasOpenProblem(org: OrgStore, taskId: string): boolean {
  return org.threads.some((thread) => thread.task_id === taskId && thread.label === 'problem' && thread.resolve_id === null);
}

export function userOut(org: OrgStore, user: SeedUser, withs: Set<string> = new Set()): Record<string, unknown> {
  const { token: _token, ...rest } = user;
  const out: Record<string, unknown> = {
    ...rest,
    full_name: `${user.first_name} ${user.last_name}`,
    is_active: user.status === 'active',
  };
  if (withs.has('groups')) out.groups = { data: org.groups.filter((group) => group.members.includes(user.id)).map(groupOut) };
  return out;
}

export function guestOut(org: OrgStore, guest: SeedGuest): Record<string, unknown> {
  const { code, ...rest } = guest;
  return { ...rest, guest_code: code, link: `https://go.tallyfy.com/guest-all-task/${org.org.id}/${code}` };
}

export function groupOut(group: SeedGroup): Record<string, unknown> {
  return { logo: null, created_at: '2025-03-01T09:00:00.000Z', last_updated: '2025-03-01T09:00:00.000Z', ...group };
}

export function tagOut(tag: SeedTag): Record<string, unknown> {
  return { created_at: '2026-01-05T10:00:00.000Z', deleted_at: null, ...tag };
}

function tagsFor(org: OrgStore, subjectType: 'Checklist' | 'Run', subjectId: string): Record<string, unknown>[] {
  return org.tagLinks
    .filter((link) => link.subject_type === subjectType && link.subject_id === subjectId)
    .flatMap((link) => {
      const tag = org.tags.find((candidate) => candidate.id === link.tag_id);
      return tag ? [{ ...tagOut(tag), association_id: link.id }] : [];
    });
}

export function captureOut(step: SeedStep, capture: SeedCapture): Record<string, unknown> {
  return { ...capture, step_id: step.id };
}

export function stepOut(template: SeedTemplate, step: SeedStep): Record<string, unknown> {
  return {
    ...step,
    checklist_id: template.id,
    captures: [...step.captures].sort((a, b) => a.position - b.position).map((capture) => captureOut(step, capture)),
  };
}

export function templateOut(org: OrgStore, template: SeedTemplate, withs: Set<string> = new Set()): Record<string, unknown> {
  const { steps, tag_ids: _tagIds, ...rest } = template;
  const out: Record<string, unknown> = {
    ...rest,
    alias: `${template.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${template.id.slice(0, 6)}`,
    steps_count: steps.length,
    is_public: false,
    last_updated: template.created_at ?? null,
    prerun: [...template.prerun].sort((a, b) => a.position - b.position).map((field) => ({ ...field, checklist_id: template.id })),
  };
  if (withs.has('steps')) out.steps = { data: [...steps].sort((a, b) => a.position - b.position).map((step) => stepOut(template, step)) };
  if (withs.has('tags')) out.tags = { data: tagsFor(org, 'Checklist', template.id) };
  if (withs.has('folder')) {
    const folder = org.folders.find((candidate) => candidate.id === template.folder_id);
    out.folder = folder ? { data: folder } : null;
  }
  return out;
}

export function threadOut(thread: SeedThread): Record<string, unknown> {
  return { sent_to: [], ...thread };
}

export function taskOut(org: OrgStore, task: SeedTask, now: Date, withs: Set<string> = new Set()): Record<string, unknown> {
  const { tag_ids: _tagIds, ...rest } = task;
  const run = task.run_id ? org.runs.find((candidate) => candidate.id === task.run_id) : undefined;
  const template = run ? org.templates.find((candidate) => candidate.id === run.checklist_id) : undefined;
  const step = template?.steps.find((candidate) => candidate.id === task.step_id);
  const overdue = isOverdue(task, now);
  const out: Record<string, unknown> = {
    ...rest,
    checklist_id: template?.id ?? null,
    alias: step?.alias ?? null,
    status_label: task.status,
    is_oneoff_task: task.run_id === null,
    is_completable: task.status !== 'completed',
    problem: hasOpenProblem(org, task.id),
    is_overdue: overdue,
    started_at: task.created_at ?? null,
    last_updated: task.completed_at ?? task.created_at ?? null,
    everyone_must_complete: false,
    max_assignable: 0,
    webhook: null,
  };
  if (withs.has('run')) out.run = run ? { data: runOut(org, run, now) } : null;
  if (withs.has('step')) out.step = step && template ? { data: stepOut(template, step) } : null;
  if (withs.has('threads') || withs.has('comments')) {
    out.threads = { data: org.threads.filter((thread) => thread.task_id === task.id).map(threadOut) };
  }
  if (withs.has('form_fields')) {
    out.form_fields = {
      data: step ? step.captures.map((capture) => ({ ...captureOut(step, capture), value: task.taskdata[capture.id] ?? null })) : [],
    };
  }
  if (withs.has('tags')) out.tags = { data: task.tag_ids.flatMap((id) => org.tags.filter((tag) => tag.id === id).map(tagOut)) };
  return out;
}

function runProgress(org: OrgStore, run: SeedRun): { complete: number; total: number; percent: number } {
  const tasks = org.tasks.filter((task) => task.run_id === run.id && task.status !== 'auto-skipped');
  const complete = tasks.filter((task) => task.status === 'completed').length;
  return { complete, total: tasks.length, percent: tasks.length === 0 ? 0 : Math.round((complete / tasks.length) * 100) };
}

export function runOut(org: OrgStore, run: SeedRun, now: Date, withs: Set<string> = new Set()): Record<string, unknown> {
  const { tag_ids: _tagIds, folder_ids: _folderIds, ...rest } = run;
  const template = org.templates.find((candidate) => candidate.id === run.checklist_id);
  const tasks = org.tasks.filter((task) => task.run_id === run.id).sort((a, b) => a.position - b.position);
  const deadlines = tasks.map((task) => task.deadline).filter((deadline): deadline is string => deadline !== null).sort();
  const open = tasks.filter(incomplete);
  const out: Record<string, unknown> = {
    ...rest,
    checklist_title: template?.title ?? null,
    type: template?.type ?? 'procedure',
    progress: runProgress(org, run),
    started_by: run.owner_id,
    is_public: false,
    collaborators: [...new Set(tasks.flatMap((task) => task.owners.users))],
    late_tasks: tasks.filter((task) => isOverdue(task, now)).length,
    due_date: deadlines.at(-1) ?? null,
    started_at: run.created_at ?? null,
    last_updated: run.created_at ?? null,
    completed_at: run.status === 'complete' ? (tasks.map((task) => task.completed_at).filter(Boolean).sort().at(-1) ?? null) : null,
    has_open_issue: tasks.some((task) => hasOpenProblem(org, task.id)),
  };
  if (withs.has('tasks')) out.tasks = { data: tasks.map((task) => taskOut(org, task, now)) };
  if (withs.has('next_task')) {
    const next = [...open].filter((task) => task.deadline !== null).sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? ''))[0];
    out.next_task = { data: next ? [taskOut(org, next, now)] : [] };
  }
  if (withs.has('checklist')) out.checklist = template ? { data: templateOut(org, template) } : null;
  if (withs.has('tags')) out.tags = { data: tagsFor(org, 'Run', run.id) };
  if (withs.has('folders')) {
    out.folders = { data: org.folderObjects.filter((object) => object.subject_id === run.id).flatMap((object) => org.folders.filter((folder) => folder.id === object.folder_id)) };
  }
  if (withs.has('form_fields') || withs.has('ko_form_fields')) {
    out.ko_form_fields = { data: (template?.prerun ?? []).map((field) => ({ ...field, checklist_id: run.checklist_id, value: run.prerun[field.id] ?? null })) };
  }
  return out;
}
