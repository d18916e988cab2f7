import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';

import type { AdminBridge } from '../../../shared/ipc/bridge';
import { BridgeProvider } from '../lib/api/BridgeContext';
import { adminToken, httpBridge, setAdminToken } from '../lib/api/http';
import { ipcBridge } from '../lib/api/ipc';

import { App } from './App';
import './styles.css';

function TokenPrompt({ onToken }: { onToken: (token: string) => void }) {
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
      <input aria-label="Admin token" type="password" value={value} onChange={(event) => setValue(event.target.value)} autoFocus />
      <button type="submit">Open admin</button>
    </form>
  );
}

function Root() {
  const [bridge, setBridge] = useState<AdminBridge | undefined>(() => {
    const ipc = ipcBridge();
    if (ipc) return ipc;
    const token = adminToken();
    return token ? httpBridge(token) : undefined;
  });
  if (!bridge)
    return (
      <TokenPrompt
        onToken={(token) => {
          setAdminToken(token);
          setBridge(httpBridge(token));
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
