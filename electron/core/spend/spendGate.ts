import type { Usage } from '../../../shared/types/session';
import type { Logger } from '../log/logger';
import type { GatedSession, QueryGate } from '../sessions/queryGate';

import type { SpendLedger, SpendSubject } from './spendLedger';

/** Options of {@link createSpendGate}. */
export interface SpendGateOptions {
  ledger: SpendLedger;
  /** True when `query` would go to Claude (false for direct tool mode and without an API key): only those are checked. */
  charged: (query: string) => boolean;
  /** The model the usage is priced for (the agent's current one). */
  model: () => string;
  logger: Logger;
}

/** Who a session is, for the ledger; undefined before sign-in. */
export function spendSubject(session: GatedSession): SpendSubject | undefined {
  const identity = session.identity;
  if (!identity) return undefined;
  return {
    orgId: identity.org.id,
    ...(identity.org.name ? { orgName: identity.org.name } : {}),
    userId: identity.user.id,
    name: identity.user.name,
    email: identity.user.email,
    local: session.kind === 'local',
  };
}

/**
 * The spend ledger as the sessions' {@link QueryGate}: refuses a charged query with
 * `BUDGET_EXCEEDED` once a limit is reached, records every model call's usage, and sends the
 * `info` `budget_warning` once per period when a limit passes 80%.
 */
export function createSpendGate(options: SpendGateOptions): QueryGate {
  const { ledger, logger } = options;
  const warn = async (session: GatedSession, subject: SpendSubject): Promise<void> => {
    for (const warning of await ledger.dueWarnings(subject)) {
      logger.info(
        { user: subject.email, limit: warning.limit, spentUsd: Number(warning.spentUsd.toFixed(4)), limitUsd: warning.limitUsd },
        'budget warning',
      );
      session.notify({ code: 'budget_warning', message: warning.message });
    }
  };
  /** Usage reports are recorded one after another, so a check never reads a half-written total. */
  let pending: Promise<void> = Promise.resolve();
  return {
    async admit(session, query) {
      const subject = spendSubject(session);
      if (!subject || !options.charged(query)) return undefined;
      await pending;
      const refusal = await ledger.check(subject);
      if (refusal) {
        logger.info(
          { user: subject.email, limit: refusal.limit, spentUsd: Number(refusal.spentUsd.toFixed(4)), limitUsd: refusal.limitUsd },
          'query refused: budget',
        );
        return { code: 'BUDGET_EXCEEDED', message: refusal.message };
      }
      await warn(session, subject);
      return undefined;
    },
    usage(session, usage: Usage) {
      const subject = spendSubject(session);
      if (!subject) return;
      const model = options.model();
      pending = pending
        .then(async () => {
          await ledger.record(subject, usage, model);
          await warn(session, subject);
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'recording spend failed'));
    },
  };
}
