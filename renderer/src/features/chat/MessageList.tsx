import { useEffect, useRef, type ReactNode } from 'react';

import type { ChatItem } from './chatState';
import { Markdown } from './Markdown';
import { ToolChipView } from './ToolChipView';

function time(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function Assistant({ item, retry }: { item: Extract<ChatItem, { kind: 'assistant' }>; retry?: string }) {
  const thinking =
    item.streaming && !item.text && !item.tools.some((chip) => chip.status === 'running' || chip.status === 'awaiting_approval');
  return (
    <article className="msg msg-assistant" data-query={item.id} aria-busy={item.streaming}>
      <div className="avatar" aria-hidden="true">
        T
      </div>
      <div className="msg-body">
        {item.tools.length > 0 && (
          <div className="tool-row">
            {item.tools.map((chip) => (
              <ToolChipView key={chip.callId} chip={chip} />
            ))}
          </div>
        )}
        {item.text && <Markdown text={item.text} />}
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
      </div>
    </article>
  );
}

/** The conversation, scrolled to the newest entry while the user is at the bottom. `retry` is shown quietly in its answer. */
export function MessageList({
  items,
  after,
  retry,
}: {
  items: readonly ChatItem[];
  after?: ReactNode;
  retry?: { queryId: string; message: string };
}) {
  const end = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    if (pinned.current) end.current?.scrollIntoView({ block: 'end' });
  });
  return (
    <div
      className="messages"
      ref={list}
      role="log"
      aria-live="polite"
      onScroll={(event) => {
        const element = event.currentTarget;
        pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
      }}
    >
      <div className="messages-inner">
        {items.map((item) => {
          switch (item.kind) {
            case 'user':
              return (
                <article key={item.id} className="msg msg-user">
                  <div className="msg-body">
                    <p>{item.text}</p>
                  </div>
                </article>
              );
            case 'assistant':
              return <Assistant key={item.id} item={item} {...(retry?.queryId === item.id ? { retry: retry.message } : {})} />;
            case 'info':
              return (
                <div key={item.id} className="msg-info" data-code={item.code}>
                  {item.code === 'approval_needed' ? <Markdown text={item.text} /> : item.text}
                </div>
              );
            case 'error':
              return (
                <div key={item.id} className="msg-error" role="alert" data-code={item.code}>
                  <strong>{item.code === 'BUDGET_EXCEEDED' ? 'Spending limit reached.' : 'Something went wrong.'}</strong> {item.text}
                </div>
              );
          }
        })}
        {after}
        <div ref={end} />
      </div>
    </div>
  );
}
