import { useState } from 'react';

import type { SessionSnapshot } from '../../../../shared/types/session';
import { Modal } from '../../components/Modal';
import { useAction } from '../../lib/api/useLive';

/** Asks for a reason, then closes the session; the teammate sees the reason. */
export function KickDialog({ session, onClose }: { session: SessionSnapshot | undefined; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const kick = useAction('sessions.kick');
  const who = session?.user?.name ?? (session?.kind === 'local' ? 'your own session' : 'this session');
  const submit = async (): Promise<void> => {
    if (!session) return;
    const result = await kick.run({ id: session.id, reason: reason.trim() || 'Disconnected by the gateway admin.' });
    if (result.ok) {
      setReason('');
      onClose();
    }
  };
  return (
    <Modal
      title={`Disconnect ${who}?`}
      open={!!session}
      onClose={() => {
        kick.reset();
        onClose();
      }}
      footer={
        <>
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" disabled={kick.pending} onClick={() => void submit()} data-testid="kick-confirm">
            {kick.pending ? 'Disconnecting…' : 'Disconnect'}
          </button>
        </>
      }
    >
      <p className="muted">Their running question is cancelled and their credentials are wiped from memory. They can sign in again.</p>
      <label className="field">
        <span>Reason (shown to them)</span>
        <input
          type="text"
          value={reason}
          maxLength={200}
          placeholder="Disconnected by the gateway admin."
          onChange={(event) => setReason(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void submit();
          }}
          autoFocus
          data-testid="kick-reason"
        />
      </label>
      {kick.error && <p className="form-error">{kick.error.message}</p>}
    </Modal>
  );
}
