/** Public surface of the Tallyfy sandbox. */
export { startSandbox, type Sandbox, type SandboxOptions, type RequestLogEntry } from './server';
export { defaultSeed, sandboxIds, sandboxOrgs, sandboxTokens, sandboxUserIds } from './defaultSeed';
export { loadSeedFile, parseSeed, sandboxSeedSchema, SeedError, type SandboxSeed, type ParsedSeed } from './seedSchema';
export { FaultController, type FaultOptions } from './faults';
export { tokenFingerprint } from './tokenId';
export type { SandboxState, OrgStore } from './state';
