/**
 * The scripted 10-turn conversation a teammate has with the gateway on the Tallyfy sandbox (as
 * alice): the agent's scenario. It decides the eager core set (docs/agent.md), drives bench §5 and
 * checks that lean tool results leave every answer unchanged. Each turn calls one tool; a tool the
 * request defers and the history has not loaded is first found with the tool search tool, as Claude
 * does. Answers are built only from what the tools returned, so the same data gives the same text.
 */
import { lastToolResults, lastUserText, resultItems, searchReply, textReply, toolReply, type FakeReply, type FakeRequest } from './replies';
import { isDeferredTool, loadedTools } from './toolSearch';

type Item = Record<string, unknown>;

/** What the turns remember of earlier answers (the task being talked about). */
interface ScenarioState {
  task?: { id: string; title: string; run_id?: string };
}

interface Turn {
  question: (state: ScenarioState) => string;
  /** What Claude would type into tool search for this turn's tool. */
  search: string;
  call: (state: ScenarioState) => { name: string; input: Record<string, unknown> };
  answer: (result: string, state: ScenarioState) => string;
}

const parse = (text: string): Item => {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Item) : {};
  } catch {
    return {};
  }
};
const count = (value: unknown): number =>
  Array.isArray(value) && !value.some((item) => item && typeof item === 'object')
    ? value.length
    : resultItems(JSON.stringify(value ?? [])).length;
const names = (items: Item[], key: string): string => items.map((item) => String(item[key])).join(', ');
const day = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 10) : 'no deadline');

/** The ten turns, in order. */
export const scenarioTurns: readonly Turn[] = [
  {
    question: () => 'What tasks do I have open?',
    search: 'my tasks',
    call: () => ({ name: 'get_my_tasks', input: { status: 'incomplete' } }),
    answer: (result, state) => {
      const tasks = resultItems(result);
      const task = tasks.find((item) => item.task_type === 'task' && item.run_id) ?? tasks[0];
      if (task) state.task = { id: String(task.id), title: String(task.title), ...(task.run_id ? { run_id: String(task.run_id) } : {}) };
      return `You have ${tasks.length} open tasks: ${names(tasks, 'title')}. Next due: ${String(tasks[0]?.title)} on ${day(tasks[0]?.deadline)}.`;
    },
  },
  {
    question: (state) => `Tell me more about "${state.task?.title}".`,
    search: 'task details',
    call: (state) => ({
      name: 'get_task',
      input: { task_id: state.task?.id, ...(state.task?.run_id ? { run_id: state.task.run_id } : {}) },
    }),
    answer: (result) => {
      const task = parse(result);
      return `"${String(task.title)}" is ${String(task.status)}, due ${day(task.deadline)}, with ${count(task.form_fields)} form fields and ${count(task.comments)} comments.`;
    },
  },
  {
    question: () => 'Which process is it part of?',
    search: 'process run',
    call: (state) => ({ name: 'get_process', input: { run_id: state.task?.run_id } }),
    answer: (result) => {
      const run = parse(result);
      const progress = (run.progress ?? {}) as Item;
      return `It belongs to "${String(run.name)}" (${String(run.status)}, ${String(progress.percent)}% done, ${count(run.tasks)} tasks).`;
    },
  },
  {
    question: () => 'Which processes are running right now?',
    search: 'list processes runs',
    call: () => ({ name: 'get_organization_runs', input: { status: 'active' } }),
    answer: (result) => `Running: ${names(resultItems(result), 'name')}.`,
  },
  {
    question: () => 'Which templates do we have?',
    search: 'list templates',
    call: () => ({ name: 'get_all_templates', input: {} }),
    answer: (result) => `Templates: ${names(resultItems(result), 'title')}.`,
  },
  {
    question: () => 'Find everything about vendors.',
    search: 'search everything',
    call: () => ({ name: 'search_all', input: { query: 'vendor' } }),
    answer: (result) => {
      const found = parse(result);
      return `Vendor: ${count(found.templates)} templates, ${count(found.processes)} processes, ${count(found.tasks)} tasks.`;
    },
  },
  {
    question: () => 'Who is in our groups?',
    search: 'groups teams members',
    call: () => ({ name: 'get_groups', input: {} }),
    answer: (result) =>
      `Groups: ${resultItems(result)
        .map((group) => `${String(group.name)} (${count(group.members)} members)`)
        .join(', ')}.`,
  },
  {
    question: () => 'Any comments on that task?',
    search: 'task comments',
    call: (state) => ({ name: 'get_task_comments', input: { task_id: state.task?.id } }),
    answer: (result) => {
      const comments = resultItems(result);
      return comments.length ? `${comments.length} comments; the last says: "${String(comments.at(-1)?.content)}".` : 'No comments yet.';
    },
  },
  {
    question: () => 'Who works in this organization?',
    search: 'organization users members people',
    call: () => ({ name: 'get_organization_users', input: {} }),
    answer: (result) =>
      `Members: ${resultItems(result)
        .map((user) => `${String(user.full_name)} (${String(user.role)})`)
        .join(', ')}.`,
  },
  {
    question: (state) => `Please mark "${state.task?.title}" as done.`,
    search: 'complete task',
    call: (state) => ({
      name: 'complete_task',
      input: { task_id: state.task?.id, ...(state.task?.run_id ? { run_id: state.task.run_id } : {}) },
    }),
    answer: (result) => {
      const done = parse(result);
      const task = (done.task ?? done) as Item;
      return `Done: "${String(task.title)}" is now ${String(task.status)}.`;
    },
  },
];

/** The 10 questions with the state of a fresh run (for drivers that only need the text). */
export interface Scenario {
  /** The next question to ask (call after the previous answer came back). */
  question(): string;
  /** The fake model's responder for this conversation. */
  responder(request: FakeRequest): FakeReply;
  /** Answers given so far, in order. */
  readonly answers: string[];
}

/** A fresh run of the scenario: the agent asks {@link Scenario.question}s, the fake answers with {@link Scenario.responder}. */
export function createScenario(): Scenario {
  const state: ScenarioState = {};
  const answers: string[] = [];
  let turn = -1;
  return {
    answers,
    question() {
      turn += 1;
      const current = scenarioTurns[turn];
      if (!current) throw new Error('the scenario has only 10 turns');
      return current.question(state);
    },
    responder(request) {
      const current = scenarioTurns[turn];
      if (!current) return textReply('(scenario over)');
      const results = lastToolResults(request);
      if (results.length > 0) {
        const answer = results[0]?.is_error ? `The tool failed: ${results[0].content}` : current.answer(results[0]?.content ?? '', state);
        answers.push(answer);
        return textReply(answer);
      }
      if (lastUserText(request) === '') return textReply('(scenario: no question)');
      const call = current.call(state);
      const tool = request.body.tools?.find((candidate) => candidate.name === call.name);
      const needsSearch = tool !== undefined && isDeferredTool(tool) && !loadedTools(request.body).has(call.name);
      return needsSearch ? searchReply(current.search, [call]) : toolReply([call]);
    },
  };
}
