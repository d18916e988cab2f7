import type { Usage } from '../../../shared/types/session';
import {
  spendLimitNames,
  type BudgetWarning,
  type SpendAmounts,
  type SpendLimitName,
  type SpendLimits,
  type UsageDayRow,
  type UsageReport,
  type UsageReportInput,
} from '../../../shared/types/spend';

import { dayKey, describeReset, localTimeZone, monthKey, monthStartDay, nextDayStart, nextMonthStart } from './periods';
import { priceUsd, pricesAsOf } from './pricing';
import { addAmounts, type SpendStore } from './spendStore';

/** Who spends: a signed-in user. `local` is the desk user's own chat, which only the gateway limit binds. */
export interface SpendSubject {
  orgId: string;
  orgName?: string;
  userId: string;
  name: string;
  email: string;
  local: boolean;
}

/** A limit as it stands for one subject now. */
export interface BudgetStanding {
  limit: SpendLimitName;
  spentUsd: number;
  limitUsd: number;
  /** When the period ends, ms since the epoch. */
  resetsAt: number;
  /** A sentence for the teammate: which limit, how much was spent, when it resets. */
  message: string;
}

/** Share of a limit at which the teammate is warned once per period. */
export const warningShare = 0.8;

const money = (usd: number): string => `$${usd.toFixed(2)}`;

const limitLabels: Record<SpendLimitName, string> = {
  perUserDailyUsd: 'your daily spending limit',
  perUserMonthlyUsd: 'your monthly spending limit',
  gatewayMonthlyUsd: "the gateway's monthly spending limit (shared by everyone on this gateway)",
};

const emptyAmounts = (): SpendAmounts => ({ usd: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, calls: 0 });
const roundUsd = (usd: number): number => Math.round(usd * 1_000_000) / 1_000_000;
const rounded = <T extends SpendAmounts>(amounts: T): T => ({ ...amounts, usd: roundUsd(amounts.usd) });

export interface SpendLedgerOptions {
  store: SpendStore;
  /** The limits in force, read at every check (settings changes apply at once). */
  limits: () => SpendLimits;
  /** ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * Prices each model call's usage, keeps it per user and day in a {@link SpendStore}, and answers
 * the budget questions: may this user start a query, which 80% warnings are due, and the
 * `usage.report`. Periods are local days and months ({@link dayKey}).
 */
export class SpendLedger {
  readonly #options: SpendLedgerOptions;
  readonly #now: () => number;

  constructor(options: SpendLedgerOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Prices `usage` (one model call with `model`) and adds it to the subject's day. Returns the dollars added. */
  async record(subject: SpendSubject, usage: Usage, model: string): Promise<number> {
    const usd = priceUsd(usage, model);
    await this.#options.store.add({
      day: dayKey(this.#now()),
      orgId: subject.orgId,
      ...(subject.orgName ? { orgName: subject.orgName } : {}),
      userId: subject.userId,
      name: subject.name,
      email: subject.email,
      usd,
      ...usage,
      calls: 1,
    });
    return usd;
  }

  /** Every limit that binds `subject`, with what was spent in its current period. */
  async standings(subject: SpendSubject): Promise<BudgetStanding[]> {
    const now = this.#now();
    const limits = this.#options.limits();
    const today = dayKey(now);
    const rows = await this.#options.store.rows(monthStartDay(now), today);
    const mine = rows.filter((row) => row.orgId === subject.orgId && row.userId === subject.userId);
    // Rounded to a millionth of a dollar so that float sums compare as a person would ($0.36 is 90% of $0.40).
    const spent = (selected: UsageDayRow[]): number => roundUsd(selected.reduce((total, row) => total + row.usd, 0));
    const out: BudgetStanding[] = [];
    const push = (limit: SpendLimitName, spentUsd: number, resetsAt: number): void => {
      const limitUsd = limits[limit];
      if (limitUsd === null) return;
      out.push({ limit, spentUsd, limitUsd, resetsAt, message: '' });
    };
    if (!subject.local) {
      push('perUserDailyUsd', spent(mine.filter((row) => row.day === today)), nextDayStart(now));
      push('perUserMonthlyUsd', spent(mine), nextMonthStart(now));
    }
    push('gatewayMonthlyUsd', spent(rows), nextMonthStart(now));
    return out;
  }

  /**
   * The limit that refuses `subject`'s next query, or undefined. A query is refused once spend
   * in the period has reached the limit (a limit of 0 refuses every query).
   */
  async check(subject: SpendSubject): Promise<BudgetStanding | undefined> {
    const over = (await this.standings(subject)).find((standing) => standing.spentUsd >= standing.limitUsd);
    if (!over) return undefined;
    const whose = over.limit === 'gatewayMonthlyUsd' ? 'The gateway has' : 'You have';
    return {
      ...over,
      message:
        `${whose} reached ${limitLabels[over.limit]}: ${money(over.spentUsd)} spent of ${money(over.limitUsd)}. ` +
        `It resets at ${describeReset(over.resetsAt)}. Nothing was sent to Claude; ask the gateway admin if you need more.`,
    };
  }

  /**
   * The 80% warnings due for `subject`: each limit at or past 80% whose warning this subject has
   * not had in this period (one per limit and period, even when a single call went past the
   * limit). Marks them as given.
   */
  async dueWarnings(subject: SpendSubject): Promise<BudgetStanding[]> {
    const due: BudgetStanding[] = [];
    const now = this.#now();
    for (const standing of await this.standings(subject)) {
      if (standing.limitUsd <= 0 || standing.spentUsd < standing.limitUsd * warningShare) continue;
      const period = standing.limit === 'perUserDailyUsd' ? dayKey(now) : monthKey(now);
      if (!(await this.#options.store.markOnce(`warned|${standing.limit}|${period}|${subject.orgId}|${subject.userId}`))) continue;
      const share = Math.floor((standing.spentUsd / standing.limitUsd) * 100 + 1e-9);
      const whose = standing.limit === 'gatewayMonthlyUsd' ? 'The gateway has' : 'You have';
      const reached = standing.spentUsd >= standing.limitUsd;
      due.push({
        ...standing,
        message: reached
          ? `${whose} reached ${limitLabels[standing.limit]} (${money(standing.spentUsd)} of ${money(standing.limitUsd)}). ` +
            `New questions will be refused until it resets at ${describeReset(standing.resetsAt)}.`
          : `${whose} used ${share}% of ${limitLabels[standing.limit]} (${money(standing.spentUsd)} of ${money(standing.limitUsd)}). ` +
            `Queries stop at the limit; it resets at ${describeReset(standing.resetsAt)}.`,
      });
    }
    return due;
  }

  /** The Usage page's data for days `from`..`to` (default: this month so far). */
  async report(input: UsageReportInput = {}): Promise<UsageReport> {
    const now = this.#now();
    const from = input.from ?? monthStartDay(now);
    const to = input.to ?? dayKey(now);
    const store = this.#options.store;
    const days = await store.rows(from, to);
    const users = new Map<string, UsageReport['users'][number]>();
    const orgs = new Map<string, UsageReport['orgs'][number]>();
    const totals = emptyAmounts();
    for (const row of days) {
      const userKey = `${row.orgId}\n${row.userId}`;
      const user = users.get(userKey) ?? { orgId: row.orgId, userId: row.userId, name: row.name, email: row.email, ...emptyAmounts() };
      addAmounts(user, row);
      users.set(userKey, user);
      const org = orgs.get(row.orgId) ?? { orgId: row.orgId, ...emptyAmounts() };
      if (row.orgName) org.orgName = row.orgName;
      addAmounts(org, row);
      orgs.set(row.orgId, org);
      addAmounts(totals, row);
    }
    const limits = this.#options.limits();
    const monthRows = await store.rows(monthStartDay(now), dayKey(now));
    const monthSpent = monthRows.reduce((total, row) => total + row.usd, 0);
    const byUsd = <T extends SpendAmounts>(a: T, b: T): number => b.usd - a.usd;
    return {
      from,
      to,
      timeZone: localTimeZone(),
      pricesAsOf,
      days: days.map(rounded),
      users: [...users.values()].sort(byUsd).map(rounded),
      orgs: [...orgs.values()].sort(byUsd).map(rounded),
      totals: rounded(totals),
      gatewayMonth: {
        month: monthKey(now),
        spentUsd: roundUsd(monthSpent),
        limitUsd: limits.gatewayMonthlyUsd,
        resetsAt: nextMonthStart(now),
      },
      limits,
      warnings: await this.warnings(monthRows),
    };
  }

  /** Limits at 80% or more in their current period, for the admin view. */
  async warnings(monthRows?: UsageDayRow[]): Promise<BudgetWarning[]> {
    const now = this.#now();
    const limits = this.#options.limits();
    const rows = monthRows ?? (await this.#options.store.rows(monthStartDay(now), dayKey(now)));
    const out: BudgetWarning[] = [];
    const consider = (limit: SpendLimitName, spentUsd: number, resetsAt: number, user?: BudgetWarning['user']): void => {
      const limitUsd = limits[limit];
      if (limitUsd === null || spentUsd < limitUsd * warningShare) return;
      out.push({ limit, spentUsd: roundUsd(spentUsd), limitUsd, resetsAt, exceeded: spentUsd >= limitUsd, ...(user ? { user } : {}) });
    };
    consider(
      'gatewayMonthlyUsd',
      rows.reduce((total, row) => total + row.usd, 0),
      nextMonthStart(now),
    );
    const perUser = new Map<string, { user: NonNullable<BudgetWarning['user']>; day: number; month: number }>();
    const today = dayKey(now);
    for (const row of rows) {
      const key = `${row.orgId}\n${row.userId}`;
      const entry = perUser.get(key) ?? {
        user: { orgId: row.orgId, userId: row.userId, name: row.name, email: row.email },
        day: 0,
        month: 0,
      };
      entry.month += row.usd;
      if (row.day === today) entry.day += row.usd;
      perUser.set(key, entry);
    }
    for (const entry of perUser.values()) {
      consider('perUserDailyUsd', entry.day, nextDayStart(now), entry.user);
      consider('perUserMonthlyUsd', entry.month, nextMonthStart(now), entry.user);
    }
    return out.sort(
      (a, b) => b.spentUsd / b.limitUsd - a.spentUsd / a.limitUsd || spendLimitNames.indexOf(a.limit) - spendLimitNames.indexOf(b.limit),
    );
  }

  close(): Promise<void> {
    return this.#options.store.close();
  }
}
