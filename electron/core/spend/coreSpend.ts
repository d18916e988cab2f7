import type { Agent } from '../agent';
import { parseDirectCommand } from '../agent';
import type { Config } from '../config/config';
import type { Logger } from '../log/logger';
import type { QueryGate } from '../sessions/queryGate';
import type { SettingsService } from '../store/settingsService';

import { createSpendGate } from './spendGate';
import { SpendLedger } from './spendLedger';
import { fileSpendStore, type SpendStore } from './spendStore';
import { disabledToolMessage, effectiveToolPolicy, type EffectiveToolPolicy } from './toolPolicy';

/** The admin's tool policy for a caller with Tallyfy `role`, and the refusal naming the policy. */
export type ToolRules = (role: string | undefined) => EffectiveToolPolicy & { refusal(tool: string): string };

/** Spending limits and tool policy, as the core wires them (docs/spend.md). */
export interface CoreSpend {
  /** Spend per user and day, kept in the data dir. */
  ledger: SpendLedger;
  /** Refuses a query over a limit; charges what Claude used. */
  gate: QueryGate;
  /** The admin's tool policy, read live. */
  toolRules: ToolRules;
}

/** True when `query` is answered without Claude (a `/tool` command, or a malformed one that gets its usage). */
function isDirect(query: string): boolean {
  try {
    return parseDirectCommand(query) !== null;
  } catch {
    return true;
  }
}

/**
 * The spend ledger in `config.dataDir`, its gate and the tool rules; limits and policy are read from
 * the settings on every use. Direct tool mode (and a gateway without a key) sends nothing to
 * Claude, so it is never charged or refused.
 */
export function createCoreSpend(options: {
  config: Pick<Config, 'dataDir'>;
  settings: SettingsService;
  logger: Logger;
  agent: Agent;
  /** Where spend is kept. Default: `spend.jsonl` in the data dir; a cluster passes its Redis store (limits count every node). */
  store?: SpendStore;
}): CoreSpend {
  const { settings, logger, agent } = options;
  const ledger = new SpendLedger({
    store: options.store ?? fileSpendStore(options.config.dataDir, { warn: (message) => logger.warn(message) }),
    limits: () => settings.current.spendLimits,
  });
  const toolRules: ToolRules = (role) => {
    const policy = settings.current.toolPolicy;
    return { ...effectiveToolPolicy(policy, role), refusal: (tool) => disabledToolMessage(tool, policy, role) };
  };
  const gate = createSpendGate({ ledger, charged: (query) => agent.hasApiKey && !isDirect(query), model: () => agent.model, logger });
  return { ledger, gate, toolRules };
}
