import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

import type { AdminBridge } from '../../../shared/ipc/bridge';
import { BridgeProvider } from '../lib/api/BridgeContext';
import { adminToken, forgetAdminToken, httpBridge, setAdminToken } from '../lib/api/http';
import { ipcBridge } from '../lib/api/ipc';

import { App } from './App';
import './styles.css';

function TokenPrompt({ onToken, error, checking }: { onToken: (token: string) => void; error?: string | undefined; checking: boolean }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="card token-prompt"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim()) onToken(value.trim());
      }}
    >
      <h2>Admin sign-in</h2>
      <p className="muted">Paste the admin token the server printed at start-up (or open the admin link from its banner).</p>
      <label className="sr-only" htmlFor="admin-token">
        Admin token
      </label>
      <input
        id="admin-token"
        aria-label="Admin token"
        type="password"
        value={value}
        onChange={(event) => setValue(event.target.value)}
        autoFocus
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'admin-token-error' : undefined}
      />
      {error && (
        <p className="token-error" id="admin-token-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={checking}>
        {checking ? 'Checking…' : 'Open admin'}
      </button>
    </form>
  );
}

/** Asks the server whether `token` opens the admin API before showing any page built on it. */
async function checkToken(token: string): Promise<string | undefined> {
  const result = await httpBridge(token).request('health.get', {});
  if (result.ok) return undefined;
  if (result.error.code === 'UNAUTHORIZED')
    return 'That admin token is not right. Copy it again from the server banner (or its admin link) and try again.';
  return `Cannot check the token: ${result.error.message}`;
}

function Root() {
  const [bridge, setBridge] = useState<AdminBridge | undefined>(() => ipcBridge());
  // A token from the link or this tab is checked first: a wrong one must not open a dashboard of false data.
  const [pending, setPending] = useState<string | undefined>(() => (bridge ? undefined : adminToken()));
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!pending) return;
    let live = true;
    void checkToken(pending).then((problem) => {
      if (!live) return;
      if (problem) {
        forgetAdminToken();
        setError(problem);
      } else {
        setAdminToken(pending);
        setBridge(httpBridge(pending));
      }
      setPending(undefined);
    });
    return () => {
      live = false;
    };
  }, [pending]);
  if (!bridge)
    return pending && !error ? (
      <div className="card token-prompt" aria-busy="true">
        <p className="muted">Checking the admin token…</p>
      </div>
    ) : (
      <TokenPrompt
        error={error}
        checking={pending !== undefined}
        onToken={(token) => {
          setError(undefined);
          setPending(token);
        }}
      />
    );
  return (
    <BridgeProvider bridge={bridge}>
      <App />
    </BridgeProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
