import { useEffect, useMemo, useState } from 'react';

import { ChatClient, ChatView, ConnectionBadge, ExportChatButton, ModeBadge, useChatState } from '../features/chat';
import { hashParam, removeHashParam } from '../lib/hashParam';

import { SignIn } from './SignIn';

/** The gateway's WebSocket URL for this page (same host and port, `wss:` under https). */
function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
}

/** The web chat page: sign-in, then the chat, with the connection state always visible. */
export function WebApp() {
  const client = useMemo(() => new ChatClient({ url: socketUrl(), storage: sessionStorage, clientName: 'web' }), []);
  const state = useChatState(client);
  // `#code=…` in the invite link pre-fills the access code.
  const [accessCode] = useState(() => hashParam(location.hash, 'code'));
  // Read once, then gone from the address bar and the history (issue 12).
  useEffect(() => removeHashParam('code'), []);
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    if (client.canResume) client.resumeSaved();
    else client.probe();
    return () => client.dispose();
  }, [client]);

  // Which assistant answers here (`/healthz` says `agent: claude | direct`), read again on each sign-in.
  const [mode, setMode] = useState<'claude' | 'direct'>();
  const signedIn = state.status === 'ready';
  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    void fetch('/healthz')
      .then((response) => response.json() as Promise<{ agent?: unknown }>)
      .then((health) => {
        if (live && (health.agent === 'claude' || health.agent === 'direct')) setMode(health.agent);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [signedIn]);

  useEffect(() => {
    document.title = state.identity ? `Tallyfy Assistant · ${state.identity.org.name ?? 'Chat'}` : 'Tallyfy Assistant';
  }, [state.identity]);

  const restoring =
    !state.identity && !state.resumeSignIn && client.canResume && (state.status === 'connecting' || state.status === 'authenticating');
  if (restoring) {
    return (
      <main className="splash" aria-busy="true">
        <div className="brand-mark" aria-hidden="true">
          T
        </div>
        <p>Restoring your session…</p>
      </main>
    );
  }
  if (state.resumeSignIn) {
    return (
      <SignIn
        key="resume"
        state={state}
        initialAccessCode={accessCode}
        resume={state.resumeSignIn}
        onSubmit={({ apiKey, orgId }) => client.resumeWithCredentials({ apiKey, orgId })}
        onStartOver={() => client.reset()}
      />
    );
  }
  if (!state.identity) {
    return <SignIn state={state} initialAccessCode={accessCode} onSubmit={(values) => client.signIn({ kind: 'key', ...values })} />;
  }
  const { user, org } = state.identity;
  return (
    <div className="app-shell">
      <header className="topbar">
        <div className="topbar-brand">
          <div className="brand-mark brand-mark-small" aria-hidden="true">
            T
          </div>
          <div className="topbar-title">
            <strong>Tallyfy Assistant</strong>
            <span>{org.name ?? org.id}</span>
          </div>
        </div>
        <div className="topbar-actions">
          <ModeBadge mode={mode} />
          <ConnectionBadge status={state.status} />
          <button
            type="button"
            className="topbar-button"
            onClick={() => client.clear()}
            disabled={state.status !== 'ready' || state.runningQueryId !== undefined || state.items.length === 0}
            title="Start a new conversation"
          >
            New chat
          </button>
          <ExportChatButton client={client} />
          <div className="user-menu">
            <button
              type="button"
              className="user-button"
              onClick={() => setMenuOpen(!menuOpen)}
              aria-expanded={menuOpen}
              aria-label="Account"
            >
              <span className="user-avatar" aria-hidden="true">
                {user.name.slice(0, 1).toUpperCase()}
              </span>
              <span className="user-name">{user.name}</span>
            </button>
            {menuOpen && (
              <div className="user-popover" role="menu">
                <div className="user-popover-id">
                  <strong>{user.name}</strong>
                  <span>{user.email}</span>
                  {user.role && <span className="user-role">{user.role}</span>}
                </div>
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setMenuOpen(false);
                    client.signOut();
                  }}
                >
                  Sign out
                </button>
              </div>
            )}
          </div>
        </div>
      </header>
      <ChatView client={client} onSignInAgain={() => client.reset()} mode={mode ?? 'claude'} />
    </div>
  );
}
