import { useState } from 'react';

import { Icon } from './Icon';

/** Copies `text` to the clipboard and says so for two seconds. */
export function CopyButton({ text, label = 'Copy', className = 'btn btn-secondary' }: { text: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className={className}
      onClick={() => {
        const done = (): void => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        };
        if (navigator.clipboard) void navigator.clipboard.writeText(text).then(done, done);
        else done();
      }}
    >
      <Icon name={copied ? 'check' : 'copy'} size={16} />
      {copied ? 'Copied' : label}
    </button>
  );
}
