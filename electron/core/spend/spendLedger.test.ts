import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { noSpendLimits, type SpendLimits } from '../../../shared/types/spend';

import { dayKey, nextDayStart, nextMonthStart } from './periods';
import { priceUsd } from './pricing';
import { SpendLedger, type SpendSubject } from './spendLedger';
import { fileSpendStore, memorySpendStore } from './spendStore';

const bob: SpendSubject = { orgId: 'org1', orgName: 'Acme', userId: 'u-bob', name: 'Bob', email: 'bob@example.com', local: false };
const carol: SpendSubject = { orgId: 'org1', userId: 'u-carol', name: 'Carol', email: 'carol@example.com', local: false };
const desk: SpendSubject = { orgId: 'org1', userId: 'u-alice', name: 'Alice', email: 'alice@example.com', local: true };
/** 1,000,000 output tokens of Sonnet: exactly $15. */
const fifteenDollars = { inputTokens: 0, outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0 };
const model = 'claude-sonnet-5-5';

function ledger(limits: Partial<SpendLimits>, now: () => number = () => new Date(2026, 11, 7, 15, 0).getTime()) {
  let current: SpendLimits = { ...noSpendLimits(), ...limits };
  const instance = new SpendLedger({ store: memorySpendStore(), limits: () => current, now });
  return { ledger: instance, setLimits: (next: Partial<SpendLimits>) => (current = { ...noSpendLimits(), ...next }) };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('pricing', () => {
  it('prices each kind of token at its own rate for the model', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 };
    expect(priceUsd(usage, 'claude-sonnet-5-5')).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
    expect(priceUsd(usage, 'claude-haiku-5')).toBeCloseTo(1 + 5 + 0.1 + 1.25, 10);
    expect(priceUsd(usage, 'claude-opus-5')).toBeCloseTo(15 + 75 + 1.5 + 18.75, 10);
  });
});

describe('SpendLedger', () => {
  it('refuses once the daily limit is reached, naming the limit, the spend and the reset', async () => {
    const now = new Date(2026, 11, 7, 15, 0).getTime();
    const { ledger: spend } = ledger({ perUserDailyUsd: 20 }, () => now);
    expect(await spend.check(bob)).toBeUndefined();
    await spend.record(bob, fifteenDollars, model);
    expect(await spend.check(bob)).toBeUndefined();
    await spend.record(bob, fifteenDollars, model);
    const refusal = await spend.check(bob);
    expect(refusal).toMatchObject({ limit: 'perUserDailyUsd', spentUsd: 30, limitUsd: 20, resetsAt: nextDayStart(now) });
    expect(refusal?.message).toMatch(/daily spending limit: \$30\.00 spent of \$20\.00/);
    expect(refusal?.message).toMatch(/resets at 00:00 on Tue 8 Dec/);
    // Another teammate is not affected by Bob's daily limit.
    expect(await spend.check(carol)).toBeUndefined();
  });

  it('the monthly limit counts every day of the month, and a new day lifts only the daily limit', async () => {
    let now = new Date(2026, 11, 7, 23, 0).getTime();
    const { ledger: spend } = ledger({ perUserDailyUsd: 10, perUserMonthlyUsd: 25 }, () => now);
    await spend.record(bob, fifteenDollars, model);
    expect((await spend.check(bob))?.limit).toBe('perUserDailyUsd');
    now = new Date(2026, 11, 8, 0, 30).getTime();
    expect(await spend.check(bob)).toBeUndefined();
    await spend.record(bob, fifteenDollars, model);
    const refusal = await spend.check(bob);
    expect(refusal?.limit).toBe('perUserDailyUsd');
    now = new Date(2026, 11, 9, 9, 0).getTime();
    expect(await spend.check(bob)).toMatchObject({ limit: 'perUserMonthlyUsd', spentUsd: 30, resetsAt: nextMonthStart(now) });
    now = new Date(2027, 0, 1, 0, 0).getTime();
    expect(await spend.check(bob)).toBeUndefined();
  });

  it('the gateway limit sums everyone; the desk user is bound by it and by nothing else', async () => {
    const { ledger: spend } = ledger({ perUserDailyUsd: 1, gatewayMonthlyUsd: 40 });
    await spend.record(desk, fifteenDollars, model);
    await spend.record(desk, fifteenDollars, model);
    // Over the per-user daily limit, but the desk user's chat follows the gateway limit only.
    expect(await spend.check(desk)).toBeUndefined();
    await spend.record(bob, fifteenDollars, model);
    expect(await spend.check(carol)).toMatchObject({ limit: 'gatewayMonthlyUsd', spentUsd: 45 });
    expect((await spend.check(desk))?.message).toMatch(/The gateway has reached the gateway's monthly spending limit/);
  });

  it('a limit of 0 refuses at once; null means no limit; a change applies at the next check', async () => {
    const { ledger: spend, setLimits } = ledger({ perUserDailyUsd: 0 });
    expect((await spend.check(bob))?.limit).toBe('perUserDailyUsd');
    setLimits({});
    expect(await spend.check(bob)).toBeUndefined();
  });

  it('warns once per period at 80%, and again in the next period', async () => {
    let now = new Date(2026, 11, 7, 10, 0).getTime();
    const { ledger: spend } = ledger({ perUserDailyUsd: 18 }, () => now);
    await spend.record(bob, { ...fifteenDollars, outputTokens: 900_000 }, model); // $13.50 = 75%
    expect(await spend.dueWarnings(bob)).toEqual([]);
    await spend.record(bob, { ...fifteenDollars, outputTokens: 100_000 }, model); // $15.00 = 83%
    const [warning, ...rest] = await spend.dueWarnings(bob);
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ limit: 'perUserDailyUsd', limitUsd: 18 });
    expect(warning?.message).toMatch(/used 83% of your daily spending limit \(\$15\.00 of \$18\.00\)/);
    expect(await spend.dueWarnings(bob)).toEqual([]);
    now = new Date(2026, 11, 8, 10, 0).getTime();
    await spend.record(bob, fifteenDollars, model);
    await spend.record(bob, fifteenDollars, model);
    // One call took the new day past the limit: still one warning, saying it is reached.
    const next = await spend.dueWarnings(bob);
    expect(next.map((item) => item.limit)).toEqual(['perUserDailyUsd']);
    expect(next[0]?.message).toMatch(
      /reached your daily spending limit \(\$30\.00 of \$18\.00\)\. New questions will be refused until it resets at 00:00 on Wed 9 Dec/,
    );
  });

  it('reports spend and tokens per user and org per day, top users first, and the month against the limit', async () => {
    let now = new Date(2026, 11, 6, 12, 0).getTime();
    const { ledger: spend } = ledger({ gatewayMonthlyUsd: 100, perUserDailyUsd: 16 }, () => now);
    await spend.record(bob, { inputTokens: 1000, outputTokens: 2000, cacheReadTokens: 300, cacheWriteTokens: 400 }, model);
    now = new Date(2026, 11, 7, 12, 0).getTime();
    await spend.record(carol, fifteenDollars, model);
    await spend.record(bob, { inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 }, model);
    const report = await spend.report();
    expect(report.from).toBe('2026-12-01');
    expect(report.to).toBe(dayKey(now));
    expect(report.days.map((row) => [row.day, row.name])).toEqual([
      ['2026-12-06', 'Bob'],
      ['2026-12-07', 'Carol'],
      ['2026-12-07', 'Bob'],
    ]);
    expect(report.days[0]).toMatchObject({
      inputTokens: 1000,
      outputTokens: 2000,
      cacheReadTokens: 300,
      cacheWriteTokens: 400,
      calls: 1,
      orgName: 'Acme',
    });
    expect(report.days[0]?.usd).toBeCloseTo((1000 * 3 + 2000 * 15 + 300 * 0.3 + 400 * 3.75) / 1e6, 6);
    expect(report.users.map((user) => user.name)).toEqual(['Carol', 'Bob']);
    expect(report.orgs).toHaveLength(1);
    expect(report.orgs[0]?.calls).toBe(3);
    expect(report.gatewayMonth).toMatchObject({ month: '2026-12', limitUsd: 100 });
    expect(report.gatewayMonth.spentUsd).toBeCloseTo(15 + report.days[0]!.usd + report.days[2]!.usd, 5);
    expect(report.warnings).toEqual([
      expect.objectContaining({ limit: 'perUserDailyUsd', user: expect.objectContaining({ name: 'Carol' }), exceeded: false }),
    ]);
    const onlyYesterday = await spend.report({ from: '2026-12-06', to: '2026-12-06' });
    expect(onlyYesterday.days.map((row) => row.name)).toEqual(['Bob']);
  });
});

describe('fileSpendStore', () => {
  it('keeps spend and warning marks across a restart with the same data dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spend-'));
    dirs.push(dir);
    const now = () => new Date(2026, 11, 7, 12, 0).getTime();
    const first = new SpendLedger({ store: fileSpendStore(dir), limits: () => ({ ...noSpendLimits(), perUserDailyUsd: 16 }), now });
    await first.record(bob, fifteenDollars, model);
    expect(await first.dueWarnings(bob)).toHaveLength(1);
    await first.close();
    const second = new SpendLedger({ store: fileSpendStore(dir), limits: () => ({ ...noSpendLimits(), perUserDailyUsd: 15 }), now });
    expect(await second.check(bob)).toMatchObject({ limit: 'perUserDailyUsd', spentUsd: 15 });
    expect(await second.dueWarnings(bob)).toEqual([]);
  });

  it('skips unreadable lines and compacts a long file to one line per user and day', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spend-'));
    dirs.push(dir);
    const store = fileSpendStore(dir);
    const entry = {
      day: '2026-12-07',
      orgId: 'o',
      userId: 'u',
      name: 'U',
      email: 'u@x',
      usd: 0.5,
      inputTokens: 1,
      outputTokens: 2,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      calls: 1,
    };
    for (let i = 0; i < 20; i++) await store.add(entry);
    const { appendFileSync } = await import('node:fs');
    appendFileSync(store.file, 'not json\n{"d":"bad"}\n');
    const warnings: string[] = [];
    const reopened = fileSpendStore(dir, { compactAfterLines: 5, warn: (message) => warnings.push(message) });
    expect(warnings.join()).toMatch(/skipped 2 unreadable lines/);
    expect(await reopened.rows('2026-12-01', '2026-12-31')).toEqual([
      expect.objectContaining({ usd: 10, inputTokens: 20, outputTokens: 40, calls: 20 }),
    ]);
    expect(readFileSync(store.file, 'utf8').trim().split('\n')).toHaveLength(1);
    expect((await fileSpendStore(dir).rows('2026-12-07', '2026-12-07'))[0]?.usd).toBe(10);
  });
});
