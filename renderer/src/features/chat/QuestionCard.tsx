import { useState, type FormEvent } from 'react';

import type { QuestionField } from '../../../../shared/protocol';

import type { PendingQuestion, QuestionReply } from './chatState';
import './questionCard.css';

type Value = string | boolean | string[];

/** Radio buttons up to this many options; a drop-down beyond. */
const maxRadioOptions = 6;

function initialValue(field: QuestionField): Value {
  if (field.type === 'boolean') return false;
  if (field.type === 'multiselect') return [];
  return '';
}

function filled(field: QuestionField, value: Value | undefined): boolean {
  if (field.type === 'boolean') return true;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value === 'string' && value.trim() !== '';
}

/** The form's values as the answer: numbers as numbers, empty optional fields left out. */
function answersOf(fields: readonly QuestionField[], values: Record<string, Value>): Record<string, string | number | boolean | string[]> {
  const answers: Record<string, string | number | boolean | string[]> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (value === undefined || !filled(field, value)) continue;
    answers[field.name] =
      field.type === 'number' && typeof value === 'string' ? Number(value) : typeof value === 'string' ? value.trim() : value;
  }
  return answers;
}

function FieldInput({ field, value, onChange }: { field: QuestionField; value: Value; onChange: (value: Value) => void }) {
  const id = `question-field-${field.name}`;
  const label = field.label ?? field.name.replace(/_/g, ' ');
  const options = field.options ?? [];
  const heading = (
    <span className="question-label">
      {label}
      {field.required ? (
        <span className="question-required" aria-hidden="true">
          {' '}
          *
        </span>
      ) : (
        <span className="question-optional"> (optional)</span>
      )}
    </span>
  );
  if (field.type === 'boolean')
    return (
      <label className="question-check" htmlFor={id}>
        <input id={id} type="checkbox" checked={value === true} onChange={(event) => onChange(event.target.checked)} />
        {label}
      </label>
    );
  if (field.type === 'multiselect' || (field.type === 'select' && options.length <= maxRadioOptions)) {
    const multi = field.type === 'multiselect';
    return (
      <fieldset className="question-choices">
        <legend>{heading}</legend>
        {options.map((option) => {
          const checked = multi ? Array.isArray(value) && value.includes(option) : value === option;
          return (
            <label key={option} className={`question-choice ${checked ? 'question-choice-on' : ''}`}>
              <input
                type={multi ? 'checkbox' : 'radio'}
                name={id}
                value={option}
                checked={checked}
                onChange={() => {
                  if (!multi) return onChange(option);
                  const list = Array.isArray(value) ? value : [];
                  onChange(checked ? list.filter((item) => item !== option) : [...list, option]);
                }}
              />
              {option}
            </label>
          );
        })}
      </fieldset>
    );
  }
  return (
    <label className="question-field" htmlFor={id}>
      {heading}
      {field.type === 'select' ? (
        <select id={id} value={String(value)} onChange={(event) => onChange(event.target.value)} required={field.required}>
          <option value="">Choose…</option>
          {options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : field.type === 'textarea' ? (
        <textarea id={id} rows={3} value={String(value)} onChange={(event) => onChange(event.target.value)} required={field.required} />
      ) : (
        <input
          id={id}
          type={field.type === 'text' ? 'text' : field.type}
          value={String(value)}
          onChange={(event) => onChange(event.target.value)}
          required={field.required}
          {...(field.type === 'number' ? { inputMode: 'decimal' as const, step: 'any' } : {})}
        />
      )}
    </label>
  );
}

function QuestionForm({ question, onAnswer }: { question: PendingQuestion; onAnswer: (reply: QuestionReply) => void }) {
  const fields = question.fields ?? [];
  const [values, setValues] = useState<Record<string, Value>>(() =>
    Object.fromEntries(fields.map((field) => [field.name, initialValue(field)])),
  );
  const complete = fields.every((field) => !field.required || filled(field, values[field.name]));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (complete) onAnswer({ answered: true, answers: answersOf(fields, values) });
  };
  return (
    <form className="question-form" onSubmit={submit} data-testid="question-form">
      {fields.map((field) => (
        <FieldInput
          key={field.name}
          field={field}
          value={values[field.name] ?? initialValue(field)}
          onChange={(value) => setValues((current) => ({ ...current, [field.name]: value }))}
        />
      ))}
      <div className="question-actions">
        <button type="button" className="btn btn-ghost" onClick={() => onAnswer({ answered: false })} data-testid="question-skip">
          Skip
        </button>
        <button type="submit" className="btn btn-primary" disabled={!complete} data-testid="question-submit">
          {question.submitLabel ?? 'Send answer'}
        </button>
      </div>
    </form>
  );
}

function RankList({ question, onAnswer }: { question: PendingQuestion; onAnswer: (reply: QuestionReply) => void }) {
  const [order, setOrder] = useState<string[]>(() => [...(question.items ?? [])]);
  const move = (index: number, by: -1 | 1) =>
    setOrder((current) => {
      const next = [...current];
      const [item] = next.splice(index, 1);
      if (item !== undefined) next.splice(index + by, 0, item);
      return next;
    });
  return (
    <div className="question-form">
      <ol className="question-rank" data-testid="question-rank">
        {order.map((item, index) => (
          <li key={item} className="question-rank-item">
            <span className="question-rank-place" aria-hidden="true">
              {index + 1}
            </span>
            <span className="question-rank-text">{item}</span>
            <button
              type="button"
              className="btn btn-ghost question-move"
              disabled={index === 0}
              onClick={() => move(index, -1)}
              aria-label={`Move ${item} up`}
            >
              ↑
            </button>
            <button
              type="button"
              className="btn btn-ghost question-move"
              disabled={index === order.length - 1}
              onClick={() => move(index, 1)}
              aria-label={`Move ${item} down`}
            >
              ↓
            </button>
          </li>
        ))}
      </ol>
      <div className="question-actions">
        <button type="button" className="btn btn-ghost" onClick={() => onAnswer({ answered: false })} data-testid="question-skip">
          Skip
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => onAnswer({ answered: true, ranking: order })}
          data-testid="question-submit"
        >
          Send ranking
        </button>
      </div>
    </div>
  );
}

/**
 * The assistant asks the person something (its `ask_user_question`, `ask_user_to_rank` or
 * `ask_user_to_confirm` tool): a small form, a ranking with up/down buttons, or Yes / No. The answer
 * goes back to the assistant as the tool's result; Skip declines. Like the approval card it never
 * takes focus, so typing in the message box cannot answer it by accident.
 */
export function QuestionCard({ question, onAnswer }: { question: PendingQuestion; onAnswer: (reply: QuestionReply) => void }) {
  return (
    <section className="question-card" aria-labelledby="question-title" aria-live="polite" data-testid="question-card">
      <div className="question-head">
        <span className="question-badge">{question.ui === 'confirm' ? 'Please confirm' : 'Question for you'}</span>
        {question.header && <span className="question-header">{question.header}</span>}
      </div>
      <h3 id="question-title" className="question-text">
        {question.question}
      </h3>
      {question.ui === 'rank' && <p className="question-hint">Put them in order, most important first.</p>}
      {question.details && <p className="question-details">{question.details}</p>}
      {question.ui === 'question' && <QuestionForm question={question} onAnswer={onAnswer} />}
      {question.ui === 'rank' && <RankList question={question} onAnswer={onAnswer} />}
      {question.ui === 'confirm' && (
        <div className="question-actions">
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => onAnswer({ answered: true, confirmed: false })}
            data-testid="question-no"
          >
            {question.cancelLabel ?? 'No'}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => onAnswer({ answered: true, confirmed: true })}
            data-testid="question-yes"
          >
            {question.confirmLabel ?? 'Yes'}
          </button>
        </div>
      )}
    </section>
  );
}
