// @ts-check
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const root = import.meta.dirname;

/**
 * The core's layers, left to right (electron/core/README.md): a layer imports only from layers to
 * its left and from the base folders (every other folder: config, log, net, store…). `createCore.ts`, `serve.ts`
 * and `index.ts` wire them and sit right of all.
 */
const coreLayers = ['tallyfy', 'mcp', 'agent', 'sessions', 'spend', 'gateway', 'admin'];
// Every other folder of the core (config, log, net, store, and any added later) is base.
const coreBase = readdirSync(join(root, 'electron/core'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !coreLayers.includes(entry.name))
  .map((entry) => entry.name);
const coreRoots = ['electron/core/{createCore,serve,index}.ts'];
const layerZones = [
  ...coreLayers.map((layer, index) => ({
    target: `electron/core/${layer}/**`,
    from: [...coreLayers.slice(index + 1).map((right) => `electron/core/${right}/**`), ...coreRoots],
    message: `Layers flow tallyfy → mcp → agent → sessions → spend → gateway → admin: ${layer}/ may not import from a layer to its right.`,
  })),
  {
    target: coreBase.map((folder) => `electron/core/${folder}/**`),
    from: [...coreLayers.map((layer) => `electron/core/${layer}/**`), ...coreRoots],
    message: `${coreBase.join('/, ')}/ are the base of the core: they import no layer.`,
  },
];

/** Renderer features are siblings: each imports components/, lib/ and shared/, never another feature. */
const rendererFeatures = readdirSync(join(root, 'renderer/src/features'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const featureZones = rendererFeatures.map((feature) => ({
  target: `renderer/src/features/${feature}/**`,
  from: [`renderer/src/features/!(${feature})/**`],
  message: 'A renderer feature never imports a sibling feature: move what both need to components/ or lib/.',
}));

/** Heavy dependencies, each in its one home folder. */
const heavyDependencies = [
  { name: '@anthropic-ai/sdk', home: ['electron/core/agent'], where: 'electron/core/agent' },
  { name: 'ws', home: ['electron/core/gateway', 'electron/core/admin/http.ts'], where: 'electron/core/gateway and admin/http.ts' },
  { name: 'chrono-node', home: ['electron/core/mcp/deadline.ts'], where: 'electron/core/mcp/deadline.ts' },
  { name: 'qrcode', home: ['electron/core/admin/invite.ts'], where: 'electron/core/admin/invite.ts' },
  { name: 'bonjour-service', home: ['electron/core/admin/mdns.ts'], where: 'electron/core/admin/mdns.ts' },
  { name: 'ioredis', home: ['electron/core/cluster'], where: 'electron/core/cluster' },
];
/**
 * Globs for every non-test source file under electron/, renderer/ and shared/ except `homes`
 * (folders or files): whole folders where no home is inside, file globs next to a home file.
 */
function everywhereBut(homes) {
  const globs = [];
  const visit = (dir) => {
    if (homes.includes(dir)) return;
    if (!homes.some((home) => home.startsWith(`${dir}/`))) {
      globs.push(`${dir}/**/!(*.test).{ts,tsx}`);
      return;
    }
    const entries = readdirSync(join(root, dir), { withFileTypes: true });
    const homeFiles = entries.filter((entry) => entry.isFile() && homes.includes(`${dir}/${entry.name}`)).map((entry) => entry.name.replace(/\.tsx?$/, ''));
    globs.push(`${dir}/!(*.test|${homeFiles.join('|') || '*.test'}).{ts,tsx}`);
    for (const entry of entries) if (entry.isDirectory() && entry.name !== 'node_modules') visit(`${dir}/${entry.name}`);
  };
  for (const area of ['electron', 'renderer', 'shared']) visit(area);
  return globs;
}
const dependencyZones = heavyDependencies.map(({ name, home, where }) => ({
  target: everywhereBut(home),
  from: [`node_modules/${name}`],
  message: `${name} lives in ${where} only.`,
}));

/** `electron/main` reaches the core only through its public entry. */
const mainZone = {
  target: 'electron/{main,preload}/**/!(*.test).ts',
  from: ['electron/core'],
  except: ['./index.ts'],
  message: "electron/main uses the core only through 'electron/core/index.ts'.",
};

/** Who may import whom (ARCHITECTURE §3). Each entry is one folder's bans. */
const electronBan = { name: 'electron', message: "electron/core and shared/ run in plain Node: never import 'electron' here." };
const mcpBan = { group: ['@modelcontextprotocol/*'], message: 'Only electron/core/mcp may import the MCP SDK.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tsbuild/**', 'test-results/**', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json', '.d.ts'] })] },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'import-x/no-cycle': ['error', { maxDepth: 8 }],
      'import-x/no-default-export': 'off',
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
          'newlines-between': 'always-and-inside-groups',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
      'no-restricted-imports': ['error', { patterns: [mcpBan] }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...layerZones, ...featureZones, ...dependencyZones, mainZone] }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    ignores: ['electron/core/mcp/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan], patterns: [mcpBan] }] },
  },
  {
    files: ['electron/core/mcp/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan] }] },
  },
  {
    // mcp/ in three parts (README there): the tool domain is SDK-free; server/ and transports/ speak MCP.
    files: ['electron/core/mcp/**/*.ts'],
    ignores: ['electron/core/mcp/server/**', 'electron/core/mcp/transports/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [{ group: ['@modelcontextprotocol/*'], message: 'The MCP tool domain is SDK-free: only mcp/server and mcp/transports import the SDK.' }],
        },
      ],
    },
  },
  {
    // The SDK's private fields (`server._clientVersion`, `_requestHandlers`…) are read in one place.
    files: ['electron/core/mcp/**/*.ts'],
    ignores: ['electron/core/mcp/server/sdkCompat.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^_(?!meta$)/]',
          message: 'Private fields of the MCP SDK are touched only in mcp/server/sdkCompat.ts (checked against the SDK version there).',
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure: no Node modules.' }))],
          patterns: [mcpBan, { group: ['react', 'react-dom', '**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing but zod and itself.' }],
        },
      ],
    },
  },
  {
    files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'],
    ignores: ['electron/main/ipc/register.ts', 'electron/preload/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'ipcMain lives in electron/main/ipc/register.ts, ipcRenderer in the preload.' },
          ],
          patterns: [mcpBan],
        },
      ],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches main only through lib/api.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser: no Node modules.' })),
          ],
          patterns: [mcpBan, { group: ['**/electron/**'], message: 'The renderer imports only shared/ and browser libraries.' }],
        },
      ],
    },
  },
  {
    // Type-checked rules for the Node side: a promise is awaited, returned, or voided on purpose.
    files: ['electron/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The preload's bridge is reached in one place: lib/api (ipc.ts, behind BridgeContext).
    files: ['renderer/src/**/*.{ts,tsx}'],
    ignores: ['renderer/src/lib/api/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'window', property: 'api', message: 'window.api is used only in renderer/src/lib/api: go through its hooks.' }],
      'no-restricted-globals': ['error', { name: 'api', message: 'window.api is used only in renderer/src/lib/api: go through its hooks.' }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Cross-folder tests and benchmarks act as outside MCP clients, so they may use the SDK's client.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
