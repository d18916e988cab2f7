import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { AuditEntry } from '../../../shared/types/audit';

import { AuditTrail } from './auditTrail';

const base = (tool: string, user = 'Alice Nguyen'): Omit<AuditEntry, 'id' | 'at'> => ({
  user: { id: 'u1', name: user, email: `${user.split(' ')[0]!.toLowerCase()}@acme.test` },
  org: { id: 'a0000000000000000000000000000001', name: 'Acme Operations' },
  session: { id: 's1', kind: 'web', client: 'web' },
  tool,
  args: { task_id: 't1', api_key: '[redacted]' },
  approval: tool === 'complete_task' ? 'approved' : 'automatic',
  status: 'ok',
  durationMs: 12,
});

describe('the audit trail', () => {
  it('appends JSON lines that a new instance (a restart) reads back, newest first, with filters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-'));
    let now = 1000;
    const first = new AuditTrail({ dir, now: () => now++ });
    first.record(base('get_my_tasks'));
    first.record(base('complete_task'));
    first.record(base('get_my_tasks', 'Bob Stone'));
    await first.close();
    const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1]!)).toMatchObject({ tool: 'complete_task', approval: 'approved', user: { name: 'Alice Nguyen' } });

    const second = new AuditTrail({ dir });
    expect((await second.list()).entries.map((entry) => entry.tool)).toEqual(['get_my_tasks', 'complete_task', 'get_my_tasks']);
    expect((await second.list({ user: 'bob' })).entries.map((entry) => entry.user.name)).toEqual(['Bob Stone']);
    expect((await second.list({ approval: 'approved' })).entries.map((entry) => entry.tool)).toEqual(['complete_task']);
    expect((await second.list({ tool: 'TASKS', since: 1001 })).entries.map((entry) => entry.at)).toEqual([1002]);
    expect(await second.list({ limit: 2 })).toMatchObject({ truncated: true });
    second.record(base('create_tag'));
    // What was just recorded is visible at once.
    expect((await second.list({ limit: 1 })).entries[0]!.tool).toBe('create_tag');
    await second.close();
  });

  it('rotates by size, keeps the set number of files and still reads across them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-rotate-'));
    const trail = new AuditTrail({ dir, maxFileSize: '1K', keepFiles: 2 });
    for (let index = 0; index < 40; index += 1) {
      trail.record({ ...base('get_task'), args: { task_id: `t${index}` } });
      // Rotation is checked between writes: give it a turn now and then.
      if (index % 5 === 4) await trail.list({ limit: 1 });
    }
    const listed = await trail.list({ limit: 5000 });
    await trail.close();
    const files = readdirSync(dir).sort();
    expect(files).toContain('audit.jsonl');
    expect(files.filter((name) => /^audit\.jsonl\.\d+$/.test(name)).length).toBeGreaterThan(0);
    expect(files.filter((name) => /^audit\.jsonl\.\d+$/.test(name)).length).toBeLessThanOrEqual(2);
    // Newest first, and the oldest ones are gone with the deleted files.
    expect(listed.entries[0]!.args).toEqual({ task_id: 't39' });
    expect(listed.entries.length).toBeLessThan(40);
    expect(listed.entries.length).toBeGreaterThan(5);
  });
});
