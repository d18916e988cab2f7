import { useAdminEvent, useRoute } from '../../lib/api/useRoute';

/** Whether the desk user's own chat can start, re-checked when the settings change. */
export function useLocalChatAvailability(): { checked: boolean; available: boolean; reason: string | undefined } {
  const { data, error, reload } = useRoute('localChat.connect', {});
  useAdminEvent('settings.changed', reload);
  if (error) return { checked: true, available: false, reason: error.message };
  if (!data) return { checked: false, available: false, reason: undefined };
  return data.available ? { checked: true, available: true, reason: undefined } : { checked: true, available: false, reason: data.reason };
}
