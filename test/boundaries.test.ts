import { join } from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('import boundaries (ARCHITECTURE §3), held by lint', () => {
  it("refuses 'electron' in electron/core and shared/", async () => {
    expect((await ruleIds('electron/core/sessions/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).join()).toMatch(/never import 'electron'/);
    expect((await ruleIds('shared/types/x.ts', "import 'electron';\n")).join()).toMatch(/never import 'electron'/);
  });

  it('refuses Node modules in shared/ and the renderer', async () => {
    expect((await ruleIds('shared/types/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).join()).toMatch(/no Node modules/);
    expect((await ruleIds('renderer/src/features/x.ts', "import { join } from 'path';\nexport const j = join;\n")).join()).toMatch(/no Node modules/);
  });

  it('refuses electron/ code in the renderer', async () => {
    expect((await ruleIds('renderer/src/features/x.ts', "import { createCore } from '../../../electron/core/createCore';\nexport const c = createCore;\n")).join()).toMatch(
      /only shared\//,
    );
  });

  it('keeps ipcMain in one file and the MCP SDK in electron/core/mcp', async () => {
    expect((await ruleIds('electron/main/window2.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n")).join()).toMatch(/ipcMain lives in/);
    expect((await ruleIds('electron/main/ipc/register.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n")).join()).not.toMatch(/ipcMain lives in/);
    expect((await ruleIds('electron/core/agent/x.ts', "import { Client } from '@modelcontextprotocol/sdk/client/index.js';\nexport const c = Client;\n")).join()).toMatch(
      /Only electron\/core\/mcp/,
    );
  });
});
