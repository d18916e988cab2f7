import { afterEach, describe, expect, it } from 'vitest';

import { dispatchAdmin } from '../../electron/core/admin/dispatch';
import { sandboxOrgs, sandboxTokens } from '../../electron/core/tallyfy/sandbox';
import type { UsageReport } from '../../shared/types/spend';
import { textReply } from '../fakes/anthropic/replies';

import { startStack, type Stack } from './support/stack';
import { TestClient, type Frame } from './support/wsClient';

/**
 * Spending limits through the WebSocket against the fake Anthropic: every model call reports
 * the same usage, so each costs exactly $0.12 at the Sonnet rates (3 / 15 / 3.75 / 0.30 per million):
 * 10,000 input ($0.03) + 2,000 output ($0.03) + 8,000 cache writes ($0.03) + 100,000 cache reads ($0.03).
 */
const usage = { input_tokens: 10_000, output_tokens: 2_000, cache_creation_input_tokens: 8_000, cache_read_input_tokens: 100_000 };
const perCall = 0.12;

const stacks: Stack[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.ws.terminate();
  for (const stack of stacks.splice(0).reverse()) await stack.close();
});

async function start(options: Parameters<typeof startStack>[0] = {}): Promise<Stack> {
  const stack = await startStack({ env: { TALLYFY_API_KEY: sandboxTokens.alice, TALLYFY_ORG_ID: sandboxOrgs.acme }, ...options });
  stacks.push(stack);
  stack.fake.setFallback(() => textReply('Sure.', { usage }));
  return stack;
}

async function signIn(stack: Stack, token: string): Promise<TestClient> {
  const client = await TestClient.open(stack.url);
  clients.push(client);
  await client.request({ type: 'auth', api_key: token, org_id: sandboxOrgs.acme }, 'auth_success', 10_000);
  return client;
}

async function signInLocal(stack: Stack): Promise<TestClient> {
  const connection = stack.parts.gateway.localChat();
  if (!connection.available) throw new Error(connection.reason);
  const client = await TestClient.open(connection.wsUrl);
  clients.push(client);
  await client.request({ type: 'auth_local', local_token: connection.localToken }, 'auth_success', 10_000);
  return client;
}

/** Sends a query and waits for its answer: the `response` or the `error`. */
function ask(client: TestClient, content: string): Promise<Frame> {
  const answer = client.next(['response', 'error'], 15_000);
  client.send({ type: 'query', content });
  return answer;
}

const warnings = (client: TestClient): Frame[] => client.frames.filter((frame) => frame.type === 'info' && frame.code === 'budget_warning');

async function admin<T>(stack: Stack, route: string, input: unknown): Promise<T> {
  const result = await dispatchAdmin(stack.core.admin.handlers, route, input);
  if (!result.ok) throw new Error(`${route}: ${JSON.stringify(result.error)}`);
  return result.data as T;
}

/** Waits until `check` passes (spend is recorded right after the usage arrives). */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('spending limits on the shared Anthropic key', () => {
  it('drives a teammate over the daily limit: warned once at 80%, then BUDGET_EXCEEDED with nothing sent to Claude; the limit holds across a restart', async () => {
    const first = await start({ flags: ['--user-daily-usd', '0.40'] });
    const bob = await signIn(first, sandboxTokens.bob);
    for (const query of ['one', 'two']) expect((await ask(bob, query)).type).toBe('response');
    expect(warnings(bob)).toEqual([]);
    expect((await ask(bob, 'three')).type).toBe('response'); // $0.36 = 90%
    await eventually(() => warnings(bob).length === 1, 'the budget warning');
    expect(warnings(bob)[0]?.message).toMatch(/used 90% of your daily spending limit \(\$0\.36 of \$0\.40\)/);
    expect((await ask(bob, 'four')).type).toBe('response'); // started under the limit: $0.48
    await eventually(async () => (await admin<UsageReport>(first, 'usage.report', {})).totals.calls === 4, 'four calls on record');
    const sent = first.fake.messageRequests.length;
    const refused = await ask(bob, 'five');
    expect(refused).toMatchObject({ type: 'error', code: 'BUDGET_EXCEEDED' });
    expect(refused.message).toMatch(/your daily spending limit: \$0\.48 spent of \$0\.40\. It resets at 00:00 on /);
    expect(first.fake.messageRequests.length).toBe(sent);
    expect(warnings(bob)).toHaveLength(1);
    // Direct tool mode is not charged, so it still works.
    expect(await ask(bob, '/tools')).toMatchObject({ type: 'response' });
    // Another teammate has their own daily budget.
    const carol = await signIn(first, sandboxTokens.carol);
    expect((await ask(carol, 'hello')).type).toBe('response');

    const report = await admin<UsageReport>(first, 'usage.report', {});
    const bobRow = report.users.find((user) => user.name.startsWith('Bob'));
    expect(bobRow).toMatchObject({
      inputTokens: 40_000,
      outputTokens: 8_000,
      cacheWriteTokens: 32_000,
      cacheReadTokens: 400_000,
      calls: 4,
    });
    expect(bobRow?.usd).toBeCloseTo(4 * perCall, 6);
    expect(report.users[0]?.name).toMatch(/^Bob/);
    expect(report.warnings).toEqual([
      expect.objectContaining({ limit: 'perUserDailyUsd', exceeded: true, user: expect.objectContaining({ name: bobRow?.name }) }),
    ]);

    // Restart with the same data dir: the spend is still there.
    await first.stop();
    const second = await start({ flags: ['--user-daily-usd', '0.40'], dataDir: first.dataDir });
    const bobAgain = await signIn(second, sandboxTokens.bob);
    expect(await ask(bobAgain, 'six')).toMatchObject({ type: 'error', code: 'BUDGET_EXCEEDED' });
    expect(second.fake.messageRequests).toHaveLength(0);
    const afterRestart = await admin<UsageReport>(second, 'usage.report', {});
    expect(afterRestart.totals.calls).toBe(5);
    expect(afterRestart.totals.usd).toBeCloseTo(5 * perCall, 6);
  });

  it('monthly and gateway limits change at once through settings.update; the desk user follows the gateway limit only', async () => {
    const stack = await start();
    const bob = await signIn(stack, sandboxTokens.bob);
    const desk = await signInLocal(stack);
    expect((await ask(bob, 'one')).type).toBe('response');
    expect((await ask(desk, 'one')).type).toBe('response');
    await eventually(async () => (await admin<UsageReport>(stack, 'usage.report', {})).totals.calls === 2, 'two calls on record');

    // Per-user limits do not bind the desk user's own chat.
    await admin(stack, 'settings.update', { spendLimits: { perUserDailyUsd: 0.1, perUserMonthlyUsd: 0.1 } });
    expect(await ask(bob, 'two')).toMatchObject({ type: 'error', code: 'BUDGET_EXCEEDED' });
    expect((await ask(desk, 'two')).type).toBe('response');
    await admin(stack, 'settings.update', { spendLimits: { perUserDailyUsd: null } });
    const monthly = await ask(bob, 'three');
    expect(monthly).toMatchObject({ type: 'error', code: 'BUDGET_EXCEEDED' });
    expect(monthly.message).toMatch(/your monthly spending limit: \$0\.12 spent of \$0\.10\. It resets at 00:00 on .* 1 /);

    // The gateway limit sums everyone, the desk user included, and stops the desk user too.
    await admin(stack, 'settings.update', { spendLimits: { perUserMonthlyUsd: null, gatewayMonthlyUsd: 0.45 } });
    expect((await ask(bob, 'four')).type).toBe('response'); // $0.48 of $0.45 after this call
    await eventually(
      async () => (await admin<UsageReport>(stack, 'usage.report', {})).gatewayMonth.spentUsd >= 0.48 - 1e-9,
      'the month over the limit',
    );
    const deskRefused = await ask(desk, 'five');
    expect(deskRefused).toMatchObject({ type: 'error', code: 'BUDGET_EXCEEDED' });
    expect(deskRefused.message).toMatch(/The gateway has reached the gateway's monthly spending limit.*\$0\.48 spent of \$0\.45/);
    const report = await admin<UsageReport>(stack, 'usage.report', {});
    expect(report.gatewayMonth).toMatchObject({ limitUsd: 0.45 });
    expect(report.orgs).toHaveLength(1);
    // Raising the limit lets everyone continue at once.
    await admin(stack, 'settings.update', { spendLimits: { gatewayMonthlyUsd: 10 } });
    expect((await ask(desk, 'six')).type).toBe('response');
  });
});
