/**
 * The `ask_user_*` tools in the gateway's own chat. Over MCP such a tool asks through elicitation;
 * the agent's in-process MCP client has none, so the tool answers `{status: "needs_user_answer", …}`.
 * When the session's client can show a question card, the agent asks the person itself
 * ({@link AskUser}) and gives the model their answer as the tool's result, in the same shape the
 * tool returns after an elicitation. Without one, the model reads `needs_user_answer` and asks in
 * its reply (old clients answer in their next query).
 */

/** One form field of a question, as the tool validated it. */
export interface UserQuestionField {
  name: string;
  label?: string;
  type: 'text' | 'textarea' | 'number' | 'boolean' | 'select' | 'multiselect' | 'date' | 'email';
  required: boolean;
  options?: string[];
}

/** What to ask: a form (`question`), a ranking (`rank`) or a yes/no (`confirm`). */
export interface UserQuestion {
  ui: 'question' | 'rank' | 'confirm';
  question: string;
  header?: string;
  details?: string;
  fields?: UserQuestionField[];
  items?: string[];
  submitLabel?: string;
  confirmLabel?: string;
  cancelLabel?: string;
}

/** The person's reply, or why there is none. */
export type UserAnswer =
  | { answered: true; answers?: Record<string, unknown>; ranking?: string[]; confirmed?: boolean }
  | { answered: false; reason: 'declined' | 'timeout' | 'cancelled' };

/** Asks the person (the session's question card); `signal` aborts with the query. */
export type AskUser = (question: UserQuestion & { toolName: string; callId: string }, signal: AbortSignal) => Promise<UserAnswer>;

const uis = new Set(['question', 'rank', 'confirm']);
const fieldTypes = new Set(['text', 'textarea', 'number', 'boolean', 'select', 'multiselect', 'date', 'email']);
const text = (value: unknown, max: number): string | undefined => (typeof value === 'string' && value ? value.slice(0, max) : undefined);

/** The question in an `ask_user_*` tool's `needs_user_answer` result, or undefined for any other result. */
export function questionFromResult(toolName: string, resultText: string): UserQuestion | undefined {
  if (!toolName.startsWith('ask_user_') || !resultText.includes('needs_user_answer')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(resultText);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const body = value as Record<string, unknown>;
  // A result that carries `error` (e.g. a select without options) is for the model to fix, not to ask.
  if (body.status !== 'needs_user_answer' || !uis.has(String(body.ui)) || body.error !== undefined) return undefined;
  const question = text(body.question, 2000);
  if (!question) return undefined;
  const fields = Array.isArray(body.fields)
    ? body.fields
        .filter((field): field is Record<string, unknown> => !!field && typeof field === 'object')
        .filter((field) => typeof field.name === 'string' && fieldTypes.has(String(field.type ?? 'text')))
        .map((field): UserQuestionField => ({
          name: String(field.name),
          type: String(field.type ?? 'text') as UserQuestionField['type'],
          required: field.required !== false,
          ...(text(field.label, 200) ? { label: text(field.label, 200)! } : {}),
          ...(Array.isArray(field.options)
            ? { options: field.options.filter((option): option is string => typeof option === 'string') }
            : {}),
        }))
    : undefined;
  const items = Array.isArray(body.items) ? body.items.filter((item): item is string => typeof item === 'string') : undefined;
  const optional = {
    header: text(body.header, 200),
    details: text(body.details, 4000),
    submitLabel: text(body.submit_label, 50),
    confirmLabel: text(body.confirm_label, 50),
    cancelLabel: text(body.cancel_label, 50),
  };
  return {
    ui: body.ui as UserQuestion['ui'],
    question,
    ...Object.fromEntries(Object.entries(optional).filter(([, item]) => item !== undefined)),
    ...(fields?.length ? { fields } : {}),
    ...(items?.length ? { items } : {}),
  };
}

/** What the model reads: the shape the `ask_user_*` tools return after an elicitation. */
export function answerForModel(question: UserQuestion, answer: UserAnswer): Record<string, unknown> {
  if (!answer.answered) {
    const note =
      answer.reason === 'declined'
        ? 'The person declined to answer.'
        : answer.reason === 'timeout'
          ? 'The person did not answer in time.'
          : 'The question was withdrawn before the person answered.';
    return question.ui === 'confirm'
      ? { answered: answer.reason === 'declined', confirmed: false, action: answer.reason === 'declined' ? 'decline' : 'cancel', note }
      : { answered: false, action: answer.reason === 'declined' ? 'decline' : 'cancel', note };
  }
  if (question.ui === 'confirm') return { answered: true, confirmed: answer.confirmed === true };
  if (question.ui === 'rank') {
    const items = question.items ?? [];
    const ranking = answer.ranking ?? [];
    const complete =
      ranking.length === items.length && new Set(ranking).size === ranking.length && ranking.every((item) => items.includes(item));
    return complete
      ? { answered: true, ranking }
      : { answered: true, ranking, warning: 'The ranking does not hold every item exactly once; confirm the order with the person.' };
  }
  const known = new Set((question.fields ?? []).map((field) => field.name));
  const answers = Object.fromEntries(Object.entries(answer.answers ?? {}).filter(([name]) => known.has(name)));
  const missing = (question.fields ?? []).filter(
    (field) => field.required && (answers[field.name] === undefined || answers[field.name] === ''),
  );
  return missing.length
    ? { answered: true, answers, warning: `No answer for: ${missing.map((field) => field.label ?? field.name).join(', ')}.` }
    : { answered: true, answers };
}
