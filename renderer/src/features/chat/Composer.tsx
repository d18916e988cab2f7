import { useEffect, useRef, type RefObject } from 'react';

/**
 * The question box: Enter sends, Shift+Enter adds a line; Stop while an answer runs. While the
 * connection is away (`canSend` false) it stays writable and `onSend` may queue the draft.
 */
export function Composer({
  disabled,
  canSend = true,
  running,
  onSend,
  onCancel,
  placeholder = 'Ask about your Tallyfy work…',
  text,
  setText,
  inputRef,
}: {
  disabled: boolean;
  /** False while reconnecting: the draft can still be written. Default true. */
  canSend?: boolean;
  running: boolean;
  onSend: (text: string) => boolean;
  onCancel: () => void;
  placeholder?: string;
  /** The draft, owned by the parent (so a picked suggestion can fill it). */
  text: string;
  setText: (text: string) => void;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const area = inputRef ?? ownRef;
  useEffect(() => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 200)}px`;
  }, [text, area]);
  useEffect(() => {
    if (!disabled && !running) area.current?.focus();
  }, [disabled, running, area]);
  const send = (): void => {
    if (text.trim() && onSend(text)) setText('');
  };
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <textarea
        ref={area}
        rows={1}
        value={text}
        disabled={disabled}
        placeholder={disabled ? 'Waiting for the connection…' : placeholder}
        aria-label="Your question"
        maxLength={16000}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            if (!running) send();
          }
        }}
      />
      {running ? (
        <button key="stop" type="button" className="btn btn-stop" onClick={onCancel} aria-label="Stop the answer">
          <span className="stop-square" aria-hidden="true" /> Stop
        </button>
      ) : (
        <button
          key="send"
          type="submit"
          className="btn btn-primary btn-send"
          disabled={disabled || !text.trim()}
          aria-label={canSend ? 'Send' : 'Send when connected'}
        >
          {canSend ? 'Send' : 'Send later'}
        </button>
      )}
    </form>
  );
}
