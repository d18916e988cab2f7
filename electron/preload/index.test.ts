import { describe, expect, it, vi } from 'vitest';

import type { AdminBridge } from '../../shared/ipc/bridge';
import type { ElectronMock } from '../main/testing/electronMock';

vi.mock('electron', async () => (await import('../main/testing/electronMock')).createElectronMock());

const electron = (await import('electron')) as unknown as ElectronMock;
await import('./index');
const { ipcChannels } = await import('../../shared/ipc/bridge');

describe('the preload', () => {
  it('exposes only window.api with request and on', () => {
    expect([...electron.contextBridge.exposed.keys()]).toEqual(['api']);
    const api = electron.contextBridge.exposed.get('api') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['on', 'request']);
  });

  it('forwards a request on the admin channel and delivers only the subscribed event', async () => {
    const api = electron.contextBridge.exposed.get('api') as AdminBridge;
    expect(await api.request('health.get', {})).toEqual({ ok: true, data: 'from-main' });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(ipcChannels.request, 'health.get', {});
    const seen: unknown[] = [];
    const off = api.on('health.changed', (payload) => seen.push(payload));
    const listener = vi.mocked(electron.ipcRenderer.on).mock.calls[0]![1] as (...args: unknown[]) => void;
    listener({}, 'other.event', 1);
    listener({}, 'health.changed', 2);
    expect(seen).toEqual([2]);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(ipcChannels.event, listener);
  });
});
