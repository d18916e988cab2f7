import { describe, expect, it } from 'vitest';

import { SecretRegistry } from '../log/redact';

import { createTallyfyClient, type TallyfyClientOptions } from './client';
import {
  TallyfyAbortedError,
  TallyfyBadRequestError,
  TallyfyConflictError,
  TallyfyError,
  TallyfyForbiddenError,
  TallyfyNetworkError,
  TallyfyNotFoundError,
  TallyfyRateLimitError,
  TallyfyServerError,
  TallyfyTimeoutError,
  TallyfyUnauthorizedError,
  TallyfyValidationError,
} from './errors';
import type { RequestInfo } from './http';
import { sandboxIds, sandboxOrgs, sandboxTokens } from './sandbox';
import { useSandbox } from './sandbox/testing';

const sandbox = useSandbox();
const token = sandboxTokens.alice;

function makeClient(overrides: Partial<TallyfyClientOptions> = {}) {
  const requests: RequestInfo[] = [];
  const client = createTallyfyClient({
    baseUrl: sandbox.url,
    token,
    orgId: sandboxOrgs.acme,
    retryBaseDelayMs: 5,
    onRequest: (info) => requests.push(info),
    ...overrides,
  });
  return { client, requests };
}

async function failure(promise: Promise<unknown>): Promise<TallyfyError> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to fail'),
    (caught: unknown) => caught,
  );
  if (!(error instanceof TallyfyError)) throw error;
  // Nothing an error exposes may contain the token.
  for (const text of [error.message, JSON.stringify(error), error.stack ?? '', String(error.cause ?? '')]) expect(text).not.toContain(token);
  return error;
}

const tasksPath = `/organizations/${sandboxOrgs.acme}/tasks`;

describe('createTallyfyClient', () => {
  it('refuses bad options with a message that does not echo the token', () => {
    expect(() => createTallyfyClient({ baseUrl: 'not a url', token: 'secret-token-xyz', orgId: sandboxOrgs.acme })).toThrow(/baseUrl/);
    expect(() => createTallyfyClient({ baseUrl: sandbox.url, token: 'secret-token-xyz', orgId: 'acme' })).toThrow(/32-character hex/);
    try {
      createTallyfyClient({ baseUrl: sandbox.url, token: 'secret-token-xyz', orgId: 'acme' });
    } catch (error) {
      expect(String(error)).not.toContain('secret-token-xyz');
    }
  });

  it('sends the headers Tallyfy requires (the sandbox refuses requests without X-Tallyfy-Client)', async () => {
    const { client } = makeClient();
    const me = await client.me();
    expect(me.id).toBe(10001);
    expect(me.role).toBe('admin');
    expect(me.timezone).toBe('America/Chicago');
    const org = await client.organization();
    expect(org).toMatchObject({ name: 'Acme Operations', timezone: 'America/Chicago' });
  });

  it('fills {org} in low-level request paths and returns the raw body', async () => {
    const { client } = makeClient();
    const body = await client.request<{ data: unknown[]; meta: unknown }>('GET', '/organizations/{org}/tags');
    expect(Array.isArray(body.data)).toBe(true);
    expect(body.meta).toHaveProperty('pagination');
  });
});

describe('error mapping (one class per status family)', () => {
  it('400 → TallyfyBadRequestError with Tallyfy message', async () => {
    const { client } = makeClient();
    sandbox.faults.failNext(1, 400, 'The default admin cannot be removed.');
    const error = await failure(client.tags.list());
    expect(error).toBeInstanceOf(TallyfyBadRequestError);
    expect(error).toMatchObject({ code: 'BAD_REQUEST', status: 400, tallyfyMessage: 'The default admin cannot be removed.' });
    expect(error.message).toContain('The default admin cannot be removed');
  });

  it('401 → TallyfyUnauthorizedError telling the user to create a new token', async () => {
    const { client } = makeClient({ token: 'expired-personal-token-123' });
    const error = await failure(client.me());
    expect(error).toBeInstanceOf(TallyfyUnauthorizedError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/new personal access token/);
    expect(error.message).not.toContain('expired-personal-token-123');
  });

  it('403 → TallyfyForbiddenError for a token of another org', async () => {
    const { client } = makeClient({ token: sandboxTokens.dave });
    const error = await failure(client.tasks.listMine());
    expect(error).toBeInstanceOf(TallyfyForbiddenError);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).not.toContain(sandboxTokens.dave);
  });

  it('404 → TallyfyNotFoundError (archived templates read as missing)', async () => {
    const { client } = makeClient();
    const error = await failure(client.templates.get(sandboxIds.archivedTemplate));
    expect(error).toBeInstanceOf(TallyfyNotFoundError);
    expect(error.path).toBe(`/organizations/${sandboxOrgs.acme}/checklists/${sandboxIds.archivedTemplate}`);
  });

  it('409 → TallyfyConflictError with the structured api code', async () => {
    const { client } = makeClient();
    const acme = sandbox.state.orgs.get(sandboxOrgs.acme);
    for (let index = 0; index < 25; index += 1) {
      acme?.users.push({ id: 50_000 + index, email: `seat${index}@acme.example`, first_name: 'Seat', last_name: String(index), role: 'standard', status: 'active', timezone: null, job_title: null });
    }
    const error = await failure(client.users.invite({ email: 'new@acme.example', first_name: 'New', last_name: 'Person', role: 'standard', message: 'Welcome' }));
    expect(error).toBeInstanceOf(TallyfyConflictError);
    expect(error.apiCode).toBe('SEAT_POOL_EXHAUSTED');
    expect(error.message).toContain('SEAT_POOL_EXHAUSTED');
  });

  it('422 → TallyfyValidationError with field errors (including nested prerun entries)', async () => {
    const { client } = makeClient();
    const approval = await failure(client.tasks.complete(sandboxIds.vendorRun, sandboxIds.vendorApprovalTask));
    expect(approval).toBeInstanceOf(TallyfyValidationError);
    expect(approval.fieldErrors).toEqual({ is_approved: ['The is approved field is required'] });
    expect(approval.message).toContain('is_approved: The is approved field is required');
    const launch = await failure(client.runs.launch({ checklist_id: sandboxIds.vendorTemplate, prerun: [] as unknown as Record<string, unknown> }));
    expect(launch.code).toBe('VALIDATION');
    expect(launch.fieldErrors.prerun).toEqual(expect.arrayContaining(['Vendor name is required', 'Contract tier is required']));
  });

  it('429 retried until it succeeds, honouring Retry-After', async () => {
    const { client, requests } = makeClient();
    sandbox.faults.rateLimitNext(1, 1);
    const started = performance.now();
    const page = await client.tasks.list();
    expect(page.data.length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    sandbox.faults.rateLimitNext(2, 0);
    await client.tasks.list();
    expect(sandbox.requestLog.map((entry) => entry.status)).toEqual([429, 200, 429, 429, 200]);
    expect(requests.map((info) => info.attempt)).toEqual([1, 2, 1, 2, 3]);
  });

  it('429 on POST is retried too', async () => {
    const { client } = makeClient();
    sandbox.faults.rateLimitNext(1, 0);
    const tag = await client.tags.create({ title: 'Retried' });
    expect(tag.title).toBe('Retried');
    expect(sandbox.requestLog.map((entry) => `${entry.method} ${entry.status}`)).toEqual(['POST 429', 'POST 201']);
  });

  it('429 → TallyfyRateLimitError with retryAfterSeconds when the retries run out', async () => {
    const { client } = makeClient({ maxRetries: 2 });
    sandbox.faults.rateLimitNext(10, 0);
    const error = await failure(client.tasks.list());
    expect(error).toBeInstanceOf(TallyfyRateLimitError);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 0, apiCode: 'RATE_LIMIT_EXCEEDED' });
    expect(sandbox.requestLog).toHaveLength(3);
  });

  it('a Retry-After beyond the cap fails at once instead of waiting', async () => {
    const { client } = makeClient({ maxRetryAfterMs: 1000 });
    sandbox.faults.rateLimitNext(1, 120);
    const error = await failure(client.tasks.list());
    expect(error.retryAfterSeconds).toBe(120);
    expect(error.message).toMatch(/Retry after 120 s/);
    expect(sandbox.requestLog).toHaveLength(1);
  });

  it('502/503/504 are retried on GET', async () => {
    const { client } = makeClient();
    sandbox.faults.failNext(1, 503);
    await client.tasks.list();
    sandbox.faults.failNext(1, 502);
    await client.runs.list();
    expect(sandbox.requestLog.map((entry) => entry.status)).toEqual([503, 200, 502, 200]);
  });

  it('5xx on POST is NOT retried → TallyfyServerError', async () => {
    const { client } = makeClient();
    sandbox.faults.failNext(1, 503);
    const error = await failure(client.tags.create({ title: 'Once only' }));
    expect(error).toBeInstanceOf(TallyfyServerError);
    expect(error.status).toBe(503);
    expect(sandbox.requestLog).toHaveLength(1);
    expect(sandbox.state.orgs.get(sandboxOrgs.acme)?.tags.some((tag) => tag.title === 'Once only')).toBe(false);
  });

  it('500 on GET is not retried (only 502/503/504 are)', async () => {
    const { client } = makeClient();
    sandbox.faults.failNext(1, 500);
    const error = await failure(client.tasks.list());
    expect(error.code).toBe('SERVER_ERROR');
    expect(sandbox.requestLog).toHaveLength(1);
  });

  it('no answer within timeoutMs → TallyfyTimeoutError', async () => {
    const { client } = makeClient({ timeoutMs: 150 });
    sandbox.faults.hangNext(1);
    const error = await failure(client.me());
    expect(error).toBeInstanceOf(TallyfyTimeoutError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/150 ms/);
  });

  it('dropped connection on GET is retried, and on POST becomes TallyfyNetworkError', async () => {
    const { client } = makeClient();
    sandbox.faults.dropNext(1);
    await client.tasks.list();
    expect(sandbox.requestLog.map((entry) => entry.fault ?? entry.status)).toEqual(['drop', 200]);
    sandbox.faults.dropNext(1);
    const error = await failure(client.tags.create({ title: 'Dropped' }));
    expect(error).toBeInstanceOf(TallyfyNetworkError);
    expect(error.code).toBe('NETWORK');
  });

  it('nothing listening → TallyfyNetworkError after the GET retries', async () => {
    const { client, requests } = makeClient({ baseUrl: 'http://127.0.0.1:9', maxRetries: 1 });
    const error = await failure(client.me());
    expect(error.code).toBe('NETWORK');
    expect(error.message).toMatch(/could not be reached/);
    expect(requests).toHaveLength(2);
  });

  it('AbortSignal cancels an in-flight request and a retry wait → TallyfyAbortedError', async () => {
    const { client } = makeClient();
    sandbox.faults.set({ latencyMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const inFlight = await failure(client.tasks.list(undefined, controller.signal));
    expect(inFlight).toBeInstanceOf(TallyfyAbortedError);
    sandbox.faults.clear();
    sandbox.faults.rateLimitNext(5, 5);
    const waiting = new AbortController();
    setTimeout(() => waiting.abort(), 100);
    const started = performance.now();
    const duringWait = await failure(client.tasks.list(undefined, waiting.signal));
    expect(duringWait.code).toBe('ABORTED');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('secrets never leak', () => {
  it('scrubs the token when Tallyfy or the caller echoes it (message and path)', async () => {
    const { client } = makeClient();
    sandbox.faults.failNext(1, 400, `Token ${token} is not allowed here`);
    const echoed = await failure(client.tasks.list());
    expect(echoed.tallyfyMessage).toContain('[redacted]');
    const inPath = await failure(client.request('GET', `/organizations/{org}/tasks/${token}`));
    expect(inPath.path).not.toContain(token);
    expect(inPath.message).toContain('[redacted]');
  });

  it('scrubs the extra secrets of a SecretRegistry', async () => {
    const secrets = new SecretRegistry();
    secrets.add('anthropic-key-very-secret');
    const { client } = makeClient({ secrets });
    sandbox.faults.failNext(1, 400, 'leaked anthropic-key-very-secret');
    const error = await failure(client.tasks.list());
    expect(error.message).not.toContain('anthropic-key-very-secret');
  });

  it('no request log line or onRequest event holds the token', async () => {
    const { client, requests } = makeClient();
    await client.me();
    await failure(makeClient({ token: 'wrong-token-abcdef' }).client.me());
    const text = JSON.stringify({ log: sandbox.requestLog, requests });
    expect(text).not.toContain(token);
    expect(text).not.toContain('wrong-token-abcdef');
    expect(sandbox.requestLog[0]?.tokenId).toMatch(/^tok_[0-9a-f]{8}$/);
    expect(sandbox.requestLog[0]?.tokenId).not.toBe(sandbox.requestLog[1]?.tokenId);
  });
});

describe('template writes keep what the PUT would wipe', () => {
  it('prerun.add reads the template once, PUTs once, and keeps its title, users and groups', async () => {
    const { client } = makeClient();
    const before = await client.templates.get(sandboxIds.vendorTemplate, {});
    const fields = await client.prerun.add(sandboxIds.vendorTemplate, { label: 'Cost centre', field_type: 'text', required: false });
    expect(fields.map((field) => field.label)).toContain('Cost centre');
    const templatePath = `/organizations/${sandboxOrgs.acme}/checklists/${sandboxIds.vendorTemplate}`;
    const calls = sandbox.requestLog.filter((entry) => entry.path === templatePath).map((entry) => entry.method);
    expect(calls).toEqual(['GET', 'GET', 'PUT']);
    const after = await client.templates.get(sandboxIds.vendorTemplate, {});
    expect(after).toMatchObject({ title: before.title, users: before.users, groups: before.groups });
  });

  it('templates.amend changes only what it is given', async () => {
    const { client } = makeClient();
    const before = await client.templates.get(sandboxIds.vendorTemplate, {});
    const updated = await client.templates.amend(sandboxIds.vendorTemplate, () => ({ summary: 'New summary' }));
    expect(updated).toMatchObject({ title: before.title, users: before.users, groups: before.groups, summary: 'New summary' });
  });
});

describe('pagination helpers', () => {
  it('listPage normalises the envelope; listAll walks every page', async () => {
    const { client } = makeClient();
    const first = await client.listPage(tasksPath, { per_page: 4 });
    expect(first.data).toHaveLength(4);
    expect(first.pagination).toMatchObject({ per_page: 4, current_page: 1 });
    const all = await client.collectAll<{ id: string }>(tasksPath, { per_page: 4 });
    expect(all.truncated).toBe(false);
    expect(all.data).toHaveLength(first.pagination.total);
    expect(new Set(all.data.map((task) => task.id)).size).toBe(first.pagination.total);
  });

  it('listAll stops at the hard cap and says so', async () => {
    const { client } = makeClient();
    const capped = await client.collectAll(tasksPath, { per_page: 2 }, { maxItems: 5 });
    expect(capped.data).toHaveLength(5);
    expect(capped.truncated).toBe(true);
    // ceil(6 / 2) = 3 pages fetched for 5 (+1 probe) items
    expect(sandbox.requestLog.filter((entry) => entry.path === tasksPath)).toHaveLength(3);
  });
});
