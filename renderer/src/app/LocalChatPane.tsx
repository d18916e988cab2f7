import { useEffect, useMemo, type ReactNode } from 'react';

import { PageHeader } from '../components/PageHeader';
import { ChatClient, ChatView, ConnectionBadge, ExportChatButton, ModeBadge, useChatState } from '../features/chat';
import { LocalChatSetup } from '../features/localChat/LocalChatSetup';
import { useLocalChatAvailability } from '../features/localChat/useLocalChatAvailability';
import { useBridge } from '../lib/api/BridgeContext';
import { useRoute } from '../lib/api/useRoute';

function Chat({ settingsLink }: { settingsLink: ReactNode }) {
  const bridge = useBridge();
  const health = useRoute('health.get', {});
  const mode = health.data?.agent;
  const client = useMemo(() => new ChatClient({ url: '', clientName: 'desktop' }), []);
  const state = useChatState(client);
  useEffect(() => {
    client.signIn({
      kind: 'local',
      // A fresh one-time token for every (re)connect; the core holds the credentials.
      connect: async () => {
        const result = await bridge.request('localChat.connect', {});
        if (!result.ok) throw new Error(result.error.message);
        if (!result.data.available) throw new Error(result.data.reason);
        return { wsUrl: result.data.wsUrl, localToken: result.data.localToken };
      },
    });
    return () => client.dispose();
  }, [client, bridge]);
  return (
    <>
      <PageHeader
        title="Chat"
        description={
          state.identity
            ? `As ${state.identity.user.name} in ${state.identity.org.name ?? state.identity.org.id} · listed as “local” in Sessions`
            : 'Your own session, with your Tallyfy credentials from Settings'
        }
        actions={
          <>
            <ModeBadge mode={mode} />
            <ConnectionBadge status={state.status} />
            <ExportChatButton client={client} className="btn btn-secondary btn-small" />
          </>
        }
      />
      <div className="card chat-card">
        <ChatView
          client={client}
          mode={mode ?? 'claude'}
          directHint={
            <>
              You run this gateway: add your Anthropic API key in Settings (or start it with <code>ANTHROPIC_API_KEY</code> set) to chat
              with Claude here and for every teammate. {settingsLink}
            </>
          }
        />
      </div>
    </>
  );
}

/** The desk user's own chat: the chat feature over a local session, or what to set up first. */
export function LocalChatPane({ onOpenSettings }: { onOpenSettings: () => void }) {
  const availability = useLocalChatAvailability();
  const health = useRoute('health.get', {});
  const sandbox = health.data?.mode === 'sandbox';
  return (
    <section className="page page-fill" aria-label="Chat">
      {!availability.checked ? (
        <div className="card muted">Checking your chat…</div>
      ) : availability.available ? (
        <Chat
          settingsLink={
            <button type="button" className="link-button" onClick={onOpenSettings}>
              Open settings
            </button>
          }
        />
      ) : (
        <>
          <PageHeader title="Chat" description="Your own session, with your Tallyfy credentials from Settings" />
          <LocalChatSetup
            reason={
              sandbox
                ? `${availability.reason ?? 'The local chat is not available.'} In this demo a sandbox key works: API key sandbox-alice, organization a0000000000000000000000000000001.`
                : (availability.reason ?? 'The local chat is not available.')
            }
            action={
              <button type="button" className="btn btn-primary" onClick={onOpenSettings}>
                Open settings
              </button>
            }
          />
        </>
      )}
    </section>
  );
}
