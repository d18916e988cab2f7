import { useEffect, useRef, useState, type ReactNode } from 'react';

import { AnswerBody } from './AnswerBody';
import type { ChatItem } from './chatState';
import { CopyAction } from './CopyAction';
import { Markdown } from './Markdown';

function time(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function Assistant({ item, retry }: { item: Extract<ChatItem, { kind: 'assistant' }>; retry?: string }) {
  const thinking =
    item.streaming && !item.text && !item.tools.some((chip) => chip.status === 'running' || chip.status === 'awaiting_approval');
  return (
    <article className={`msg msg-assistant${item.stale ? ' msg-stale' : ''}`} data-query={item.id} aria-busy={item.streaming}>
      <div className="avatar" aria-hidden="true">
        T
      </div>
      <div className="msg-body">
        <AnswerBody text={item.text} tools={item.tools} />
        {thinking && (
          <div className="thinking" aria-label="Thinking">
            <span />
            <span />
            <span />
          </div>
        )}
        {retry && item.streaming && (
          <div className="msg-retry" role="status">
            {retry}
          </div>
        )}
        {item.cancelled && <div className="msg-note">Stopped.</div>}
        {!item.streaming && <time className="msg-time">{time(item.at)}</time>}
        {!item.streaming && item.text && (
          <div className="msg-actions">
            <CopyAction text={item.text} label="Copy" />
          </div>
        )}
      </div>
    </article>
  );
}

/** A mistake in what was typed (a `/tool` command with an unknown name or bad JSON): asking again the same way cannot help. */
function typo(item: Extract<ChatItem, { kind: 'error' }>): boolean {
  return item.detailCode === 'AGENT_UNKNOWN_TOOL' || item.detailCode === 'AGENT_INVALID_INPUT';
}

function errorTitle(item: Extract<ChatItem, { kind: 'error' }>): string {
  if (item.code === 'BUDGET_EXCEEDED') return 'Spending limit reached.';
  return typo(item) ? 'Not run.' : 'Something went wrong.';
}

/**
 * The conversation, scrolled to the newest entry while the user is at the bottom (and always
 * after the user sends a question); scrolled up, a "Jump to latest" button brings it back.
 * `retry` is shown quietly in its answer. Stale entries (from before a restart) are greyed out.
 */
export function MessageList({
  items,
  after,
  retry,
  onEdit,
  onRetry,
}: {
  items: readonly ChatItem[];
  after?: ReactNode;
  retry?: { queryId: string; message: string };
  /** Offered on the last question (when nothing runs): puts its text back in the composer. */
  onEdit?: (text: string) => void;
  /** Offered on an error that ended the last question: asks it again. */
  onRetry?: (text: string) => void;
}) {
  const lastUserItem = items.findLast((item) => item.kind === 'user');
  const lastItem = items.at(-1);
  const end = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const [away, setAway] = useState(false);
  // The user's own newest question: sending one always brings the view to the bottom.
  const lastUser = items.findLast((item) => item.kind === 'user')?.id;
  const seenUser = useRef(lastUser);
  useEffect(() => {
    if (lastUser !== seenUser.current) {
      seenUser.current = lastUser;
      // The scroll that follows fires onScroll, which hides "Jump to latest".
      pinned.current = true;
    }
    if (pinned.current) end.current?.scrollIntoView({ block: 'end' });
  });
  const jump = (): void => {
    pinned.current = true;
    setAway(false);
    end.current?.scrollIntoView({ block: 'end' });
  };
  return (
    <div
      className="messages"
      ref={list}
      role="log"
      aria-live="polite"
      onScroll={(event) => {
        const element = event.currentTarget;
        const atBottom = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
        pinned.current = atBottom;
        setAway(!atBottom);
      }}
    >
      <div className="messages-inner">
        {items.map((item) => {
          switch (item.kind) {
            case 'user':
              return (
                <article key={item.id} className={`msg msg-user${item.stale ? ' msg-stale' : ''}`}>
                  <div className="msg-body">
                    <p>{item.text}</p>
                  </div>
                  <div className="msg-actions">
                    <CopyAction text={item.text} />
                    {onEdit && item === lastUserItem && (
                      <button type="button" className="msg-action" onClick={() => onEdit(item.text)} data-testid="edit-last">
                        Edit
                      </button>
                    )}
                  </div>
                </article>
              );
            case 'assistant':
              return <Assistant key={item.id} item={item} {...(retry?.queryId === item.id ? { retry: retry.message } : {})} />;
            case 'info':
              return (
                <div key={item.id} className={`msg-info${item.stale ? ' msg-stale' : ''}`} data-code={item.code}>
                  {item.code === 'approval_needed' ? <Markdown text={item.text} /> : item.text}
                </div>
              );
            case 'error':
              return (
                <div key={item.id} className={`msg-error${item.stale ? ' msg-stale' : ''}`} role="alert" data-code={item.code}>
                  <strong>{errorTitle(item)}</strong> {item.text}
                  {onRetry && item === lastItem && lastUserItem && !typo(item) && (
                    <button
                      type="button"
                      className="msg-action msg-retry-button"
                      onClick={() => onRetry(lastUserItem.text)}
                      data-testid="retry"
                    >
                      Retry
                    </button>
                  )}
                </div>
              );
          }
        })}
        {after}
        <div ref={end} />
      </div>
      {away && (
        <div className="jump-wrap">
          <button type="button" className="jump-latest" onClick={jump}>
            <span aria-hidden="true">↓</span> Jump to latest
          </button>
        </div>
      )}
    </div>
  );
}
