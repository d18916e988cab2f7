import { describe, expect, it } from 'vitest';

import { loadConfig } from './config';
import { createLiveConfig } from './liveConfig';

describe('liveConfig', () => {
  it('replaces a frozen snapshot on change, tells listeners which keys changed, and ignores no-op patches', () => {
    const live = createLiveConfig(loadConfig([], { GATEWAY_DATA_DIR: '/tmp/none', TALLYFY_ORG_ID: 'org-a' }).config);
    const before = live.current;
    const seen: string[][] = [];
    const off = live.subscribe((_config, changed) => seen.push([...changed]));
    live.update({ tallyfyOrgId: 'org-a' });
    expect(live.current).toBe(before);
    live.update({ tallyfyOrgId: undefined, idleTimeoutMinutes: 9 });
    expect(live.current).not.toBe(before);
    expect(live.current).toMatchObject({ idleTimeoutMinutes: 9 });
    expect('tallyfyOrgId' in live.current).toBe(false);
    expect(before.tallyfyOrgId).toBe('org-a');
    expect(Object.isFrozen(live.current)).toBe(true);
    off();
    live.update({ idleTimeoutMinutes: 10 });
    expect(seen).toEqual([['tallyfyOrgId', 'idleTimeoutMinutes']]);
  });
});
