import { useEffect, useMemo } from 'react';

import { PageHeader } from '../components/PageHeader';
import { ChatClient, ChatView, ConnectionBadge, useChatState } from '../features/chat';
import { LocalChatSetup } from '../features/localChat/LocalChatSetup';
import { useLocalChatAvailability } from '../features/localChat/useLocalChatAvailability';
import { useBridge } from '../lib/api/BridgeContext';

function Chat() {
  const bridge = useBridge();
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
        description={state.identity ? `As ${state.identity.user.name} in ${state.identity.org.name ?? state.identity.org.id} · listed as “local” in Sessions` : 'Your own session, with your Tallyfy credentials from Settings'}
        actions={<ConnectionBadge status={state.status} />}
      />
      <div className="card chat-card">
        <ChatView client={client} />
      </div>
    </>
  );
}

/** The desk user's own chat: the chat feature over a local session, or what to set up first. */
export function LocalChatPane({ onOpenSettings }: { onOpenSettings: () => void }) {
  const availability = useLocalChatAvailability();
  return (
    <section className="page page-fill" aria-label="Chat">
      {!availability.checked ? (
        <div className="card muted">Checking your chat…</div>
      ) : availability.available ? (
        <Chat />
      ) : (
        <>
          <PageHeader title="Chat" description="Your own session, with your Tallyfy credentials from Settings" />
          <LocalChatSetup
            reason={availability.reason ?? 'The local chat is not available.'}
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
