import { useState } from 'react';

import { copyText } from './conversation';

/** A small "Copy" button that says "Copied" for two seconds. */
export function CopyAction({
  text,
  label = 'Copy',
  className = 'msg-action',
}: {
  text: string | (() => string);
  label?: string;
  className?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className={className}
      aria-label={label}
      onClick={() => {
        void copyText(typeof text === 'function' ? text() : text).then((copied) => {
          setState(copied ? 'copied' : 'failed');
          setTimeout(() => setState('idle'), 2000);
        });
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
