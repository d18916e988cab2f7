import { useCallback, useEffect, useState } from 'react';

import { useBridge } from '../../lib/api/BridgeContext';
import { useAdminEvent } from '../../lib/api/useRoute';

/** Whether the desk user's own chat can start, re-checked when the settings change. */
export function useLocalChatAvailability(): { checked: boolean; available: boolean; reason: string | undefined } {
  const bridge = useBridge();
  const [state, setState] = useState<{ checked: boolean; available: boolean; reason: string | undefined }>({ checked: false, available: false, reason: undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    void bridge.request('localChat.connect', {}).then((result) => {
      if (!live) return;
      if (!result.ok) setState({ checked: true, available: false, reason: result.error.message });
      else if (result.data.available) setState({ checked: true, available: true, reason: undefined });
      else setState({ checked: true, available: false, reason: result.data.reason });
    });
    return () => {
      live = false;
    };
  }, [bridge, tick]);
  useAdminEvent(
    'settings.changed',
    useCallback(() => setTick((value) => value + 1), []),
  );
  return state;
}
