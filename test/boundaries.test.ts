import { join } from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// The import rules need no type information: lint the virtual files below without the type-checked parser.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [
    {
      files: ['electron/**/*.ts'],
      languageOptions: { parserOptions: { projectService: false } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
    },
  ],
});
// The type-checked rules as configured, on a virtual file the project service types alone (the whole core project takes ~30 s to load).
const typed = new ESLint({
  cwd: root,
  overrideConfig: [
    {
      files: ['electron/**/*.ts'],
      languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['electron/core/floating.ts'] } } },
    },
  ],
});

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

// The first lint pays ESLint's start-up (seconds on a loaded machine): a generous timeout, no timing assertion.
describe('import boundaries (ARCHITECTURE §3), held by lint', { timeout: 60_000 }, () => {
  it("refuses 'electron' in electron/core and shared/", async () => {
    expect((await ruleIds('electron/core/sessions/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).join()).toMatch(
      /never import 'electron'/,
    );
    expect((await ruleIds('shared/types/x.ts', "import 'electron';\n")).join()).toMatch(/never import 'electron'/);
  });

  it('refuses Node modules in shared/ and the renderer', async () => {
    expect(
      (await ruleIds('shared/types/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).join(),
    ).toMatch(/no Node modules/);
    expect((await ruleIds('renderer/src/features/x.ts', "import { join } from 'path';\nexport const j = join;\n")).join()).toMatch(
      /no Node modules/,
    );
  });

  it('refuses electron/ code in the renderer', async () => {
    expect(
      (
        await ruleIds(
          'renderer/src/features/x.ts',
          "import { createCore } from '../../../electron/core/createCore';\nexport const c = createCore;\n",
        )
      ).join(),
    ).toMatch(/only shared\//);
  });

  it('keeps ipcMain in one file and the MCP SDK in electron/core/mcp', async () => {
    expect((await ruleIds('electron/main/window2.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n")).join()).toMatch(
      /ipcMain lives in/,
    );
    expect(
      (await ruleIds('electron/main/ipc/register.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n")).join(),
    ).not.toMatch(/ipcMain lives in/);
    expect(
      (
        await ruleIds(
          'electron/core/agent/x.ts',
          "import { Client } from '@modelcontextprotocol/sdk/client/index.js';\nexport const c = Client;\n",
        )
      ).join(),
    ).toMatch(/Only electron\/core\/mcp/);
  });

  it('keeps the MCP tool domain SDK-free and the SDK private fields in sdkCompat.ts', async () => {
    const sdk = "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';\nexport const s = McpServer;\n";
    expect((await ruleIds('electron/core/mcp/tools/x.ts', sdk)).join()).toMatch(/tool domain is SDK-free/);
    expect((await ruleIds('electron/core/mcp/x.ts', sdk)).join()).toMatch(/tool domain is SDK-free/);
    expect((await ruleIds('electron/core/mcp/server/x.ts', sdk)).join()).not.toMatch(/SDK-free/);
    expect((await ruleIds('electron/core/mcp/transports/x.ts', sdk)).join()).not.toMatch(/SDK-free/);
    const privateField = 'export const read = (server: { _requestHandlers: unknown }) => server._requestHandlers;\n';
    expect((await ruleIds('electron/core/mcp/server/x.ts', privateField)).join()).toMatch(/only in mcp\/server\/sdkCompat\.ts/);
    expect((await ruleIds('electron/core/mcp/server/sdkCompat.ts', privateField)).join()).not.toMatch(/sdkCompat/);
    expect(
      (await ruleIds('electron/core/mcp/server/x.ts', 'export const meta = (extra: { _meta?: unknown }) => extra._meta;\n')).join(),
    ).not.toMatch(/sdkCompat/);
  });

  // Each layer importing one to its right (the imported files exist, so the import resolves).
  it.each([
    ['electron/core/tallyfy/x.ts', '../mcp/toolHost'],
    ['electron/core/mcp/x.ts', '../agent/errors'],
    ['electron/core/agent/x.ts', '../sessions/engine'],
    ['electron/core/sessions/x.ts', '../gateway/presenter'],
    ['electron/core/gateway/x.ts', '../admin/dispatch'],
    ['electron/core/admin/x.ts', '../createCore'],
    ['electron/core/log/x.ts', '../sessions/clock'],
    ['electron/core/store/x.ts', '../index'],
  ])('refuses an import to the right: %s importing %s', async (file, target) => {
    expect((await ruleIds(file, `import * as right from '${target}';\nexport const r = right;\n`)).join()).toMatch(
      /no-restricted-paths.*Layers flow|no-restricted-paths.*base of the core/,
    );
  });

  it('allows imports to the left', async () => {
    expect(
      (await ruleIds('electron/core/gateway/x.ts', "import * as left from '../sessions/engine';\nexport const l = left;\n")).join(),
    ).not.toMatch(/no-restricted-paths/);
    expect(
      (await ruleIds('electron/core/admin/x.ts', "import * as left from '../gateway/presenter';\nexport const l = left;\n")).join(),
    ).not.toMatch(/no-restricted-paths/);
  });

  it('keeps renderer features apart and window.api in lib/api', async () => {
    expect(
      (await ruleIds('renderer/src/features/chat/x.ts', "import * as other from '../stats/StatsPage';\nexport const o = other;\n")).join(),
    ).toMatch(/sibling feature/);
    expect(
      (await ruleIds('renderer/src/features/chat/x.ts', "import * as own from './chatState';\nexport const o = own;\n")).join(),
    ).not.toMatch(/sibling feature/);
    expect((await ruleIds('renderer/src/features/chat/x.ts', 'export const call = () => window.api;\n')).join()).toMatch(
      /window\.api is used only/,
    );
    expect((await ruleIds('renderer/src/lib/api/x.ts', 'export const call = () => window.api;\n')).join()).not.toMatch(
      /window\.api is used only/,
    );
  });

  it.each([
    ['@anthropic-ai/sdk', 'electron/core/sessions/x.ts', 'electron/core/agent/x.ts'],
    ['ws', 'electron/core/sessions/x.ts', 'electron/core/gateway/x.ts'],
    ['ws', 'electron/core/admin/x.ts', 'electron/core/admin/http.ts'],
    ['chrono-node', 'electron/core/mcp/tools/x.ts', 'electron/core/mcp/deadline.ts'],
    ['qrcode', 'electron/core/admin/x.ts', 'electron/core/admin/invite.ts'],
    ['bonjour-service', 'electron/core/admin/x.ts', 'electron/core/admin/mdns.ts'],
    ['bonjour-service', 'renderer/src/lib/x.ts', 'electron/core/admin/mdns.ts'],
  ])('confines %s: refused in %s, allowed in %s', async (name, outside, home) => {
    const code = `import * as dep from '${name}';\nexport const d = dep;\n`;
    expect((await ruleIds(outside, code)).join()).toMatch(new RegExp(`${name.replace('/', '\\/')} lives in`));
    expect((await ruleIds(home, code)).join()).not.toMatch(/lives in/);
  });

  it('lets electron/main reach the core only through electron/core/index.ts', async () => {
    expect(
      (await ruleIds('electron/main/x.ts', "import { createCore } from '../core/createCore';\nexport const c = createCore;\n")).join(),
    ).toMatch(/only through 'electron\/core\/index\.ts'/);
    expect(
      (await ruleIds('electron/main/x.ts', "import { createCore } from '../core';\nexport const c = createCore;\n")).join(),
    ).not.toMatch(/no-restricted-paths/);
  });

  it('refuses a floating promise in electron/ (type-checked lint)', { timeout: 60_000 }, async () => {
    const [result] = await typed.lintText('export async function later(): Promise<void> {}\nlater();\n', {
      filePath: join(root, 'electron/core/floating.ts'),
    });
    expect((result?.messages ?? []).map((message) => message.ruleId)).toContain('@typescript-eslint/no-floating-promises');
    const [misused] = await typed.lintText(
      'export const run = (callback: () => void): void => callback();\nrun(async () => undefined);\n',
      { filePath: join(root, 'electron/core/floating.ts') },
    );
    expect((misused?.messages ?? []).map((message) => message.ruleId)).toContain('@typescript-eslint/no-misused-promises');
  });
});
