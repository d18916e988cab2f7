import { describe, expect, it } from 'vitest';

import { buildSystemPrompt, localDate, validTimeZone } from './systemPrompt';

const user = {
  name: 'Bob Standard',
  email: 'bob@acme.test',
  role: 'standard',
  orgId: 'org-a',
  orgName: 'Acme Operations',
  timezone: 'Pacific/Auckland',
};

describe('system prompt', () => {
  it("gives today's date in the org's time zone, not the server's", () => {
    // 23:30 UTC on 26 Nov is already 27 Nov in Auckland (UTC+13 in summer).
    const now = new Date('2026-11-26T23:30:00Z');
    const prompt = buildSystemPrompt(user, now);
    expect(prompt).toContain('Friday, 27 November 2026 (2026-11-27)');
    expect(prompt).toContain('Pacific/Auckland');
    expect(localDate(now, 'UTC').iso).toBe('2026-11-26');
  });

  it('names the user, email, role and org, and asks for concise markdown', () => {
    const prompt = buildSystemPrompt(user, new Date('2026-11-26T10:00:00Z'));
    expect(prompt).toContain('Bob Standard <bob@acme.test>, role: standard');
    expect(prompt).toContain('Acme Operations (org id org-a)');
    expect(prompt).toMatch(/concise markdown/);
  });

  it('is deterministic for a user and day (cacheable) and falls back to UTC for an unknown zone', () => {
    const a = buildSystemPrompt(user, new Date('2026-11-26T10:00:00Z'));
    const b = buildSystemPrompt(user, new Date('2026-11-26T10:05:00Z'));
    expect(a).toBe(b);
    expect(validTimeZone('Mars/Olympus')).toBe('UTC');
    expect(buildSystemPrompt({ ...user, timezone: 'Mars/Olympus' }, new Date('2026-11-26T10:00:00Z'))).toContain('UTC time zone');
  });
});
