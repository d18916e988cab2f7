import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../electron/core/config/config';
import { createCore } from '../../electron/core/createCore';

// Nothing here starts a core: building one is enough to see whether it would advertise.
const build = (args: string[]) =>
  createCore({ config: loadConfig(args, { GATEWAY_DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-mdns-')) }).config, logDestination: null });

describe('--no-mdns', () => {
  it('builds no LAN advertiser, while the default has one (idle until the gateway is shared)', () => {
    expect(build([]).admin.admin.mdns).toBeDefined();
    expect(build(['--no-mdns']).admin.admin.mdns).toBeUndefined();
  });
});
