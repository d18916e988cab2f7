import { useSyncExternalStore } from 'react';

import type { ChatClient } from './chatClient';
import type { ChatState } from './chatState';

/** The client's state, re-rendering on every change. */
export function useChatState(client: ChatClient): ChatState {
  return useSyncExternalStore(client.subscribe, client.getState, client.getState);
}
