import { useEffect, useRef, useState, type ReactNode } from 'react';

import './chat.css';
import { downloadText } from '../../lib/download';

import { ApprovalCard } from './ApprovalCard';
import type { ChatClient } from './chatClient';
import { Composer } from './Composer';

import { conversationMarkdown } from './conversation';
import { MessageList } from './MessageList';
import { QuestionCard } from './QuestionCard';
import { useChatState } from './useChat';

/** What to try in direct tool mode (no model): commands that work without Claude. */
export const directSuggestions = ['/tools', '/tool get_my_tasks {}', '/tool get_organization_runs {}', '/help'];

/** Suggestions shown in an empty conversation. */
export const defaultSuggestions = [
  'What tasks are assigned to me this week?',
  'Which processes are running late?',
  'List our templates and what they are for',
  'Summarise the open tasks in my organization',
];

function Countdown({ at }: { at: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((at - now) / 1000));
  return <>{seconds > 0 ? `in ${seconds} s` : 'now'}</>;
}

/** Downloads the conversation as Markdown (`tallyfy-chat-YYYY-MM-DD-HHMM.md`). */
export function ExportChatButton({ client, className = 'topbar-button' }: { client: ChatClient; className?: string }) {
  const state = useChatState(client);
  return (
    <button
      type="button"
      className={className}
      disabled={state.items.length === 0}
      title="Download this conversation as a Markdown file"
      onClick={() => {
        const stamp = new Date().toISOString().slice(0, 16).replace('T', '-').replace(':', '');
        downloadText(
          `tallyfy-chat-${stamp}.md`,
          'text/markdown',
          conversationMarkdown(client.getState().items, client.getState().identity),
        );
      }}
      data-testid="export-chat"
    >
      Export
    </button>
  );
}

/**
 * The whole chat for one signed-in session: banners (reconnecting, idle, ended), the messages
 * with tool chips and streaming, the approval prompt, and the composer. Transport-agnostic: it
 * only talks to a {@link ChatClient}.
 */
export function ChatView({
  client,
  suggestions = defaultSuggestions,
  onSignInAgain,
  mode = 'claude',
  directHint,
}: {
  client: ChatClient;
  suggestions?: readonly string[];
  onSignInAgain?: () => void;
  /** `direct`: the gateway has no Anthropic key, only tool commands work (said in the empty state). Default `claude`. */
  mode?: 'claude' | 'direct';
  /** In direct mode, what the reader can do about it (the admin's instruction); default words for a teammate. */
  directHint?: ReactNode;
}) {
  const state = useChatState(client);
  const [draft, setDraft] = useState('');
  const input = useRef<HTMLTextAreaElement>(null);
  const running = state.runningQueryId !== undefined;
  const ready = state.status === 'ready';
  const empty = state.items.length === 0;
  // An earlier chat being looked at (read-only), by id.
  const [viewing, setViewing] = useState<string>();
  const archived = state.archived ?? [];
  const shown = archived.find((chat) => chat.id === viewing);
  const away = state.status === 'reconnecting' || (state.away !== undefined && !ready);
  return (
    <div className="chat">
      {away && (
        <div className={`banner ${state.away ? 'banner-error' : 'banner-warning'}`} role="status" data-away={state.away?.code}>
          <span>
            {state.away ? `${state.away.message} ` : 'Connection lost. '}
            {state.status === 'reconnecting' ? (
              <>This page reconnects by itself: next try {state.reconnect ? <Countdown at={state.reconnect.at} /> : 'soon'}.</>
            ) : (
              'Reconnecting…'
            )}
            {state.queued
              ? ` Your message “${state.queued.length > 60 ? `${state.queued.slice(0, 60)}…` : state.queued}” is sent once connected.`
              : ''}
          </span>
          <button type="button" className="btn btn-small" onClick={() => client.retryNow()} disabled={state.status !== 'reconnecting'}>
            Retry now
          </button>
        </div>
      )}
      {state.notice && state.status !== 'ended' && (
        <div className={`banner banner-${state.notice.tone}`} role="status">
          <span>{state.notice.message}</span>
          {state.notice.expiresAt !== undefined && (
            <button type="button" className="btn btn-small" onClick={() => client.stayActive()}>
              Stay signed in
            </button>
          )}
        </div>
      )}
      {state.status === 'ended' && (
        <div className="banner banner-error" role="alert">
          <span>{state.notice?.message ?? 'This session has ended.'}</span>
          {onSignInAgain && (
            <button type="button" className="btn btn-small" onClick={onSignInAgain}>
              Sign in again
            </button>
          )}
        </div>
      )}
      {archived.length > 0 && (
        <div className="chat-history">
          <label>
            <span>Conversation</span>
            <select value={shown?.id ?? ''} onChange={(event) => setViewing(event.target.value || undefined)} data-testid="chat-history">
              <option value="">Current chat</option>
              {[...archived].reverse().map((chat) => (
                <option key={chat.id} value={chat.id}>
                  {new Date(chat.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} · {chat.title}
                </option>
              ))}
            </select>
          </label>
          {shown && (
            <span className="chat-history-note">
              Read-only: the assistant no longer remembers this one.{' '}
              <button type="button" className="msg-action" onClick={() => setViewing(undefined)}>
                Back to the current chat
              </button>
            </span>
          )}
        </div>
      )}
      {shown ? (
        <MessageList items={shown.items} />
      ) : empty ? (
        <div className="empty">
          <div className="empty-mark" aria-hidden="true">
            T
          </div>
          <h2>{state.identity ? `Hi ${state.identity.user.name.split(/\s+/)[0]}, how can I help?` : 'How can I help?'}</h2>
          {mode === 'direct' ? (
            <div className="direct-note" data-testid="direct-note">
              <p>
                <strong>Direct tool mode.</strong> Claude is not connected on this gateway, so questions in plain words cannot be answered
                yet. You can still run Tallyfy tools yourself with the commands below; tools that change data ask you first.
              </p>
              <p className="direct-hint">
                {directHint ?? 'The person who runs this gateway can connect Claude by adding an Anthropic API key in its settings.'}
              </p>
            </div>
          ) : (
            <p>Ask in plain words. The assistant works in Tallyfy with your own permissions and asks before it changes anything.</p>
          )}
          <div className="suggestions">
            {(mode === 'direct' ? directSuggestions : suggestions).map((text) => (
              <button
                key={text}
                type="button"
                className="suggestion"
                disabled={!ready}
                onClick={() => {
                  setDraft(text);
                  input.current?.focus();
                }}
              >
                {text}
              </button>
            ))}
          </div>
        </div>
      ) : (
        <MessageList
          items={state.items}
          {...(ready && !running
            ? {
                onEdit: (text: string) => {
                  setDraft(text);
                  input.current?.focus();
                },
                onRetry: (text: string) => client.ask(text),
              }
            : {})}
          {...(state.retry ? { retry: state.retry } : {})}
          after={
            (state.approval || state.question) && (
              <>
                {state.approval && <ApprovalCard approval={state.approval} onAnswer={(answer) => client.answerApproval(answer)} />}
                {state.question && (
                  <QuestionCard key={state.question.requestId} question={state.question} onAnswer={(reply) => client.answerQuestion(reply)} />
                )}
              </>
            )
          }
        />
      )}
      <div className="composer-wrap">
        <Composer
          disabled={state.status === 'ended' || (!ready && !away)}
          canSend={ready}
          running={running}
          onSend={(text) => client.ask(text)}
          onCancel={() => client.cancel()}
          text={draft}
          setText={setDraft}
          inputRef={input}
        />
        <p className="composer-hint">Enter to send · Shift+Enter for a new line · answers can be wrong, check before you act</p>
      </div>
    </div>
  );
}
