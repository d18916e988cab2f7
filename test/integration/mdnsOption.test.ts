import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../electron/core/config/config';
import { createCore } from '../../electron/core/createCore';

const config = (args: string[], env: Record<string, string> = {}) => loadConfig(args, { GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-mdns-')), ...env }).config;
// Nothing here starts a core (no multicast leaves this machine): building one shows whether it would advertise.
const build = (args: string[], env: Record<string, string> = {}) => createCore({ config: config(args, env), logDestination: null });

describe('--no-mdns', () => {
  it('is on by default and turned off by the flag or GATEWAY_MDNS=false', () => {
    expect(config([]).mdns).toBe(true);
    expect(config(['--no-mdns']).mdns).toBe(false);
    expect(config([], { GATEWAY_MDNS: 'false' }).mdns).toBe(false);
  });

  it('builds no LAN advertiser when off; the default one stays silent while the gateway is on loopback', () => {
    const quiet = build(['--no-mdns']).admin.mdns;
    expect(quiet).toBeUndefined();
    const advertiser = build([]).admin.mdns;
    expect(advertiser?.advertising).toBe(false);
    expect(build([], { GATEWAY_MDNS: 'false' }).admin.mdns).toBeUndefined();
  });
});
