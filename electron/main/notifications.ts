import { Notification } from 'electron';

import type { EventPayload } from '../../shared/ipc/contract';

/** What the notifier needs to know about the window. */
export interface WindowPresence {
  /** True when the user can see the window (shown and focused). */
  visible(): boolean;
}

/**
 * Tells the desk user that their own chat waits for an approval while the window is hidden or in
 * the background (teammates answer their own in their browser); clicking it opens the chat.
 * At most one per session every 30 s.
 */
export class ApprovalNotifier {
  readonly #presence: WindowPresence;
  readonly #open: (payload: EventPayload<'approvals.waiting'>) => void;
  readonly #lastShown = new Map<string, number>();

  constructor(presence: WindowPresence, open: (payload: EventPayload<'approvals.waiting'>) => void) {
    this.#presence = presence;
    this.#open = open;
  }

  /** Shows a notification for `payload` unless the window is visible; returns whether it did. */
  notify(payload: EventPayload<'approvals.waiting'>, now = Date.now()): boolean {
    if (!payload.local || this.#presence.visible() || !Notification.isSupported()) return false;
    const last = this.#lastShown.get(payload.sessionId);
    if (last !== undefined && now - last < 30_000) return false;
    this.#lastShown.set(payload.sessionId, now);
    const notification = new Notification({
      title: 'Approval waiting',
      body: `Claude wants to run ${payload.tool}. Open the chat to approve or deny it.`,
      silent: false,
    });
    notification.on('click', () => this.#open(payload));
    notification.show();
    return true;
  }
}
