import { describe, expect, it } from 'vitest';

import type { AuditEntry } from '../../../../shared/types/audit';

import { toCsv, toJsonl } from './auditExport';

const entry: AuditEntry = {
  id: 'e1',
  at: Date.UTC(2026, 11, 7, 20, 0, 0),
  user: { id: 'u1', name: 'Alice, "Ops"', email: 'alice@acme.test' },
  org: { id: 'o1', name: 'Acme' },
  session: { id: 's1', kind: 'web', client: 'web' },
  tool: 'create_tag',
  args: { title: '=HYPERLINK("x")' },
  approval: 'approved',
  status: 'ok',
  durationMs: 42,
};

describe('audit export', () => {
  it('writes CSV with quoting and defused formulas', () => {
    const csv = toCsv([entry]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('time,user,email,org,org_id,session,client,tool,arguments,approval,status,duration_ms,summary');
    expect(row).toBe(
      '2026-12-07T20:00:00.000Z,"Alice, ""Ops""",alice@acme.test,Acme,o1,s1,web,create_tag,"{""title"":""=HYPERLINK(\\""x\\"")""}",approved,ok,42,',
    );
    expect(toCsv([{ ...entry, summary: '=cmd|calc' }])).toContain(",'=cmd|calc");
  });

  it('writes one JSON object per line', () => {
    const lines = toJsonl([entry, { ...entry, id: 'e2' }])
      .trim()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as AuditEntry).id)).toEqual(['e1', 'e2']);
  });
});
