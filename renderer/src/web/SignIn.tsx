import { useEffect, useRef, useState } from 'react';

import { ConnectionBadge, type ChatState } from '../features/chat';

const orgKey = 'tallyfy-chat.org';

/**
 * The sign-in card: the teammate's own Tallyfy API key and org id (and the access code when the
 * gateway asks). With `resume` (cluster mode: the session's gateway node is gone) it asks for the
 * key again to continue the same conversation on this node, the org prefilled.
 */
export function SignIn({
  state,
  initialAccessCode,
  onSubmit,
  resume,
  onStartOver,
}: {
  state: ChatState;
  initialAccessCode: string | undefined;
  onSubmit: (values: { apiKey: string; orgId: string; accessCode?: string }) => void;
  resume?: { orgId?: string };
  /** With `resume`: forget the conversation and show the plain sign-in. */
  onStartOver?: () => void;
}) {
  const [apiKey, setApiKey] = useState('');
  const [orgId, setOrgId] = useState(() => resume?.orgId ?? localStorage.getItem(orgKey) ?? '');
  const [accessCode, setAccessCode] = useState(initialAccessCode ?? '');
  const [showKey, setShowKey] = useState(false);
  const keyInput = useRef<HTMLInputElement>(null);
  const busy = state.status === 'authenticating';
  useEffect(() => keyInput.current?.focus(), []);
  useEffect(() => {
    if (state.authError?.code === 'INVALID_CREDENTIALS') keyInput.current?.select();
  }, [state.authError]);
  // A resume proves the earlier sign-in: no access code then.
  const needsCode = state.accessCodeRequired && !resume;
  return (
    <main className="signin-page">
      <form
        className="signin-card"
        onSubmit={(event) => {
          event.preventDefault();
          const org = orgId.trim();
          localStorage.setItem(orgKey, org);
          onSubmit({ apiKey: apiKey.trim(), orgId: org, ...(needsCode && accessCode.trim() ? { accessCode: accessCode.trim() } : {}) });
        }}
      >
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">
            T
          </div>
          <div>
            <h1>Tallyfy Assistant</h1>
            <p>Your team&apos;s AI helper for Tallyfy</p>
          </div>
        </div>
        {resume ? (
          <div className="signin-resume" role="status" data-testid="resume-sign-in">
            <strong>Continue your conversation</strong>
            <p>
              The gateway server you were using went away, and another one has taken over. Your conversation is safe: enter your API key again
              to pick it up where you left off. Your key stays in this tab&apos;s memory only.
            </p>
          </div>
        ) : (
          <p className="signin-lead">
            Sign in with your own Tallyfy credentials. The assistant acts with your permissions, and your key stays in this tab&apos;s memory
            only.
          </p>
        )}
        <label className="field">
          <span>API key</span>
          <div className="field-row">
            <input
              ref={keyInput}
              name="api_key"
              type={showKey ? 'text' : 'password'}
              autoComplete="off"
              spellCheck={false}
              required
              value={apiKey}
              placeholder="Your personal access token"
              onChange={(event) => setApiKey(event.target.value)}
            />
            <button
              type="button"
              className="field-toggle"
              onClick={() => setShowKey(!showKey)}
              aria-label={showKey ? 'Hide the key' : 'Show the key'}
            >
              {showKey ? 'Hide' : 'Show'}
            </button>
          </div>
        </label>
        <label className="field">
          <span>Organization ID</span>
          <input
            name="org_id"
            autoComplete="off"
            spellCheck={false}
            required
            value={orgId}
            placeholder="32 characters, from your Tallyfy URL"
            onChange={(event) => setOrgId(event.target.value)}
          />
        </label>
        {needsCode && (
          <label className="field">
            <span>Access code</span>
            <input
              name="access_code"
              autoComplete="off"
              required
              value={accessCode}
              placeholder="From the person who shared this gateway"
              onChange={(event) => setAccessCode(event.target.value)}
            />
          </label>
        )}
        {state.authError && (
          <div className="signin-error" role="alert">
            {state.authError.message}
          </div>
        )}
        <button className="signin-submit" type="submit" disabled={busy || !apiKey.trim() || !orgId.trim()}>
          {busy ? (
            <>
              <span className="button-spinner" aria-hidden="true" /> Checking with Tallyfy…
            </>
          ) : resume ? (
            'Continue conversation'
          ) : (
            'Sign in'
          )}
        </button>
        {resume && onStartOver && (
          <button type="button" className="signin-start-over" onClick={onStartOver}>
            Start a new conversation instead
          </button>
        )}
        <details className="signin-help">
          <summary>Where do I find these?</summary>
          <p>
            In Tallyfy, open <strong>Settings → Integrations → REST API</strong> to copy your personal access token. Your organization ID is
            the 32-character code in that page (and in your Tallyfy web address).
          </p>
        </details>
        <div className="signin-foot">
          <ConnectionBadge status={state.status === 'ready' ? 'connected' : state.status} />
        </div>
      </form>
    </main>
  );
}
