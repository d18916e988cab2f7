import type { Step, Template } from '../../tallyfy/types';

import { suggestConsolidation } from './automationAnalysis';

/** One finding of the health assessment: what is wrong, how much it matters, what to do. */
export interface HealthIssue {
  category: HealthCategory;
  severity: 'critical' | 'high' | 'medium' | 'low';
  finding: string;
  recommendation: string;
}

export type HealthCategory = 'metadata' | 'step_clarity' | 'forms' | 'automation' | 'deadlines' | 'workflow';

/** The score of one category and what it was made of. */
export interface CategoryScore {
  score: number;
  max: number;
  notes: string[];
}

/** The deterministic template health report (tallyfy-api.md §7, 100 points). */
export interface TemplateHealth {
  template_id: string;
  template_title: string;
  score: number;
  rating: 'excellent' | 'good' | 'fair' | 'poor' | 'critical';
  categories: Record<HealthCategory, CategoryScore>;
  issues: HealthIssue[];
  improvement_plan: { phase: string; actions: string[] }[];
}

const genericTitles = /^(step|task|todo|to do|item|untitled|new step|step \d+|task \d+)$/i;
const inputWords = /\b(collect|enter|provide|upload|fill|record|capture|submit|gather|request)\b/i;
const kickoffWords = /\b(client|customer|project|date|vendor|employee|name|amount|cost|priority|department)\b/i;
const setupWords = /\b(prepare|set ?up|kick ?off|collect|gather|request|receive|create|start|intake|plan)\b/i;
const completionWords = /\b(close|complete|finish|archive|notify|send|confirm|sign ?off|final|handover|wrap|welcome|approve)\b/i;

const stripHtml = (text: string | null | undefined): string =>
  (text ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const unitMinutes: Record<string, number> = {
  minute: 1,
  minutes: 1,
  hour: 60,
  hours: 60,
  day: 1440,
  days: 1440,
  week: 10080,
  weeks: 10080,
  month: 43200,
  months: 43200,
};

/** The rating for a 0–100 score: ≥90 excellent, ≥75 good, ≥60 fair, ≥40 poor, else critical. */
export function ratingFor(score: number): TemplateHealth['rating'] {
  if (score >= 90) return 'excellent';
  if (score >= 75) return 'good';
  if (score >= 60) return 'fair';
  if (score >= 40) return 'poor';
  return 'critical';
}

/**
 * Scores a template out of 100 in six categories (metadata 15, step clarity 20, forms 15,
 * automation 20, deadlines 15, workflow 15) and explains every point lost as an issue with a
 * recommendation. Pure: `template` must include its steps (`with=steps`).
 */
export function assessTemplateHealth(template: Template): TemplateHealth {
  const steps: Step[] = [...(template.steps?.data ?? [])].sort((a, b) => a.position - b.position);
  const issues: HealthIssue[] = [];
  const issue = (category: HealthCategory, severity: HealthIssue['severity'], finding: string, recommendation: string): void => {
    issues.push({ category, severity, finding, recommendation });
  };

  // Metadata: 15.
  const metadata: CategoryScore = { score: 0, max: 15, notes: [] };
  const titleLength = template.title.trim().length;
  if (titleLength >= 10 && titleLength <= 100) metadata.score += 5;
  else
    issue(
      'metadata',
      'medium',
      `The title is ${titleLength} characters long.`,
      'Use a descriptive title of 10–100 characters that says what the process achieves.',
    );
  if (stripHtml(template.summary).length >= 20) metadata.score += 5;
  else
    issue(
      'metadata',
      'medium',
      'The summary is missing or shorter than 20 characters.',
      'Write a summary that tells a launcher what the process is for and when to use it.',
    );
  if (stripHtml(template.guidance).length >= 50) metadata.score += 5;
  else
    issue(
      'metadata',
      'low',
      'Guidance is missing or shorter than 50 characters.',
      'Add guidance: who runs this, prerequisites, and what "done" looks like.',
    );
  metadata.notes.push(
    `title ${titleLength} chars`,
    `summary ${stripHtml(template.summary).length} chars`,
    `guidance ${stripHtml(template.guidance).length} chars`,
  );

  // Step clarity: 20.
  const clarity: CategoryScore = { score: 0, max: 20, notes: [] };
  if (steps.length > 0) {
    const unclear = steps.filter((step) => step.title.trim().length < 5 || genericTitles.test(step.title.trim()));
    clarity.score += Math.round(10 * (1 - unclear.length / steps.length));
    if (unclear.length > 0) {
      issue(
        'step_clarity',
        unclear.length === steps.length ? 'high' : 'medium',
        `${unclear.length} step title(s) are too short or generic: ${unclear.map((step) => `"${step.title}"`).join(', ')}.`,
        'Start each step title with a verb and name the outcome, e.g. "Collect signed W-9".',
      );
    }
    const described = steps.filter((step) => stripHtml(step.summary).length > 0).length;
    clarity.score += Math.round((10 * described) / steps.length);
    if (described < steps.length) {
      issue(
        'step_clarity',
        described === 0 ? 'high' : 'low',
        `${steps.length - described} of ${steps.length} steps have no description.`,
        'Describe how to do each step and what a good result looks like.',
      );
    }
    clarity.notes.push(`${unclear.length} unclear titles`, `${described}/${steps.length} steps described`);
  } else {
    issue('step_clarity', 'critical', 'The template has no steps.', 'Add the steps of the process.');
  }

  // Forms: 15.
  const forms: CategoryScore = { score: 0, max: 15, notes: [] };
  const kickoff = template.prerun ?? [];
  if (kickoff.length >= 3 && kickoff.some((field) => field.required)) forms.score += 8;
  else if (kickoff.length > 0) {
    forms.score += 5;
    issue(
      'forms',
      'low',
      `The kick-off form has ${kickoff.length} field(s)${kickoff.some((field) => field.required) ? '' : ', none required'}.`,
      'Collect the facts every run needs up front (at least 3 fields, the essential ones required).',
    );
  } else {
    const text = `${template.title} ${stripHtml(template.summary)} ${steps.map((step) => step.title).join(' ')}`;
    const hint = kickoffWords.exec(text)?.[0];
    forms.score += hint ? 0 : 4;
    issue(
      'forms',
      hint ? 'medium' : 'low',
      hint ? `There is no kick-off form, yet the template mentions "${hint}".` : 'There is no kick-off form.',
      'Add kick-off fields for the information each run starts from (names, dates, amounts).',
    );
  }
  const needInput = steps.filter((step) => inputWords.test(`${step.title} ${stripHtml(step.summary)}`));
  const missing = needInput.filter((step) => (step.captures ?? []).length === 0);
  forms.score += needInput.length === 0 ? 7 : Math.round((7 * (needInput.length - missing.length)) / needInput.length);
  if (missing.length > 0) {
    issue(
      'forms',
      'medium',
      `Steps that ask for input have no form fields: ${missing.map((step) => `"${step.title}"`).join(', ')}.`,
      'Add form fields to capture what these steps collect, so the answer is stored with the run.',
    );
  }
  forms.notes.push(`${kickoff.length} kick-off fields`, `${needInput.length - missing.length}/${needInput.length} input steps have fields`);

  // Automation: 20.
  const automation: CategoryScore = { score: 20, max: 20, notes: [] };
  const rules = template.automated_actions ?? [];
  const complex = rules.filter((rule) => (rule.conditions ?? []).length > 3 || (rule.then_actions ?? []).length > 2);
  if (rules.length > 0 && complex.length > 0) {
    automation.score -= Math.round((10 * complex.length) / rules.length);
    issue(
      'automation',
      'medium',
      `${complex.length} rule(s) have more than 3 conditions or more than 2 actions: ${complex.map((rule) => `"${rule.automated_alias}"`).join(', ')}.`,
      'Split complex rules into smaller ones that each do one thing; they are easier to reason about.',
    );
  }
  if (rules.length > 10) {
    automation.score -= 5;
    issue(
      'automation',
      'medium',
      `The template has ${rules.length} rules.`,
      'Run analyze_template_automations and suggest_automation_consolidation to merge duplicates.',
    );
  }
  if (rules.length === 0 && steps.length > 5) {
    automation.score -= 5;
    issue(
      'automation',
      'low',
      `No rules on a ${steps.length}-step template.`,
      'Consider rules to hide steps that do not apply, or to assign and set deadlines from kick-off answers.',
    );
  }
  const consolidation = suggestConsolidation(template).suggestions;
  const orphans = consolidation.filter((item) => item.type === 'orphaned_rule');
  if (orphans.length > 0) {
    automation.score -= 5;
    issue(
      'automation',
      'high',
      `${orphans.length} rule(s) refer to steps or fields that no longer exist.`,
      'Delete or retarget these rules (suggest_automation_consolidation lists them).',
    );
  }
  const conflicts = consolidation.filter((item) => item.type === 'conflict');
  if (conflicts.length > 0) {
    automation.score -= 5;
    issue(
      'automation',
      'high',
      conflicts.map((item) => item.description).join(' '),
      'Decide which outcome is intended and delete or change the contradicting rule.',
    );
  }
  const duplicates = consolidation.filter((item) => item.type === 'exact_duplicate');
  if (duplicates.length > 0) {
    automation.score -= 3;
    issue(
      'automation',
      'medium',
      `${duplicates.length} group(s) of identical rules: ${duplicates.map((item) => item.rules.map((rule) => `"${rule.alias}"`).join(' = ')).join('; ')}.`,
      'Keep one rule of each group and delete the copies.',
    );
  }
  automation.score = Math.max(0, automation.score);
  automation.notes.push(`${rules.length} rules`, `${complex.length} complex`);

  // Deadlines: 15.
  const deadlines: CategoryScore = { score: 15, max: 15, notes: [] };
  const withDeadline = steps.filter((step) => step.deadline);
  const insane = withDeadline.filter((step) => {
    const deadline = step.deadline;
    if (!deadline) return false;
    const minutes = deadline.value * (unitMinutes[deadline.unit] ?? 1440);
    return minutes < 30 || minutes > 525_600;
  });
  if (insane.length > 0) {
    deadlines.score -= Math.min(10, 5 * insane.length);
    issue(
      'deadlines',
      'medium',
      `Deadlines outside 30 minutes – 1 year: ${insane.map((step) => `"${step.title}"`).join(', ')}.`,
      'Give each step a realistic deadline between 30 minutes and a year.',
    );
  }
  if (withDeadline.length === 0 && steps.length > 3) {
    deadlines.score -= 10;
    issue(
      'deadlines',
      'high',
      `None of the ${steps.length} steps has a deadline.`,
      'Set deadlines relative to the process start so late work shows up as overdue.',
    );
  }
  deadlines.score = Math.max(0, deadlines.score);
  deadlines.notes.push(`${withDeadline.length}/${steps.length} steps have deadlines`);

  // Workflow: 15.
  const workflow: CategoryScore = { score: 0, max: 15, notes: [] };
  if (steps.length >= 2 && steps.length <= 20) workflow.score += 5;
  else
    issue(
      'workflow',
      steps.length > 20 ? 'medium' : 'high',
      `The template has ${steps.length} step(s).`,
      steps.length > 20 ? 'Split very long templates into linked processes.' : 'A process needs at least two steps to be worth a template.',
    );
  const positions = steps.map((step) => step.position);
  if (steps.length > 0 && new Set(positions).size === positions.length && positions.every((position) => position >= 1)) workflow.score += 5;
  else if (steps.length > 0)
    issue('workflow', 'medium', 'Step positions are duplicated or below 1.', 'Reorder the steps so each has its own position.');
  const first = steps.slice(0, 2).some((step) => setupWords.test(step.title));
  const last = steps.slice(-2).some((step) => completionWords.test(step.title));
  workflow.score += (first ? 3 : 0) + (last ? 2 : 0);
  if (steps.length >= 2 && !first)
    issue(
      'workflow',
      'low',
      'The first steps do not read like set-up (prepare, collect, request…).',
      'Open with a step that gathers what the process needs.',
    );
  if (steps.length >= 2 && !last)
    issue(
      'workflow',
      'low',
      'The last steps do not read like a close-out (confirm, send, sign off…).',
      'End with a step that confirms the outcome or notifies the requester.',
    );
  workflow.notes.push(`${steps.length} steps`);

  const categories = { metadata, step_clarity: clarity, forms, automation, deadlines, workflow };
  const score = Object.values(categories).reduce((sum, category) => sum + category.score, 0);
  const order = { critical: 0, high: 1, medium: 2, low: 3 } as const;
  issues.sort((a, b) => order[a.severity] - order[b.severity]);
  const phase = (name: string, severities: HealthIssue['severity'][]): { phase: string; actions: string[] } => ({
    phase: name,
    actions: issues.filter((item) => severities.includes(item.severity)).map((item) => item.recommendation),
  });
  return {
    template_id: template.id,
    template_title: template.title,
    score,
    rating: ratingFor(score),
    categories,
    issues,
    improvement_plan: [phase('1. Fix now', ['critical', 'high']), phase('2. Improve next', ['medium']), phase('3. Polish', ['low'])].filter(
      (item) => item.actions.length > 0,
    ),
  };
}
